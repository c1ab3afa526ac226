"""JSON errors of the API: `{"error": {"codigo", "mensaje", "campos"}}` for every failure.

The blueprint's handlers cover errors raised in its views; routing errors (unknown path, wrong
method) never reach a blueprint, so app/errores.py hands paths under /api/ to `respuesta_http`.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.extensiones import db
from casos.atencion import MENSAJE_CONFLICTO
from casos.errores import (
    ConflictoEdicion,
    ErrorDominio,
    TransicionInvalida,
)

PREFIJO_API = "/api/"

CODIGOS_HTTP = {
    400: ("solicitud_invalida", "La solicitud no es válida."),
    401: ("no_autenticado", "Falta el token de la integración o no es válido."),
    403: ("prohibido", "No tiene permiso para esta operación."),
    404: ("no_encontrado", "El recurso no existe."),
    405: ("metodo_no_permitido", "Este recurso no admite ese método."),
    413: ("demasiado_grande", "El cuerpo de la solicitud es demasiado grande."),
    415: ("tipo_contenido", "Envíe el cuerpo como JSON (Content-Type: application/json)."),
    429: ("demasiadas_solicitudes", "Demasiadas solicitudes; espere un momento."),
    503: ("mantenimiento", "El servicio está en mantenimiento; intente más tarde."),
}


class ErrorApi(Exception):
    """A refused API request with its HTTP status, machine code and Spanish message."""

    def __init__(
        self, estado: int, codigo: str, mensaje: str, campos: dict[str, str] | None = None
    ) -> None:
        super().__init__(mensaje)
        self.estado = estado
        self.codigo = codigo
        self.mensaje = mensaje
        self.campos = dict(campos or {})


def respuesta_error(
    estado: int, codigo: str, mensaje: str, campos: dict[str, str] | None = None
) -> Response:
    """The JSON error document with its status (401 carries WWW-Authenticate)."""
    respuesta = jsonify({"error": {"codigo": codigo, "mensaje": mensaje, "campos": campos or {}}})
    respuesta.status_code = estado
    if estado == 401:
        respuesta.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return respuesta


def respuesta_http(error: HTTPException) -> Response:
    """A werkzeug HTTP error as JSON, keeping its headers (Allow on 405, Retry-After...)."""
    estado = error.code or 500
    codigo, mensaje = CODIGOS_HTTP.get(estado, ("error_http", error.name or "Error"))
    respuesta = respuesta_error(estado, codigo, mensaje)
    for nombre, valor in error.get_headers():
        if nombre.lower() != "content-type":
            respuesta.headers[nombre] = valor
    return respuesta


def es_ruta_api(ruta: str) -> bool:
    """True for paths the API answers (JSON errors instead of HTML pages)."""
    return ruta.startswith(PREFIJO_API) or ruta == PREFIJO_API.rstrip("/")


def respuesta_interna() -> Response:
    """A 500 as JSON (logged by the caller); the transaction is rolled back."""
    db.session.rollback()
    return respuesta_error(500, "error_interno", "Ocurrió un error inesperado.")


def _dominio(error: ErrorDominio) -> Response:
    db.session.rollback()
    if isinstance(error, ConflictoEdicion):
        return respuesta_error(409, "conflicto_edicion", error.mensaje, error.campos)
    if isinstance(error, TransicionInvalida):
        return respuesta_error(409, "transicion_invalida", error.mensaje, error.campos)
    # NoEncontrado here is a key in the body (tipo, area...): a validation error, not a 404.
    return respuesta_error(422, "datos_invalidos", error.mensaje, error.campos)


def registrar_errores(bp: Blueprint) -> None:
    """Install the blueprint's JSON error handlers."""

    @bp.errorhandler(ErrorApi)
    def _api(error: ErrorApi) -> Response:
        db.session.rollback()
        return respuesta_error(error.estado, error.codigo, error.mensaje, error.campos)

    bp.register_error_handler(ErrorDominio, _dominio)

    @bp.errorhandler(StaleDataError)
    def _concurrente(_error: StaleDataError) -> Response:
        db.session.rollback()
        return respuesta_error(409, "conflicto_edicion", MENSAJE_CONFLICTO)

    @bp.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        db.session.rollback()
        return respuesta_http(error)

    @bp.errorhandler(Exception)
    def _interno(error: Exception) -> Response:
        current_app.logger.exception("Error no controlado en la API: %s", error)
        return respuesta_interna()
