"""Leases and run records for scheduled jobs: a second scheduler started by mistake waits."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, String, Text, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from casos.base import Base, exigir_zona


class TareaProgramada(Base):
    """One row per job: who holds it now and what its last run did."""

    __tablename__ = "tareas_programadas"

    nombre: Mapped[str] = mapped_column(String(60), primary_key=True)
    dueno: Mapped[str | None] = mapped_column(String(120))
    bloqueada_hasta: Mapped[datetime | None]
    ultimo_inicio_en: Mapped[datetime | None]
    ultimo_fin_en: Mapped[datetime | None]
    ultimo_resultado: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ultimo_error: Mapped[str | None] = mapped_column(Text)
    ejecuciones: Mapped[int] = mapped_column(default=0)


def tomar_turno(
    sesion: Session, nombre: str, dueno: str, ahora: datetime, duracion: timedelta
) -> bool:
    """Take the job's lease if nobody else holds a live one; the caller commits at once."""
    ahora = exigir_zona(ahora)
    dialecto = sesion.get_bind().dialect.name
    insertar = postgresql.insert if dialecto == "postgresql" else sqlite.insert
    sesion.execute(
        insertar(TareaProgramada)
        .values(nombre=nombre, ejecuciones=0, ultimo_resultado={})
        .on_conflict_do_nothing(index_elements=["nombre"])
    )
    resultado = sesion.execute(
        update(TareaProgramada)
        .where(
            TareaProgramada.nombre == nombre,
            or_(
                TareaProgramada.bloqueada_hasta.is_(None),
                TareaProgramada.bloqueada_hasta <= ahora,
                TareaProgramada.dueno == dueno,
            ),
        )
        .values(dueno=dueno, bloqueada_hasta=ahora + duracion, ultimo_inicio_en=ahora)
        .execution_options(synchronize_session=False)
    )
    return resultado.rowcount == 1  # type: ignore[attr-defined]


def soltar_turno(
    sesion: Session,
    nombre: str,
    dueno: str,
    ahora: datetime,
    resultado: dict[str, Any],
    error: str | None = None,
) -> None:
    """Release the lease and record what the run did."""
    sesion.execute(
        update(TareaProgramada)
        .where(TareaProgramada.nombre == nombre, TareaProgramada.dueno == dueno)
        .values(
            dueno=None,
            bloqueada_hasta=None,
            ultimo_fin_en=exigir_zona(ahora),
            ultimo_resultado=resultado,
            ultimo_error=error,
            ejecuciones=TareaProgramada.ejecuciones + 1,
        )
        .execution_options(synchronize_session=False)
    )
