"""Bulk writing of generated batches: raw DBAPI executemany on SQLite, COPY on PostgreSQL.

The rows are already plain tuples of ints and strings, so they go to the driver as they are;
the ORM (and even Core's per-value type processing, e.g. Centavos turning Decimals into ints)
would cost more than generating them. Each batch is one transaction, committed by the caller.

When batches come from worker processes on SQLite, the worker also does the per-value work:
it loads its rows into an in-memory SQLite database (plain columns, no constraints) and sends
that database's image (`serialize`); the writer attaches the image and copies each table with
one INSERT … SELECT. Binding 100,000 rows of Python values, and unpickling them, was two
thirds of the writer's time, and the writer (SQLite has one) is the bottleneck.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from casos.comercial.generador_facturas import Bloque, Contexto, Tarea, generar_bloque

COLUMNAS: dict[str, tuple[str, ...]] = {
    "contratos": (
        "id", "numero", "tipo_persona", "nombre", "apellido_paterno", "apellido_materno",
        "razon_social", "direccion", "colonia", "municipio", "codigo_postal", "uso", "tarifa",
        "numero_medidor", "estatus", "actualizado_en",
    ),
    "facturas": (
        "id", "contrato_id", "periodo", "emitida_el", "vence_el", "lectura_anterior",
        "lectura_actual", "m3", "tipo_lectura", "agua", "alcantarillado", "saneamiento",
        "recargos", "otros", "iva", "total", "saldo", "estatus", "uuid_cfdi", "actualizado_en",
    ),
    "lecturas": ("contrato_id", "fecha", "valor", "consumo", "tipo", "origen", "registrada_en"),
    "pagos": (
        "contrato_id", "factura_id", "fecha", "importe", "canal", "referencia", "registrado_en",
    ),
    "cfdis": ("factura_id", "xml"),
}  # fmt: skip

# Bulk-load settings for the loader's own SQLite connection, restored when it finishes.
# synchronous=OFF: a crash mid-load loses the last batches, not the database (WAL stays on);
# a 256 MiB page cache holds the right-hand edges of every index being appended to.
PRAGMAS_CARGA = {"synchronous": "OFF", "cache_size": "-262144", "temp_store": "MEMORY"}


@contextmanager
def modo_carga(conexion: Connection) -> Iterator[None]:
    """Apply the bulk-load PRAGMAs on this SQLite connection for the duration of the load.

    They are run on the driver connection outside any transaction (the engine leaves pysqlite
    in autocommit mode and issues BEGIN itself), and the previous values are put back so the
    pooled connection returns to normal.
    """
    if conexion.dialect.name != "sqlite":
        yield
        return
    dbapi = conexion.connection.driver_connection
    assert dbapi is not None
    anteriores = {n: dbapi.execute(f"PRAGMA {n}").fetchone()[0] for n in PRAGMAS_CARGA}
    try:
        for nombre, valor in PRAGMAS_CARGA.items():
            dbapi.execute(f"PRAGMA {nombre} = {valor}")
        yield
    finally:
        if conexion.in_transaction():
            conexion.rollback()
        for nombre, valor in anteriores.items():
            dbapi.execute(f"PRAGMA {nombre} = {valor}")


@dataclass(frozen=True)
class Paquete:
    """A generated batch ready to write: its rows, or (SQLite, from a worker) their image."""

    conteos: dict[str, int]
    bytes_xml: int
    bloque: Bloque | None = None
    imagen: bytes | None = None


def empaquetar(bloque: Bloque, como_imagen: bool) -> Paquete:
    """Count a batch and, if asked, turn it into an in-memory SQLite database image."""
    conteos = {tabla: len(getattr(bloque, tabla)) for tabla in COLUMNAS}
    bytes_xml = sum(len(xml.encode()) for _, xml in bloque.cfdis)  # type: ignore[attr-defined]
    if not como_imagen:
        return Paquete(conteos, bytes_xml, bloque=bloque)
    memoria = sqlite3.connect(":memory:", isolation_level=None)
    try:
        memoria.execute("BEGIN")
        for tabla, columnas in COLUMNAS.items():
            memoria.execute(f"CREATE TABLE {tabla} ({', '.join(columnas)})")
            marcas = ", ".join("?" * len(columnas))
            memoria.executemany(f"INSERT INTO {tabla} VALUES ({marcas})", getattr(bloque, tabla))
        memoria.execute("COMMIT")
        return Paquete(conteos, bytes_xml, imagen=memoria.serialize())
    finally:
        memoria.close()


def producir_paquete(ctx: Contexto, tarea: Tarea, como_imagen: bool) -> Paquete:
    """Generate a batch and package it (what a worker process runs)."""
    return empaquetar(generar_bloque(ctx, tarea), como_imagen)


def escribir(conexion: Connection, paquete: Paquete) -> None:
    """Write a batch in its own transaction, committed here."""
    if paquete.imagen is None:
        assert paquete.bloque is not None
        with conexion.begin():
            escribir_bloque(conexion, paquete.bloque)
        return
    dbapi = conexion.connection.driver_connection
    assert dbapi is not None
    # A fresh ATTACH per batch: after deserialize, SQLite keeps the old schema of an attached
    # database, whose tables' root pages differ from one image to the next.
    dbapi.execute("ATTACH ':memory:' AS lote")
    try:
        dbapi.deserialize(paquete.imagen, name="lote")
        with conexion.begin():
            for tabla, columnas in COLUMNAS.items():
                lista = ", ".join(columnas)
                dbapi.execute(
                    f"INSERT INTO main.{tabla} ({lista}) SELECT {lista} FROM lote.{tabla}"
                )
    finally:
        dbapi.execute("DETACH lote")


def escribir_bloque(conexion: Connection, bloque: Bloque) -> None:
    """Insert a batch's rows in the open transaction, parents before children."""
    cursor = conexion.connection.cursor()
    try:
        for tabla in ("contratos", "facturas", "lecturas", "pagos", "cfdis"):
            filas = getattr(bloque, tabla)
            if filas:
                _insertar(conexion.dialect.name, cursor, tabla, filas)
    finally:
        cursor.close()


def _insertar(dialecto: str, cursor: Any, tabla: str, filas: list[tuple[object, ...]]) -> None:
    columnas = COLUMNAS[tabla]
    if dialecto == "postgresql":
        with cursor.copy(f"COPY {tabla} ({', '.join(columnas)}) FROM STDIN") as copia:
            for fila in filas:
                copia.write_row(fila)
        return
    marcas = ", ".join("?" * len(columnas)) if dialecto == "sqlite" else _marcas(len(columnas))
    cursor.executemany(f"INSERT INTO {tabla} ({', '.join(columnas)}) VALUES ({marcas})", filas)


def _marcas(n: int) -> str:
    """Placeholders for other DBAPI drivers using the format paramstyle."""
    return ", ".join(["%s"] * n)


def ajustar_secuencias(conexion: Connection) -> None:
    """On PostgreSQL, move the id sequences past the ids the loader assigned itself."""
    if conexion.dialect.name != "postgresql":
        return
    for tabla in ("contratos", "facturas"):
        conexion.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{tabla}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {tabla}))"
        )
