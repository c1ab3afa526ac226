"""What every job shares: the context, the lease wrapper and the job declaration."""

from __future__ import annotations

import functools
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from casos.bd import iniciar_escritura
from casos.envio import AjustesSMTP
from casos.tareas import soltar_turno, tomar_turno

log = logging.getLogger("scheduler")
Reloj = Callable[[], datetime]


def ahora_utc() -> datetime:
    """The real clock; tests inject another."""
    return datetime.now(UTC)


@dataclass
class Contexto:
    """What every job needs: sessions, SMTP settings, a clock and this process's name."""

    sesiones: sessionmaker[Session]
    smtp: AjustesSMTP
    reloj: Reloj = ahora_utc
    dueno: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")


def con_turno(
    nombre: str, duracion: timedelta
) -> Callable[[Callable[[Contexto], dict[str, Any]]], Callable[[Contexto], dict[str, Any] | None]]:
    """Run the job only while holding its lease in the database; record what it did."""

    def decorador(
        trabajo: Callable[[Contexto], dict[str, Any]],
    ) -> Callable[[Contexto], dict[str, Any] | None]:
        @functools.wraps(trabajo)
        def envoltura(ctx: Contexto) -> dict[str, Any] | None:
            with ctx.sesiones() as sesion, sesion.begin():
                iniciar_escritura(sesion)
                if not tomar_turno(sesion, nombre, ctx.dueno, ctx.reloj(), duracion):
                    log.info("%s: otro proceso tiene el turno; no hago nada", nombre)
                    return None
            resultado: dict[str, Any] = {}
            error: str | None = None
            try:
                resultado = trabajo(ctx)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                log.exception("%s falló", nombre)
            with ctx.sesiones() as sesion, sesion.begin():
                iniciar_escritura(sesion)
                soltar_turno(sesion, nombre, ctx.dueno, ctx.reloj(), resultado, error)
            return resultado

        return envoltura

    return decorador


@dataclass(frozen=True)
class DefinicionTrabajo:
    """A job as APScheduler receives it."""

    id: str
    funcion: Callable[[Contexto], Any]
    disparador: str
    parametros: dict[str, Any]
