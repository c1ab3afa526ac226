"""The Bandeja's tab counts, read from ResumenBandeja instead of counting the queue per page.

The scheduler rebuilds the summary every minute from the open cases in one GROUP BY (about
100,000 rows read once a minute, instead of on every page load of every agent); a page sums
the few hundred summary rows of the person's areas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from casos.base import exigir_zona
from casos.modelos import Caso, EstadoSLA
from casos.permisos import areas_visibles
from casos.personal import Personal
from casos.resumen import ResumenBandeja


@dataclass(frozen=True)
class ConteosBandeja:
    """Open cases per tab of the Bandeja, as of `calculado_en` (None: never computed)."""

    todos: int = 0
    mios: int = 0
    sin_asignar: int = 0
    en_riesgo: int = 0
    vencidos: int = 0
    calculado_en: datetime | None = None

    def antiguedad(self, ahora: datetime) -> str:
        """'actualizado hace 42 s' (or 'hace 3 min'), for the page."""
        if self.calculado_en is None:
            return "conteos aún no calculados"
        segundos = max(0, int((ahora - self.calculado_en).total_seconds()))
        if segundos < 120:
            return f"actualizado hace {segundos} s"
        return f"actualizado hace {segundos // 60} min"


def recalcular_resumen(sesion: Session, ahora: datetime) -> int:
    """Rebuild the summary from the open cases (one GROUP BY); returns the groups written."""
    ahora = exigir_zona(ahora, "fecha del resumen")
    grupos = (
        select(
            Caso.area_id,
            Caso.tipo_id,
            Caso.estado,
            Caso.sla_estado,
            Caso.asignado_a_id,
            func.count().label("casos"),
            literal(ahora, type_=ResumenBandeja.calculado_en.type).label("calculado_en"),
        )
        .where(Caso.prioridad_en.is_not(None))  # NULL exactly when the case is not open
        .group_by(Caso.area_id, Caso.tipo_id, Caso.estado, Caso.sla_estado, Caso.asignado_a_id)
    )
    columnas = ["area_id", "tipo_id", "estado", "sla_estado", "asignado_a_id", "casos"]
    sesion.execute(delete(ResumenBandeja))
    sesion.execute(insert(ResumenBandeja).from_select([*columnas, "calculado_en"], grupos))
    # A few hundred rows; psycopg does not report a rowcount for INSERT ... SELECT here.
    return int(sesion.scalar(select(func.count()).select_from(ResumenBandeja)) or 0)


def conteos(sesion: Session, persona: Personal) -> ConteosBandeja:
    """Counts per tab (all, mine, unassigned, at risk, late) for the person's areas."""
    r = ResumenBandeja
    sumas = select(
        func.coalesce(func.sum(r.casos), 0),
        func.coalesce(func.sum(case((r.asignado_a_id == persona.id, r.casos), else_=0)), 0),
        func.coalesce(func.sum(case((r.asignado_a_id.is_(None), r.casos), else_=0)), 0),
        func.coalesce(
            func.sum(case((r.sla_estado == EstadoSLA.EN_RIESGO.value, r.casos), else_=0)), 0
        ),
        func.coalesce(
            func.sum(case((r.sla_estado == EstadoSLA.VENCIDO.value, r.casos), else_=0)), 0
        ),
        func.max(r.calculado_en),
    )
    areas = areas_visibles(persona)
    if areas is not None:
        sumas = sumas.where(r.area_id.in_(sorted(areas) or [-1]))
    fila = sesion.execute(sumas).one()
    return ConteosBandeja(*(int(v) for v in fila[:5]), calculado_en=fila[5])
