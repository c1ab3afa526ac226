"""Integration tokens for the REST API: created here (the secret is shown once, on the page
that creates it), listed by prefix and last use, revoked with an action. Only a hash is kept."""

from __future__ import annotations

from typing import Any

from flask import flash, make_response, request
from flask_admin import expose
from flask_admin.actions import action
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import StringField

from app.admin.base import VistaSoloLectura
from app.admin.seguridad import FormularioAdmin, actor_admin, ahora_admin
from app.extensiones import db
from app.formularios import marcar_errores
from casos.errores import ErrorDominio
from casos.integraciones import TokenIntegracion, crear_token, revocar_token


class FormularioToken(FormularioAdmin):
    """The integration's name (e.g. "Centro de llamadas")."""

    nombre = StringField("Nombre de la integración")


def _estado(_v: Any, _c: Any, token: TokenIntegracion, _n: str) -> str:
    return "Vigente" if token.es_vigente else "Revocado"


class VistaTokens(VistaSoloLectura):
    """Tokens: list, create (secret shown once), revoke."""

    list_template = "admin/ov_tokens_lista.html"
    can_view_details = False
    column_list = [
        "nombre",
        "prefijo",
        "estado",
        "creado_en",
        "creado_por",
        "ultimo_uso_en",
        "revocado_en",
        "revocado_por",
    ]
    column_default_sort = ("id", True)
    column_searchable_list = ["nombre", "prefijo"]
    column_formatters = {"estado": _estado}
    column_labels = {
        "nombre": "Integración",
        "prefijo": "Prefijo",
        "estado": "Estado",
        "creado_en": "Creado",
        "creado_por": "Creado por",
        "ultimo_uso_en": "Último uso",
        "revocado_en": "Revocado",
        "revocado_por": "Revocado por",
    }

    @expose("/nuevo/", methods=("GET", "POST"))
    def nuevo(self) -> Response | str:
        """Create a token; the answer to the POST is the only place its secret appears."""
        form = FormularioToken(request.form if request.method == "POST" else None)
        secreto = token = None
        if request.method == "POST" and form.validate():
            try:
                token, secreto = crear_token(
                    db.session, form.nombre.data or "", actor_admin(), ahora_admin()
                )
            except ErrorDominio as error:
                db.session.rollback()
                marcar_errores(form, error)
            else:
                db.session.commit()
        respuesta = make_response(
            self.render("admin/ov_token_nuevo.html", form=form, token=token, secreto=secreto)
        )
        respuesta.headers["Cache-Control"] = "no-store"
        return respuesta

    @action(
        "revocar",
        "Revocar",
        "¿Revocar los tokens seleccionados? Las integraciones que los usen dejarán de funcionar.",
    )
    def accion_revocar(self, ids: list[str]) -> None:
        """Revoke the selected tokens (for good)."""
        numeros = [int(i) for i in ids if i.isdigit()]
        tokens = db.session.scalars(
            select(TokenIntegracion).where(TokenIntegracion.id.in_(numeros))
        )
        actor, ahora = actor_admin(), ahora_admin()
        cuantos = 0
        for token in tokens:
            if token.es_vigente:
                revocar_token(db.session, token, actor, ahora)
                cuantos += 1
        db.session.commit()
        flash(f"Tokens revocados: {cuantos}.", "success")
