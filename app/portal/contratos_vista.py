"""The rows of *Historial de facturas*, prepared once in Python.

The page lists up to 36 bills twice (cards on phones, a table from md up): building each URL
with url_for and each label with a Jinja macro per row was most of the page's time, so the
URLs come from one url_for per kind and the labels from plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for

from app.auth import ruta_opcional
from casos.comercial.consultas import FilaFactura, nombre_periodo
from casos.comercial.modelos import EstatusFactura, Factura

ESTATUS_VISTA = {
    EstatusFactura.PAGADA: ("Pagada", "text-bg-success"),
    EstatusFactura.PENDIENTE: ("Pendiente", "text-bg-warning"),
    EstatusFactura.VENCIDA: ("Vencida", "text-bg-danger"),
}


@dataclass(frozen=True)
class FilaHistorial:
    """One bill as *Historial de facturas* shows it."""

    factura: Factura
    periodo: str  # "octubre de 2026"
    estatus: str
    clase_estatus: str
    url_pdf: str
    url_xml: str | None
    url_pagar: str | None

    @property
    def titulo(self) -> str:
        """ "Octubre de 2026"."""
        return self.periodo[:1].upper() + self.periodo[1:]


def _prefijo(endpoint: str, contrato_id: int, sufijo: str) -> str:
    """The URL up to the bill id (factura_id=0 built once, its "0<sufijo>" cut off)."""
    return url_for(endpoint, contrato_id=contrato_id, factura_id=0).removesuffix("0" + sufijo)


def filas_historial(
    contrato_id: int, historial: list[FilaFactura], hoy: date
) -> list[FilaHistorial]:
    """Labels, status and links of each bill; *Pagar* only for unpaid bills, when payments exist."""
    pdf = _prefijo("contratos.factura_pdf", contrato_id, ".pdf")
    xml = _prefijo("contratos.factura_xml", contrato_id, ".xml")
    filas = []
    for fila in historial:
        f = fila.factura
        texto, clase = ESTATUS_VISTA[f.estatus_al(hoy)]
        pagar = ruta_opcional("pagos.pagar", factura_id=f.id) if f.saldo > 0 else None
        filas.append(
            FilaHistorial(
                factura=f,
                periodo=nombre_periodo(f.periodo),
                estatus=texto,
                clase_estatus=clase,
                url_pdf=f"{pdf}{f.id}.pdf",
                url_xml=f"{xml}{f.id}.xml" if fila.tiene_xml else None,
                url_pagar=pagar,
            )
        )
    return filas
