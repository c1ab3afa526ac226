"""The SLA recompute job: works through the admin's recompute requests in batches, one commit
per batch, for at most ~50 seconds a run (it runs every minute and carries on next time)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from casos.bd import iniciar_escritura
from casos.recalculo import LOTE, avanzar_recalculo, pendientes
from scheduler.comun import Contexto, DefinicionTrabajo, con_turno, log

SEGUNDOS_POR_PASADA = 50.0


@con_turno("recalculo_sla", timedelta(minutes=2))
def recalculo_sla(ctx: Contexto) -> dict[str, Any]:
    """Every minute: recompute the open cases of pending requests (lease held)."""
    return recalcular_pendientes(ctx)


def recalcular_pendientes(
    ctx: Contexto, lote: int = LOTE, segundos: float = SEGUNDOS_POR_PASADA
) -> dict[str, Any]:
    """Work through the pending requests, a batch per transaction, until done or out of time
    for this run (the next run carries on from each request's last case)."""
    limite = time.monotonic() + segundos
    casos = lotes = 0
    while time.monotonic() < limite:
        with ctx.sesiones() as sesion, sesion.begin():
            iniciar_escritura(sesion)
            if not pendientes(sesion):
                break
            casos += avanzar_recalculo(sesion, ctx.reloj(), lote)
            lotes += 1
    with ctx.sesiones() as sesion:
        quedan = pendientes(sesion)
    if lotes:
        log.info("recalculo_sla: %s casos en %s lotes; quedan %s solicitudes", casos, lotes, quedan)
    return {"casos": casos, "lotes": lotes, "pendientes": quedan}


TRABAJOS_RECALCULO: tuple[DefinicionTrabajo, ...] = (
    DefinicionTrabajo("recalculo_sla", recalculo_sla, "interval", {"minutes": 1}),
)
