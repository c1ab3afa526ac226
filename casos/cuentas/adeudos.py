"""Debt on customer accounts as rule 7 reads it: which unpaid bills are over six months old.

An unpaid bill (``saldo > 0``) is *more than six months overdue* when its due date
(``vence_el``) is before the same calendar day six months earlier, counted in Querétaro time;
when that day does not exist, the last day of that month (on 31/08 the line is 28/02 or 29/02).
On 24/11/2026 a bill due 23/05/2026 counts; one due 24/05/2026 does not yet.

Read-only queries, driven by the accounts' contracts through the partial index
ix_facturas_adeudo (contrato_id, vence_el WHERE saldo > 0). casos.cuentas.bloqueos acts on them.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from casos.base import exigir_zona
from casos.comercial.modelos import Contrato, Factura
from casos.cuentas.modelos import Cuenta, CuentaContrato, EstadoCuenta
from casos.sla import ZONA_CEA

MESES_ADEUDO = 6
TAMANO_LOTE = 1000
# Pending accounts are reviewed too, so one activated with an old debt is blocked already.
ESTADOS_REVISADOS = (EstadoCuenta.ACTIVA, EstadoCuenta.PENDIENTE)
# Written as a literal: the partial index ix_facturas_adeudo (WHERE saldo > 0) is only used
# when the query repeats its predicate; a bound parameter would hide it from the planner.
CON_SALDO = Factura.saldo > literal_column("0")


@dataclass(frozen=True)
class AdeudoContratoAntiguo:
    """One contract's bills more than six months overdue."""

    numero: str
    facturas: int
    desde: date
    importe: Decimal


@dataclass
class AdeudoAntiguo:
    """An account's debt more than six months overdue, by contract."""

    contratos: list[AdeudoContratoAntiguo] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """What must be paid for the block to lift."""
        return sum((c.importe for c in self.contratos), Decimal("0.00"))

    @property
    def detalle(self) -> str:
        """The block's reason in plain words (stored in Bloqueo.detalle)."""
        partes = [
            f"contrato {c.numero}: {c.facturas} factura{'s' if c.facturas != 1 else ''} "
            f"vencida{'s' if c.facturas != 1 else ''} desde el {c.desde:%d/%m/%Y} "
            f"({dinero(c.importe)})"
            for c in self.contratos
        ]
        return (
            "Adeudo con más de seis meses de vencido en "
            + "; ".join(partes)
            + f". Total: {dinero(self.total)}."
        )


def dinero(valor: Decimal) -> str:
    """`$1,234.56`, as the bill prints it."""
    return f"${valor:,.2f}"


def restar_meses(dia: date, meses: int) -> date:
    """The same calendar day `meses` months earlier (or that month's last day)."""
    indice = dia.year * 12 + dia.month - 1 - meses
    anio, mes = divmod(indice, 12)
    return date(anio, mes + 1, min(dia.day, calendar.monthrange(anio, mes + 1)[1]))


def fecha_limite_adeudo(ahora: datetime) -> date:
    """Unpaid bills due before this day (Querétaro) are more than six months overdue."""
    hoy = exigir_zona(ahora).astimezone(ZONA_CEA).date()
    return restar_meses(hoy, MESES_ADEUDO)


def cuentas_por_revisar(sesion: Session, despues_de: int, limite: int = TAMANO_LOTE) -> list[int]:
    """The next batch of open account ids after `despues_de` (keyset pagination)."""
    consulta = (
        select(Cuenta.id)
        .where(Cuenta.id > despues_de, Cuenta.estado.in_(ESTADOS_REVISADOS))
        .order_by(Cuenta.id)
        .limit(limite)
    )
    return list(sesion.scalars(consulta))


