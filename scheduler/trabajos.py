"""The jobs, declared in one list with stable ids. Each one opens its own transactions."""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from casos.actores import Actor
from casos.barrido import barrer_sla
from casos.bd import iniciar_escritura
from casos.ciclo import aplicar_accion
from casos.correo import CorreoSalida, EstadoCorreo
from casos.cuentas.adeudos import TAMANO_LOTE, cuentas_por_revisar
from casos.cuentas.bloqueos import ResumenBloqueos, revisar_cuentas
from casos.cuentas.modelos import EnlaceCuenta
from casos.envio import (
    ConexionSMTP,
    construir_mensaje,
    marcar_enviado,
    marcar_fallo,
    pendientes,
)
from casos.estados import Accion, EstadoCaso
from casos.limites import purgar
from casos.modelos import Caso
from casos.sesiones import purgar_sesiones
from scheduler.comun import (
    Contexto,
    DefinicionTrabajo,
    con_turno,
    log,
)
from scheduler.trabajos_bandeja import TRABAJOS_BANDEJA
from scheduler.trabajos_recalculo import TRABAJOS_RECALCULO
from scheduler.trabajos_tablero import TRABAJOS_TABLERO


@con_turno("barrido_sla", timedelta(minutes=5))
def barrido_sla(ctx: Contexto) -> dict[str, Any]:
    """Record the SLA thresholds due now and queue the supervisors' warnings (one transaction)."""
    with ctx.sesiones() as sesion, sesion.begin():
        iniciar_escritura(sesion)
        resumen = barrer_sla(sesion, ctx.reloj())
    if resumen.revisados:
        log.info("barrido: %s", resumen.a_json())
    return resumen.a_json()


@con_turno("enviar_correos", timedelta(minutes=5))
def enviar_correos(ctx: Contexto, limite: int = 50) -> dict[str, Any]:
    """Send the due outbox rows over SMTP; each email is committed on its own."""
    with ctx.sesiones() as sesion:
        ids = pendientes(sesion, ctx.reloj(), limite)
    if not ids:
        return {"enviados": 0, "fallidos": 0}
    try:
        with ConexionSMTP(ctx.smtp) as conexion:
            return _enviar_lote(ctx, conexion, ids)
    except (OSError, smtplib.SMTPException) as error:
        # The server is unreachable: every email of the batch waits for its next attempt.
        _registrar_fallo_lote(ctx, ids, error)
        log.warning("SMTP no disponible (%s); %d correos esperan", error, len(ids))
        return {"enviados": 0, "fallidos": 0, "en_espera": len(ids), "error": str(error)}


def _enviar_lote(ctx: Contexto, conexion: ConexionSMTP, ids: list[int]) -> dict[str, Any]:
    enviados = fallidos = 0
    for correo_id in ids:
        with ctx.sesiones() as sesion, sesion.begin():
            iniciar_escritura(sesion)
            correo = sesion.get(CorreoSalida, correo_id)
            if correo is None or correo.estado is not EstadoCorreo.PENDIENTE:
                continue
            try:
                conexion.enviar(construir_mensaje(correo, ctx.smtp.remitente))
            except smtplib.SMTPServerDisconnected:
                # The connection is gone: stop the batch; the caller records the failed
                # attempt on every email still pending (this transaction rolls back).
                raise
            except (OSError, smtplib.SMTPException) as error:
                marcar_fallo(correo, error, ctx.reloj())
                fallidos += 1
                continue
            marcar_enviado(correo, ctx.reloj())
            enviados += 1
    return {"enviados": enviados, "fallidos": fallidos}


def _registrar_fallo_lote(ctx: Contexto, ids: list[int], error: Exception) -> None:
    with ctx.sesiones() as sesion, sesion.begin():
        iniciar_escritura(sesion)
        for correo in sesion.scalars(select(CorreoSalida).where(CorreoSalida.id.in_(ids))):
            if correo.estado is EstadoCorreo.PENDIENTE:
                marcar_fallo(correo, error, ctx.reloj())


