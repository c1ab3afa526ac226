"""Maintenance mode: a switch and the message the portal shows (casos.ajustes)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import BaseView, expose
from werkzeug.wrappers import Response
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length

from app.admin.seguridad import AccesoAdministrador, FormularioAdmin, actor_admin, ahora_admin
from app.extensiones import db
from casos.ajustes import MENSAJE_MANTENIMIENTO, cambiar_mantenimiento, mantenimiento
from casos.auditoria import registrar_auditoria


class FormularioMantenimiento(FormularioAdmin):
    """On/off and the message for customers."""

    activo = BooleanField("Portal en mantenimiento")
    mensaje = TextAreaField(
        "Mensaje para los clientes",
        validators=[Length(max=1000, message="Use como máximo 1000 caracteres.")],
        description="Déjelo vacío para usar el mensaje de siempre.",
    )


class VistaMantenimiento(AccesoAdministrador, BaseView):
    """Shows the current state and switches it."""

    @expose("/", methods=("GET", "POST"))
    def index(self) -> Response | str:
        actual = mantenimiento(db.session)
        form = FormularioMantenimiento(request.form if request.method == "POST" else None)
        if request.method == "GET":
            form.activo.data = actual.activo
            form.mensaje.data = actual.mensaje if actual.activo else ""
        elif form.validate():
            actor, ahora = actor_admin(), ahora_admin()
            nuevo = cambiar_mantenimiento(
                db.session, form.activo.data, actor, ahora, form.mensaje.data
            )
            registrar_auditoria(
                db.session,
                actor,
                "activar" if nuevo.activo else "desactivar",
                "mantenimiento",
                ahora,
                mensaje=(form.mensaje.data or "")[:1000],
            )
            db.session.commit()
            flash(
                "El portal quedó en mantenimiento."
                if nuevo.activo
                else "El portal volvió al servicio normal.",
                "success",
            )
            return redirect(url_for(".index"))
        return self.render(
            "admin/ov_mantenimiento.html",
            form=form,
            actual=actual,
            por_defecto=MENSAJE_MANTENIMIENTO,
        )
