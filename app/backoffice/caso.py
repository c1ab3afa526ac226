"""Case workspace: the request, the contract beside it, the history, the SLA panel and the
actions. Each action is a small POST form with CSRF and the case version; the view parses it,
calls casos.atencion.ejecutar, commits once and redirects. A stale version or a concurrent
write answers 409 with the page re-rendered and the agent's text kept in its form."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from app.backoffice import bp
from app.backoffice.caso_acciones import ACCIONES, ALIAS_CAMPOS, DefAccion, datos_de
from app.backoffice.caso_vista import contexto
from app.backoffice.permisos import actor_personal, persona_actual, personal_requerido
from app.extensiones import db
from app.formularios import marcar_errores
from casos.adjuntos import Adjunto, ruta_de
from casos.atencion import MENSAJE_CONFLICTO, Comando, ejecutar
from casos.errores import ConflictoEdicion, ErrorDominio, TransicionInvalida
from casos.expediente import RE_CLAVE
from casos.modelos import Caso
from casos.permisos import puede_ver_caso
from casos.seguimiento import normalizar_folio

Pagina = str | Response | tuple[str, int]


def _caso(folio: str) -> Caso:
    encontrado = db.session.scalar(select(Caso).where(Caso.folio == normalizar_folio(folio)))
    if encontrado is None or not puede_ver_caso(persona_actual(), encontrado):
        abort(404)
    return encontrado


def _pagina(caso: Caso, previos: dict[str, Any] | None = None, mensaje: str | None = None) -> str:
    ahora = datetime.now(UTC)
    variables = contexto(caso, persona_actual(), ahora, previos or {})
    return render_template(
        "backoffice/caso/pagina.html", mensaje=mensaje, seccion_actual="bandeja", **variables
    )


@bp.route("/casos/<folio>")
@personal_requerido()
def caso(folio: str) -> str:
    """Everything about one case, with the customer's contract beside it."""
    return _pagina(_caso(folio))


@bp.route("/casos/<folio>/acciones/<clave>", methods=["POST"])
@personal_requerido()
def caso_accion(folio: str, clave: str) -> Pagina:
    """Apply one action from its form (POST + CSRF + version)."""
    definicion = ACCIONES.get(clave) or abort(404)
    encontrado = _caso(folio)
    form = definicion.form()
    try:
        _ejecutar(encontrado, definicion, form)
        db.session.commit()
    except (ConflictoEdicion, StaleDataError):
        db.session.rollback()
        return _pagina(_caso(folio), {clave: form}, MENSAJE_CONFLICTO), 409
    except ErrorDominio as error:
        db.session.rollback()
        error.campos = {ALIAS_CAMPOS.get(k, k): v for k, v in error.campos.items()}
        mensaje = marcar_errores(form, error)
        estado = 409 if isinstance(error, TransicionInvalida) else 422
        return _pagina(_caso(folio), {clave: form}, mensaje or "Revise los datos marcados."), estado
    flash(definicion.exito, "success")
    return redirect(url_for("backoffice.caso", folio=encontrado.folio) + "#historial")


def _ejecutar(caso: Caso, definicion: DefAccion, form: Any) -> None:
    nota = form.nota.data if "nota" in form._fields else ""
    version = form.version.data if isinstance(form.version.data, int) else None
    if version is None:
        raise ConflictoEdicion(MENSAJE_CONFLICTO)  # a form always carries it
    comando = Comando(
        definicion.accion,
        nota=nota or "",
        version=version,
        datos=datos_de(definicion, form, persona_actual()),
    )
    ejecutar(db.session, caso, comando, actor_personal(), datetime.now(UTC))


@bp.route("/casos/<folio>/adjuntos/<clave>")
@personal_requerido()
def adjunto(folio: str, clave: str) -> Response:
    """A file of a case the person may see (public or not), as a download."""
    encontrado = _caso(folio)
    if not RE_CLAVE.fullmatch(clave):
        abort(404)
    archivo = db.session.scalar(
        select(Adjunto).where(Adjunto.clave == clave, Adjunto.caso_id == encontrado.id)
    )
    ruta = ruta_de(Path(current_app.config["CARPETA_ADJUNTOS"]), archivo.clave) if archivo else None
    if archivo is None or ruta is None or not ruta.is_file():
        abort(404)
    respuesta = send_file(
        io.BytesIO(ruta.read_bytes()),
        mimetype=archivo.tipo_mime,
        as_attachment=True,
        download_name=archivo.nombre,
        max_age=0,
    )
    respuesta.headers["Cache-Control"] = "private, no-store"
    respuesta.headers["X-Content-Type-Options"] = "nosniff"
    return respuesta
