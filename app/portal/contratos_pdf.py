"""The bill's PDF and CFDI XML downloads of *Historial de facturas*."""

from __future__ import annotations

from flask import abort, request
from werkzeug.wrappers import Response

from app.auth import cuenta_requerida
from app.extensiones import db
from app.portal.contratos_comun import cuenta
from casos.comercial.consultas import FacturaPropia, factura_de_cuenta
from casos.comercial.pdf_factura import nombre_descarga, pdf_factura


def _factura_propia(contrato_id: int, factura_id: int) -> FacturaPropia:
    propia = factura_de_cuenta(db.session, cuenta().id, contrato_id, factura_id)
    if propia is None:
        abort(404)
    return propia


def _archivo(contenido: bytes | str, tipo: str, nombre: str, adjunto: bool) -> Response:
    """Personal data: never cached by shared caches nor sniffed into another type."""
    respuesta = Response(contenido, mimetype=tipo)
    disposicion = "attachment" if adjunto else "inline"
    respuesta.headers["Content-Disposition"] = f'{disposicion}; filename="{nombre}"'
    respuesta.headers["Cache-Control"] = "private, no-store, max-age=0"
    respuesta.headers["X-Content-Type-Options"] = "nosniff"
    return respuesta


@cuenta_requerida
def factura_pdf(contrato_id: int, factura_id: int) -> Response:
    """The bill as PDF: shown in the browser, or downloaded with `?descargar=1`."""
    propia = _factura_propia(contrato_id, factura_id)
    contenido = pdf_factura(propia.factura, propia.contrato, propia.xml)
    nombre = nombre_descarga(propia.contrato.numero, propia.factura.periodo)
    return _archivo(contenido, "application/pdf", nombre, request.args.get("descargar") == "1")


@cuenta_requerida
def factura_xml(contrato_id: int, factura_id: int) -> Response:
    """The stamped CFDI XML as an attachment; 404 while the CFDI is being issued."""
    propia = _factura_propia(contrato_id, factura_id)
    if propia.xml is None:
        abort(404)
    nombre = nombre_descarga(propia.contrato.numero, propia.factura.periodo)[:-4] + ".xml"
    return _archivo(propia.xml, "application/xml", nombre, adjunto=True)
