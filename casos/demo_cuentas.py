"""A ready customer account for the dev run (never loaded in production)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.comercial.modelos import Contrato, EstatusContrato, Factura, TipoPersona
from casos.cuentas.bitacora import registrar_evento
from casos.cuentas.contrasenas import cifrar
from casos.cuentas.modelos import Cuenta, CuentaContrato, EstadoCuenta, TipoCuenta
from casos.cuentas.registro import AVISO_PRIVACIDAD_VERSION

USUARIO_DEMO = "demo01"
CONTRASENA_DEMO = "agua-clara-del-cerro"  # dev run only; documented in the README
CONTRATOS_DEMO = 300


def cargar_cliente(sesion: Session, ahora: datetime) -> Cuenta | None:
    """The demo customer with two clean metered contracts; None if there are none to give."""
    existente = sesion.scalar(select(Cuenta).where(Cuenta.usuario == USUARIO_DEMO))
    if existente is not None:
        return existente
    contratos = list(sesion.scalars(_contratos_libres().limit(2)))
    if len(contratos) < 2:
        return None
    cuenta = Cuenta(
        usuario=USUARIO_DEMO,
        email=f"{USUARIO_DEMO}@ejemplo.mx",
        tipo=TipoCuenta.PARTICULAR,
        estado=EstadoCuenta.ACTIVA,
        contrasena_hash=cifrar(CONTRASENA_DEMO),
        creada_en=ahora,
        terminos_aceptados_en=ahora,
        datos_declarados_en=ahora,
        aviso_privacidad_version=AVISO_PRIVACIDAD_VERSION,
        activada_en=ahora,
        contrasena_cambiada_en=ahora,
        vinculos=[CuentaContrato(contrato=c, vinculado_en=ahora) for c in contratos],
    )
    sesion.add(cuenta)
    sesion.flush()
    registrar_evento(sesion, cuenta, "alta_demostracion", Actor.sistema("Demostración"), ahora)
    return cuenta


def _contratos_libres() -> Select[tuple[Contrato]]:
    """Active, metered persona-física contracts with nothing owed and no account."""
    adeuda = exists().where(Factura.contrato_id == Contrato.id, Factura.saldo > 0)
    vinculado = exists().where(CuentaContrato.contrato_id == Contrato.id)
    return (
        select(Contrato)
        .where(
            Contrato.tipo_persona == TipoPersona.FISICA,
            Contrato.estatus == EstatusContrato.ACTIVO,
            Contrato.numero_medidor.is_not(None),
            Contrato.apellido_materno.is_not(None),
            ~adeuda,
            ~vinculado,
        )
        .order_by(Contrato.id)
    )
