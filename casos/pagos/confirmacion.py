"""Applying a provider's signed confirmation: once, checked, and with its effects at once.

Idempotent: the attempt row is locked (SELECT … FOR UPDATE on PostgreSQL; on SQLite the
request already holds the write lock), so two deliveries racing apply once; a repeated
delivery of the verdict that resolved the attempt is answered again without effect; a
different verdict for a resolved attempt is recorded and ignored. An approval posts a Pago
(canal `en_linea`, the provider's operation id as its reference), lowers the bill's balance,
lifts a debt block at once and queues the receipt email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.base import exigir_zona
from casos.comercial.modelos import EstatusFactura, Factura, Pago
from casos.correo import encolar_correo
from casos.cuentas.adeudos import dinero
from casos.cuentas.bitacora import registrar_evento
from casos.cuentas.bloqueos import revisar_bloqueos_por_adeudo
from casos.cuentas.modelos import Cuenta, EstadoCuenta
from casos.pagos.modelos import EstadoPago, IntentoPago
from casos.pagos.protocolo import (
    MONEDA,
    Confirmacion,
    ConfirmacionCaducada,
    ConfirmacionInvalida,
    ResultadoBanco,
)
from casos.sla import ZONA_CEA

CANAL = "en_linea"
# The audit trail keeps this many deliveries per attempt; a flood of replays is not stored.
MAXIMO_REGISTROS = 50
YA_PAGADA = (
    "La factura ya estaba pagada cuando llegó la confirmación: el importe queda como saldo a "
    "favor de su contrato."
)


class Efecto(StrEnum):
    """What a delivery did."""

    APLICADA = "aplicada"  # approved: the payment is posted
    RECHAZADA = "rechazada"  # declined by the bank, or refused by our checks
    REPETIDA = "repetida"  # the same verdict again: nothing to do
    IGNORADA = "ignorada"  # another verdict for an attempt already resolved


@dataclass(frozen=True)
class ResultadoConfirmacion:
    """The attempt after the delivery, and what the delivery did."""

    intento: IntentoPago
    efecto: Efecto


def confirmar_pago(
    sesion: Session, confirmacion: Confirmacion, actor: Actor, ahora: datetime
) -> ResultadoConfirmacion:
    """Apply a verified confirmation to its attempt (idempotent; flushes, never commits)."""
    ahora = exigir_zona(ahora)
    intento = _bloquear_intento(sesion, confirmacion)
    vigente = confirmacion.es_vigente(ahora)
    if intento.estado is not EstadoPago.PENDIENTE:
        if _es_la_que_resolvio(intento, confirmacion):
            _registrar(intento, confirmacion, Efecto.REPETIDA, ahora)
            return ResultadoConfirmacion(intento, Efecto.REPETIDA)
        if not vigente:
            raise ConfirmacionCaducada("Confirmación firmada hace demasiado tiempo.")
        _registrar(intento, confirmacion, Efecto.IGNORADA, ahora)
        return ResultadoConfirmacion(intento, Efecto.IGNORADA)
    if not vigente:
        raise ConfirmacionCaducada("Confirmación firmada hace demasiado tiempo.")
    problema = _discrepancia(intento, confirmacion)
    if confirmacion.resultado is ResultadoBanco.RECHAZADO or problema:
        motivo = problema or confirmacion.motivo or "El banco no aprobó el pago."
        _resolver(intento, confirmacion, EstadoPago.RECHAZADO, motivo, ahora)
        return ResultadoConfirmacion(intento, Efecto.RECHAZADA)
    return _aplicar(sesion, intento, confirmacion, actor, ahora)


def _bloquear_intento(sesion: Session, confirmacion: Confirmacion) -> IntentoPago:
    consulta = (
        select(IntentoPago)
        .where(
            IntentoPago.referencia == confirmacion.referencia,
            IntentoPago.proveedor == confirmacion.proveedor,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    intento = sesion.scalar(consulta)
    if intento is None:
        raise ConfirmacionInvalida(
            f"No hay un intento de pago con la referencia {confirmacion.referencia} "
            f"del proveedor {confirmacion.proveedor}."
        )
    return intento


def _es_la_que_resolvio(intento: IntentoPago, confirmacion: Confirmacion) -> bool:
    resolutivas = {Efecto.APLICADA.value, Efecto.RECHAZADA.value}
    return any(
        r.get("huella") == confirmacion.huella() and r.get("efecto") in resolutivas
        for r in intento.confirmaciones
    )


def _discrepancia(intento: IntentoPago, confirmacion: Confirmacion) -> str | None:
    """Why an approval cannot be applied as it came, in words for the customer."""
    if confirmacion.moneda != MONEDA:
        return f"El banco confirmó el pago en {confirmacion.moneda}, no en pesos ({MONEDA})."
    if confirmacion.importe != intento.importe:
        return (
            f"El importe que confirmó el banco ({dinero(confirmacion.importe)}) no coincide con "
            f"el del pago ({dinero(intento.importe)}): no se aplicó."
        )
    return None


def _registrar(
    intento: IntentoPago, confirmacion: Confirmacion, efecto: Efecto, ahora: datetime
) -> None:
    if len(intento.confirmaciones) >= MAXIMO_REGISTROS:
        return
    registro: dict[str, Any] = {
        **confirmacion.a_json(),
        "recibida_en": ahora.isoformat(),
        "efecto": efecto.value,
    }
    # A new list: the JSON column does not see changes made in place.
    intento.confirmaciones = [*intento.confirmaciones, registro]


def _resolver(
    intento: IntentoPago,
    confirmacion: Confirmacion,
    estado: EstadoPago,
    motivo: str | None,
    ahora: datetime,
) -> None:
    intento.estado = estado
    intento.resuelto_en = ahora
    intento.operacion_proveedor = confirmacion.operacion
    intento.motivo = motivo[:300] if motivo else None
    efecto = Efecto.APLICADA if estado is EstadoPago.APLICADO else Efecto.RECHAZADA
    _registrar(intento, confirmacion, efecto, ahora)


def _aplicar(
    sesion: Session, intento: IntentoPago, confirmacion: Confirmacion, actor: Actor, ahora: datetime
) -> ResultadoConfirmacion:
    factura = sesion.scalars(
        select(Factura)
        .where(Factura.id == intento.factura_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    pago = sesion.scalar(
        select(Pago).where(Pago.canal == CANAL, Pago.referencia == confirmacion.operacion)
    )
    nota: str | None = None
    if pago is not None and (pago.factura_id != factura.id or pago.importe != intento.importe):
        motivo = f"La operación {confirmacion.operacion} ya estaba registrada en otro pago."
        _resolver(intento, confirmacion, EstadoPago.RECHAZADO, motivo, ahora)
        return ResultadoConfirmacion(intento, Efecto.RECHAZADA)
    if pago is None:  # else the import already posted it (and lowered the balance)
        pago = _nuevo_pago(sesion, factura, intento, confirmacion, ahora)
        nota = None if _descontar(factura, intento.importe, ahora) else YA_PAGADA
    intento.pago_id = pago.id
    _resolver(intento, confirmacion, EstadoPago.APLICADO, nota, ahora)
    sesion.flush()
    revisar_bloqueos_por_adeudo(sesion, [factura.contrato_id], ahora, actor)
    _avisar(sesion, intento, factura, actor, ahora)
    return ResultadoConfirmacion(intento, Efecto.APLICADA)


def _nuevo_pago(
    sesion: Session,
    factura: Factura,
    intento: IntentoPago,
    confirmacion: Confirmacion,
    ahora: datetime,
) -> Pago:
    pago = Pago(
        contrato_id=factura.contrato_id,
        factura_id=factura.id,
        fecha=ahora.astimezone(ZONA_CEA).date(),
        importe=intento.importe,
        canal=CANAL,
        referencia=confirmacion.operacion,
        registrado_en=ahora,
    )
    sesion.add(pago)
    sesion.flush()
    return pago


def _descontar(factura: Factura, importe: Decimal, ahora: datetime) -> bool:
    """Lower the balance as the payment import does (never below 0); False if already paid."""
    if factura.saldo <= 0:
        return False
    factura.saldo = max(factura.saldo - importe, Decimal("0.00"))
    if factura.saldo == 0:
        factura.estatus = EstatusFactura.PAGADA
    factura.actualizado_en = ahora
    return True


def _avisar(
    sesion: Session, intento: IntentoPago, factura: Factura, actor: Actor, ahora: datetime
) -> None:
    """The account's log entry and the emailed receipt."""
    cuenta = sesion.get(Cuenta, intento.cuenta_id) if intento.cuenta_id else None
    if cuenta is None:
        return
    registrar_evento(
        sesion,
        cuenta,
        "pago_en_linea",
        actor,
        ahora,
        referencia=intento.referencia,
        operacion=intento.operacion_proveedor,
        importe=str(intento.importe),
        factura_id=factura.id,
    )
    if cuenta.estado is not EstadoCuenta.ACTIVA or not cuenta.email:
        return
    encolar_correo(
        sesion,
        para=cuenta.email,
        plantilla="pago_aplicado",
        contexto=_contexto_recibo(cuenta, intento, factura, ahora),
        ahora=ahora,
        clave=f"pago:{intento.referencia}:recibo",
    )


def _contexto_recibo(
    cuenta: Cuenta, intento: IntentoPago, factura: Factura, ahora: datetime
) -> dict[str, Any]:
    return {
        "usuario": cuenta.usuario,
        "referencia": intento.referencia,
        "operacion": intento.operacion_proveedor,
        "importe": dinero(intento.importe),
        "contrato": factura.contrato.numero,
        "periodo": f"{factura.periodo:%m/%Y}",
        "saldo": dinero(factura.saldo),
        "es_pagada": factura.saldo == 0,
        "nota": intento.motivo,
        "aplicado_en": ahora,
        "sigue_bloqueada": cuenta.es_bloqueada,
    }
