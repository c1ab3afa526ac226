"""Recomputing open cases' due times after an SLA policy or a calendar changes.

The admin records a request (one row); the scheduler works through the open cases in batches,
remembering the last case id done, so a million cases never sit in one web request and a
restarted scheduler carries on where it stopped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, Select, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, selectinload

from casos.actores import Actor
from casos.auditoria import registrar_auditoria
from casos.base import Base, exigir_zona
from casos.catalogo import Calendarios
from casos.ciclo import recalcular_sla
from casos.estados import ABIERTOS
from casos.modelos import Caso

LOTE = 500


class SolicitudRecalculo(Base):
    """A pending or finished recomputation of open cases' clocks (all, or one type / area)."""

    __tablename__ = "solicitudes_recalculo"

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitada_en: Mapped[datetime]
    solicitada_por: Mapped[str] = mapped_column(String(200))
    motivo: Mapped[str] = mapped_column(String(300))
    tipo_id: Mapped[int | None] = mapped_column(ForeignKey("tipos_caso.id", ondelete="CASCADE"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    ultimo_caso_id: Mapped[int] = mapped_column(default=0)
    casos: Mapped[int] = mapped_column(default=0)
    terminada_en: Mapped[datetime | None]


def solicitar_recalculo(
    sesion: Session,
    motivo: str,
    actor: Actor,
    ahora: datetime,
    tipo_id: int | None = None,
    area_id: int | None = None,
) -> SolicitudRecalculo:
    """Ask the scheduler to recompute open cases' clocks (all, one type or one area).

    An identical request not yet started is reused: ten edits in a row cost one pass."""
    ahora = exigir_zona(ahora)
    solicitud = sesion.scalar(
        select(SolicitudRecalculo).where(
            SolicitudRecalculo.terminada_en.is_(None),
            SolicitudRecalculo.ultimo_caso_id == 0,
            _mismo(SolicitudRecalculo.tipo_id, tipo_id),
            _mismo(SolicitudRecalculo.area_id, area_id),
        )
    )
    if solicitud is None:
        solicitud = SolicitudRecalculo(
            solicitada_en=ahora,
            solicitada_por=actor.nombre[:200],
            motivo=motivo[:300],
            tipo_id=tipo_id,
            area_id=area_id,
            ultimo_caso_id=0,
            casos=0,
        )
        sesion.add(solicitud)
        sesion.flush()
    registrar_auditoria(
        sesion, actor, "solicitar", "recalculo_sla", ahora, solicitud.id, motivo=motivo[:300]
    )
    return solicitud


def _mismo(columna: Mapped[int | None], valor: int | None) -> ColumnElement[bool]:
    return columna.is_(None) if valor is None else columna == valor


def pendientes(sesion: Session) -> int:
    """Requests not finished yet."""
    consulta = select(func.count()).where(SolicitudRecalculo.terminada_en.is_(None))
    return int(sesion.scalar(consulta.select_from(SolicitudRecalculo)) or 0)


def avanzar_recalculo(sesion: Session, ahora: datetime, lote: int = LOTE) -> int:
    """Recompute the next batch of the oldest open request; returns how many cases it did.

    Cases are taken in id order after `ultimo_caso_id`, so a restart carries on; a batch
    shorter than `lote` finishes the request. Flushes; the job commits each batch."""
    ahora = exigir_zona(ahora)
    solicitud = sesion.scalar(
        select(SolicitudRecalculo)
        .where(SolicitudRecalculo.terminada_en.is_(None))
        .order_by(SolicitudRecalculo.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if solicitud is None:
        return 0
    casos = list(sesion.scalars(_consulta_lote(solicitud, lote)))
    calendarios = Calendarios(sesion)
    for caso in casos:
        recalcular_sla(sesion, caso, ahora, calendarios)
    if casos:
        solicitud.ultimo_caso_id = casos[-1].id
        solicitud.casos += len(casos)
    if len(casos) < lote:
        solicitud.terminada_en = ahora
    sesion.flush()
    return len(casos)


def _consulta_lote(solicitud: SolicitudRecalculo, lote: int) -> Select[tuple[Caso]]:
    consulta = (
        select(Caso)
        .where(Caso.estado.in_(sorted(ABIERTOS)), Caso.id > solicitud.ultimo_caso_id)
        .options(selectinload(Caso.eventos))
        .order_by(Caso.id)
        .limit(lote)
    )
    if solicitud.tipo_id is not None:
        consulta = consulta.where(Caso.tipo_id == solicitud.tipo_id)
    if solicitud.area_id is not None:
        consulta = consulta.where(Caso.area_id == solicitud.area_id)
    return consulta
