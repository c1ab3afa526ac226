"""Helpers for admin tests: CSRF tokens from admin pages, form data from a rendered form."""

from __future__ import annotations

import hashlib
import os
import re
from html import unescape
from typing import Any

from tests.soporte.formularios import token_csrf

RE_CAMPO = re.compile(r'<input[^>]*\bname="([^"]+)"[^>]*>', re.S)
RE_VALOR = re.compile(r'\bvalue="([^"]*)"')


def ocultos(html: str) -> dict[str, str]:
    """The hidden inputs of the page (csrf_token, huella_registro…)."""
    datos: dict[str, str] = {}
    for etiqueta in re.finditer(r"<input[^>]*>", html):
        texto = etiqueta.group(0)
        if 'type="hidden"' not in texto:
            continue
        nombre = re.search(r'\bname="([^"]+)"', texto)
        valor = RE_VALOR.search(texto)
        if nombre and nombre.group(1) not in datos:
            datos[nombre.group(1)] = unescape(valor.group(1)) if valor else ""
    return datos


def token_para(app: Any, cliente: Any) -> str:
    """A valid CSRF token for this client's session (what csrf_token() would render)."""
    from itsdangerous import URLSafeTimedSerializer

    with cliente.session_transaction() as sesion:
        crudo = sesion.setdefault("csrf_token", hashlib.sha1(os.urandom(64)).hexdigest())
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(crudo)


def enviar_admin(cliente: Any, url: str, datos: dict[str, Any], pagina: str | None = None) -> Any:
    """GET the form page, then POST `datos` plus its hidden fields (CSRF, fingerprint)."""
    html = cliente.get(pagina or url).get_data(as_text=True)
    return cliente.post(url, data={**ocultos(html), **datos})


def texto(respuesta: Any) -> str:
    """The response body as text."""
    return unescape(respuesta.get_data(as_text=True))


__all__ = ["enviar_admin", "ocultos", "texto", "token_csrf", "token_para"]
