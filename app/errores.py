"""Error pages in Spanish; a failed request never leaves a half-written transaction."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.api import errores as api_errores
from app.extensiones import db

MENSAJES = {
    400: ("Solicitud no válida", "No pudimos entender la solicitud. Vuelva a intentarlo."),
    403: ("Acceso no permitido", "No tiene permiso para ver esta página."),
    404: ("Página no encontrada", "La página que busca no existe o ya no está disponible."),
    405: ("Acción no permitida", "Esta página no admite esa acción."),
    413: ("Archivo demasiado grande", "El archivo supera el tamaño permitido."),
    429: ("Demasiados intentos", "Espere unos minutos antes de volver a intentarlo."),
    500: ("Error interno", "Ocurrió un error inesperado. Ya quedó registrado; intente más tarde."),
    503: ("Servicio en mantenimiento", "Estamos dando mantenimiento. Intente más tarde."),
}


def _pagina(codigo: int, detalle: str | None = None) -> tuple[str, int]:
    titulo, mensaje = MENSAJES.get(codigo, (f"Error {codigo}", "Ocurrió un problema."))
    return render_template(
        "errores/error.html", codigo=codigo, titulo=titulo, mensaje=detalle or mensaje
    ), codigo


def registrar(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int]:
        return _pagina(
            400,
            "El formulario caducó o se envió desde otra página. Recargue la página; "
            "lo que escribió no se ha enviado.",
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int, list[tuple[str, str]]] | Response:
        if api_errores.es_ruta_api(request.path):  # routing errors never reach the blueprint
            return api_errores.respuesta_http(error)
        pagina, codigo = _pagina(error.code or 500)
        # Keep the exception's own headers (Allow on 405, Retry-After on 429/503...).
        cabeceras = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return pagina, codigo, cabeceras

    @app.errorhandler(Exception)
    def _interno(error: Exception) -> tuple[str, int] | Response:
        db.session.rollback()
        app.logger.exception("Error no controlado: %s", error)
        if api_errores.es_ruta_api(request.path):
            return api_errores.respuesta_interna()
        return _pagina(500)
