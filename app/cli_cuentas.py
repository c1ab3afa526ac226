"""`flask cuentas …`: blocks on customer accounts (rules 7 and 8), for staff at the console.

The back office will offer the same actions on screen; both call casos.cuentas.bloqueos.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.extensiones import db
from casos.actores import Actor
from casos.bd import iniciar_escritura
from casos.comercial.modelos import Contrato
from casos.cuentas.adeudos import cuentas_por_revisar
from casos.cuentas.bloqueos import (
    ResumenBloqueos,
    bloquear_por_mal_uso,
    historial_bloqueos,
    reactivar,
    revisar_bloqueos_por_adeudo,
    revisar_cuentas,
)
from casos.cuentas.modelos import Bloqueo, Cuenta
from casos.errores import ErrorDominio
from casos.personal import Personal
from casos.sla import ZONA_CEA

cuentas_cli = AppGroup("cuentas", help="Cuentas de la Oficina Virtual: bloqueos y reactivaciones.")
ACTOR_REVISION = Actor.sistema("Revisión de adeudos (consola)")


def _ahora() -> datetime:
    return datetime.now(UTC)


def _fecha(instante: datetime | None) -> str:
    return instante.astimezone(ZONA_CEA).strftime("%d/%m/%Y %H:%M") if instante else "—"


def _cuenta(usuario: str) -> Cuenta:
    cuenta = db.session.scalar(select(Cuenta).where(Cuenta.usuario == usuario.strip().lower()))
    if cuenta is None:
        raise click.ClickException(f"No existe la cuenta con usuario {usuario!r}.")
    return cuenta


def _personal(usuario: str) -> Actor:
    """The staff member acting, as an Actor (must exist and be active)."""
    persona = db.session.scalar(select(Personal).where(Personal.usuario == usuario.strip()))
    if persona is None or not persona.es_activo:
        raise click.ClickException(f"No hay personal activo con usuario {usuario!r}.")
    return Actor.personal(persona.nombre, persona.id, origen="consola")


def _fallo(error: ErrorDominio) -> click.ClickException:
    db.session.rollback()
    detalle = " ".join(error.campos.values())
    return click.ClickException(f"{error.mensaje} {detalle}".strip())


@cuentas_cli.command("bloquear")
@click.option("--usuario", required=True, help="Usuario de la cuenta por bloquear.")
@click.option("--dias", type=int, required=True, help="Duración del periodo de bloqueo.")
@click.option("--motivo", required=True, help="Motivo; el usuario lo verá en su página.")
@click.option("--personal", "personal", required=True, help="Usuario del personal que bloquea.")
def bloquear(usuario: str, dias: int, motivo: str, personal: str) -> None:
    """Bloquea una cuenta por uso inadecuado durante N días (regla 8)."""
    iniciar_escritura(db.session)
    cuenta, actor = _cuenta(usuario), _personal(personal)
    try:
        bloqueo = bloquear_por_mal_uso(db.session, cuenta, dias, motivo, actor, _ahora())
    except ErrorDominio as error:
        raise _fallo(error) from None
    db.session.commit()
    click.echo(
        f"Cuenta {cuenta.usuario} bloqueada por mal uso hasta el {_fecha(bloqueo.fin_periodo_en)}."
        " Después seguirá bloqueada hasta que se reactive con `flask cuentas reactivar`."
    )


@cuentas_cli.command("reactivar")
@click.option("--usuario", required=True, help="Usuario de la cuenta por reactivar.")
@click.option("--motivo", required=True, help="La solicitud telefónica: número y folio de llamada.")
@click.option("--personal", "personal", required=True, help="Usuario del personal que reactiva.")
def reactivar_cmd(usuario: str, motivo: str, personal: str) -> None:
    """Reactiva una cuenta bloqueada por mal uso, ya pasado su periodo (regla 8)."""
    iniciar_escritura(db.session)
    cuenta, actor = _cuenta(usuario), _personal(personal)
    try:
        reactivar(db.session, cuenta, motivo, actor, _ahora())
    except ErrorDominio as error:
        raise _fallo(error) from None
    db.session.commit()
    estado = "sigue bloqueada por adeudo" if cuenta.es_bloqueada else "ya no está bloqueada"
    click.echo(f"Cuenta {cuenta.usuario} reactivada; {estado}.")


@cuentas_cli.command("revisar-adeudos")
@click.option("--contrato", "contratos", multiple=True, help="Solo este contrato (repetible).")
def revisar_adeudos(contratos: tuple[str, ...]) -> None:
    """Bloquea o desbloquea por adeudo de más de seis meses (lo mismo que el trabajo nocturno)."""
    ahora = _ahora()
    if contratos:
        iniciar_escritura(db.session)
        consulta = select(Contrato.numero, Contrato.id).where(Contrato.numero.in_(contratos))
        encontrados = {numero: id_ for numero, id_ in db.session.execute(consulta)}
        for numero in sorted(set(contratos) - set(encontrados)):
            click.echo(f"Aviso: no existe el contrato {numero}.", err=True)
        ids = list(encontrados.values())
        resumen = revisar_bloqueos_por_adeudo(db.session, ids, ahora, ACTOR_REVISION)
        db.session.commit()
    else:
        resumen = _revisar_todas(ahora)
    click.echo(f"Revisión de adeudos: {resumen.a_json()}")


def _revisar_todas(ahora: datetime) -> ResumenBloqueos:
    """Every open account, one transaction per batch (as the nightly job does)."""
    resumen = ResumenBloqueos()
    ultimo = 0
    while True:
        iniciar_escritura(db.session)
        lote = cuentas_por_revisar(db.session, ultimo)
        if not lote:
            db.session.rollback()
            return resumen
        revisar_cuentas(db.session, lote, ahora, ACTOR_REVISION, resumen)
        db.session.commit()
        ultimo = lote[-1]


@cuentas_cli.command("bloqueos")
@click.option("--usuario", help="Historial completo de esta cuenta.")
@click.option("--vigentes", is_flag=True, help="Solo los bloqueos sin levantar.")
@click.option("--limite", type=int, default=50, show_default=True, help="Sin --usuario.")
def bloqueos(usuario: str | None, vigentes: bool, limite: int) -> None:
    """Lista los bloqueos: de una cuenta, o los más recientes de todas."""
    if usuario:
        filas = historial_bloqueos(db.session, _cuenta(usuario))
        filas = [b for b in filas if b.levantado_en is None] if vigentes else filas
    else:
        consulta = select(Bloqueo).order_by(Bloqueo.inicio_en.desc(), Bloqueo.id.desc())
        if vigentes:
            consulta = consulta.where(Bloqueo.levantado_en.is_(None))
        filas = list(db.session.scalars(consulta.limit(limite)))
    if not filas:
        click.echo("Sin bloqueos.")
        return
    for bloqueo in filas:
        click.echo(_describir(bloqueo))
    if not usuario:
        total = db.session.scalar(
            select(func.count()).select_from(Bloqueo).where(Bloqueo.levantado_en.is_(None))
        )
        click.echo(f"Bloqueos vigentes en todas las cuentas: {total}")


def _describir(bloqueo: Bloqueo) -> str:
    cuenta = bloqueo.cuenta.usuario or f"cuenta {bloqueo.cuenta_id}"
    lineas = [
        f"#{bloqueo.id} {cuenta} · {bloqueo.motivo.value} · desde {_fecha(bloqueo.inicio_en)}"
        f" por {bloqueo.creado_por}",
        f"    {bloqueo.detalle}",
    ]
    if bloqueo.fin_periodo_en is not None:
        lineas.append(f"    fin del periodo: {_fecha(bloqueo.fin_periodo_en)}")
    if bloqueo.levantado_en is None:
        lineas.append("    VIGENTE")
    else:
        lineas.append(
            f"    levantado el {_fecha(bloqueo.levantado_en)} por {bloqueo.levantado_por}:"
            f" {bloqueo.motivo_levantamiento}"
        )
    return "\n".join(lineas)
