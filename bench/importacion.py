"""Benchmark: import CSV files of N contracts × M months through `casos.comercial.importacion`.

    .venv/bin/python -m bench.importacion                            # 20,000 × 36 on SQLite
    .venv/bin/python -m bench.importacion --contratos 2000 --meses 12
    .venv/bin/python -m bench.importacion --url postgresql+psycopg://…   # an empty PostgreSQL DB

A tiny generator writes contratos.csv, facturas.csv (amounts that add up, 3 % unpaid),
lecturas.csv (one a month) and pagos.csv (one per paid bill, a partial one for half the unpaid)
under bench/resultados/importacion_<N>x<M>/, then each file is imported the way `flask comercial
importar` does it: one transaction per batch. Each file is imported twice: the second pass
finds every row unchanged (the idempotent re-import; the bills touched by the first pass's
payments come back to the file's balance). Prints rows, seconds and rows per second per file,
and the size of the SQLite database.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

import casos.modelos_todos  # noqa: F401
from casos.base import Base
from casos.bd import crear_motor, iniciar_escritura
from casos.comercial.importacion import Importacion, ResumenImportacion
from casos.comercial.importacion_filas import FORMATOS

RESULTADOS = Path(__file__).parent / "resultados"
AHORA = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
PRIMER_NUMERO = 3_000_000_000
CENTAVO = Decimal("0.01")
COLONIAS = (("Centro", "Querétaro", "76000"), ("Jurica", "Querétaro", "76100"))
COLONIAS += (("El Pueblito", "Corregidora", "76900"), ("La Cañada", "El Marqués", "76240"))
NOMBRES = ("María", "José", "Guadalupe", "Juan", "Rosa", "Luis", "Ana", "Pedro")
APELLIDOS = ("Hernández", "Martínez", "García", "López", "Ramírez", "Pérez", "Olvera", "Soto")


def _meses(cuantos: int) -> list[date]:
    """The `cuantos` months ending with October 2026."""
    return [date(2026 - (k + 2) // 12, 12 - (k + 2) % 12, 1) for k in range(cuantos)][::-1]


def _contratos(azar: random.Random, n: int) -> Iterator[list[object]]:
    for i in range(n):
        colonia, municipio, cp = azar.choice(COLONIAS)
        nombre, paterno, materno = (azar.choice(NOMBRES), *azar.sample(APELLIDOS, 2))
        yield [
            PRIMER_NUMERO + i, "fisica", nombre, paterno, materno, "",
            f"Calle {azar.randint(1, 300)} #{azar.randint(1, 999)}", colonia, municipio, cp,
            "domestico", "DOM-M", f"BEN{i:08d}", "activo",
        ]  # fmt: skip


def _factura(numero: int, mes: date, m3: int, lectura: int, pagada: bool) -> list[object]:
    agua = (Decimal("15.80") * m3).quantize(CENTAVO, ROUND_HALF_UP)
    alc = (agua * Decimal("0.10")).quantize(CENTAVO, ROUND_HALF_UP)
    san = (agua * Decimal("0.15")).quantize(CENTAVO, ROUND_HALF_UP)
    total = agua + alc + san
    emitida = (mes + timedelta(days=35)).replace(day=5)
    return [
        numero, f"{mes:%Y-%m}", f"{emitida:%d/%m/%Y}", f"{emitida + timedelta(days=20):%d/%m/%Y}",
        lectura - m3, lectura, m3, "real", agua, alc, san, "0.00", "0.00", "0.00", total,
        "0.00" if pagada else total, "pagada" if pagada else "pendiente", "",
    ]  # fmt: skip


def escribir_csv(carpeta: Path, contratos: int, meses: int, semilla: int = 2026) -> None:
    """Write the four CSV files (UTF-8, comma, documented headers)."""
    carpeta.mkdir(parents=True, exist_ok=True)
    azar = random.Random(semilla)
    archivos = {t: (carpeta / f"{t}.csv").open("w", newline="", encoding="utf-8") for t in FORMATOS}
    escritores = {t: csv.writer(a, lineterminator="\n") for t, a in archivos.items()}
    for tipo, escritor in escritores.items():
        escritor.writerow(FORMATOS[tipo].columnas)
    escritores["contratos"].writerows(_contratos(azar, contratos))
    lista_meses = _meses(meses)
    for i in range(contratos):
        numero, lectura = PRIMER_NUMERO + i, azar.randint(100, 5000)
        for mes in lista_meses:
            m3 = azar.randint(5, 40)
            lectura += m3
            pagada = azar.random() > 0.03
            fila = _factura(numero, mes, m3, lectura, pagada)
            escritores["facturas"].writerow(fila)
            lectura_fecha = (mes + timedelta(days=32)).replace(day=1) - timedelta(days=3)
            escritores["lecturas"].writerow([numero, lectura_fecha, lectura, m3, "real", "cea"])
            importe = fila[14] if pagada else (fila[14] / 2).quantize(CENTAVO)  # type: ignore[operator]
            if pagada or azar.random() < 0.5:  # unpaid bills: half get a partial payment
                fecha = f"{(mes + timedelta(days=35)).replace(day=12):%d/%m/%Y}"
                pago = [numero, fecha, importe, "banco", f"B{numero}-{mes:%Y%m}", fila[1], ""]
                escritores["pagos"].writerow(pago)
    for archivo in archivos.values():
        archivo.close()


def importar_archivo(motor: Engine, tipo: str, ruta: Path, lote: int) -> ResumenImportacion:
    """Import one file committing per batch, as `flask comercial importar` does."""
    with Session(motor) as sesion:
        importacion = Importacion(
            sesion, tipo, ruta, ahora=AHORA, lote=lote, rechazos=ruta.with_suffix(".rech.csv")
        )
        iniciar_escritura(sesion)
        for _ in importacion.lotes():
            sesion.commit()
            iniciar_escritura(sesion)
        sesion.commit()
    return importacion.resumen


def medir(motor: Engine, carpeta: Path, lote: int) -> None:
    """Import each file twice and print the figures."""
    print(f"{'archivo':<10} {'pasada':<8} {'filas':>10} {'seg':>8} {'filas/s':>9}  resultado")
    for pasada in ("primera", "segunda"):
        for tipo in FORMATOS:
            inicio = time.perf_counter()
            r = importar_archivo(motor, tipo, carpeta / f"{tipo}.csv", lote)
            seg = time.perf_counter() - inicio
            detalle = f"+{r.insertadas:,} ~{r.actualizadas:,} ={r.sin_cambios:,} x{r.rechazadas:,}"
            if tipo == "pagos":
                detalle += f" aplicados {r.pagos_aplicados:,}"
            cifras = f"{r.leidas:>10,} {seg:>8.1f} {r.leidas / seg:>9,.0f}"
            print(f"{tipo:<10} {pasada:<8} {cifras}  {detalle}")


def main() -> None:
    """Parse the arguments, write the files if needed, run the imports."""
    argumentos = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argumentos.add_argument("--contratos", type=int, default=20_000)
    argumentos.add_argument("--meses", type=int, default=36)
    argumentos.add_argument("--lote", type=int, default=2_000)
    argumentos.add_argument("--url", default=None, help="por omisión, un SQLite en resultados/")
    opciones = argumentos.parse_args()
    carpeta = RESULTADOS / f"importacion_{opciones.contratos}x{opciones.meses}"
    if not (carpeta / "pagos.csv").exists():
        inicio = time.perf_counter()
        escribir_csv(carpeta, opciones.contratos, opciones.meses)
        print(f"CSV escritos en {carpeta} ({time.perf_counter() - inicio:.1f} s)")
    archivo_bd = RESULTADOS / "importacion.sqlite3"
    if opciones.url is None:
        for sufijo in ("", "-wal", "-shm"):
            Path(f"{archivo_bd}{sufijo}").unlink(missing_ok=True)
    motor = crear_motor(opciones.url or f"sqlite:///{archivo_bd}")
    Base.metadata.drop_all(motor)
    Base.metadata.create_all(motor)
    print(f"Base de datos: {motor.url.render_as_string(hide_password=True)}, lote {opciones.lote}")
    medir(motor, carpeta, opciones.lote)
    if opciones.url is None:
        print(f"Tamaño de la base SQLite: {archivo_bd.stat().st_size / 1e6:,.0f} MB")
    motor.dispose()


if __name__ == "__main__":
    main()
