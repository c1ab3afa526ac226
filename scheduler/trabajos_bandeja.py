"""The Bandeja's job: rebuild the tab counts every minute (see casos/resumen_bandeja.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from casos.bd import iniciar_escritura
from casos.resumen_bandeja import recalcular_resumen
from scheduler.comun import Contexto, DefinicionTrabajo, con_turno


@con_turno("resumen_bandeja", timedelta(minutes=2))
def resumen_bandeja(ctx: Contexto) -> dict[str, Any]:
    """Rebuild ResumenBandeja from the open cases in one transaction (idempotent)."""
    with ctx.sesiones() as sesion, sesion.begin():
        iniciar_escritura(sesion)
        grupos = recalcular_resumen(sesion, ctx.reloj())
    return {"grupos": grupos}


TRABAJOS_BANDEJA: tuple[DefinicionTrabajo, ...] = (
    DefinicionTrabajo("resumen_bandeja", resumen_bandeja, "interval", {"minutes": 1}),
)
