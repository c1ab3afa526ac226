"""Read side of *Mis contratos* and *Mis Facturas*: what the portal shows, in few indexed queries.

Every query starts from the account (`cuentas_contratos.cuenta_id`), so a contract that is not
linked to the signed-in account is simply not found. Bills are read through the unique index
(contrato_id, periodo), the balance through the partial index of unpaid bills and the last
payment through ix_pagos_contrato_fecha; the CFDI XML (in its own table) is never loaded
when listing, only whether it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Integer, Select, bindparam, func, literal_column, select
from sqlalchemy.orm import Session, aliased

from casos.comercial.modelos import CfdiFactura, Contrato, Factura, Pago, TipoLectura
from casos.cuentas.modelos import CuentaContrato

MESES_HISTORIAL = 36  # what *Historial de facturas* lists (the months the utility keeps online)
MESES_GRAFICA = 24  # bars in the bill's evolution chart
CERO = Decimal("0.00")
MESES = (
    *("enero", "febrero", "marzo", "abril", "mayo", "junio"),
    *("julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"),
)

CANALES_ETIQUETA = {
    "ventanilla": "Ventanilla de la CEA",
    "banco": "Banco",
    "tienda": "Tienda de conveniencia",
    "domiciliacion": "Domiciliación bancaria",
    "en_linea": "Pago en línea",
}


def etiqueta_canal(canal: str) -> str:
    """How a payment channel reads for a customer."""
    return CANALES_ETIQUETA.get(canal, canal.replace("_", " ").capitalize())


def nombre_periodo(periodo: date) -> str:
    """`octubre de 2026`."""
    return f"{MESES[periodo.month - 1]} de {periodo.year}"


@dataclass(frozen=True)
class ResumenContrato:
    """A linked contract with its last bill, balance (sum of saldo) and last payment."""

    contrato: Contrato
    ultima: Factura | None
    saldo: Decimal
    ultimo_pago: Pago | None


@dataclass(frozen=True)
class FilaFactura:
    """One bill of the history and whether its CFDI XML is stored."""

    factura: Factura
    tiene_xml: bool


@dataclass(frozen=True)
class Cambio:
    """This year's figure against last year's: difference and percentage (None when 0 before)."""

    actual: Decimal
    anterior: Decimal
    diferencia: Decimal
    porcentaje: Decimal | None


@dataclass(frozen=True)
class Comparativo:
    """The last billed month against the same month one year earlier (None: no such bill)."""

    actual: Factura
    anterior: Factura | None
    importe: Cambio | None
    m3: Cambio | None

    @property
    def periodo_anterior(self) -> date:
        """The month it is compared with, even when there is no bill for it."""
        return self.actual.periodo.replace(year=self.actual.periodo.year - 1)


@dataclass(frozen=True)
class PuntoGrafica:
    """A bar of the chart macro (plantillas/_macros/graficas.html)."""

    etiqueta: str
    valor: Decimal
    destacado: bool = False
    nota: str | None = None


@dataclass(frozen=True)
class Facturas:
    """Everything *Mis Facturas* shows for one contract."""

    historial: list[FilaFactura]  # newest first
    comparativo: Comparativo | None
    grafica: list[PuntoGrafica]  # oldest first


# The statements are built once at import, with bound parameters: building a select with
# aliases and correlated subqueries costs more than running it, on pages read this often.
CUENTA, CONTRATO = bindparam("cuenta_id"), bindparam("contrato_id")


def _resumenes() -> Select[tuple[Contrato, Factura | None, Pago | None, Decimal]]:
    """Linked contracts with their last bill and payment joined by id and the unpaid balance."""
    fu, fs, pu = aliased(Factura), aliased(Factura), aliased(Pago)
    ultima_id = (
        select(fu.id)
        .where(fu.contrato_id == Contrato.id)
        .order_by(fu.periodo.desc())
        .limit(1)
        .scalar_subquery()
    )
    pago_id = (
        select(pu.id)
        .where(pu.contrato_id == Contrato.id)
        .order_by(pu.fecha.desc(), pu.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    # A literal 0, not a bound parameter: both engines then match the partial index of debts.
    saldo = (
        select(func.sum(fs.saldo))
        .where(fs.contrato_id == Contrato.id, fs.saldo > literal_column("0"))
        .scalar_subquery()
    )
    return (
        select(Contrato, Factura, Pago, saldo)
        .join(CuentaContrato, CuentaContrato.contrato_id == Contrato.id)
        .outerjoin(Factura, Factura.id == ultima_id)
        .outerjoin(Pago, Pago.id == pago_id)
        .where(CuentaContrato.cuenta_id == CUENTA)
        .order_by(CuentaContrato.id)
    )


def _contrato_y_total() -> Select[tuple[Contrato, int]]:
    otros = aliased(CuentaContrato)
    total = select(func.count()).where(otros.cuenta_id == CUENTA).scalar_subquery()
    return (
        select(Contrato, total)
        .join(CuentaContrato, CuentaContrato.contrato_id == Contrato.id)
        .where(CuentaContrato.cuenta_id == CUENTA, Contrato.id == CONTRATO)
    )


_RESUMENES = _resumenes()
_RESUMEN = _RESUMENES.where(Contrato.id == CONTRATO)
_CONTRATO = _contrato_y_total()
_HISTORIAL = (
    select(Factura, CfdiFactura.factura_id.is_not(None))
    .outerjoin(CfdiFactura, CfdiFactura.factura_id == Factura.id)
    .where(Factura.contrato_id == CONTRATO)
    .order_by(Factura.periodo.desc())
    .limit(bindparam("meses", type_=Integer, literal_execute=True))
)


def _resumen(fila: tuple[Contrato, Factura | None, Pago | None, Decimal | None]) -> ResumenContrato:
    contrato, ultima, pago, saldo = fila
    return ResumenContrato(contrato, ultima, saldo or CERO, pago)


def contratos_de_cuenta(sesion: Session, cuenta_id: int) -> list[ResumenContrato]:
    """The account's contracts in the order they were linked, in one query."""
    return [_resumen(fila) for fila in sesion.execute(_RESUMENES, {"cuenta_id": cuenta_id})]


