"""Daily service-level figures (`CumplimientoDiario`) recomputed from the cases by index ranges.

Two passes, both idempotent:

* `recalcular_dias(sesion, desde, hasta, ahora)`: the *flow* of each local day (Querétaro
  time): cases received (creado_en), first answered (primera_respuesta_en) and resolved
  (resuelto_en) that day, and how many of those were on time. Each day costs three grouped
  queries over one index range (ix_casos_creado_en, ix_casos_primera_respuesta_en,
  ix_casos_resuelto_en), so a day costs the same with a thousand cases or a million.
* `recalcular_pendientes(sesion, ahora)`: the *snapshot* of the open cases (one pass over
  ix_casos_prioridad, which holds only open cases): per creation day, how many are still open
  (the dashboard's ageing); per due day, how many are already late and still unanswered /
  unresolved. Those late-pending cases go into the compliance denominator, so an unanswered
  late case lowers the figure today instead of vanishing until someone answers it.

Everything is attributed to the case's current area and type.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, delete, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from casos.estados import ABIERTOS
from casos.modelos import Caso
from casos.resumen import CumplimientoDiario
from casos.sla import ZONA_CEA

Clave = tuple[date, int, int]  # (local date, area_id, tipo_id)
MAXIMO_DIAS = 366


@dataclass
class Flujo:
    """One day's flow for an area and a type."""

    recibidos: int = 0
    respondidos: int = 0
    respondidos_a_tiempo: int = 0
    resueltos: int = 0
    resueltos_a_tiempo: int = 0


@dataclass
class Pendientes:
    """The open-case snapshot attributed to one day, area and type."""

    abiertos: int = 0
    sin_respuesta_vencidos: int = 0
    sin_resolver_vencidos: int = 0


def dia_local(instante: datetime) -> date:
    """The Querétaro calendar date of an instant."""
    return instante.astimezone(ZONA_CEA).date()


def limites_dia(fecha: date) -> tuple[datetime, datetime]:
    """[start, end) of a local day, in UTC (23 or 25 hours long if a DST change ever returns)."""
    inicio = datetime.combine(fecha, time.min, ZONA_CEA).astimezone(UTC)
    fin = datetime.combine(fecha + timedelta(days=1), time.min, ZONA_CEA).astimezone(UTC)
    return inicio, fin


def dias_entre(desde: date, hasta: date) -> Iterator[date]:
    """Every date from `desde` to `hasta`, both included."""
    for n in range((hasta - desde).days + 1):
        yield desde + timedelta(days=n)


def _a_tiempo(hecho: InstrumentedAttribute[Any], vence: InstrumentedAttribute[Any]) -> Any:
    # No target stored (a clock that never ran) cannot be missed: it counts as on time.
    return func.sum(case((or_(vence.is_(None), hecho <= vence), 1), else_=0))


def _grupos(
    sesion: Session,
    columna: InstrumentedAttribute[Any],
    extra: Any,
    inicio: datetime,
    fin: datetime,
) -> list[Any]:
    consulta = (
        select(Caso.area_id, Caso.tipo_id, func.count(), extra)
        .where(columna >= inicio, columna < fin)
        .group_by(Caso.area_id, Caso.tipo_id)
    )
    return list(sesion.execute(consulta))


def flujo_del_dia(sesion: Session, fecha: date) -> dict[tuple[int, int], Flujo]:
    """Received, answered and resolved cases of one local day, per (area, type)."""
    inicio, fin = limites_dia(fecha)
    cifras: dict[tuple[int, int], Flujo] = defaultdict(Flujo)
    for area, tipo, n, _ in _grupos(sesion, Caso.creado_en, func.count(), inicio, fin):
        cifras[area, tipo].recibidos = n
    a_tiempo = _a_tiempo(Caso.primera_respuesta_en, Caso.vence_respuesta_en)
    for area, tipo, n, bien in _grupos(sesion, Caso.primera_respuesta_en, a_tiempo, inicio, fin):
        cifras[area, tipo].respondidos = n
        cifras[area, tipo].respondidos_a_tiempo = int(bien or 0)
    a_tiempo = _a_tiempo(Caso.resuelto_en, Caso.vence_resolucion_en)
    for area, tipo, n, bien in _grupos(sesion, Caso.resuelto_en, a_tiempo, inicio, fin):
        cifras[area, tipo].resueltos = n
        cifras[area, tipo].resueltos_a_tiempo = int(bien or 0)
    return cifras


