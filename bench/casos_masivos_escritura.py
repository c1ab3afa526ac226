"""Bulk writes of the generated rows: COPY on PostgreSQL, one executemany per table elsewhere.

The rows are built as plain Python values (aware datetimes, dicts); this module turns them into
what each driver stores, the same way the models' column types would (FechaHoraUTC keeps naive
UTC text on SQLite; JSON is `json.dumps`), skipping the ORM and Core per-row processing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert

from casos.modelos import Caso, EventoCaso

COLUMNAS_CASO = (
    "id", "folio", "clave_envio", "canal", "tipo_id", "area_id", "estado", "asignado_a_id",
    "descripcion", "datos", "contrato", "colonia", "uso_contrato", "solicitante_nombre",
    "solicitante_email", "solicitante_telefono", "cuenta_id", "creado_en", "actualizado_en",
    "primera_respuesta_en", "resuelto_en", "cerrado_en", "cancelado_en", "vence_respuesta_en",
    "vence_resolucion_en", "vence_turno_en", "sla_estado", "sla_proximo_en", "sla_explicacion",
    "prioridad_en", "version",
)  # fmt: skip
COLUMNAS_EVENTO = (
    "caso_id", "en", "accion", "estado_desde", "estado_hacia", "actor_tipo", "actor_id",
    "actor_nombre", "actor_origen", "nota", "es_publico", "datos",
)  # fmt: skip
_FECHAS_CASO = [i for i, c in enumerate(COLUMNAS_CASO) if c.endswith("_en")]
_JSON_CASO = [COLUMNAS_CASO.index("datos"), COLUMNAS_CASO.index("sla_explicacion")]
_JSON_EVENTO = [COLUMNAS_EVENTO.index("datos")]


def _fecha_sqlite(valor: datetime) -> str:
    """How FechaHoraUTC + SQLAlchemy's SQLite DATETIME store an instant: naive UTC text."""
    if valor.tzinfo is not UTC:
        valor = valor.astimezone(UTC)
    return valor.isoformat(" ", "microseconds")[:26]


def _json(valor: Any) -> str:
    return json.dumps(valor) if valor else "{}"


def _convertir(
    filas: Sequence[Sequence[Any]], fechas: Sequence[int], jsons: Sequence[int]
) -> list[list[Any]]:
    """Rows with their datetimes as SQLite text (if `fechas`) and their JSON serialised."""
    salida = []
    for fila in filas:
        valores = list(fila)
        for i in fechas:
            if valores[i] is not None:
                valores[i] = _fecha_sqlite(valores[i])
        for i in jsons:
            valores[i] = _json(valores[i])
        salida.append(valores)
    return salida


def escribir(
    conexion: Connection, casos: Sequence[dict[str, Any]], eventos: Sequence[tuple[Any, ...]]
) -> None:
    """Insert a batch of cases and then their events in the connection's transaction."""
    filas_caso = [tuple(c[k] for k in COLUMNAS_CASO) for c in casos]
    dialecto = conexion.dialect.name
    if dialecto == "postgresql":
        _copiar(conexion, "casos", COLUMNAS_CASO, _convertir(filas_caso, [], _JSON_CASO))
        _copiar(conexion, "eventos_caso", COLUMNAS_EVENTO, _convertir(eventos, [], _JSON_EVENTO))
    elif dialecto == "sqlite":
        # 256 MiB of page cache: the random-order indexes (contract, email) stay in memory.
        conexion.exec_driver_sql("PRAGMA cache_size = -262144")
        _muchas(conexion, "casos", COLUMNAS_CASO, _convertir(filas_caso, _FECHAS_CASO, _JSON_CASO))
        _muchas(conexion, "eventos_caso", COLUMNAS_EVENTO, _convertir(eventos, [1], _JSON_EVENTO))
    else:  # any other engine: SQLAlchemy Core executemany, the column types do the work
        conexion.execute(
            insert(Caso.__table__), [dict(zip(COLUMNAS_CASO, f, strict=True)) for f in filas_caso]
        )
        conexion.execute(
            insert(EventoCaso.__table__),
            [dict(zip(COLUMNAS_EVENTO, f, strict=True)) for f in eventos],
        )


def _copiar(
    conexion: Connection, tabla: str, columnas: Sequence[str], filas: Sequence[tuple[Any, ...]]
) -> None:
    cursor = conexion.connection.cursor()
    try:
        with cursor.copy(f"COPY {tabla} ({', '.join(columnas)}) FROM STDIN") as copia:
            for fila in filas:
                copia.write_row(fila)
    finally:
        cursor.close()


def _muchas(
    conexion: Connection, tabla: str, columnas: Sequence[str], filas: Sequence[tuple[Any, ...]]
) -> None:
    marcas = ", ".join("?" * len(columnas))
    cursor = conexion.connection.cursor()
    try:
        cursor.executemany(
            f"INSERT INTO {tabla} ({', '.join(columnas)}) VALUES ({marcas})",
            filas,
        )
    finally:
        cursor.close()