@con_turno("cierre_resueltos", timedelta(minutes=30))
def cierre_resueltos(ctx: Contexto) -> dict[str, Any]:
    """Nightly: close resolved cases whose reopening window has passed."""
    ahora = ctx.reloj()
    cerrados = 0
    with ctx.sesiones() as sesion, sesion.begin():
        iniciar_escritura(sesion)
        # The history is loaded up front: aplicar_accion appends to it, and a lazy load there
        # would autoflush cerrado_en while the state is still *resuelto* (CHECK violation).
        consulta = (
            select(Caso)
            .where(Caso.estado == EstadoCaso.RESUELTO)
            .options(selectinload(Caso.eventos))
        )
        for caso in sesion.scalars(consulta):
            assert caso.resuelto_en is not None
            if caso.resuelto_en + timedelta(days=caso.tipo.dias_reapertura) <= ahora:
                aplicar_accion(
                    sesion, caso, Accion.CERRAR, Actor.sistema("Cierre automático"), ahora
                )
                cerrados += 1
    return {"cerrados": cerrados}


ACTOR_ADEUDOS = Actor.sistema("Revisión nocturna de adeudos")
CONSERVAR_ENLACES = timedelta(days=30)
LOTE_ADEUDOS = TAMANO_LOTE  # accounts per transaction


@con_turno("bloqueo_adeudos", timedelta(hours=2))
def bloqueo_adeudos(ctx: Contexto) -> dict[str, Any]:
    """Nightly: block accounts with debt older than six months, lift the paid ones (rule 7).

    One transaction per batch of accounts: on SQLite the write lock is held for a batch, never
    for the whole pass, so the portal keeps working while it runs."""
    ahora = ctx.reloj()
    resumen = ResumenBloqueos()
    ultimo = 0
    while True:
        with ctx.sesiones() as sesion, sesion.begin():
            iniciar_escritura(sesion)
            cuentas = cuentas_por_revisar(sesion, ultimo, LOTE_ADEUDOS)
            if not cuentas:
                break
            revisar_cuentas(sesion, cuentas, ahora, ACTOR_ADEUDOS, resumen)
        ultimo = cuentas[-1]
    log.info("bloqueo_adeudos: %s", resumen.a_json())
    return resumen.a_json()


@con_turno("limpieza_cuentas", timedelta(minutes=30))
def limpieza_cuentas(ctx: Contexto) -> dict[str, Any]:
    """Nightly: delete spent rate-limit counters, old closed sessions and old expired links."""
    ahora = ctx.reloj()
    with ctx.sesiones() as sesion, sesion.begin():
        iniciar_escritura(sesion)
        resultado = {
            "contadores": purgar(sesion, ahora),
            "sesiones": purgar_sesiones(sesion, ahora),
            "enlaces": _purgar_enlaces(sesion, ahora - CONSERVAR_ENLACES),
        }
    log.info("limpieza_cuentas: %s", resultado)
    return resultado


def _purgar_enlaces(sesion: Session, antes_de: datetime) -> int:
    # Expired long ago (used or not): no longer valid, nor needed to offer a resend.
    resultado = sesion.execute(
        delete(EnlaceCuenta)
        .where(EnlaceCuenta.expira_en < antes_de)
        .execution_options(synchronize_session=False)
    )
    return int(resultado.rowcount)  # type: ignore[attr-defined]


TRABAJOS: tuple[DefinicionTrabajo, ...] = (
    DefinicionTrabajo("barrido_sla", barrido_sla, "interval", {"minutes": 1}),
    DefinicionTrabajo("enviar_correos", enviar_correos, "interval", {"seconds": 5}),
    DefinicionTrabajo(
        "cierre_resueltos",
        cierre_resueltos,
        "cron",
        {"hour": 2, "minute": 15, "timezone": "America/Mexico_City"},
    ),
    DefinicionTrabajo(
        "bloqueo_adeudos",
        bloqueo_adeudos,
        "cron",
        {"hour": 3, "minute": 0, "timezone": "America/Mexico_City"},
    ),
    DefinicionTrabajo(
        "limpieza_cuentas",
        limpieza_cuentas,
        "cron",
        {"hour": 3, "minute": 45, "timezone": "America/Mexico_City"},
    ),
    *TRABAJOS_BANDEJA,
    *TRABAJOS_TABLERO,
    *TRABAJOS_RECALCULO,
)
