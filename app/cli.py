"""`flask` commands: thin wrappers that open one transaction and call the domain."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensiones import db
from casos import demo, semilla
from casos.barrido import barrer_sla
from casos.bd import iniciar_escritura
from casos.catalogo import Area
from casos.ciclo import recalcular_sla
from casos.estados import ABIERTOS
from casos.modelos import Caso
from casos.personal import Personal, RolPersonal

catalogos_cli = AppGroup("catalogos", help="Catálogos de áreas, tipos y calendario.")
demo_cli = AppGroup("demo", help="Datos de demostración (solo para el entorno de desarrollo).")
personal_cli = AppGroup("personal", help="Cuentas del personal de la CEA.")
sla_cli = AppGroup("sla", help="Plazos de atención.")


def _ahora() -> datetime:
    return datetime.now(UTC)


@catalogos_cli.command("cargar")
def catalogos_cargar() -> None:
    """Carga las áreas, tipos de caso, ruteo y días inhábiles que falten."""
    iniciar_escritura(db.session)
    creados = semilla.cargar_catalogos(db.session)
    db.session.commit()
    click.echo(f"Catálogos al día: {creados}")


@demo_cli.command("cargar")
def demo_cargar() -> None:
    """Carga catálogos, personal y casos de ejemplo en todos los estados (idempotente)."""
    if current_app.config.get("NOMBRE_ENTORNO") == "produccion":
        raise click.ClickException("Los datos de demostración no se cargan en producción.")
    iniciar_escritura(db.session)
    semilla.cargar_catalogos(db.session)
    if demo.ya_cargado(db.session):
        demo.cargar_personal(db.session)
        db.session.commit()
        click.echo("Los datos de demostración ya estaban cargados.")
        return
    casos = demo.cargar_casos(db.session, _ahora())
    db.session.commit()
    click.echo(f"Demostración cargada: {len(casos)} casos ({', '.join(c.folio for c in casos)}).")


@personal_cli.command("crear")
@click.option("--usuario", required=True)
@click.option("--nombre", required=True)
@click.option("--email", required=True)
@click.option("--rol", type=click.Choice([r.value for r in RolPersonal]), required=True)
@click.option("--area", "areas", multiple=True, help="Clave de área (repetible).")
def personal_crear(usuario: str, nombre: str, email: str, rol: str, areas: tuple[str, ...]) -> None:
    """Crea una cuenta del personal con sus áreas."""
    iniciar_escritura(db.session)
    if db.session.scalar(select(Personal).where(Personal.usuario == usuario)):
        raise click.ClickException(f"Ya existe el usuario {usuario!r}.")
    encontradas = list(db.session.scalars(select(Area).where(Area.clave.in_(areas))))
    faltan = set(areas) - {a.clave for a in encontradas}
    if faltan:
        raise click.ClickException(f"Áreas desconocidas: {', '.join(sorted(faltan))}")
    db.session.add(
        Personal(
            usuario=usuario, nombre=nombre, email=email, rol=RolPersonal(rol), areas=encontradas
        )
    )
    db.session.commit()
    click.echo(f"Cuenta {usuario} creada ({rol}).")


@sla_cli.command("barrer")
def sla_barrer() -> None:
    """Ejecuta un barrido de plazos ahora (lo mismo que hace el programador cada minuto)."""
    iniciar_escritura(db.session)
    resumen = barrer_sla(db.session, _ahora())
    db.session.commit()
    click.echo(f"Barrido: {resumen.a_json()}")


@sla_cli.command("recalcular")
def sla_recalcular() -> None:
    """Recalcula los plazos de todos los casos abiertos (tras cambiar políticas o calendario)."""
    iniciar_escritura(db.session)
    ahora = _ahora()
    total = 0
    for caso in db.session.scalars(select(Caso).where(Caso.estado.in_(ABIERTOS))):
        recalcular_sla(db.session, caso, ahora)
        total += 1
    db.session.commit()
    click.echo(f"Plazos recalculados: {total} casos abiertos.")


def registrar(app: Flask) -> None:
    """Attach the command groups to the app."""
    for grupo in (catalogos_cli, demo_cli, personal_cli, sla_cli):
        app.cli.add_command(grupo)
