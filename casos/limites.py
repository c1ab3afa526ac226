"""Rate limits and temporary locks kept in the database, so every web worker shares them.

Fixed windows: a key (``acceso:usuario:ana01``, ``registro:ip:10.0.0.1``) counts events in
its current window; past the limit it is locked until the window (or the lock) ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from casos.base import Base, exigir_zona


class ContadorLimite(Base):
    """Events counted for one key in its current window."""

    __tablename__ = "contadores_limite"

    clave: Mapped[str] = mapped_column(String(200), primary_key=True)
    ventana_inicio_en: Mapped[datetime]
    conteo: Mapped[int]
    bloqueado_hasta: Mapped[datetime | None]


@dataclass(frozen=True)
class Limite:
    """At most `maximo` events per `ventana`; past it, locked for `bloqueo` (or the window)."""

    nombre: str
    maximo: int
    ventana: timedelta
    bloqueo: timedelta | None = None

    def clave(self, sujeto: str) -> str:
        """The counter key for a subject (an address, a user name, an email)."""
        return f"{self.nombre}:{sujeto.strip().lower()}"[:200]


@dataclass(frozen=True)
class Estado:
    """Whether a subject may act now, and if not, until when."""

    permitido: bool
    hasta: datetime | None = None

    def segundos_restantes(self, ahora: datetime) -> int:
        """For a Retry-After header and the "wait N minutes" message."""
        if self.hasta is None:
            return 0
        return max(1, int((self.hasta - exigir_zona(ahora)).total_seconds() + 0.999))

    def minutos_restantes(self, ahora: datetime) -> int:
        """Whole minutes to wait, at least one."""
        return max(1, -(-self.segundos_restantes(ahora) // 60))


def consultar(sesion: Session, limite: Limite, sujeto: str, ahora: datetime) -> Estado:
    """Is the subject locked right now? (Does not count an event.)"""
    ahora = exigir_zona(ahora)
    fila = sesion.get(ContadorLimite, limite.clave(sujeto))
    if fila is not None and fila.bloqueado_hasta is not None and fila.bloqueado_hasta > ahora:
        return Estado(False, fila.bloqueado_hasta)
    return Estado(True)


def contar(sesion: Session, limite: Limite, sujeto: str, ahora: datetime) -> Estado:
    """Count one event; the returned state says whether this very event is still allowed."""
    ahora = exigir_zona(ahora)
    clave = limite.clave(sujeto)
    fila = _fila_bloqueada(sesion, clave, ahora)
    if fila.bloqueado_hasta is not None and fila.bloqueado_hasta > ahora:
        return Estado(False, fila.bloqueado_hasta)
    if ahora - fila.ventana_inicio_en >= limite.ventana:
        fila.ventana_inicio_en, fila.conteo, fila.bloqueado_hasta = ahora, 0, None
    fila.conteo += 1
    if fila.conteo > limite.maximo:
        fila.bloqueado_hasta = ahora + (limite.bloqueo or limite.ventana)
        return Estado(False, fila.bloqueado_hasta)
    return Estado(True)


def _fila_bloqueada(sesion: Session, clave: str, ahora: datetime) -> ContadorLimite:
    """The key's row, created if missing, locked for this transaction (two workers counting
    the same key at once both count: the insert is ON CONFLICT DO NOTHING, then FOR UPDATE)."""
    dialecto = sesion.get_bind().dialect.name
    insertar = pg_insert if dialecto == "postgresql" else sqlite_insert
    sesion.execute(
        insertar(ContadorLimite)
        .values(clave=clave, ventana_inicio_en=ahora, conteo=0, bloqueado_hasta=None)
        .on_conflict_do_nothing(index_elements=["clave"])
    )
    consulta = select(ContadorLimite).where(ContadorLimite.clave == clave).with_for_update()
    return sesion.execute(consulta.execution_options(populate_existing=True)).scalar_one()


def reiniciar(sesion: Session, limite: Limite, sujeto: str) -> None:
    """Forget a subject's count (e.g. after a successful sign-in)."""
    sesion.execute(delete(ContadorLimite).where(ContadorLimite.clave == limite.clave(sujeto)))


def purgar(sesion: Session, ahora: datetime, antiguedad: timedelta = timedelta(days=1)) -> int:
    """Delete counters whose window and lock are long over (nightly housekeeping)."""
    ahora = exigir_zona(ahora)
    limite = ahora - antiguedad
    viejos = select(ContadorLimite.clave).where(
        ContadorLimite.ventana_inicio_en < limite,
        (ContadorLimite.bloqueado_hasta.is_(None)) | (ContadorLimite.bloqueado_hasta < ahora),
    )
    claves = list(sesion.scalars(viejos))
    if claves:
        sesion.execute(delete(ContadorLimite).where(ContadorLimite.clave.in_(claves)))
    return len(claves)
