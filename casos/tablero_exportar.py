"""The dashboard's lists as export sheets (casos/exportar.py writes CSV and XLSX)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from casos.exportar import Columna
from casos.tablero import Tablero
from casos.tablero_cifras import Conteo, Cumplimiento, Grupo

Hoja = tuple[str, Sequence[Columna], list[Any]]
LISTAS = (
    "cumplimiento",
    "semanas",
    "tendencia",
    "abiertos",
    "envejecimiento",
    "carga",
    "por_vencer",
)

_COLUMNAS_CONTEO = (
    Columna("Casos abiertos", lambda f: f[1].casos),
    Columna("En riesgo", lambda f: f[1].en_riesgo),
    Columna("Vencidos", lambda f: f[1].vencidos),
)


def _cumplimiento(c: Any) -> Cumplimiento:
    return c[1].cifras  # type: ignore[no-any-return]


_COLUMNAS_CUMPLIMIENTO = (
    Columna("Agrupación", lambda f: f[0]),
    Columna("Nombre", lambda f: f[1].nombre),
    Columna("Recibidos", lambda f: _cumplimiento(f).recibidos),
    Columna("Primeras respuestas", lambda f: _cumplimiento(f).respondidos),
    Columna("Respuestas a tiempo", lambda f: _cumplimiento(f).respondidos_a_tiempo),
    Columna("Vencidos sin respuesta", lambda f: _cumplimiento(f).sin_respuesta_vencidos),
    Columna("% respuesta a tiempo", lambda f: _cumplimiento(f).pct_respuesta),
    Columna("Resueltos", lambda f: _cumplimiento(f).resueltos),
    Columna("Resueltos a tiempo", lambda f: _cumplimiento(f).resueltos_a_tiempo),
    Columna("Vencidos sin resolver", lambda f: _cumplimiento(f).sin_resolver_vencidos),
    Columna("% resolución a tiempo", lambda f: _cumplimiento(f).pct_resolucion),
)

_COLUMNAS_POR_VENCER = (
    Columna("Folio", lambda c: c.folio),
    Columna("Área", lambda c: c.area),
    Columna("Tipo", lambda c: c.tipo),
    Columna("Estado", lambda c: c.estado),
    Columna("Asignado a", lambda c: c.asignado),
    Columna("Plazo", lambda c: c.sla_estado.etiqueta),
    Columna("Vence", lambda c: c.vence_en),
)


def _conteos(titulo: str, filas: list[Conteo]) -> list[tuple[str, Conteo]]:
    return [(titulo, c) for c in filas]


def _hoja_cumplimiento(tablero: Tablero) -> Hoja:
    total = ("Total", Grupo("Todas las áreas visibles", tablero.cumplimiento_total))
    areas = [("Área", g) for g in tablero.cumplimiento_por_area]
    tipos = [("Tipo", g) for g in tablero.cumplimiento_por_tipo]
    return ("Cumplimiento", _COLUMNAS_CUMPLIMIENTO, [*areas, *tipos, total])


def _hoja_abiertos(tablero: Tablero) -> Hoja:
    filas = [
        *_conteos("Área", tablero.abiertos_por_area),
        *_conteos("Tipo", tablero.abiertos_por_tipo),
        ("Total", tablero.abiertos_total),
    ]
    columnas = (
        Columna("Agrupación", lambda f: f[0]),
        Columna("Nombre", lambda f: f[1].nombre),
        *_COLUMNAS_CONTEO,
    )
    return ("Abiertos", columnas, filas)


def _hoja_tendencia(tablero: Tablero) -> Hoja:
    columnas = (
        Columna("Semana del" if tablero.tendencia_por_semana else "Día", lambda f: f[0]),
        Columna("Recibidos", lambda f: f[1].recibidos),
        Columna("Resueltos", lambda f: f[1].resueltos),
    )
    return ("Recibidos y resueltos", columnas, tablero.tendencia)


def hoja(tablero: Tablero, lista: str) -> Hoja:
    """The sheet of one dashboard list (`lista` in LISTAS; anything else: ValueError)."""
    if lista == "cumplimiento":
        return _hoja_cumplimiento(tablero)
    if lista == "semanas":
        semanas = [("Semana del", Grupo(e, c)) for e, c in tablero.semanas]
        return ("Por semana", _COLUMNAS_CUMPLIMIENTO, semanas)
    if lista == "tendencia":
        return _hoja_tendencia(tablero)
    if lista == "abiertos":
        return _hoja_abiertos(tablero)
    if lista == "envejecimiento":
        columnas = (
            Columna("Antigüedad", lambda f: f[0]),
            Columna("Casos abiertos", lambda f: f[1]),
        )
        return ("Antigüedad", columnas, tablero.envejecimiento)
    if lista == "carga":
        columnas = (Columna("Persona", lambda f: f[1].nombre), *_COLUMNAS_CONTEO)
        return ("Carga de trabajo", columnas, _conteos("Persona", tablero.carga))
    if lista == "por_vencer":
        return ("Por vencer", _COLUMNAS_POR_VENCER, tablero.por_vencer)
    raise ValueError(lista)
