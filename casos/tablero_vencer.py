"""The dashboard's list of open cases about to breach, read along ix_casos_prioridad.

A case is listed when its earliest running clock (`prioridad_en`) is due between now and the
end of the next 8 business hours of the CEA calendar, or when the sweep has already marked it
*en riesgo* (then its due time lies at most the largest "risk window" of the catalog ahead).
Cases already late are not here: they are counted as *vencidos* in the open-case tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, defer, joinedload

from casos.catalogo import DiaInhabil, TipoCaso, calendario_cea
from casos.estados import ETIQUETAS_ESTADO, EstadoCaso
from casos.modelos import SIN_PLAZO, Caso, EstadoSLA
from casos.sla import CalendarioLaboral

HORAS_POR_VENCER = timedelta(hours=8)
LIMITE_POR_VENCER = 100


@dataclass(frozen=True)
class CasoPorVencer:
    """One row of the list (plain values: the template and the exports read the same thing)."""

    folio: str
    area: str
    tipo: str
    estado: str
    asignado: str
    sla_estado: EstadoSLA
    vence_en: datetime


def calendario_general(sesion: Session) -> CalendarioLaboral:
    """The CEA working calendar with the non-working days that apply to every area."""
    dias = sesion.execute(
        select(DiaInhabil.fecha, DiaInhabil.motivo).where(DiaInhabil.area_id.is_(None))
    )
    return calendario_cea(tuple(sorted((f, m) for f, m in dias)))


def ventana_riesgo(sesion: Session) -> timedelta:
    """The longest business time left on a clock once it is *en riesgo*, over every type."""
    consulta = select(TipoCaso.umbral_riesgo_pct, TipoCaso.horas_resolucion)
    horas = [
        (Decimal(100) - Decimal(umbral)) / 100 * Decimal(resolucion)
        for umbral, resolucion in sesion.execute(consulta)
    ]
    return timedelta(hours=float(max(horas, default=0)))


def por_vencer(
    sesion: Session,
    areas: frozenset[int] | None,
    ahora: datetime,
    limite: int = LIMITE_POR_VENCER,
) -> list[CasoPorVencer]:
    """Open cases of `areas` (None: all) due within 8 business hours or at risk, soonest first."""
    if areas is not None and not areas:
        return []
    calendario = calendario_general(sesion)
    proximo = calendario.sumar_horas(ahora, HORAS_POR_VENCER)
    horizonte = max(proximo, calendario.sumar_horas(ahora, ventana_riesgo(sesion)))
    consulta = (
        select(Caso)
        # The list shows a few columns: the JSON ones (request data, SLA explanation) stay unread.
        .options(
            joinedload(Caso.asignado_a),
            defer(Caso.datos),
            defer(Caso.sla_explicacion),
            defer(Caso.descripcion),
        )
        .where(
            Caso.prioridad_en >= ahora,
            Caso.prioridad_en <= min(horizonte, SIN_PLAZO - timedelta(days=1)),
            or_(Caso.prioridad_en <= proximo, Caso.sla_estado == EstadoSLA.EN_RIESGO),
        )
        .order_by(Caso.prioridad_en, Caso.id)
        .limit(limite)
    )
    if areas is not None:
        consulta = consulta.where(and_(Caso.area_id.in_(sorted(areas))))
    return [_fila(caso) for caso in sesion.scalars(consulta).unique()]


def _fila(caso: Caso) -> CasoPorVencer:
    assert caso.prioridad_en is not None
    return CasoPorVencer(
        folio=caso.folio,
        area=caso.area.nombre,
        tipo=caso.tipo.nombre,
        estado=ETIQUETAS_ESTADO[EstadoCaso(caso.estado)],
        asignado=caso.asignado_a.nombre if caso.asignado_a else "Sin asignar",
        sla_estado=EstadoSLA(caso.sla_estado),
        vence_en=caso.prioridad_en,
    )