def resumen_de_contrato(
    sesion: Session, cuenta_id: int, contrato_id: int
) -> ResumenContrato | None:
    """One linked contract's summary; None when it is not linked to this account."""
    valores = {"cuenta_id": cuenta_id, "contrato_id": contrato_id}
    fila = sesion.execute(_RESUMEN, valores).first()
    return None if fila is None else _resumen(fila)


def contrato_de_cuenta(
    sesion: Session, cuenta_id: int, contrato_id: int
) -> tuple[Contrato, int] | None:
    """A contract linked to the account and how many contracts the account has; else None."""
    fila = sesion.execute(_CONTRATO, {"cuenta_id": cuenta_id, "contrato_id": contrato_id}).first()
    return None if fila is None else (fila[0], int(fila[1]))


def historial_de_facturas(
    sesion: Session, contrato_id: int, meses: int = MESES_HISTORIAL
) -> list[FilaFactura]:
    """The contract's last `meses` bills, newest first, with whether each has its XML."""
    filas = sesion.execute(_HISTORIAL, {"contrato_id": contrato_id, "meses": meses})
    return [FilaFactura(f, bool(x)) for f, x in filas]


def _cambio(actual: Decimal, anterior: Decimal) -> Cambio:
    diferencia = actual - anterior
    porcentaje = None
    if anterior:
        porcentaje = (diferencia * 100 / anterior).quantize(Decimal("0.1"))
    return Cambio(actual, anterior, diferencia, porcentaje)


def comparativo(historial: list[FilaFactura]) -> Comparativo | None:
    """The newest bill against the bill of the same month a year earlier, if both exist."""
    if not historial:
        return None
    actual = historial[0].factura
    buscado = actual.periodo.replace(year=actual.periodo.year - 1)
    anterior = next((f.factura for f in historial if f.factura.periodo == buscado), None)
    if anterior is None:
        return Comparativo(actual, None, None, None)
    importe = _cambio(actual.total, anterior.total)
    m3 = _cambio(Decimal(actual.m3), Decimal(anterior.m3))
    return Comparativo(actual, anterior, importe, m3)


def grafica(historial: list[FilaFactura], meses: int = MESES_GRAFICA) -> list[PuntoGrafica]:
    """Bars oldest to newest for the last `meses` bills; the newest stands out."""
    recientes = list(reversed(historial[:meses]))
    return [
        PuntoGrafica(
            etiqueta=f"{f.factura.periodo:%m/%y}",
            valor=f.factura.total,
            destacado=i == len(recientes) - 1,
            nota="lectura estimada" if f.factura.tipo_lectura is TipoLectura.ESTIMADA else None,
        )
        for i, f in enumerate(recientes)
    ]


def facturas_de_contrato(sesion: Session, contrato_id: int) -> Facturas:
    """History, comparison and chart of *Mis Facturas* from a single query."""
    historial = historial_de_facturas(sesion, contrato_id)
    return Facturas(historial, comparativo(historial), grafica(historial))


@dataclass(frozen=True)
class FacturaPropia:
    """A bill of a contract linked to the account, and its CFDI XML (None: not stamped yet)."""

    factura: Factura
    contrato: Contrato
    xml: str | None


_FACTURA = (
    select(Factura, Contrato, CfdiFactura.xml)
    .join(Contrato, Contrato.id == Factura.contrato_id)
    .join(CuentaContrato, CuentaContrato.contrato_id == Contrato.id)
    .outerjoin(CfdiFactura, CfdiFactura.factura_id == Factura.id)
    .where(
        CuentaContrato.cuenta_id == CUENTA,
        Factura.contrato_id == CONTRATO,
        Factura.id == bindparam("factura_id"),
    )
)


def factura_de_cuenta(
    sesion: Session, cuenta_id: int, contrato_id: int, factura_id: int
) -> FacturaPropia | None:
    """The bill (with its XML) only if it is that contract's and the contract is the account's."""
    valores = {"cuenta_id": cuenta_id, "contrato_id": contrato_id, "factura_id": factura_id}
    fila = sesion.execute(_FACTURA, valores).first()
    return None if fila is None else FacturaPropia(fila[0], fila[1], fila[2])
