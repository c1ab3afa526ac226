"""The supervisor dashboard, read from the precomputed summaries only.

Open cases and workload come from `ResumenBandeja` (rebuilt every minute); compliance, trends
and ageing from `CumplimientoDiario` (casos/cumplimiento.py, every ten minutes); the list of
cases about to breach is one index range on ix_casos_prioridad. No query here visits more than
a bounded slice of the cases table, whatever its size. Figures are defined in docs/backoffice.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, func, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from casos.catalogo import Area, TipoCaso
from casos.modelos import EstadoSLA
from casos.personal import Personal
from casos.resumen import CumplimientoDiario, ResumenBandeja
from casos.tablero_cifras import (
    TRAMOS_EDAD,
    Conteo,
    Cumplimiento,
    Grupo,
    Periodo,
    semanas,
)
from casos.tablero_vencer import CasoPorVencer, por_vencer

SIN_ASIGNAR = "Sin asignar"


@dataclass
class Tablero:
    """Everything the dashboard shows for one person and one period."""

    periodo: Periodo
    abiertos_calculado_en: datetime | None = None
    abiertos_total: Conteo = field(default_factory=lambda: Conteo("Total"))
    abiertos_por_area: list[Conteo] = field(default_factory=list)
    abiertos_por_tipo: list[Conteo] = field(default_factory=list)
    carga: list[Conteo] = field(default_factory=list)
    cumplimiento_calculado_en: datetime | None = None
    cumplimiento_total: Cumplimiento = field(default_factory=Cumplimiento)
    cumplimiento_por_area: list[Grupo] = field(default_factory=list)
    cumplimiento_por_tipo: list[Grupo] = field(default_factory=list)
    tendencia: list[tuple[str, Cumplimiento]] = field(default_factory=list)
    tendencia_por_semana: bool = False
    semanas: list[tuple[str, Cumplimiento]] = field(default_factory=list)
    envejecimiento: list[tuple[str, int]] = field(default_factory=list)
    por_vencer: list[CasoPorVencer] = field(default_factory=list)


def filtro(columna: InstrumentedAttribute[int], areas: frozenset[int] | None) -> Any:
    """WHERE clause limiting a summary to the visible areas (None: every area)."""
    if areas is None:
        return true()
    if not areas:
        return false()
    return columna.in_(sorted(areas))


def nombres(sesion: Session) -> tuple[dict[int, str], dict[int, str]]:
    """Area and case-type names by id (two small catalog reads)."""
    areas = {i: n for i, n in sesion.execute(select(Area.id, Area.nombre))}
    tipos = {i: n for i, n in sesion.execute(select(TipoCaso.id, TipoCaso.nombre))}
    return areas, tipos


def armar_tablero(
    sesion: Session, areas: frozenset[int] | None, periodo: Periodo, ahora: datetime, hoy: date
) -> Tablero:
    """Read every figure of the dashboard for the areas `areas` (None: all) and the period."""
    tablero = Tablero(periodo)
    nombres_area, nombres_tipo = nombres(sesion)
    _abiertos(sesion, tablero, areas, nombres_area, nombres_tipo)
    _cumplimiento(sesion, tablero, areas, nombres_area, nombres_tipo)
    _tendencias(sesion, tablero, areas)
    tablero.envejecimiento = envejecimiento(sesion, areas, hoy)
    tablero.por_vencer = por_vencer(sesion, areas, ahora)
    return tablero


def _contar(conteos: dict[Any, Conteo], clave: Any, nombre: str, sla: str, n: int) -> None:
    conteo = conteos.setdefault(clave, Conteo(nombre))
    conteo.casos += n
    if sla == EstadoSLA.EN_RIESGO:
        conteo.en_riesgo += n
    elif sla == EstadoSLA.VENCIDO:
        conteo.vencidos += n


def _abiertos(
    sesion: Session,
    tablero: Tablero,
    areas: frozenset[int] | None,
    nombres_area: dict[int, str],
    nombres_tipo: dict[int, str],
) -> None:
    r = ResumenBandeja
    consulta = (
        select(r.area_id, r.tipo_id, r.sla_estado, r.asignado_a_id, func.sum(r.casos))
        .add_columns(func.max(r.calculado_en))
        .where(filtro(r.area_id, areas))
        .group_by(r.area_id, r.tipo_id, r.sla_estado, r.asignado_a_id)
    )
    por_area: dict[int, Conteo] = {}
    por_tipo: dict[int, Conteo] = {}
    carga: dict[int | None, Conteo] = {}
    filas = list(sesion.execute(consulta))
    personas = _personas(sesion, {f[3] for f in filas if f[3] is not None})
    for area, tipo, sla, asignado, n, calculado in filas:
        n = int(n or 0)
        _contar(por_area, area, nombres_area.get(area, str(area)), sla, n)
        _contar(por_tipo, tipo, nombres_tipo.get(tipo, str(tipo)), sla, n)
        _contar(carga, asignado, personas.get(asignado, SIN_ASIGNAR), sla, n)
        _contar({0: tablero.abiertos_total}, 0, "Total", sla, n)
        if tablero.abiertos_calculado_en is None or calculado > tablero.abiertos_calculado_en:
            tablero.abiertos_calculado_en = calculado
    tablero.abiertos_por_area = sorted(por_area.values(), key=lambda c: c.nombre)
    tablero.abiertos_por_tipo = sorted(por_tipo.values(), key=lambda c: c.nombre)
    tablero.carga = sorted(carga.values(), key=lambda c: (-c.casos, c.nombre))


def _personas(sesion: Session, ids: set[int]) -> dict[int | None, str]:
    if not ids:
        return {}
    consulta = select(Personal.id, Personal.nombre).where(Personal.id.in_(sorted(ids)))
    return {i: n for i, n in sesion.execute(consulta)}


def _sumas() -> list[Any]:
    c = CumplimientoDiario
    columnas = (
        c.recibidos,
        c.respondidos,
        c.respondidos_a_tiempo,
        c.sin_respuesta_vencidos,
        c.resueltos,
        c.resueltos_a_tiempo,
        c.sin_resolver_vencidos,
    )
    return [func.coalesce(func.sum(col), 0) for col in columnas]


def _en_periodo(areas: frozenset[int] | None, periodo: Periodo) -> list[ColumnElement[bool]]:
    c = CumplimientoDiario
    return [c.fecha >= periodo.desde, c.fecha <= periodo.hasta, filtro(c.area_id, areas)]


def _cifras(valores: Any) -> Cumplimiento:
    return Cumplimiento(*(int(v or 0) for v in valores))


def _cumplimiento(
    sesion: Session,
    tablero: Tablero,
    areas: frozenset[int] | None,
    nombres_area: dict[int, str],
    nombres_tipo: dict[int, str],
) -> None:
    c = CumplimientoDiario
    consulta = (
        select(c.area_id, c.tipo_id, func.max(c.calculado_en), *_sumas())
        .where(*_en_periodo(areas, tablero.periodo))
        .group_by(c.area_id, c.tipo_id)
    )
    por_area: dict[int, Grupo] = {}
    por_tipo: dict[int, Grupo] = {}
    for area, tipo, calculado, *valores in sesion.execute(consulta):
        cifras = _cifras(valores)
        por_area.setdefault(area, Grupo(nombres_area.get(area, str(area)))).cifras.sumar(cifras)
        por_tipo.setdefault(tipo, Grupo(nombres_tipo.get(tipo, str(tipo)))).cifras.sumar(cifras)
        tablero.cumplimiento_total.sumar(cifras)
        anterior = tablero.cumplimiento_calculado_en
        tablero.cumplimiento_calculado_en = max(calculado, anterior or calculado)
    tablero.cumplimiento_por_area = sorted(por_area.values(), key=lambda g: g.nombre)
    tablero.cumplimiento_por_tipo = sorted(por_tipo.values(), key=lambda g: g.nombre)


def _tendencias(sesion: Session, tablero: Tablero, areas: frozenset[int] | None) -> None:
    c = CumplimientoDiario
    consulta = (
        select(c.fecha, *_sumas()).where(*_en_periodo(areas, tablero.periodo)).group_by(c.fecha)
    )
    por_dia = {fecha: _cifras(valores) for fecha, *valores in sesion.execute(consulta)}
    tramos = semanas(tablero.periodo)
    tablero.semanas = [(_etiqueta(i), _sumar(por_dia, i, f)) for i, f in tramos]
    tablero.tendencia_por_semana = tablero.periodo.dias > 31
    if tablero.tendencia_por_semana:
        tablero.tendencia = tablero.semanas
    else:
        dias = [tablero.periodo.desde + timedelta(days=n) for n in range(tablero.periodo.dias)]
        tablero.tendencia = [(_etiqueta(d), por_dia.get(d, Cumplimiento())) for d in dias]


def _etiqueta(dia: date) -> str:
    return dia.strftime("%d/%m")


def _sumar(por_dia: dict[date, Cumplimiento], desde: date, hasta: date) -> Cumplimiento:
    total = Cumplimiento()
    for fecha, cifras in por_dia.items():
        if desde <= fecha <= hasta:
            total.sumar(cifras)
    return total


def envejecimiento(
    sesion: Session, areas: frozenset[int] | None, hoy: date
) -> list[tuple[str, int]]:
    """Open cases per age bucket (days since received, local dates), from the daily snapshot."""
    c = CumplimientoDiario
    consulta = (
        select(c.fecha, func.sum(c.abiertos))
        .where(c.abiertos > 0, filtro(c.area_id, areas))
        .group_by(c.fecha)
    )
    cuentas: dict[str, int] = defaultdict(int)
    for fecha, n in sesion.execute(consulta):
        edad = max((hoy - fecha).days, 0)
        for etiqueta, menor, mayor in TRAMOS_EDAD:
            if edad >= menor and (mayor is None or edad <= mayor):
                cuentas[etiqueta] += int(n or 0)
    return [(etiqueta, cuentas[etiqueta]) for etiqueta, _, _ in TRAMOS_EDAD]
