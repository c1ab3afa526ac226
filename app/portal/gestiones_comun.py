"""What the signed-in and the public request pages share: the uploaded files, errors put next
to their fields, the page that shows a filed request, answering it, and serving its files."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path

from flask import abort, current_app, flash, render_template, request, send_file
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import MultipleFileField, TextAreaField

from app.extensiones import db
from app.portal.formularios_gestion import ACEPTA, AYUDAS, Marca
from casos.actores import Actor
from casos.adjuntos import TAMANO_MAXIMO, Adjunto, ArchivoRecibido, ruta_de
from casos.catalogo import TipoCalendario
from casos.errores import DatosInvalidos, TransicionInvalida
from casos.expediente import RE_CLAVE, expediente
from casos.modelos import Caso
from casos.respuestas import LARGO_RESPUESTA, responder_caso
from casos.sla import ZONA_CEA

AVISO_ARCHIVOS = (
    "Si había elegido archivos, vuelva a elegirlos: por seguridad no se guardan de un envío "
    "con errores."
)


def ahora() -> datetime:
    """The request's instant (UTC)."""
    return datetime.now(UTC)


def hoy(instante: datetime) -> date:
    """The day in Querétaro."""
    return instante.astimezone(ZONA_CEA).date()


def carpeta_adjuntos() -> Path:
    """Where attachments live (outside the web root)."""
    return Path(current_app.config["CARPETA_ADJUNTOS"])


def archivos_de(*nombres: str) -> dict[str, list[ArchivoRecibido]]:
    """The files chosen in each file field (empty inputs skipped; one byte past the limit is
    enough to refuse a file, so no more is read)."""
    archivos: dict[str, list[ArchivoRecibido]] = {}
    for nombre in nombres:
        elegidos = [a for a in request.files.getlist(nombre) if a and a.filename]
        archivos[nombre] = [
            ArchivoRecibido(a.filename or "archivo", a.stream.read(TAMANO_MAXIMO + 1))
            for a in elegidos
        ]
    return archivos


def marcar_errores(
    form: FlaskForm, errores: Mapping[str, str], alias: Mapping[str, str] | None = None
) -> str | None:
    """Put each reason next to its field; return what has no field of its own."""
    sueltos = []
    for campo, mensaje in errores.items():
        nombre = (alias or {}).get(campo, campo)
        if nombre in form._fields and nombre not in ("csrf_token", "clave_envio"):
            form[nombre].errors = [*form[nombre].errors, mensaje]
        else:
            sueltos.append(mensaje)
    return " ".join(sueltos) or None


def tamano_legible(octetos: int) -> str:
    """`850 KB`, `1.2 MB`."""
    if octetos >= 1024 * 1024:
        return f"{octetos / (1024 * 1024):.1f} MB"
    return f"{max(1, -(-octetos // 1024))} KB"


def es_continuo(caso: Caso) -> bool:
    """Service reports run on the 24-hour clock."""
    return caso.tipo.calendario is TipoCalendario.CONTINUO


# --- a filed request: the page, the answer, the files ------------------------------------


class FormRespuesta(FlaskForm):
    """The customer's answer to a request for information."""

    texto = TextAreaField("Su respuesta", [Marca()], render_kw={"rows": 5, "maxlength": 5000})
    adjuntos = MultipleFileField("Archivos adjuntos (opcional)", render_kw={"accept": ACEPTA})


def pagina_caso(
    plantilla: str,
    caso: Caso,
    url_adjunto: Callable[[Adjunto], str],
    form: FormRespuesta | None = None,
    **contexto: object,
) -> str:
    """Render a case as its customer sees it (Mis gestiones or the follow-up page)."""
    vista = expediente(db.session, caso)
    if form is None and vista.espera_respuesta:
        form = FormRespuesta(formdata=None)
    return render_template(
        plantilla,
        exp=vista,
        caso=caso,
        form=form,
        urls={a.clave: url_adjunto(a) for a in vista.adjuntos},
        ayudas={"adjuntos": AYUDAS["adjuntos"], "texto": f"Hasta {LARGO_RESPUESTA:,} caracteres."},
        es_continuo=es_continuo(caso),
        tamano=tamano_legible,
        aviso_archivos=AVISO_ARCHIVOS if form is not None and form.errors else None,
        **contexto,
    )


def responder(caso: Caso, actor: Actor) -> FormRespuesta | None:
    """Record a POSTed answer. None when done (the view redirects); the form with its errors
    next to the fields when something must be fixed."""
    form = FormRespuesta()
    instante = ahora()
    archivos = archivos_de("adjuntos")["adjuntos"]
    texto = form.texto.data or ""
    try:
        responder_caso(db.session, caso, texto, archivos, carpeta_adjuntos(), actor, instante)
    except TransicionInvalida as error:
        db.session.rollback()
        flash(error.mensaje, "warning")
        return None
    except DatosInvalidos as error:
        db.session.rollback()
        marcar_errores(form, error.campos)
        return form
    db.session.commit()
    flash(
        "Recibimos su respuesta. La CEA continúa con su solicitud; el plazo vuelve a correr.",
        "success",
    )
    return None


def enviar_adjunto(caso: Caso, clave: str) -> Response:
    """A file the customer may see (public, of a public event) as a download; 404 otherwise."""
    if not RE_CLAVE.fullmatch(clave):
        abort(404)
    adjunto = db.session.scalar(
        select(Adjunto).where(Adjunto.clave == clave, Adjunto.caso_id == caso.id)
    )
    if adjunto is None or adjunto not in expediente(db.session, caso).adjuntos:
        abort(404)
    ruta = ruta_de(carpeta_adjuntos(), adjunto.clave)
    if not ruta.is_file():
        abort(404)
    # At most 5 MB: served from memory, so no open file outlives an unread response.
    respuesta = send_file(
        io.BytesIO(ruta.read_bytes()),
        mimetype=adjunto.tipo_mime,
        as_attachment=True,
        download_name=adjunto.nombre,
        max_age=0,
    )
    respuesta.headers["Cache-Control"] = "private, no-store"
    respuesta.headers["X-Content-Type-Options"] = "nosniff"
    return respuesta
