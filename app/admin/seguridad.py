"""What every admin view shares: administrators only, CSRF through Flask-WTF, Spanish chrome.

Anonymous visitors go to the staff sign-in, a signed-in customer gets 404 (the admin does not
exist for them) and agents or supervisors get 403 — on every URL Flask-Admin exposes (lists,
forms, actions, AJAX look-ups, exports), because Flask-Admin runs `_handle_view` before each.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import flask_admin
from babel.messages.pofile import read_po
from flask_wtf import FlaskForm
from wtforms.i18n import get_translations

from app.auth import actor_actual, personal_actual
from app.backoffice.permisos import negar_acceso
from casos.actores import Actor
from casos.permisos import es_administrador
from casos.personal import RolPersonal

CARPETA_TRADUCCIONES = Path(flask_admin.__file__).parent / "translations"


@cache
def catalogo_admin() -> dict[str, Any]:
    """Flask-Admin's own Spanish messages, read from its .po (flask-babel is not installed, and
    the shipped .mo lacks some entries): {msgid: msgstr or [singular, plural]}."""
    ruta = CARPETA_TRADUCCIONES / "es" / "LC_MESSAGES" / "admin.po"
    with ruta.open("rb") as archivo:
        catalogo = read_po(archivo, locale="es")
    mensajes: dict[str, Any] = {}
    for mensaje in catalogo:
        if not mensaje.id or mensaje.fuzzy or not mensaje.string:
            continue
        clave = mensaje.id[0] if isinstance(mensaje.id, tuple) else mensaje.id
        mensajes[clave] = mensaje.string
    return mensajes


def traducir(texto: str, **variables: Any) -> str:
    """Flask-Admin's `_gettext` in Spanish."""
    traducido = catalogo_admin().get(str(texto))
    resultado = traducido if isinstance(traducido, str) and traducido else str(texto)
    return resultado % variables if variables else resultado


def ntraducir(singular: str, plural: str, numero: int, **variables: Any) -> str:
    """Flask-Admin's `_ngettext` in Spanish."""
    variables.setdefault("num", numero)
    formas = catalogo_admin().get(str(singular))
    if isinstance(formas, tuple | list) and len(formas) == 2 and all(formas):
        elegido = formas[0] if numero == 1 else formas[1]
    else:
        elegido = singular if numero == 1 else plural
    return str(elegido) % variables


class FormularioAdmin(FlaskForm):
    """Base of every admin form: Flask-WTF's CSRF token (the one CSRFProtect checks) and
    WTForms' Spanish messages; keeps `_obj` as Flask-Admin's validators expect."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            return get_translations(["es_MX", "es"])

    def __init__(self, formdata: Any = None, obj: Any = None, prefix: str = "", **kw: Any):
        self._obj = obj
        super().__init__(formdata=formdata, obj=obj, prefix=prefix, **kw)


def exigir_administrador() -> Any:
    """None when an administrator is signed in; otherwise the redirect (or abort)."""
    return negar_acceso(frozenset({RolPersonal.ADMINISTRADOR}))


class AccesoAdministrador:
    """Mixin for Flask-Admin views: the role check and the Spanish template helpers."""

    def is_accessible(self) -> bool:
        persona = personal_actual()
        return persona is not None and es_administrador(persona)

    def is_visible(self) -> bool:
        return True

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        return exigir_administrador()

    def render(self, template: str, **kwargs: Any) -> str:
        self._template_args.update(_gettext=traducir, _ngettext=ntraducir)  # type: ignore[attr-defined]
        return super().render(template, **kwargs)  # type: ignore[misc]


def actor_admin() -> Actor:
    """The signed-in administrator as an Actor, with the request's address as origin."""
    return actor_actual()


def ahora_admin() -> datetime:
    """The instant of an admin action (UTC)."""
    return datetime.now(UTC)
