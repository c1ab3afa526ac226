"""The database side of the import: batch lookups and idempotent upserts by natural key.

Each batch first reads the rows it may touch (one query per few hundred keys), so every row is
classified as inserted, updated, unchanged or rejected (a key repeated in the file) before a
single `INSERT … ON CONFLICT DO UPDATE` writes only the new and changed rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import RowMapping, Select, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from casos.comercial.modelos import Contrato

TROZO_CONSULTA = 1000  # keys per lookup query


class Estado(StrEnum):
    """What the import did with a valid row."""

    INSERTADA = "insertada"
    ACTUALIZADA = "actualizada"
    SIN_CAMBIOS = "sin_cambios"


@dataclass(slots=True)
class Fila:
    """A valid CSV row on its way to the database: its line, original texts and values."""

    linea: int
    originales: list[str]
    valores: dict[str, Any]  # table columns only
    extra: dict[str, Any] = field(default_factory=dict)  # helper values: `_referencia`, …
    clave: tuple[Any, ...] = ()
    id: int | None = None
    estado: Estado | None = None


@dataclass
class ResumenImportacion:
    """What one import did; `contratos_afectados` feeds the debt-block review."""

    tipo: str
    leidas: int = 0
    insertadas: int = 0
    actualizadas: int = 0
    sin_cambios: int = 0
    rechazadas: int = 0
    xml_guardados: int = 0
    pagos_aplicados: int = 0
    contratos_afectados: set[int] = field(default_factory=set)
    columnas_ignoradas: tuple[str, ...] = ()
    archivo_rechazos: Path | None = None
    muestras: list[str] = field(default_factory=list)  # the first reasons, for the command

    def contar(self, estado: Estado) -> None:
        """Count one accepted row."""
        if estado is Estado.INSERTADA:
            self.insertadas += 1
        elif estado is Estado.ACTUALIZADA:
            self.actualizadas += 1
        else:
            self.sin_cambios += 1


class Vistos:
    """Ids already written or confirmed by this import: a bitmap (18 M bills ≈ 2 MB)."""

    def __init__(self) -> None:
        self._bits = bytearray()

    def marcar(self, identificador: int) -> None:
        """Remember an id."""
        byte = identificador >> 3
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))
        self._bits[byte] |= 1 << (identificador & 7)

    def tiene(self, identificador: int) -> bool:
        """Whether the id was seen before in this import."""
        byte = identificador >> 3
        return byte < len(self._bits) and bool(self._bits[byte] & (1 << (identificador & 7)))


@dataclass
class Contexto:
    """What every batch writer needs: session, instant, summary and the way to reject."""

    sesion: Session
    ahora: datetime
    resumen: ResumenImportacion
    rechazar: Callable[[Fila, dict[str, str]], None]
    carpeta_xml: Any = None  # importacion_cfdi.CarpetaXml when --xml-dir is given
    vistos: Vistos = field(default_factory=Vistos)


def trozos(valores: Sequence[Any], tamano: int = TROZO_CONSULTA) -> Iterator[Sequence[Any]]:
    """Slices of at most `tamano` items."""
    for inicio in range(0, len(valores), tamano):
        yield valores[inicio : inicio + tamano]


def insertar(sesion: Session, tabla: Table) -> Any:
    """The dialect's INSERT (with on_conflict_do_update) for this session's database."""
    dialecto = sesion.get_bind().dialect.name
    return (postgresql.insert if dialecto == "postgresql" else sqlite.insert)(tabla)


def normal(valor: Any) -> Any:
    """Enum members as their text, so keys read from the database match parsed ones."""
    return valor.value if isinstance(valor, Enum) else valor


def buscar_contratos(sesion: Session, numeros: Iterable[str]) -> dict[str, int]:
    """Contract ids by number, for the numbers that exist."""
    lista = sorted(set(numeros))
    encontrados: dict[str, int] = {}
    for parte in trozos(lista):
        consulta = select(Contrato.numero, Contrato.id).where(Contrato.numero.in_(parte))
        encontrados.update((n, i) for n, i in sesion.execute(consulta))
    return encontrados


def resolver_contratos(ctx: Contexto, filas: list[Fila]) -> list[Fila]:
    """Set `contrato_id` from `_referencia`; reject rows whose contract does not exist."""
    ids = buscar_contratos(ctx.sesion, (f.extra["_referencia"] for f in filas))
    vigentes = []
    for fila in filas:
        numero = fila.extra["_referencia"]
        if numero in ids:
            fila.valores["contrato_id"] = ids[numero]
            vigentes.append(fila)
        else:
            motivo = f"No existe el contrato {numero}: impórtelo antes en contratos.csv."
            ctx.rechazar(fila, {"referencia": motivo})
    return vigentes


def existentes(
    sesion: Session, tabla: Table, clave: tuple[str, ...], claves: list[tuple[Any, ...]]
) -> dict[tuple[Any, ...], RowMapping]:
    """Current rows of `tabla` by natural key, for the given keys."""
    return por_claves(sesion, select(tabla), [tabla.c[c] for c in clave], claves)


def por_claves(
    sesion: Session, consulta: Select[Any], columnas: list[Any], claves: list[tuple[Any, ...]]
) -> dict[tuple[Any, ...], RowMapping]:
    """Rows of `consulta` whose values in `columnas` are one of `claves`, by key.

    Written as `a IN (…) AND b IN (…)` and filtered here: SQLite answers a row-value
    `(a, b) IN (VALUES …)` with a full table scan, but this form with an index search."""
    encontrados: dict[tuple[Any, ...], RowMapping] = {}
    for parte in trozos(claves):
        buscadas = set(parte)
        condiciones = [
            columna.in_(sorted({k[n] for k in parte})) for n, columna in enumerate(columnas)
        ]
        for fila in sesion.execute(consulta.where(*condiciones)).mappings():
            clave = tuple(normal(fila[c.key]) for c in columnas)
            if clave in buscadas:
                encontrados[clave] = fila
    return encontrados


@dataclass(frozen=True)
class Plan:
    """How to upsert one table: natural key, CSV names of the key, columns never compared."""

    tabla: Table
    clave: tuple[str, ...]
    columnas_csv: tuple[str, ...]
    solo_al_insertar: tuple[str, ...] = ()
    sellos: tuple[str, ...] = ("actualizado_en",)

    @property
    def ignorar(self) -> frozenset[str]:
        """Columns left out of the unchanged check (time stamps)."""
        return frozenset(self.sellos + self.solo_al_insertar)

    def clave_de(self, fila: Fila) -> tuple[Any, ...]:
        """The row's natural key, normalised."""
        return tuple(normal(fila.valores[c]) for c in self.clave)


