"""Engine plumbing shared by the web app, the scheduler, the CLI, the tests and the benchmarks.

SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE for writers so that concurrent filings
queue instead of failing with "database is locked"; PostgreSQL needs nothing special.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

OPCION_ESCRITURA = "ov_escritura"
ESPERA_BLOQUEO_MS = 30_000


def es_sqlite(motor: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return motor.dialect.name == "sqlite"


def configurar_motor(motor: Engine) -> Engine:
    """Install the SQLite pragmas and transaction handling on an engine (no-op elsewhere)."""
    if not es_sqlite(motor) or getattr(motor, "_ov_configurado", False):
        return motor

    @event.listens_for(motor, "connect")
    def _al_conectar(conexion_dbapi: Any, _registro: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins.
        conexion_dbapi.isolation_level = None
        cursor = conexion_dbapi.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {ESPERA_BLOQUEO_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if motor.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(motor, "begin")
    def _al_comenzar(conexion: Any) -> None:
        # A writer takes the write lock up front; a reader stays deferred and never blocks.
        inmediata = conexion.get_execution_options().get(OPCION_ESCRITURA, False)
        conexion.exec_driver_sql("BEGIN IMMEDIATE" if inmediata else "BEGIN")

    motor._ov_configurado = True  # type: ignore[attr-defined]
    return motor


def crear_motor(url: str, **opciones: Any) -> Engine:
    """Create a configured engine for processes that do not run Flask (scheduler, CLI, bench)."""
    return configurar_motor(create_engine(url, pool_pre_ping=True, **opciones))


def fabrica_sesiones(motor: Engine) -> sessionmaker[Session]:
    """A sessionmaker whose sessions keep loaded attributes after commit (jobs read them)."""
    return sessionmaker(bind=motor, expire_on_commit=False)


def iniciar_escritura(sesion: Session) -> None:
    """Open the session's transaction as a writer (BEGIN IMMEDIATE on SQLite).

    Must be the first use of the session in the transaction; on PostgreSQL it is harmless.
    """
    sesion.connection(execution_options={OPCION_ESCRITURA: True})
