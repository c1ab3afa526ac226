"""The contract beside the case: what an agent needs to answer an *altos consumos* or a *pagos
no aplicados* without leaving the workspace.

Four indexed queries whatever the history's length: the contract by its unique number with
its balance (partial index of unpaid bills), its last bills through UNIQUE(contrato_id,
periodo), its last payments through ix_pagos_contrato_fecha and the previous cases of the same
number through ix_casos_contrato.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ScalarSelect, func, literal_column, select
from sqlalchemy.orm import Session, aliased

from casos.catalogo import TipoCaso
from casos.comercial.consultas import CERO, etiqueta_canal
from casos.comercial.consumos import ConsumoMensual
from casos.comercial.modelos import USOS_ETIQUETA, Contrato, Factura, Pago, TipoLectura
from casos.estados import EstadoCaso
from casos.modelos import Caso

MESES_FACTURAS = 12
PAGOS = 6
CASOS_PREVIOS = 10


@dataclass(frozen=True)
class CasoPrevio:
    """Another case filed for the same contract number."""

    folio: str
    tipo: str
    estado: EstadoCaso
    creado_en: datetime


@dataclass(frozen=True)
class PagoVisto:
    """A payment as the panel lists it."""

    fecha: date
    importe: Decimal
    canal: str
    referencia: str


@dataclass(frozen=True)
class ContratoDelCaso:
    """What the panel shows; `mensaje` says why there is no contract to show."""

    numero: str | None
    contrato: Contrato | None
    saldo: Decimal
    facturas: list[Factura]  # newest first
    pagos: list[PagoVisto]  # newest first
    casos_previos: list[CasoPrevio]  # newest first
    mensaje: str | None = None

    @property
    def uso(self) -> str:
        """`Doméstico`…"""
        return USOS_ETIQUETA.get(self.contrato.uso, "") if self.contrato else ""

    @property
    def serie(self) -> list[ConsumoMensual]:
        """The bills as chart bars (m³, oldest first, estimated months noted)."""
        filas = [
            ConsumoMensual(f.id, f.periodo, f.m3, f.tipo_lectura is TipoLectura.ESTIMADA, i == 0)
            for i, f in enumerate(self.facturas)
        ]
        return filas[::-1]


def _saldo() -> ScalarSelect[Decimal | None]:
    fs = aliased(Factura)
    # A literal 0, as in casos.comercial.consultas: both engines use the partial index.
    return (
        select(func.sum(fs.saldo))
        .where(fs.contrato_id == Contrato.id, fs.saldo > literal_column("0"))
        .scalar_subquery()
    )


def contrato_del_caso(sesion: Session, caso: Caso) -> ContratoDelCaso:
    """The contract named on the case, its bills, payments and earlier cases."""
    numero = (caso.contrato or "").strip() or None
    previos = casos_previos(sesion, caso) if numero else []
    if numero is None:
        mensaje = "La solicitud no indica número de contrato."
        return ContratoDelCaso(None, None, CERO, [], [], [], mensaje)
    fila = sesion.execute(select(Contrato, _saldo()).where(Contrato.numero == numero)).first()
    if fila is None:
        mensaje = f"El contrato {numero} no existe en el sistema comercial; verifique el número."
        return ContratoDelCaso(numero, None, CERO, [], [], previos, mensaje)
    contrato, saldo = fila
    return ContratoDelCaso(
        numero,
        contrato,
        saldo or CERO,
        ultimas_facturas(sesion, contrato.id),
        ultimos_pagos(sesion, contrato.id),
        previos,
    )


def ultimas_facturas(sesion: Session, contrato_id: int) -> list[Factura]:
    """The last twelve bills, newest first."""
    consulta = (
        select(Factura)
        .where(Factura.contrato_id == contrato_id)
        .order_by(Factura.periodo.desc())
        .limit(MESES_FACTURAS)
    )
    return list(sesion.scalars(consulta))


def ultimos_pagos(sesion: Session, contrato_id: int) -> list[PagoVisto]:
    """The last payments, newest first, with the channel in words."""
    filas = sesion.execute(
        select(Pago.fecha, Pago.importe, Pago.canal, Pago.referencia)
        .where(Pago.contrato_id == contrato_id)
        .order_by(Pago.fecha.desc(), Pago.id.desc())
        .limit(PAGOS)
    )
    return [PagoVisto(f, i, etiqueta_canal(c), r) for f, i, c, r in filas]


def casos_previos(sesion: Session, caso: Caso) -> list[CasoPrevio]:
    """Other cases of the same contract number, newest first."""
    filas = sesion.execute(
        select(Caso.folio, TipoCaso.nombre, Caso.estado, Caso.creado_en)
        .join(TipoCaso, TipoCaso.id == Caso.tipo_id)
        .where(Caso.contrato == (caso.contrato or "").strip(), Caso.id != caso.id)
        .order_by(Caso.creado_en.desc(), Caso.id.desc())
        .limit(CASOS_PREVIOS)
    )
    return [CasoPrevio(*fila) for fila in filas]
