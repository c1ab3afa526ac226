"""Several contracts per account: link another contract by proving it, unlink one.

Linking asks for the same proof as registration's *Fase 1 – Datos del Cliente* (see
casos.cuentas.verificacion); the brute-force limits on that proof are counted by the caller
(`verificacion.contar_intento`) before calling `vincular_contrato`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.base import exigir_zona
from casos.comercial.modelos import Contrato
from casos.cuentas.bitacora import registrar_evento
from casos.cuentas.bloqueos import revisar_cuentas
from casos.cuentas.modelos import Cuenta, CuentaContrato, EstadoCuenta
from casos.cuentas.registro import descartar_pendiente
from casos.cuentas.verificacion import (
    MENSAJE_YA_VINCULADO,
    ContratoYaVinculado,
    PruebaContrato,
    cuenta_que_lo_tiene,
    normalizar_referencia,
    verificar_contrato,
)
from casos.errores import DatosInvalidos, ErrorDominio, NoEncontrado

MENSAJE_YA_ES_SUYO = "Ese contrato ya está vinculado a su cuenta."
MENSAJE_ULTIMO = (
    "No es posible desvincular el único contrato de su cuenta. Si ya no desea usar la "
    "Oficina Virtual, solicite la baja de su cuenta."
)


def vincular_contrato(
    sesion: Session, cuenta: Cuenta, prueba: PruebaContrato, actor: Actor, ahora: datetime
) -> CuentaContrato:
    """Link a contract the customer proved with the data on its bill (rule 2, item 4)."""
    ahora = exigir_zona(ahora)
    _exigir_activa(cuenta)
    prueba = replace(prueba, tipo=cuenta.tipo)  # the account's type decides the proof asked
    if _es_suyo(cuenta, prueba.referencia):
        raise DatosInvalidos(MENSAJE_YA_ES_SUYO, {"referencia": MENSAJE_YA_ES_SUYO})
    contrato = verificar_contrato(sesion, prueba, ahora)
    _liberar_de_pendiente_vencida(sesion, contrato, actor, ahora)
    vinculo = CuentaContrato(contrato=contrato, vinculado_en=ahora)
    try:
        with sesion.begin_nested():
            cuenta.vinculos.append(vinculo)
    except IntegrityError:
        # Another account linked it a moment ago (the UNIQUE on contrato_id decided).
        raise ContratoYaVinculado(MENSAJE_YA_VINCULADO) from None
    registrar_evento(sesion, cuenta, "contrato_vinculado", actor, ahora, contrato=contrato.numero)
    # Rule 7 applies at once: a contract with old debt blocks the account now, not tonight.
    revisar_cuentas(sesion, [cuenta.id], ahora, actor)
    return vinculo


def desvincular_contrato(
    sesion: Session, cuenta: Cuenta, contrato_id: int, actor: Actor, ahora: datetime
) -> Contrato:
    """Unlink one of the account's contracts; the last one cannot be (the Baja is for that)."""
    ahora = exigir_zona(ahora)
    _exigir_activa(cuenta)
    vinculo = vinculo_de(cuenta, contrato_id)
    if vinculo is None:
        raise NoEncontrado("Ese contrato no está vinculado a su cuenta.")
    if len(cuenta.vinculos) <= 1:
        raise ErrorDominio(MENSAJE_ULTIMO)
    contrato = vinculo.contrato
    cuenta.vinculos.remove(vinculo)  # delete-orphan: the row goes, the contract is free again
    registrar_evento(
        sesion, cuenta, "contrato_desvinculado", actor, ahora, contrato=contrato.numero
    )
    sesion.flush()
    revisar_cuentas(sesion, [cuenta.id], ahora, actor)  # its debt no longer counts
    return contrato


def vinculo_de(cuenta: Cuenta, contrato_id: int) -> CuentaContrato | None:
    """The account's link to that contract, or None (another account's contract included)."""
    return next((v for v in cuenta.vinculos if v.contrato_id == contrato_id), None)


def _exigir_activa(cuenta: Cuenta) -> None:
    if cuenta.estado is not EstadoCuenta.ACTIVA:
        raise ErrorDominio("Su cuenta no está activa.")


def _clave_referencia(texto: str) -> str:
    return normalizar_referencia(texto).lstrip("0")


def _es_suyo(cuenta: Cuenta, referencia: str) -> bool:
    """Is the typed Referencia one of the account's own contracts? (Telling the account's owner
    so reveals nothing: the contract is on their page.)"""
    clave = _clave_referencia(referencia)
    return bool(clave) and any(_clave_referencia(c.numero) == clave for c in cuenta.contratos)


def _liberar_de_pendiente_vencida(
    sesion: Session, contrato: Contrato, actor: Actor, ahora: datetime
) -> None:
    """A never-activated account whose link expired no longer holds the contract (the proof
    just passed says so): discard it, as registration does, so the link row can be written."""
    vencida = cuenta_que_lo_tiene(sesion, contrato)
    if vencida is not None:
        descartar_pendiente(sesion, vencida, actor, ahora)
