"""Precomputed figures so the Bandeja and the dashboard never count a million rows per page.

`ResumenBandeja` holds the open cases grouped by area, type, state, SLA state and assignee,
rebuilt by the scheduler every minute. `CumplimientoDiario` holds, per day, area and type,
how many cases were received, answered and resolved and how many of those on time; the
scheduler refreshes today and yesterday, and a period's compliance is a sum of days.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casos.base import Base


class ResumenBandeja(Base):
    """Open cases counted by (area, type, state, SLA state, assignee) at `calculado_en`."""

    __tablename__ = "resumen_bandeja"
    __table_args__ = (Index("ix_resumen_bandeja_area_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    tipo_id: Mapped[int] = mapped_column(ForeignKey("tipos_caso.id", ondelete="CASCADE"))
    estado: Mapped[str] = mapped_column(String(30))
    sla_estado: Mapped[str] = mapped_column(String(30))
    asignado_a_id: Mapped[int | None] = mapped_column(ForeignKey("personal.id", ondelete="CASCADE"))
    casos: Mapped[int]
    calculado_en: Mapped[datetime]


class CumplimientoDiario(Base):
    """One day's service-level figures for an area and a case type (dates in Querétaro)."""

    __tablename__ = "cumplimiento_diario"
    __table_args__ = (UniqueConstraint("fecha", "area_id", "tipo_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fecha: Mapped[date]
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    tipo_id: Mapped[int] = mapped_column(ForeignKey("tipos_caso.id", ondelete="CASCADE"))
    recibidos: Mapped[int] = mapped_column(default=0)
    respondidos: Mapped[int] = mapped_column(default=0)
    respondidos_a_tiempo: Mapped[int] = mapped_column(default=0)
    resueltos: Mapped[int] = mapped_column(default=0)
    resueltos_a_tiempo: Mapped[int] = mapped_column(default=0)
    # Snapshot at `calculado_en` (casos/cumplimiento.py): cases received that day still open;
    # open cases whose response / resolution was due that day, already past and still pending.
    abiertos: Mapped[int] = mapped_column(default=0, server_default="0")
    sin_respuesta_vencidos: Mapped[int] = mapped_column(default=0, server_default="0")
    sin_resolver_vencidos: Mapped[int] = mapped_column(default=0, server_default="0")
    calculado_en: Mapped[datetime]
