"""Unregistered demo contracts to try the registration with (the dev run's help page).

One of each kind the registration has to handle: a usual particular, a holder with one
surname, a company, a contract without meter (proved with the last bill's total) and one with
debt older than six months (registers, then the debt-block rule applies). Each comes with the
data a person types in *Fase 1 – Datos del Cliente* (same names as PruebaContrato).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from casos.comercial.modelos import (
    Contrato,
    EstatusContrato,
    Factura,
    TipoPersona,
    UsoContrato,
)
from casos.cuentas.modelos import CuentaContrato, TipoCuenta

DIAS_ADEUDO_ANTIGUO = 183


@dataclass(frozen=True)
class ContratoEjemplo:
    """A contract nobody registered yet, with what proves it in the registration form."""

    caso: str  # what it illustrates, in Spanish
    tipo: TipoCuenta
    referencia: str
    titular: str
    apellido_paterno: str = ""
    apellido_materno: str = ""
    nombre_empresa: str = ""
    numero_medidor: str = ""
    importe_ultima_factura: str = ""  # "1234.56": the proof when there is no meter


def _adeudo_antiguo(limite: date) -> ColumnElement[bool]:
    """The contract has an unpaid bill due before `limite` (uses ix_facturas_adeudo)."""
    return exists().where(
        Factura.contrato_id == Contrato.id, Factura.saldo > 0, Factura.vence_el < limite
    )


def _casos(limite: date) -> list[tuple[str, TipoCuenta, list[ColumnElement[bool]]]]:
    fisica = Contrato.tipo_persona == TipoPersona.FISICA
    medidor = Contrato.numero_medidor.is_not(None)
    al_corriente = [Contrato.estatus == EstatusContrato.ACTIVO, ~_adeudo_antiguo(limite)]
    particular = TipoCuenta.PARTICULAR
    return [
        (
            "Particular",
            particular,
            [fisica, medidor, Contrato.apellido_materno.is_not(None), *al_corriente],
        ),
        (
            "Particular con un solo apellido",
            particular,
            [fisica, medidor, Contrato.apellido_materno.is_(None), *al_corriente],
        ),
        (
            "Empresa",
            TipoCuenta.EMPRESA,
            [Contrato.tipo_persona == TipoPersona.MORAL, medidor, *al_corriente],
        ),
        ("Sin medidor (cuota fija)", particular, [fisica, ~medidor, *al_corriente]),
        (
            "Con adeudo de más de seis meses",
            particular,
            [fisica, medidor, Contrato.uso == UsoContrato.DOMESTICO, _adeudo_antiguo(limite)],
        ),
    ]


def _hoy_aproximado(sesion: Session) -> date | None:
    """The day after the last billed month, read from the newest contracts' bills (cheap)."""
    ultimo_id = sesion.scalar(select(func.max(Contrato.id)))
    if ultimo_id is None:
        return None
    periodo = sesion.scalar(
        select(func.max(Factura.periodo)).where(Factura.contrato_id > ultimo_id - 200)
    )
    if periodo is None:
        return None
    return (periodo.replace(day=28) + timedelta(days=4)).replace(day=1)


def _ejemplo(sesion: Session, caso: str, tipo: TipoCuenta, contrato: Contrato) -> ContratoEjemplo:
    total = sesion.scalar(
        select(Factura.total)
        .where(Factura.contrato_id == contrato.id)
        .order_by(Factura.periodo.desc())
        .limit(1)
    )
    importe = f"{total:.2f}" if isinstance(total, Decimal) else ""
    return ContratoEjemplo(
        caso=caso,
        tipo=tipo,
        referencia=contrato.numero,
        titular=contrato.titular,
        apellido_paterno=contrato.apellido_paterno or "",
        apellido_materno=contrato.apellido_materno or "",
        nombre_empresa=contrato.razon_social or "",
        numero_medidor=contrato.numero_medidor or "",
        importe_ultima_factura=importe,
    )


def contratos_de_ejemplo(
    sesion: Session, n: int = 5, *, hoy: date | None = None
) -> list[ContratoEjemplo]:
    """Up to `n` unregistered contracts, one per kind (see module doc), lowest ids first."""
    hoy = hoy or _hoy_aproximado(sesion)
    if hoy is None:
        return []
    limite = hoy - timedelta(days=DIAS_ADEUDO_ANTIGUO)
    libre = ~exists().where(CuentaContrato.contrato_id == Contrato.id)
    ejemplos = []
    for caso, tipo, condiciones in _casos(limite)[:n]:
        contrato = sesion.scalar(
            select(Contrato).where(libre, *condiciones).order_by(Contrato.id).limit(1)
        )
        if contrato is not None:
            ejemplos.append(_ejemplo(sesion, caso, tipo, contrato))
    return ejemplos
