"""*Mis contratos* and *Mis Facturas*: contract detail, bill history, PDF and CFDI XML."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.auth import cuenta_requerida
from app.extensiones import db
from app.portal.contratos_comun import PAGINA, contrato_propio, cuenta, hoy
from app.portal.contratos_pdf import factura_pdf, factura_xml
from app.portal.contratos_vista import filas_historial
from casos.comercial.consultas import (
    MESES_HISTORIAL,
    contratos_de_cuenta,
    etiqueta_canal,
    facturas_de_contrato,
    resumen_de_contrato,
)
from casos.comercial.modelos import USOS_ETIQUETA

bp = Blueprint("contratos", __name__)
bp.add_url_rule("/<int:contrato_id>/facturas/<int:factura_id>.pdf", view_func=factura_pdf)
bp.add_url_rule("/<int:contrato_id>/facturas/<int:factura_id>.xml", view_func=factura_xml)


@bp.context_processor
def _ayudas() -> dict[str, object]:
    return {"etiqueta_canal": etiqueta_canal}


@bp.get("/")
@cuenta_requerida
def lista() -> str:
    """*Mis contratos*: every linked contract with its last bill and where to go next."""
    resumenes = contratos_de_cuenta(db.session, cuenta().id)
    return render_template(
        PAGINA.format("lista"), resumenes=resumenes, hoy=hoy(), seccion_actual="contratos"
    )


@bp.get("/<int:contrato_id>")
@cuenta_requerida
def detalle(contrato_id: int) -> str:
    """*Ver detalle del contrato*: holder, address, use, meter, balance and last payment."""
    resumen = resumen_de_contrato(db.session, cuenta().id, contrato_id)
    if resumen is None:
        abort(404)
    return render_template(
        PAGINA.format("detalle"),
        r=resumen,
        uso=USOS_ETIQUETA.get(resumen.contrato.uso, resumen.contrato.uso),
        hoy=hoy(),
        seccion_actual="contratos",
    )


@bp.get("/facturas")
@cuenta_requerida
def facturas_inicio() -> str | Response:
    """*Mis Facturas* from the menu: the only contract's bills, or a list to pick from."""
    resumenes = contratos_de_cuenta(db.session, cuenta().id)
    if len(resumenes) == 1:
        return redirect(url_for(".facturas", contrato_id=resumenes[0].contrato.id))
    return render_template(
        PAGINA.format("elegir"), resumenes=resumenes, hoy=hoy(), seccion_actual="facturas"
    )


@bp.get("/<int:contrato_id>/facturas")
@cuenta_requerida
def facturas(contrato_id: int) -> str:
    """*Mis Facturas*: comparison with last year, the chart and *Historial de facturas*."""
    contrato, contratos = contrato_propio(contrato_id)
    datos = facturas_de_contrato(db.session, contrato.id)
    return render_template(
        PAGINA.format("facturas"),
        contrato=contrato,
        varios=contratos > 1,
        datos=datos,
        filas=filas_historial(contrato.id, datos.historial, hoy()),
        meses=MESES_HISTORIAL,
        seccion_actual="facturas",
    )