def _clasificar(
    ctx: Contexto, filas: list[Fila], previos: dict[tuple[Any, ...], RowMapping], plan: Plan
) -> list[Fila]:
    """Set each row's state (and id when it exists); reject keys seen earlier in the file."""
    aceptadas = []
    for fila in filas:
        previo = previos.get(fila.clave)
        if previo is None:
            fila.estado = Estado.INSERTADA
        elif ctx.vistos.tiene(previo["id"]):
            motivo = "Ya apareció en una línea anterior de este archivo (se conservó la primera)."
            ctx.rechazar(fila, {", ".join(plan.columnas_csv): motivo})
            continue
        else:
            fila.id = previo["id"]
            cambia = any(previo[c] != v for c, v in fila.valores.items() if c not in plan.ignorar)
            fila.estado = Estado.ACTUALIZADA if cambia else Estado.SIN_CAMBIOS
        aceptadas.append(fila)
    return aceptadas


def sin_repetidas(ctx: Contexto, filas: list[Fila], plan: Plan) -> list[Fila]:
    """Reject a key repeated inside the batch, keeping its first line."""
    primera: dict[tuple[Any, ...], int] = {}
    unicas = []
    for fila in filas:
        clave = fila.clave = plan.clave_de(fila)
        if clave in primera:
            motivo = f"Repite la clave de la línea {primera[clave]} (se conservó la primera)."
            ctx.rechazar(fila, {", ".join(plan.columnas_csv): motivo})
            continue
        primera[clave] = fila.linea
        unicas.append(fila)
    return unicas


def guardar(ctx: Contexto, filas: list[Fila], plan: Plan) -> list[Fila]:
    """Upsert a batch by natural key; returns the accepted rows with their id and state."""
    filas = sin_repetidas(ctx, filas, plan)
    previos = existentes(ctx.sesion, plan.tabla, plan.clave, [f.clave for f in filas])
    aceptadas = _clasificar(ctx, filas, previos, plan)
    por_escribir = [f for f in aceptadas if f.estado is not Estado.SIN_CAMBIOS]
    if por_escribir:
        _upsert(ctx.sesion, por_escribir, plan)
    for fila in aceptadas:
        ctx.vistos.marcar(fila.id)  # type: ignore[arg-type]
    return aceptadas


def _upsert(sesion: Session, filas: list[Fila], plan: Plan) -> None:
    """INSERT … ON CONFLICT (natural key) DO UPDATE, and the ids of the new rows.

    SQLite is fastest with RETURNING. On PostgreSQL, RETURNING makes SQLAlchemy send multi-row
    statements with tens of thousands of parameters that psycopg parses each time; a plain
    executemany of the one-row statement, then one indexed read of the new ids, is faster."""
    sentencia = insertar(sesion, plan.tabla)
    no_tocar = set(plan.clave) | set(plan.solo_al_insertar) | {"id"}
    cambios = {c: sentencia.excluded[c] for c in filas[0].valores if c not in no_tocar}
    columnas = [plan.tabla.c[c] for c in plan.clave]
    sentencia = sentencia.on_conflict_do_update(index_elements=columnas, set_=cambios)
    datos = [f.valores for f in filas]
    if sesion.get_bind().dialect.name == "sqlite":
        escritas = sesion.execute(sentencia.returning(plan.tabla.c.id, *columnas), datos)
        ids = {tuple(normal(v) for v in fila[1:]): fila[0] for fila in escritas}
        for fila in filas:
            fila.id = ids[fila.clave]
        return
    sesion.execute(sentencia, datos)
    nuevas = [f for f in filas if f.id is None]
    if nuevas:
        leidas = por_claves(
            sesion, select(plan.tabla.c.id, *columnas), columnas, [f.clave for f in nuevas]
        )
        for fila in nuevas:
            fila.id = leidas[fila.clave]["id"]