def recalcular_dias(sesion: Session, desde: date, hasta: date, ahora: datetime) -> int:
    """Recompute the flow columns of every day in [desde, hasta]; returns the rows written."""
    if hasta < desde:
        return 0
    filas = _filas(sesion, CumplimientoDiario.fecha.between(desde, hasta))
    escritas = 0
    for fecha in dias_entre(desde, hasta):
        cifras = {(fecha, a, t): flujo for (a, t), flujo in flujo_del_dia(sesion, fecha).items()}
        # A row of that day with no flow any more (a case reopened, re-routed) goes to zero.
        sobrantes = [c for c in filas if c[0] == fecha and c not in cifras]
        cifras.update({clave: Flujo() for clave in sobrantes})
        for clave, flujo in cifras.items():
            _escribir(sesion, filas, clave, flujo, ahora)
        escritas += len(cifras)
    _borrar_vacias(sesion, CumplimientoDiario.fecha.between(desde, hasta))
    return escritas


def pendientes_abiertos(sesion: Session, ahora: datetime) -> dict[Clave, Pendientes]:
    """The open cases' snapshot: still open per creation day, late-pending per due day."""
    consulta = select(
        Caso.area_id,
        Caso.tipo_id,
        Caso.creado_en,
        Caso.primera_respuesta_en,
        Caso.vence_respuesta_en,
        Caso.vence_resolucion_en,
    ).where(Caso.prioridad_en.is_not(None), Caso.estado.in_(sorted(ABIERTOS)))
    cifras: dict[Clave, Pendientes] = defaultdict(Pendientes)
    for area, tipo, creado, primera, vence_resp, vence_resol in sesion.execute(consulta):
        cifras[dia_local(creado), area, tipo].abiertos += 1
        if primera is None and vence_resp is not None and vence_resp <= ahora:
            cifras[dia_local(vence_resp), area, tipo].sin_respuesta_vencidos += 1
        if vence_resol is not None and vence_resol <= ahora:
            cifras[dia_local(vence_resol), area, tipo].sin_resolver_vencidos += 1
    return cifras


def recalcular_pendientes(sesion: Session, ahora: datetime) -> int:
    """Rewrite the snapshot columns of every day (zero where nothing is pending any more)."""
    cifras = pendientes_abiertos(sesion, ahora)
    hay_algo = or_(*(getattr(CumplimientoDiario, c.name) > 0 for c in fields(Pendientes)))
    sesion.execute(
        update(CumplimientoDiario)
        .where(hay_algo)
        .values({c.name: 0 for c in fields(Pendientes)})
        .execution_options(synchronize_session=False)
    )
    sesion.expire_all()
    fechas = {fecha for fecha, _, _ in cifras}
    filas = _filas(sesion, CumplimientoDiario.fecha.in_(sorted(fechas))) if fechas else {}
    for clave, pendientes in cifras.items():
        _escribir(sesion, filas, clave, pendientes, ahora)
    _borrar_vacias(sesion, None)
    return len(cifras)


def _filas(sesion: Session, condicion: ColumnElement[bool]) -> dict[Clave, CumplimientoDiario]:
    filas = sesion.scalars(select(CumplimientoDiario).where(condicion))
    return {(f.fecha, f.area_id, f.tipo_id): f for f in filas}


def _escribir(
    sesion: Session,
    filas: dict[Clave, CumplimientoDiario],
    clave: Clave,
    cifras: Flujo | Pendientes,
    ahora: datetime,
) -> None:
    fila = filas.get(clave)
    if fila is None:
        fecha, area, tipo = clave
        fila = CumplimientoDiario(fecha=fecha, area_id=area, tipo_id=tipo, **_ceros())
        sesion.add(fila)
        filas[clave] = fila
    for campo in fields(cifras):
        setattr(fila, campo.name, getattr(cifras, campo.name))
    fila.calculado_en = ahora


def _ceros() -> dict[str, int]:
    return {c.name: 0 for c in (*fields(Flujo), *fields(Pendientes))}


def _borrar_vacias(sesion: Session, condicion: ColumnElement[bool] | None) -> None:
    """Drop rows where every figure is zero (a day without cases costs no row)."""
    sesion.flush()
    columnas: Iterable[str] = (c.name for c in (*fields(Flujo), *fields(Pendientes)))
    vacia = [getattr(CumplimientoDiario, c) == 0 for c in columnas]
    consulta = delete(CumplimientoDiario).where(*vacia)
    if condicion is not None:
        consulta = consulta.where(condicion)
    sesion.execute(consulta.execution_options(synchronize_session=False))