def lotes_de_cuentas(sesion: Session, contrato_ids: Iterable[int] | None) -> Iterator[list[int]]:
    """Batches of open account ids: every one (None) or those holding these contracts."""
    if contrato_ids is None:
        ultimo = 0
        while lote := cuentas_por_revisar(sesion, ultimo):
            yield lote
            ultimo = lote[-1]
        return
    contratos = sorted(set(contrato_ids))
    cuentas: set[int] = set()
    for inicio in range(0, len(contratos), TAMANO_LOTE):
        trozo = contratos[inicio : inicio + TAMANO_LOTE]
        consulta = (
            select(CuentaContrato.cuenta_id)
            .join(Cuenta, Cuenta.id == CuentaContrato.cuenta_id)
            .where(CuentaContrato.contrato_id.in_(trozo), Cuenta.estado.in_(ESTADOS_REVISADOS))
        )
        cuentas.update(sesion.scalars(consulta))
    ordenadas = sorted(cuentas)
    for inicio in range(0, len(ordenadas), TAMANO_LOTE):
        yield ordenadas[inicio : inicio + TAMANO_LOTE]


def adeudos_antiguos(
    sesion: Session, cuenta_ids: list[int], limite: date
) -> dict[int, AdeudoAntiguo]:
    """Per open account, its bills with a balance due before `limite` (one grouped query
    driven by the accounts' contracts through the partial index ix_facturas_adeudo)."""
    consulta = (
        select(
            CuentaContrato.cuenta_id,
            Contrato.numero,
            func.count(Factura.id),
            func.min(Factura.vence_el),
            func.sum(Factura.saldo),
        )
        .join(Cuenta, Cuenta.id == CuentaContrato.cuenta_id)
        .join(Contrato, Contrato.id == CuentaContrato.contrato_id)
        .join(Factura, Factura.contrato_id == CuentaContrato.contrato_id)
        .where(
            CuentaContrato.cuenta_id.in_(cuenta_ids),
            Cuenta.estado.in_(ESTADOS_REVISADOS),
            CON_SALDO,
            Factura.vence_el < limite,
        )
        .group_by(CuentaContrato.cuenta_id, CuentaContrato.id, Contrato.numero)
        .order_by(CuentaContrato.cuenta_id, CuentaContrato.id)
    )
    adeudos: dict[int, AdeudoAntiguo] = {}
    for cuenta_id, numero, facturas, desde, importe in sesion.execute(consulta):
        contrato = AdeudoContratoAntiguo(numero, facturas, desde, importe)
        adeudos.setdefault(cuenta_id, AdeudoAntiguo()).contratos.append(contrato)
    return adeudos


@dataclass(frozen=True)
class FacturaVencida:
    """An overdue bill as the blocked page lists it."""

    periodo: date
    vence_el: date
    saldo: Decimal
    bloquea: bool  # more than six months overdue: it must be paid for the block to lift


@dataclass
class AdeudoContrato:
    """A linked contract's overdue bills."""

    numero: str
    domicilio: str
    facturas: list[FacturaVencida] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """Every overdue balance of the contract."""
        return sum((f.saldo for f in self.facturas), Decimal("0.00"))

    @property
    def total_bloquea(self) -> Decimal:
        """The part more than six months overdue."""
        return sum((f.saldo for f in self.facturas if f.bloquea), Decimal("0.00"))


def adeudos_vencidos(sesion: Session, cuenta: Cuenta, ahora: datetime) -> list[AdeudoContrato]:
    """The account's overdue bills (balance left, due date passed), by linked contract."""
    hoy = exigir_zona(ahora).astimezone(ZONA_CEA).date()
    limite = restar_meses(hoy, MESES_ADEUDO)
    consulta = (
        select(Contrato, Factura.periodo, Factura.vence_el, Factura.saldo)
        .join(CuentaContrato, CuentaContrato.contrato_id == Contrato.id)
        .join(Factura, Factura.contrato_id == Contrato.id)
        .where(CuentaContrato.cuenta_id == cuenta.id, CON_SALDO, Factura.vence_el < hoy)
        .order_by(CuentaContrato.id, Factura.vence_el)
    )
    contratos: dict[int, AdeudoContrato] = {}
    for contrato, periodo, vence_el, saldo in sesion.execute(consulta):
        grupo = contratos.setdefault(
            contrato.id, AdeudoContrato(contrato.numero, contrato.domicilio)
        )
        grupo.facturas.append(FacturaVencida(periodo, vence_el, saldo, vence_el < limite))
    return list(contratos.values())
