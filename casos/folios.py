"""Folios: one counter row per prefix and year, bumped with UPDATE … RETURNING in the filing
transaction, so a folio is never reused and concurrent filings never collide."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from casos.base import Base, exigir_zona
from casos.sla import ZONA_CEA

PREFIJO = "OV"


class ContadorFolio(Base):
    """The last folio number handed out for a prefix and a year."""

    __tablename__ = "contadores_folio"

    prefijo: Mapped[str] = mapped_column(String(10), primary_key=True)
    anio: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    ultimo: Mapped[int] = mapped_column(default=0)


def formatear_folio(prefijo: str, anio: int, numero: int) -> str:
    """`OV-2026-000123`: short enough to dictate over the phone."""
    return f"{prefijo}-{anio}-{numero:06d}"


def siguiente_folio(sesion: Session, ahora: datetime, prefijo: str = PREFIJO) -> str:
    """Take the next folio of the year (Mexico City time) inside the caller's transaction."""
    anio = exigir_zona(ahora, "fecha del folio").astimezone(ZONA_CEA).year
    numero = _incrementar(sesion, prefijo, anio)
    if numero is None:
        _crear_contador(sesion, prefijo, anio)
        numero = _incrementar(sesion, prefijo, anio)
    assert numero is not None
    return formatear_folio(prefijo, anio, numero)


def _incrementar(sesion: Session, prefijo: str, anio: int) -> int | None:
    sentencia = (
        update(ContadorFolio)
        .where(ContadorFolio.prefijo == prefijo, ContadorFolio.anio == anio)
        .values(ultimo=ContadorFolio.ultimo + 1)
        .returning(ContadorFolio.ultimo)
        .execution_options(synchronize_session=False)
    )
    return sesion.execute(sentencia).scalar_one_or_none()


def _crear_contador(sesion: Session, prefijo: str, anio: int) -> None:
    # Two first filings of the year may race here: ON CONFLICT makes the loser a no-op.
    dialecto = sesion.get_bind().dialect.name
    insertar = postgresql.insert if dialecto == "postgresql" else sqlite.insert
    sentencia = (
        insertar(ContadorFolio)
        .values(prefijo=prefijo, anio=anio, ultimo=0)
        .on_conflict_do_nothing(index_elements=["prefijo", "anio"])
    )
    sesion.execute(sentencia)
