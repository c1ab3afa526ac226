"""Recomputing open cases' due times after an SLA policy or a calendar changes.

The admin records a request (one row); the scheduler works through the open cases in batches,
remembering the last case id done, so a million cases never sit in one web request and a
restarted scheduler carries on where it stopped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casos.base import Base


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
