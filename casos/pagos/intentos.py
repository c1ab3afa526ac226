"""Starting an online payment and reading a customer's bills to pay and payment attempts."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from casos.actores import Actor
from casos.base import exigir_zona
from casos.comercial.modelos import Factura
from casos.cuentas.adeudos import CON_SALDO
from casos.cuentas.modelos import Cuenta, CuentaContrato
from casos.errores import NoEncontrado, TransicionInvalida
from casos.pagos.modelos import EstadoPago, IntentoPago

# A second click on *Pagar* within this time reuses the pending attempt instead of making one
# more (the customer went back from the bank's page, or clicked twice).
REUSO = timedelta(minutes=30)
# A pending attempt older than this most likely was abandoned on the bank's page.
SIN_CONFIRMAR = timedelta(hours=2)
LIMITE_LISTA = 20


def nueva_referencia() -> str:
    """128 random bits, URL-safe: what we send the provider and it sends back."""
    return "OV" + secrets.token_hex(16).upper()


def factura_de_cuenta(
    sesion: Session, cuenta: Cuenta, factura_id: int, bloquear: bool = False
) -> Factura:
    """A bill of a contract linked to the account; NoEncontrado for anything else."""
    consulta = (
        select(Factura)
        .join(CuentaContrato, CuentaContrato.contrato_id == Factura.contrato_id)
        .where(Factura.id == factura_id, CuentaContrato.cuenta_id == cuenta.id)
    )
    if bloquear:
        consulta = consulta.with_for_update(of=Factura).execution_options(populate_existing=True)
    factura = sesion.scalar(consulta)
    if factura is None:
        raise NoEncontrado("No encontramos esa factura entre las de sus contratos.")
    return factura


def iniciar_pago(
    sesion: Session,
    cuenta: Cuenta,
    factura_id: int,
    proveedor: str,
    actor: Actor,
    ahora: datetime,
) -> IntentoPago:
    """A pending attempt to pay the bill's current balance (a recent identical one is reused)."""
    ahora = exigir_zona(ahora)
    # Locking the bill serialises two clicks on PostgreSQL (SQLite writers already are).
    factura = factura_de_cuenta(sesion, cuenta, factura_id, bloquear=True)
    if factura.saldo <= 0:
        raise TransicionInvalida(
            f"La factura de {factura.periodo:%m/%Y} ya está pagada: no hay nada que pagar."
        )
    reciente = _pendiente_reciente(sesion, cuenta, factura, proveedor, ahora)
    if reciente is not None:
        return reciente
    intento = IntentoPago(
        referencia=nueva_referencia(),
        proveedor=proveedor,
        cuenta_id=cuenta.id,
        contrato_id=factura.contrato_id,
        factura_id=factura.id,
        importe=factura.saldo,
        estado=EstadoPago.PENDIENTE,
        creado_en=ahora,
        confirmaciones=[],
    )
    sesion.add(intento)
    sesion.flush()
    return intento


def _pendiente_reciente(
    sesion: Session, cuenta: Cuenta, factura: Factura, proveedor: str, ahora: datetime
) -> IntentoPago | None:
    consulta = (
        select(IntentoPago)
        .where(
            IntentoPago.factura_id == factura.id,
            IntentoPago.cuenta_id == cuenta.id,
            IntentoPago.proveedor == proveedor,
            IntentoPago.estado == EstadoPago.PENDIENTE,
            IntentoPago.importe == factura.saldo,
            IntentoPago.creado_en >= ahora - REUSO,
        )
        .order_by(IntentoPago.creado_en.desc(), IntentoPago.id.desc())
        .limit(1)
    )
    return sesion.scalar(consulta)


def intento_de_cuenta(sesion: Session, cuenta: Cuenta, referencia: str) -> IntentoPago:
    """The account's attempt with that reference; NoEncontrado for anyone else's."""
    consulta = (
        select(IntentoPago)
        .options(joinedload(IntentoPago.factura), joinedload(IntentoPago.contrato))
        .where(IntentoPago.referencia == referencia, IntentoPago.cuenta_id == cuenta.id)
    )
    intento = sesion.scalar(consulta)
    if intento is None:
        raise NoEncontrado("No encontramos ese pago entre los suyos.")
    return intento


def intentos_de_cuenta(
    sesion: Session, cuenta: Cuenta, limite: int = LIMITE_LISTA
) -> list[IntentoPago]:
    """The account's most recent attempts, newest first."""
    consulta = (
        select(IntentoPago)
        .options(joinedload(IntentoPago.factura), joinedload(IntentoPago.contrato))
        .where(IntentoPago.cuenta_id == cuenta.id)
        .order_by(IntentoPago.creado_en.desc(), IntentoPago.id.desc())
        .limit(limite)
    )
    return list(sesion.scalars(consulta))


def facturas_por_pagar(sesion: Session, cuenta: Cuenta) -> list[Factura]:
    """Bills with a balance of the account's linked contracts, by contract then due date."""
    consulta = (
        select(Factura)
        .join(CuentaContrato, CuentaContrato.contrato_id == Factura.contrato_id)
        .options(joinedload(Factura.contrato))
        .where(CuentaContrato.cuenta_id == cuenta.id, CON_SALDO)
        .order_by(CuentaContrato.id, Factura.vence_el, Factura.id)
    )
    return list(sesion.scalars(consulta))


def es_sin_confirmar(intento: IntentoPago, ahora: datetime) -> bool:
    """Pending for so long that the customer most likely left the bank's page unpaid."""
    return intento.estado is EstadoPago.PENDIENTE and ahora - intento.creado_en > SIN_CONFIRMAR
