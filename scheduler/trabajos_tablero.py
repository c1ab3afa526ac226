"""Dashboard jobs: keep `CumplimientoDiario` fresh (casos/cumplimiento.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from casos.bd import iniciar_escritura
from casos.cumplimiento import dia_local, recalcular_dias, recalcular_pendientes
from scheduler.comun import Contexto, DefinicionTrabajo, con_turno, log

DIAS_NOCTURNOS = 7


def _recalcular(ctx: Contexto, dias: int) -> dict[str, Any]:
    ahora = ctx.reloj()
    hoy = dia_local(ahora)
    desde = hoy - timedelta(days=dias - 1)
    with ctx.sesiones() as sesion, sesion.begin():
        iniciar_escritura(sesion)
        filas = recalcular_dias(sesion, desde, hoy, ahora)
        pendientes = recalcular_pendientes(sesion, ahora)
    resultado = {"desde": desde.isoformat(), "hasta": hoy.isoformat(), "filas": filas}
    resultado["pendientes"] = pendientes
    log.info("cumplimiento: %s", resultado)
    return resultado


# Both jobs take the same lease: they write the same rows, so they never run at once.
@con_turno("cumplimiento", timedelta(minutes=30))
def cumplimiento_reciente(ctx: Contexto) -> dict[str, Any]:
    """Every 10 minutes: today's and yesterday's compliance, and the open-case snapshot."""
    return _recalcular(ctx, 2)


@con_turno("cumplimiento", timedelta(minutes=30))
def cumplimiento_nocturno(ctx: Contexto) -> dict[str, Any]:
    """Nightly: the last 7 days again (late reopenings, re-routings, type changes)."""
    return _recalcular(ctx, DIAS_NOCTURNOS)


TRABAJOS_TABLERO: tuple[DefinicionTrabajo, ...] = (
    DefinicionTrabajo("cumplimiento_reciente", cumplimiento_reciente, "interval", {"minutes": 10}),
    DefinicionTrabajo(
        "cumplimiento_nocturno",
        cumplimiento_nocturno,
        "cron",
        {"hour": 1, "minute": 30, "timezone": "America/Mexico_City"},
    ),
)
