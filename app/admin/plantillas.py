"""Email templates: the files in plantillas/correo/, an administrator's version of any of them
(subject, text, HTML; rendered in a sandbox), a preview with sample data, and restoring the
file's version."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from werkzeug.wrappers import Response
from wtforms import HiddenField, StringField, TextAreaField

from app.admin.base import MENSAJE_CONFLICTO
from app.admin.muestra import contexto_muestra
from app.admin.seguridad import AccesoAdministrador, FormularioAdmin, actor_admin, ahora_admin
from app.extensiones import db
from app.formularios import marcar_errores
from casos.correo import CorreoRenderizado, renderizar_version
from casos.errores import ErrorDominio
from casos.plantillas_correo import (
    FuentePlantilla,
    PlantillaCorreo,
    fuente_vigente,
    guardar_version,
    nombres_archivo,
    restaurar_archivo,
    version_de,
)


class FormularioPlantilla(FormularioAdmin):
    """The three Jinja sources of an email."""

    asunto = StringField("Asunto (incluya el folio cuando lo haya)")
    texto = TextAreaField("Texto")
    html = TextAreaField("HTML (vacío: se arma con el texto)")
    huella_registro = HiddenField()


class FormularioRestaurar(FormularioAdmin):
    """Restoring the file's version (a POST with its CSRF token)."""


def huella_fuente(fuente: FuentePlantilla) -> str:
    """Fingerprint of the version being edited (optimistic lock)."""
    texto = "\x00".join([fuente.asunto, fuente.texto, fuente.html or ""])
    return hashlib.sha256(texto.encode()).hexdigest()[:32]


def vista_previa(fuente: FuentePlantilla) -> tuple[CorreoRenderizado | None, str | None]:
    """Render with sample data in the sandbox: (email, None) or (None, Spanish error)."""
    version = PlantillaCorreo(
        nombre=fuente.nombre, asunto=fuente.asunto, texto=fuente.texto, html=fuente.html
    )
    try:
        contexto = contexto_muestra([fuente.asunto, fuente.texto, fuente.html or ""], ahora_admin())
        return renderizar_version(version, contexto), None
    except Exception as error:  # the admin must see why, whatever Jinja raised
        return None, f"La plantilla no se pudo generar: {type(error).__name__}: {error}"


class VistaPlantillas(AccesoAdministrador, BaseView):
    """List, edit, preview and restore email templates."""

    @expose("/")
    def index(self) -> str:
        filas = [(nombre, version_de(db.session, nombre)) for nombre in nombres_archivo()]
        return self.render("admin/ov_plantillas.html", filas=filas, restaurar=FormularioRestaurar())

    @expose("/editar/", methods=("GET", "POST"))
    def editar(self) -> Response | str:
        nombre = request.args.get("nombre", "")
        if nombre not in nombres_archivo():
            abort(404)
        vigente = fuente_vigente(db.session, nombre)
        form = FormularioPlantilla(request.form if request.method == "POST" else None)
        if request.method == "GET":
            form.asunto.data, form.texto.data, form.html.data = (
                vigente.asunto,
                vigente.texto,
                vigente.html,
            )
            form.huella_registro.data = huella_fuente(vigente)
        previa: Any = None
        error_previa = None
        if request.method == "POST" and form.validate():
            fuente = FuentePlantilla(
                nombre, form.asunto.data or "", form.texto.data or "", form.html.data
            )
            if request.form.get("accion") == "guardar":
                respuesta = self._guardar(form, fuente, vigente)
                if respuesta is not None:
                    return respuesta
            previa, error_previa = vista_previa(fuente)
        return self.render(
            "admin/ov_plantilla_editar.html",
            nombre=nombre,
            form=form,
            version=version_de(db.session, nombre),
            previa=previa,
            error_previa=error_previa,
        )

    def _guardar(
        self, form: FormularioPlantilla, fuente: FuentePlantilla, vigente: FuentePlantilla
    ) -> Response | None:
        if form.huella_registro.data != huella_fuente(vigente):
            form.huella_registro.data = huella_fuente(vigente)
            flash(MENSAJE_CONFLICTO, "warning")
            return None
        try:
            guardar_version(db.session, fuente, actor_admin(), ahora_admin())
        except ErrorDominio as error:
            db.session.rollback()
            suelto = marcar_errores(form, error)
            if suelto:
                flash(suelto, "error")
            return None
        db.session.commit()
        flash(f"Se guardó la plantilla «{fuente.nombre}»; los próximos correos la usan.", "success")
        return redirect(url_for(".editar", nombre=fuente.nombre))

    @expose("/restaurar/", methods=("POST",))
    def restaurar(self) -> Response:
        nombre = request.args.get("nombre", "")
        form = FormularioRestaurar(request.form)
        if nombre not in nombres_archivo() or not form.validate():
            abort(400)
        if restaurar_archivo(db.session, nombre, actor_admin(), ahora_admin()):
            db.session.commit()
            flash(f"«{nombre}» vuelve a usar la versión del archivo.", "success")
        return redirect(url_for(".index"))
