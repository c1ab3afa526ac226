"""`flask comercial …`: import the billing system's CSV files, and generate demo data.

    flask comercial importar contratos|facturas|lecturas|pagos ARCHIVO [--rechazos F]
                             [--xml-dir D] [--lote N] [--sin-aplicar-pagos]
    flask comercial generar --contratos N [--semilla S] [--sin-xml]

The import commits once per batch (casos.comercial.importacion yields between batches), so a
long import can be stopped and simply run again: it is idempotent. After bills or payments it
reviews the debt blocks of the contracts they touched, so a paid debt lifts a block at once.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from app.extensiones import db
from casos.actores import Actor
from casos.bd import iniciar_escritura
from casos.comercial.generador import ResumenGeneracion, generar
from casos.comercial.importacion import (
    LOTE_PREDETERMINADO,
    Importacion,
    ResumenImportacion,
    TipoArchivo,
    contar_filas,
)
from casos.cuentas.bloqueos import ResumenBloqueos, revisar_bloqueos_por_adeudo
from casos.errores import DatosInvalidos
from casos.sla import ZONA_CEA

comercial_cli = AppGroup(
    "comercial", help="Datos comerciales: importación desde el sistema comercial y demostración."
)
ACTOR_IMPORTACION = Actor.sistema("Importación comercial")
CONTRATOS_DEMO = 200


def _ahora() -> datetime:
    return datetime.now(UTC)


@comercial_cli.command("importar")
@click.argument("tipo", type=click.Choice([t.value for t in TipoArchivo]))
@click.argument("archivo", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--rechazos",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Reporte de filas rechazadas (por omisión, ARCHIVO.rechazos.csv junto al archivo).",
)
@click.option(
    "--xml-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Solo facturas: carpeta con el XML de cada CFDI, llamado <UUID>.xml.",
)
@click.option(
    "--lote",
    type=click.IntRange(1, 50_000),
    default=LOTE_PREDETERMINADO,
    show_default=True,
    help="Filas por lote (se confirma cada lote).",
)
@click.option(
    "--sin-aplicar-pagos",
    is_flag=True,
    help="Solo pagos: registrarlos sin descontar el saldo de las facturas.",
)
def importar(
    tipo: str,
    archivo: Path,
    rechazos: Path | None,
    xml_dir: Path | None,
    lote: int,
    sin_aplicar_pagos: bool,
) -> None:
    """Importa un archivo CSV del sistema comercial (formato en docs/importacion.md)."""
    ahora = _ahora()
    try:
        importacion = Importacion(
            db.session,
            tipo,
            archivo,
            ahora=ahora,
            rechazos=rechazos,
            carpeta_xml=xml_dir,
            lote=lote,
            aplicar_pagos=not sin_aplicar_pagos,
        )
    except DatosInvalidos as error:
        raise click.ClickException(error.mensaje) from error
    inicio = time.perf_counter()
    _por_lotes(importacion, contar_filas(archivo))
    bloqueos = _revisar_bloqueos(importacion.resumen, ahora)
    db.session.commit()
    _informar(importacion.resumen, time.perf_counter() - inicio, bloqueos)


def _por_lotes(importacion: Importacion, filas: int) -> None:
    """Run the import with a progress bar, committing after every batch."""
    etiqueta = f"Importando {importacion.tipo.value}"
    confirmadas = 0
    try:
        with click.progressbar(length=filas, label=etiqueta, show_pos=True) as barra:
            iniciar_escritura(db.session)
            for leidas in importacion.lotes():
                db.session.commit()
                confirmadas += leidas
                barra.update(leidas)
                iniciar_escritura(db.session)
    except DatosInvalidos as error:
        raise _interrumpida(error.mensaje, confirmadas) from error
    except SQLAlchemyError as error:
        motivo = f"La base de datos rechazó un lote ({type(error).__name__})."
        raise _interrumpida(motivo, confirmadas) from error


def _interrumpida(motivo: str, confirmadas: int) -> click.ClickException:
    """Roll the open batch back and say what was kept."""
    db.session.rollback()
    aviso = (
        f" Los lotes anteriores ({confirmadas:,} filas) quedaron guardados; corrija el problema"
        " y vuelva a importar el archivo completo (la importación es idempotente)."
        if confirmadas
        else " No se guardó nada."
    )
    return click.ClickException(motivo + aviso)


def _revisar_bloqueos(resumen: ResumenImportacion, ahora: datetime) -> ResumenBloqueos | None:
    """After bills or payments: block or unblock the accounts of the contracts touched."""
    if resumen.tipo not in (TipoArchivo.FACTURAS, TipoArchivo.PAGOS):
        return None
    if not resumen.contratos_afectados:
        return None
    return revisar_bloqueos_por_adeudo(
        db.session, resumen.contratos_afectados, ahora, ACTOR_IMPORTACION
    )


def _informar(
    resumen: ResumenImportacion, segundos: float, bloqueos: ResumenBloqueos | None
) -> None:
    """The final summary."""
    velocidad = resumen.leidas / segundos if segundos > 0 else 0.0
    click.echo(f"Importación de {resumen.tipo} terminada en {segundos:,.1f} s.")
    for nombre, valor in _cifras(resumen):
        click.echo(f"  {nombre + ':':<26}{valor:>12,}")
    click.echo(f"  {'Velocidad:':<26}{velocidad:>12,.0f} filas/s")
    if resumen.columnas_ignoradas:
        click.echo(f"  Columnas ignoradas: {', '.join(resumen.columnas_ignoradas)}")
    if resumen.archivo_rechazos is not None:
        click.echo(f"  Filas rechazadas y su motivo en: {resumen.archivo_rechazos}")
        for muestra in resumen.muestras:
            click.echo(f"    {muestra}")
    if bloqueos is not None:
        click.echo(
            f"  Bloqueos por adeudo: {bloqueos.revisadas:,} cuentas revisadas, "
            f"{bloqueos.bloqueadas:,} bloqueadas, {bloqueos.levantadas:,} desbloqueadas."
        )


def _cifras(resumen: ResumenImportacion) -> list[tuple[str, int]]:
    renglones = [
        ("Filas leídas", resumen.leidas),
        ("Insertadas", resumen.insertadas),
        ("Actualizadas", resumen.actualizadas),
        ("Sin cambios", resumen.sin_cambios),
        ("Rechazadas", resumen.rechazadas),
    ]
    if resumen.tipo == TipoArchivo.FACTURAS:
        renglones.append(("XML guardados", resumen.xml_guardados))
    if resumen.tipo == TipoArchivo.PAGOS:
        renglones.append(("Pagos aplicados a saldos", resumen.pagos_aplicados))
    return renglones


@comercial_cli.command("generar")
@click.option(
    "--contratos",
    type=click.IntRange(min=1),
    default=CONTRATOS_DEMO,
    show_default=True,
    help="Contratos a generar, cada uno con 36 meses de facturas, lecturas y pagos.",
)
@click.option("--semilla", type=int, default=2026, show_default=True, help="Semilla del azar.")
@click.option("--sin-xml", is_flag=True, help="No generar el XML (CFDI) de cada factura.")
def generar_demo(contratos: int, semilla: int, sin_xml: bool) -> None:
    """Genera datos comerciales de demostración (nunca en producción)."""
    if current_app.config.get("NOMBRE_ENTORNO") == "produccion":
        raise click.ClickException("Los datos de demostración no se generan en producción.")
    hoy = _ahora().astimezone(ZONA_CEA).date()
    with click.progressbar(length=contratos, label="Generando contratos", show_pos=True) as barra:
        resumen = generar(
            db.engine,
            contratos=contratos,
            semilla=semilla,
            hoy=hoy,
            con_xml=not sin_xml,
            progreso=barra.update,
        )
    _informar_generacion(resumen)


def _informar_generacion(resumen: ResumenGeneracion) -> None:
    click.echo(
        f"Generados {resumen.contratos:,} contratos ({resumen.primer_numero} a "
        f"{resumen.ultimo_numero}) en {resumen.segundos:,.1f} s:"
    )
    for nombre in ("facturas", "lecturas", "pagos", "cfdis"):
        click.echo(f"  {nombre + ':':<12}{getattr(resumen, nombre):>14,}")
    click.echo(f"  {'velocidad:':<12}{resumen.filas_por_segundo:>14,.0f} filas/s")


def registrar(app: Flask) -> None:
    """Attach `flask comercial` to the app."""
    app.cli.add_command(comercial_cli)
