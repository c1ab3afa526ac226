"""`python -m scheduler`: the one scheduler process (APScheduler 3, BlockingScheduler)."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler

import casos.modelos_todos  # noqa: F401
from casos.bd import crear_motor, fabrica_sesiones
from casos.correo import configurar_correo
from casos.envio import AjustesSMTP
from config import Config, cargar
from scheduler.trabajos import TRABAJOS, Contexto


def construir_contexto(config: Config) -> Contexto:
    """Sessions and SMTP settings from the same environment variables as the web app."""
    configurar_correo(config.BASE_URL)
    motor = crear_motor(config.SQLALCHEMY_DATABASE_URI)
    smtp = AjustesSMTP(
        host=config.SMTP_HOST,
        puerto=config.SMTP_PORT,
        remitente=config.MAIL_FROM,
        usuario=config.SMTP_USER,
        contrasena=config.SMTP_PASSWORD,
        tls=config.SMTP_TLS,
        tiempo_espera=config.SMTP_TIMEOUT,
    )
    return Contexto(sesiones=fabrica_sesiones(motor), smtp=smtp)


def construir_programador(ctx: Contexto) -> BlockingScheduler:
    """Every job with a stable id, coalesced, one instance at a time, generous misfire grace."""
    programador = BlockingScheduler(timezone="America/Mexico_City")
    for trabajo in TRABAJOS:
        # Periodic jobs also run right at start-up: a restart must not delay overdue work.
        inicio = {"next_run_time": datetime.now(UTC)} if trabajo.disparador == "interval" else {}
        programador.add_job(
            trabajo.funcion,
            trabajo.disparador,
            args=[ctx],
            id=trabajo.id,
            name=trabajo.id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=300,
            replace_existing=True,
            **trabajo.parametros,
            **inicio,
        )
    return programador


def main() -> None:
    """Run until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # APScheduler logs every run at INFO (the mail job runs every 5 s); our jobs log what they do.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    programador = construir_programador(construir_contexto(cargar()))
    logging.getLogger("scheduler").info("Programador iniciado: %s", [t.id for t in TRABAJOS])
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        programador.start()


if __name__ == "__main__":
    main()
