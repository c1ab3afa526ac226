"""`flask` commands: thin wrappers that open one transaction and call the domain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import IO

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app import cli_comercial, cli_tablero
from app.cli_cuentas import cuentas_cli
from app.extensiones import db
from casos import demo, demo_cuentas, demo_portal, semilla
from casos.actores import Actor
from casos.ajustes import cambiar_mantenimiento, mantenimiento
from casos.barrido import barrer_sla
from casos.bd import iniciar_escritura
from casos.catalogo import Area
from casos.ciclo import recalcular_sla
from casos.comercial.generador import generar
from casos.comercial.modelos import Contrato
from casos.cuentas.contrasenas import cifrar, problemas_contrasena
from casos.estados import ABIERTOS
from casos.modelos import Caso
from casos.personal import Personal, RolPersonal
from casos.resumen_bandeja import recalcular_resumen
from casos.sesiones import cerrar_sesiones_de
from casos.sla import ZONA_CEA

catalogos_cli = AppGroup("catalogos", help="Catálogos de áreas, tipos y calendario.")
demo_cli = AppGroup("demo", help="Datos de demostración (solo para el entorno de desarrollo).")
personal_cli = AppGroup("personal", help="Cuentas del personal de la CEA.")
sla_cli = AppGroup("sla", help="Plazos de atención.")
mantenimiento_cli = AppGroup("mantenimiento", help="Modo mantenimiento del portal (regla 5).")


@mantenimiento_cli.command("activar")
@click.option("--mensaje", default=None, help="Texto que verá el cliente (opcional).")
def mantenimiento_activar(mensaje: str | None) -> None:
    """Put the portal in maintenance: only Compártenos tu lectura and Contacto keep working."""
    iniciar_escritura(db.session)
    cambiar_mantenimiento(db.session, True, Actor.sistema("CLI"), _ahora(), mensaje)
    db.session.commit()
    click.echo("Modo mantenimiento activado.")


@mantenimiento_cli.command("desactivar")
def mantenimiento_desactivar() -> None:
    """Reopen the whole portal."""
    iniciar_escritura(db.session)
    cambiar_mantenimiento(db.session, False, Actor.sistema("CLI"), _ahora())
    db.session.commit()
    click.echo("Modo mantenimiento desactivado.")


@mantenimiento_cli.command("estado")
def mantenimiento_estado() -> None:
    """Say whether the portal is in maintenance."""
    estado = mantenimiento(db.session)
    click.echo("activo" if estado.activo else "inactivo")


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
    _generar_comercial_demo()  # before our write transaction: the bulk loader has its own
    iniciar_escritura(db.session)
    semilla.cargar_catalogos(db.session)
    cliente = demo_cuentas.cargar_cliente(db.session, _ahora())
    if cliente is not None:
        agente = demo.cargar_personal(db.session)["agente"]
        demo_portal.preparar_escenarios(db.session, cliente, agente, _ahora())
        click.echo(
            f"Cliente de demostración: {cliente.usuario} ({len(cliente.vinculos)} contratos)."
        )
    if demo.ya_cargado(db.session):
        demo.cargar_personal(db.session)
        db.session.commit()
        click.echo("Los datos de demostración ya estaban cargados.")
        return
    casos = demo.cargar_casos(db.session, _ahora())
    recalcular_resumen(db.session, _ahora())  # the Bandeja's tab counts, fresh from the start
    db.session.commit()
    click.echo(f"Demostración cargada: {len(casos)} casos ({', '.join(c.folio for c in casos)}).")


def _generar_comercial_demo() -> None:
    """Generate the demo's contracts, bills, readings and payments once (a small utility)."""
    hay = db.session.scalar(select(Contrato.id).limit(1)) is not None
    db.session.rollback()
    if hay:
        return
    hoy = _ahora().astimezone(ZONA_CEA).date()
    resumen = generar(db.engine, contratos=demo_cuentas.CONTRATOS_DEMO, hoy=hoy)
    click.echo(
        f"Datos comerciales de demostración: {resumen.contratos} contratos, "
        f"{resumen.facturas:,} facturas, {resumen.lecturas:,} lecturas, {resumen.pagos:,} pagos."
    )


OPCION_ARCHIVO = click.option(
    "--contrasena-archivo",
    "archivo",
    type=click.File("r", encoding="utf-8"),
    help="Lee la contraseña de la primera línea de un archivo ('-' = entrada estándar), "
    "para automatizar. Sin esta opción se pide dos veces sin mostrarla.",
)


def _leer_contrasena(archivo: IO[str] | None, contexto: list[str | None]) -> str:
    """The new password from a file/stdin or a hidden prompt, checked against the policy."""
    if archivo is not None:
        contrasena = archivo.readline().rstrip("\r\n")
    else:
        contrasena = click.prompt(
            "Contraseña", hide_input=True, confirmation_prompt="Confirme la contraseña"
        )
    problemas = problemas_contrasena(contrasena, contexto)
    if problemas:
        raise click.ClickException(" ".join(problemas))
    return contrasena


@personal_cli.command("crear")
@click.option("--usuario", required=True)
@click.option("--nombre", required=True)
@click.option("--email", required=True)
@click.option("--rol", type=click.Choice([r.value for r in RolPersonal]), required=True)
@click.option("--area", "areas", multiple=True, help="Clave de área (repetible).")
@OPCION_ARCHIVO
def personal_crear(
    usuario: str, nombre: str, email: str, rol: str, areas: tuple[str, ...], archivo: IO[str] | None
) -> None:
    """Crea una cuenta del personal con sus áreas y su contraseña (cifrada con argon2id)."""
    iniciar_escritura(db.session)
    if db.session.scalar(select(Personal).where(Personal.usuario == usuario)):
        raise click.ClickException(f"Ya existe el usuario {usuario!r}.")
    encontradas = list(db.session.scalars(select(Area).where(Area.clave.in_(areas))))
    faltan = set(areas) - {a.clave for a in encontradas}
    if faltan:
        raise click.ClickException(f"Áreas desconocidas: {', '.join(sorted(faltan))}")
    contrasena = _leer_contrasena(archivo, [usuario, nombre, email])
    db.session.add(
        Personal(
            usuario=usuario,
            nombre=nombre,
            email=email,
            rol=RolPersonal(rol),
            areas=encontradas,
            contrasena_hash=cifrar(contrasena),
        )
    )
    db.session.commit()
    click.echo(f"Cuenta {usuario} creada ({rol}).")


@personal_cli.command("contrasena")
@click.option("--usuario", required=True)
@OPCION_ARCHIVO
def personal_contrasena(usuario: str, archivo: IO[str] | None) -> None:
    """Cambia la contraseña de una cuenta del personal y cierra sus sesiones abiertas."""
    iniciar_escritura(db.session)
    persona = db.session.scalar(select(Personal).where(Personal.usuario == usuario))
    if persona is None:
        raise click.ClickException(f"No existe el usuario {usuario!r}.")
    contrasena = _leer_contrasena(archivo, [persona.usuario, persona.nombre, persona.email])
    persona.contrasena_hash = cifrar(contrasena)
    cerradas = cerrar_sesiones_de(db.session, personal_id=persona.id, ahora=_ahora())
    db.session.commit()
    click.echo(f"Contraseña de {usuario} actualizada; sesiones cerradas: {cerradas}.")


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
    for grupo in (catalogos_cli, cuentas_cli, demo_cli, mantenimiento_cli, personal_cli, sla_cli):
        app.cli.add_command(grupo)
    cli_comercial.registrar(app)
    cli_tablero.registrar(app)
