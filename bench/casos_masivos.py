"""Generate a million cases (10 % open) with their histories, for the back-office benchmark.

    .venv/bin/python -m bench.casos_masivos --reiniciar                  # SQLite, bench/resultados
    .venv/bin/python -m bench.casos_masivos --url postgresql+psycopg://…/ov_bench --reiniciar
    .venv/bin/python -m bench.casos_masivos --contratos 50000 --reiniciar  # + commercial data

Cases arrive over three years, mostly in office hours, over every type of the catalog, routed
by the routing rules, with colonias and contracts from the commercial data when the database
has it. Each case gets the events its final state implies (filed, assigned, answered, asked
for information, resolved, closed, cancelled, plus the sweep's SLA alerts) and SLA columns
consistent with them: open cases through the real `calcular_sla` and `ciclo.prioridad`,
closed ones through exact cached due times (see bench/casos_masivos_relojes.py). Folios are
`OV-YYYY-NNNNNN` per year and the folio counters are moved past them.

Batches of `--lote` cases commit one at a time, each seeded from (--semilla, batch number):
an interrupted run started again with the same options resumes after the last whole batch
and produces the same rows. `--reiniciar` drops every table except the commercial ones.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

import casos.modelos_todos  # noqa: F401
from bench.casos_masivos_caso import Generador
from bench.casos_masivos_datos import Parametros, contexto
from bench.casos_masivos_generar import (
    CLAVE_AJUSTE,
    Resumen,
    escribir_lote,
    finalizar,
    generar,
    lotes_pendientes,
    preparar,
    recalcular_resumenes,
)
from bench.casos_masivos_personal import CONTRASENA
from casos.ajustes import Ajuste
from casos.base import Base
from casos.bd import crear_motor, iniciar_escritura
from casos.modelos import Caso

__all__ = ["generar", "main"]
TABLAS_COMERCIALES = {"contratos", "facturas", "lecturas", "pagos", "cfdis"}
RESULTADOS = Path(__file__).resolve().parent / "resultados"


# --- command line --------------------------------------------------------------------------


def abrir_base(url: str | None, reiniciar: bool) -> tuple[Engine, Path | None]:
    """The engine (default: bench/resultados/casos.sqlite3), emptied first with --reiniciar."""
    archivo = None
    if url is None:
        RESULTADOS.mkdir(exist_ok=True)
        archivo = RESULTADOS / "casos.sqlite3"
        url = f"sqlite:///{archivo}"
    motor = crear_motor(url)
    if motor.dialect.name == "sqlite" and motor.url.database not in (None, "", ":memory:"):
        archivo = Path(motor.url.database)
    if reiniciar:
        with motor.begin() as conexion:
            existentes = set(conexion.dialect.get_table_names(conexion))
        comerciales = TABLAS_COMERCIALES & existentes
        tablas = [t for t in Base.metadata.sorted_tables if t.name not in TABLAS_COMERCIALES]
        if archivo is not None and not comerciales:
            motor.dispose()
            for sufijo in ("", "-wal", "-shm"):
                Path(f"{archivo}{sufijo}").unlink(missing_ok=True)
            motor = crear_motor(url)
        else:
            Base.metadata.drop_all(motor, tables=tablas)
    Base.metadata.create_all(motor)
    return motor, archivo


def tamano(motor: Engine, archivo: Path | None) -> int:
    """Bytes on disk: the SQLite file after a WAL checkpoint, or pg_database_size."""
    with motor.connect() as conexion:
        if archivo is None:
            return int(conexion.scalar(text("SELECT pg_database_size(current_database())")))
        conexion.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in (archivo, Path(f"{archivo}-wal")) if p.exists())


def _parametros(motor: Engine, args: argparse.Namespace) -> Parametros:
    ahora = args.ahora
    if ahora is None:
        with Session(motor) as sesion:
            previo = sesion.get(Ajuste, CLAVE_AJUSTE)
        # Resuming: the same "now" as the interrupted run, so the same rows.
        ahora = (
            datetime.fromisoformat(previo.valor["ahora"])
            if previo is not None
            else datetime.now(UTC).replace(second=0, microsecond=0)
        )
    return Parametros(args.casos, args.abiertos_pct / 100, args.semilla, ahora, args.lote)


def _argumentos() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url", default=None, help="DATABASE_URL (por omisión, SQLite en bench/resultados)"
    )
    parser.add_argument("--casos", type=int, default=1_000_000)
    parser.add_argument("--abiertos-pct", type=float, default=10.0)
    parser.add_argument("--semilla", type=int, default=2026)
    parser.add_argument("--lote", type=int, default=10_000)
    parser.add_argument("--ahora", type=datetime.fromisoformat, default=None, help="ISO con zona")
    parser.add_argument(
        "--contratos", type=int, default=0, help="generar datos comerciales si faltan"
    )
    parser.add_argument("--reiniciar", action="store_true", help="borrar todo salvo lo comercial")
    return parser.parse_args()


def _comerciales(motor: Engine, contratos: int, semilla: int, ahora: datetime) -> None:
    from casos.comercial.generador import generar as generar_comercial
    from casos.comercial.modelos import Contrato

    with Session(motor) as sesion:
        if not contratos or sesion.scalar(select(Contrato.id).limit(1)) is not None:
            return
    r = generar_comercial(
        motor, contratos=contratos, semilla=semilla, hoy=ahora.date(), con_xml=False
    )
    print(f"datos comerciales: {r.contratos:,} contratos, {r.filas:,} filas en {r.segundos:.1f} s")


def main() -> None:
    """Generate (or resume), then print the figures."""
    args = _argumentos()
    motor, archivo = abrir_base(args.url, args.reiniciar)
    parametros = _parametros(motor, args)
    _comerciales(motor, args.contratos, args.semilla, parametros.ahora)
    inicio = time.perf_counter()
    with Session(motor) as sesion, sesion.begin():
        iniciar_escritura(sesion)
        hechos = preparar(sesion, parametros)
    with Session(motor) as sesion:
        ctx = contexto(sesion, parametros)
        gen = Generador(ctx)
        print(
            f"motor: {motor.dialect.name}; {parametros.casos:,} casos ({args.abiertos_pct:g} % "
            f"abiertos) al {parametros.ahora:%Y-%m-%d %H:%M} UTC; {len(ctx.contratos):,} "
            f"contratos; abiertos con P = exp(-edad/τ), τ = {ctx.abiertos.tau}; ya había "
            f"{hechos:,}; contraseña del personal bench_*: {CONTRASENA}"
        )
    resumen = Resumen()
    for lote in lotes_pendientes(hechos, parametros):
        with Session(motor) as sesion, sesion.begin():
            iniciar_escritura(sesion)
            casos, eventos = escribir_lote(sesion, ctx, gen, lote)
        resumen.casos += casos
        resumen.eventos += eventos
        segundos = time.perf_counter() - inicio
        print(
            f"\r{hechos + resumen.casos:,}/{parametros.casos:,} casos · {segundos:,.0f} s · "
            f"{resumen.casos / segundos:,.0f} casos/s",
            end="",
            flush=True,
        )
    print()
    with Session(motor) as sesion, sesion.begin():
        iniciar_escritura(sesion)
        finalizar(sesion)
    generado = time.perf_counter() - inicio
    t0 = time.perf_counter()
    with motor.begin() as conexion:
        conexion.execute(text("ANALYZE"))
    analisis = time.perf_counter() - t0
    with Session(motor) as sesion, sesion.begin():
        iniciar_escritura(sesion)
        lineas = recalcular_resumenes(sesion, parametros.ahora, 365 * parametros.anios + 1)
    _informe(motor, archivo, resumen, generado, analisis, gen, lineas)


def _informe(
    motor: Engine,
    archivo: Path | None,
    r: Resumen,
    segundos: float,
    analisis: float,
    gen: Generador,
    lineas: list[str],
) -> None:
    with Session(motor) as sesion:
        abiertos = sesion.scalar(select(func.count()).where(Caso.prioridad_en.is_not(None)))
        total = sesion.scalar(select(func.count()).select_from(Caso))
    filas, s = r.casos + r.eventos, max(segundos, 1e-9)
    print(
        f"casos: {total:,} ({abiertos:,} abiertos); escritos: {r.casos:,} + {r.eventos:,} eventos"
    )
    print(
        f"tiempo: {segundos:,.1f} s ({segundos / 60:.1f} min); {r.casos / s:,.0f} "
        f"casos/s, {filas / s:,.0f} filas/s; ANALYZE {analisis:.1f} s; "
        f"calendarios en rejilla: {len(gen.rejillas.por_calendario)}"
    )
    print(f"tamaño de la base: {tamano(motor, archivo) / 2**20:,.0f} MiB")
    for linea in lineas:
        print(f"resumen: {linea}")


if __name__ == "__main__":
    main()
