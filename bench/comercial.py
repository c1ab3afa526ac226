"""Benchmark: generate the demo commercial data (contracts, 36 months of bills, readings,
payments) into a fresh database and print the rows per table, time, rate and database size.

    .venv/bin/python -m bench.comercial --contratos 500000 --sin-xml     # SQLite, the target
    .venv/bin/python -m bench.comercial --contratos 20000 --url postgresql+psycopg://…  # empty DB

The SQLite file goes to bench/resultados/comercial.sqlite3 (replaced each run). Without
--sin-xml every bill also gets its demo CFDI (≈ 3.5 kB): at 500,000 contracts that is 18 million
XML documents, tens of GB, so the XML size is printed to plan for it. The CPU time of this
process and of the generator's workers is printed too: on a shared machine the wall time also
measures the neighbours.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

import casos.modelos_todos  # noqa: F401
from casos import semilla
from casos.base import Base
from casos.bd import crear_motor
from casos.comercial.cfdi import cfdi_de_factura
from casos.comercial.generador import ResumenGeneracion, generar
from casos.comercial.modelos import Factura

HOY = date(2026, 11, 24)


def preparar(url: str | None) -> tuple[Engine, Path | None]:
    """A fresh schema (SQLite file under bench/resultados, or the given empty database)."""
    archivo = None
    if url is None:
        carpeta = Path(__file__).resolve().parent / "resultados"
        carpeta.mkdir(exist_ok=True)
        archivo = carpeta / "comercial.sqlite3"
        for sufijo in ("", "-wal", "-shm"):
            Path(f"{archivo}{sufijo}").unlink(missing_ok=True)
        url = f"sqlite:///{archivo}"
    motor = crear_motor(url)
    Base.metadata.drop_all(motor)
    Base.metadata.create_all(motor)
    with Session(motor) as sesion, sesion.begin():
        semilla.cargar_catalogos(sesion)
    return motor, archivo


class Progreso:
    """A one-line progress report on stderr."""

    def __init__(self, total: int) -> None:
        self.total, self.hechos, self.inicio = total, 0, time.perf_counter()

    def __call__(self, n: int) -> None:
        self.hechos += n
        segundos = time.perf_counter() - self.inicio
        ritmo = self.hechos / segundos if segundos else 0.0
        print(
            f"\r{self.hechos:,}/{self.total:,} contratos ({self.hechos / self.total:.0%}) · "
            f"{segundos:,.0f} s · {ritmo:,.0f} contratos/s",
            end="",
            file=sys.stderr,
            flush=True,
        )


def tamano_bd(motor: Engine, archivo: Path | None) -> int:
    """Bytes on disk: the SQLite file after a WAL checkpoint, or pg_database_size."""
    with motor.connect() as conexion:
        if archivo is None:
            return int(conexion.scalar(text("SELECT pg_database_size(current_database())")))
        dbapi = conexion.connection.driver_connection
        dbapi.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # outside any transaction
    partes = (Path(f"{archivo}{s}") for s in ("", "-wal"))
    return sum(p.stat().st_size for p in partes if p.exists())


def bytes_un_xml(motor: Engine) -> int:
    """Size of the demo CFDI of the first bill (built even when the run stored none)."""
    with Session(motor) as sesion:
        factura = sesion.scalar(select(Factura).order_by(Factura.id).limit(1))
        return len(cfdi_de_factura(factura).encode()) if factura else 0


def informe(
    r: ResumenGeneracion, cpu: tuple[float, float], tamano: int, xml: int, motor: Engine
) -> None:
    """Print the figures."""
    with Session(motor) as sesion:
        facturas = sesion.scalar(select(func.count()).select_from(Factura))
    print(f"motor: {motor.dialect.name}; contratos {r.primer_numero}–{r.ultimo_numero}")
    for tabla in ("contratos", "facturas", "lecturas", "pagos", "cfdis"):
        print(f"  {tabla:10s} {getattr(r, tabla):>12,} filas")
    print(f"  total      {r.filas:>12,} filas (facturas contadas en la BD: {facturas:,})")
    print(
        f"tiempo: {r.segundos:,.1f} s ({r.segundos / 60:.1f} min); CPU: escritor "
        f"{cpu[0]:,.1f} s, generadores {cpu[1]:,.1f} s"
    )
    print(f"ritmo: {r.filas_por_segundo:,.0f} filas/s; {r.facturas / r.segundos:,.0f} facturas/s")
    print(f"tamaño de la base: {tamano / 2**20:,.0f} MiB ({tamano / max(r.filas, 1):.0f} B/fila)")
    print(
        f"un CFDI: {xml:,} bytes; para {r.facturas:,} facturas serían "
        f"{xml * r.facturas / 2**30:,.1f} GiB"
        + (f" (guardados: {r.bytes_xml / 2**20:,.0f} MiB)" if r.cfdis else "")
    )


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process (the writer) and of its finished children (the workers)."""
    return tuple(  # type: ignore[return-value]
        uso.ru_utime + uso.ru_stime
        for uso in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )


def main() -> None:
    """Fresh database, one generator run, the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contratos", type=int, default=500_000)
    parser.add_argument("--url", default=None, help="base de datos vacía (por omisión, SQLite)")
    parser.add_argument("--sin-xml", action="store_true", help="no guardar los CFDI")
    parser.add_argument("--procesos", type=int, default=None, help="procesos generadores")
    parser.add_argument("--semilla", type=int, default=2026)
    args = parser.parse_args()
    motor, archivo = preparar(args.url)
    print(f"motor: {motor.dialect.name}; generando {args.contratos:,} contratos × 36 meses…")
    inicio_cpu = _cpu()
    resumen = generar(
        motor,
        contratos=args.contratos,
        semilla=args.semilla,
        hoy=HOY,
        con_xml=not args.sin_xml,
        progreso=Progreso(args.contratos),
        procesos=args.procesos,
    )
    print(file=sys.stderr)
    fin_cpu = _cpu()
    cpu = (fin_cpu[0] - inicio_cpu[0], fin_cpu[1] - inicio_cpu[1])
    informe(resumen, cpu, tamano_bd(motor, archivo), bytes_un_xml(motor), motor)


if __name__ == "__main__":
    main()
