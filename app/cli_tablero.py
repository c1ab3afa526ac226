"""`flask tablero recalcular`: rebuild the dashboard's daily compliance over any range."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensiones import db
from casos.bd import iniciar_escritura
from casos.cumplimiento import dia_local, recalcular_dias, recalcular_pendientes

tablero_cli = AppGroup("tablero", help="Cifras del tablero de supervisión.")
DIAS_POR_TRANSACCION = 31  # on SQLite the write lock is held for a month of days at most


@tablero_cli.command("recalcular")
@click.option("--desde", type=click.DateTime(["%Y-%m-%d"]), help="Primer día (aaaa-mm-dd).")
@click.option("--hasta", type=click.DateTime(["%Y-%m-%d"]), help="Último día (por omisión hoy).")
def tablero_recalcular(desde: datetime | None, hasta: datetime | None) -> None:
    """Recompute the daily compliance of [desde, hasta] and the open-case snapshot."""
    ahora = datetime.now(UTC)
    fin = hasta.date() if hasta else dia_local(ahora)
    inicio = desde.date() if desde else fin - timedelta(days=1)
    if inicio > fin:
        raise click.BadParameter("--desde debe ser anterior o igual a --hasta.")
    filas = 0
    for tramo_inicio, tramo_fin in _tramos(inicio, fin):
        iniciar_escritura(db.session)
        filas += recalcular_dias(db.session, tramo_inicio, tramo_fin, ahora)
        db.session.commit()
    iniciar_escritura(db.session)
    pendientes = recalcular_pendientes(db.session, ahora)
    db.session.commit()
    click.echo(f"Cumplimiento recalculado del {inicio:%d/%m/%Y} al {fin:%d/%m/%Y}: {filas} filas;")
    click.echo(f"casos abiertos y pendientes vencidos: {pendientes} filas.")


def _tramos(inicio: date, fin: date) -> list[tuple[date, date]]:
    tramos = []
    while inicio <= fin:
        ultimo = min(inicio + timedelta(days=DIAS_POR_TRANSACCION - 1), fin)
        tramos.append((inicio, ultimo))
        inicio = ultimo + timedelta(days=1)
    return tramos


def registrar(app: Flask) -> None:
    """Attach the `tablero` command group."""
    app.cli.add_command(tablero_cli)
