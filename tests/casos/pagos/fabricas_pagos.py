"""Payment attempts and signed confirmations for the payment tests."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from casos.actores import Actor, TipoActor
from casos.comercial.modelos import Factura
from casos.cuentas.modelos import Cuenta
from casos.pagos.intentos import iniciar_pago
from casos.pagos.modelos import IntentoPago
from casos.pagos.protocolo import (
    Confirmacion,
    ResultadoBanco,
    cabeceras_firmadas,
    cuerpo_confirmacion,
)
from casos.pagos.sandbox import ProveedorSandbox
from tests.casos.cuentas import fabricas_bloqueos as fb

SECRETO = "secreto-compartido-de-pruebas"
BANCO = Actor(TipoActor.INTEGRACION, "Pago en línea (Banco de pruebas)")


def cliente(sesion: Session, ahora: datetime, saldo: str = "345.60") -> tuple[Cuenta, Factura]:
    """An active account with one contract and one unpaid bill due in November 2026."""
    contrato = fb.contrato(sesion, ahora)
    factura = fb.factura(sesion, contrato, datetime(2026, 11, 30).date(), saldo, ahora)
    return fb.cuenta(sesion, ahora, contrato), factura


def intento(sesion: Session, cuenta: Cuenta, factura: Factura, ahora: datetime) -> IntentoPago:
    """A pending sandbox attempt for the bill's balance, started by its owner."""
    actor = Actor.ciudadano(str(cuenta.usuario), cuenta.id)
    return iniciar_pago(sesion, cuenta, factura.id, "sandbox", actor, ahora)


def firmada(
    intento: IntentoPago,
    firmada_en: datetime,
    resultado: ResultadoBanco = ResultadoBanco.APROBADO,
    *,
    importe: Decimal | None = None,
    operacion: str = "SBX-0001",
    motivo: str | None = None,
    referencia: str | None = None,
    secreto: str = SECRETO,
) -> tuple[bytes, dict[str, str]]:
    """Body and headers of a delivery, signed as the bank would at `firmada_en`."""
    cuerpo = cuerpo_confirmacion(
        referencia or intento.referencia,
        intento.importe if importe is None else importe,
        resultado,
        operacion,
        motivo,
    )
    return cuerpo, cabeceras_firmadas(secreto, cuerpo, firmada_en)


def confirmacion(intento: IntentoPago, firmada_en: datetime, **opciones: object) -> Confirmacion:
    """A delivery read back through the sandbox provider (signature checked)."""
    cuerpo, cabeceras = firmada(intento, firmada_en, **opciones)  # type: ignore[arg-type]
    return ProveedorSandbox(SECRETO).leer_confirmacion(cuerpo, cabeceras)
