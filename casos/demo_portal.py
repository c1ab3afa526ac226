"""What the demo customer finds in the portal (dev run only): a bill to pay whose consumption
jumped (the high-consumption notice), and requests in Mis gestiones, one waiting on them."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.ciclo import aplicar_accion
from casos.comercial.modelos import EstatusFactura, Factura, Lectura, OrigenLectura, Pago
from casos.cuentas.modelos import Cuenta
from casos.estados import Accion
from casos.modelos import Caso
from casos.personal import Personal
from casos.registro import DatosCaso, registrar_caso

FACTOR_FUGA = 3  # the last month's consumption, times the usual one


def preparar_escenarios(sesion: Session, cuenta: Cuenta, agente: Personal, ahora: datetime) -> None:
    """Once per demo customer: the leak-like bill on the first contract and two requests."""
    if sesion.scalar(select(Caso.id).where(Caso.cuenta_id == cuenta.id).limit(1)) is not None:
        return
    contrato = cuenta.contratos[0]
    factura = sesion.scalar(
        select(Factura)
        .where(Factura.contrato_id == contrato.id)
        .order_by(Factura.periodo.desc())
        .limit(1)
    )
    if factura is not None:
        _consumo_alto_sin_pagar(sesion, factura, ahora)
    _gestiones(sesion, cuenta, agente, ahora)


def _consumo_alto_sin_pagar(sesion: Session, factura: Factura, ahora: datetime) -> None:
    """Triple the last month's m³ (and the water charge with it), unpaid and not yet due."""
    m3 = max(factura.m3 * FACTOR_FUGA, 30)
    factor = Decimal(m3) / Decimal(max(factura.m3, 1))
    factura.agua = (factura.agua * factor).quantize(Decimal("0.01"))
    factura.total = (
        factura.agua
        + factura.alcantarillado
        + factura.saneamiento
        + factura.recargos
        + factura.otros
        + factura.iva
    )
    factura.m3 = m3
    if factura.lectura_anterior is not None:
        factura.lectura_actual = factura.lectura_anterior + m3
    factura.saldo = factura.total
    factura.estatus = EstatusFactura.PENDIENTE
    factura.vence_el = max(factura.vence_el, (ahora + timedelta(days=10)).date())
    factura.actualizado_en = ahora
    sesion.execute(delete(Pago).where(Pago.factura_id == factura.id))
    lectura = sesion.scalar(
        select(Lectura)
        .where(Lectura.contrato_id == factura.contrato_id, Lectura.origen == OrigenLectura.CEA)
        .order_by(Lectura.fecha.desc())
        .limit(1)
    )
    if lectura is not None and factura.lectura_actual is not None:
        lectura.valor, lectura.consumo = factura.lectura_actual, m3
    sesion.flush()


def _gestiones(sesion: Session, cuenta: Cuenta, agente: Personal, ahora: datetime) -> None:
    cliente = Actor.ciudadano(str(cuenta.usuario), cuenta.id)
    contrato = cuenta.contratos[-1]
    base = {
        "solicitante_nombre": contrato.titular,
        "solicitante_email": cuenta.email,
        "contrato": contrato.numero,
        "cuenta_id": cuenta.id,
        "canal": "portal",
    }
    registrar_caso(
        sesion,
        DatosCaso(
            tipo="consulta_general",
            descripcion="¿Puedo recibir el recibo solo por correo y no en papel?",
            **base,  # type: ignore[arg-type]
        ),
        cliente,
        ahora - timedelta(days=6),
    )
    espera = registrar_caso(
        sesion,
        DatosCaso(
            tipo="recibo_no_entregado",
            descripcion="Este mes no me llegó el recibo al domicilio.",
            **base,  # type: ignore[arg-type]
        ),
        cliente,
        ahora - timedelta(days=3),
    )
    aplicar_accion(
        sesion,
        espera,
        Accion.SOLICITAR_INFORMACION,
        Actor.personal(agente.nombre, agente.id),
        ahora - timedelta(days=2),
        nota="¿Nos confirma entre qué calles está el domicilio, para revisar la ruta de reparto?",
    )
