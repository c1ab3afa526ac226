"""How a Bandeja page reaches its index: one seek per area, merged (UNION ALL), then LIMIT.

`area_id IN (1, 2, 3, 4) ORDER BY prioridad_en` cannot be read in order from
(area_id, prioridad_en, id): the database would collect every open case of the four areas and
sort them. Instead each area gets its own `WHERE area_id = ? AND (prioridad_en, id) > cursor
ORDER BY prioridad_en, id LIMIT n+1` (an index range read that stops after n+1 rows) and the
outer query sorts at most 4 x (n+1) rows. "Mine" seeks (asignado_a_id, prioridad_en, id); an
administrator without an area filter seeks (prioridad_en, id); final states seek
(area_id, estado, vence_resolucion_en) per area and state. Every other filter is checked on the
rows the seek walks; folio, contract and e-mail searches use their own indexes instead.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, select, tuple_, union_all
from sqlalchemy.orm import Session, defer, selectinload

from casos.catalogo import Area
from casos.estados import ABIERTOS
from casos.modelos import Caso
from casos.permisos import areas_visibles, filtro_areas
from casos.personal import Personal
from casos.sla import ZONA_CEA

if TYPE_CHECKING:
    from casos.bandeja import FiltrosBandeja

Clave = tuple[datetime, int]
Condiciones = list[ColumnElement[bool]]


def inicio_dia(dia: date) -> datetime:
    """00:00 of a local (Querétaro) calendar day, as an aware instant."""
    return datetime.combine(dia, time(0), ZONA_CEA)


def _patron_prefijo(texto: str) -> str:
    """A LIKE pattern matching values that start with `texto` (wildcards escaped)."""
    escapado = texto.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escapado + "%"


class Consulta:
    """The seeks and the shared conditions of one filtered queue, ready to page."""

    def __init__(self, sesion: Session, persona: Personal, filtros: FiltrosBandeja) -> None:
        self.sesion = sesion
        self.abierta = filtros.es_abierta
        self.columna = Caso.prioridad_en if self.abierta else Caso.vence_resolucion_en
        self.condiciones = _condiciones(persona, filtros)
        self.ramas = _ramas(sesion, persona, filtros)

    def rama(
        self, extra: Condiciones, desde: Clave | None, limite: int
    ) -> Select[tuple[int, datetime]]:
        """One index seek: its rows in page order, from the cursor, at most `limite`."""
        clave = tuple_(self.columna, Caso.id)
        condiciones = [*self.condiciones, *extra]
        if desde is not None:
            condiciones.append(clave > desde if self.abierta else clave < desde)
        orden = (self.columna, Caso.id) if self.abierta else (self.columna.desc(), Caso.id.desc())
        return (
            select(Caso.id, self.columna.label("clave"))
            .where(*condiciones)
            .order_by(*orden)
            .limit(limite)
        )


def claves_pagina(consulta: Consulta, desde: Clave | None, limite: int) -> list[Clave]:
    """The (sort key, id) of the next `limite` cases, merged across the seeks."""
    if not consulta.ramas:
        return []
    if len(consulta.ramas) == 1:
        filas = consulta.sesion.execute(consulta.rama(consulta.ramas[0], desde, limite))
        return [(clave, ident) for ident, clave in filas]
    partes = [consulta.rama(extra, desde, limite).subquery() for extra in consulta.ramas]
    union = union_all(*(select(p.c.id, p.c.clave) for p in partes)).subquery()
    orden = (
        (union.c.clave, union.c.id)
        if consulta.abierta
        else (union.c.clave.desc(), union.c.id.desc())
    )
    filas = consulta.sesion.execute(
        select(union.c.id, union.c.clave).order_by(*orden).limit(limite)
    )
    return [(clave, ident) for ident, clave in filas]


def cargar_casos(sesion: Session, claves: list[Clave]) -> list[Caso]:
    """The cases of a page, in page order (type, area and assignee loaded with them)."""
    if not claves:
        return []
    ids = [ident for _, ident in claves]
    # The row needs the SLA explanation (which clock is due) but not the request's own data.
    consulta = (
        select(Caso)
        .where(Caso.id.in_(ids))
        .options(selectinload(Caso.asignado_a), defer(Caso.datos), defer(Caso.descripcion))
    )
    por_id = {caso.id: caso for caso in sesion.scalars(consulta)}
    return [por_id[i] for i in ids if i in por_id]


def _areas(sesion: Session, persona: Personal, area_id: int | None) -> list[int] | None:
    """The areas to seek (None: every area, in one seek); an area the person cannot see: []."""
    visibles = areas_visibles(persona)
    if area_id is not None:
        return [area_id] if visibles is None or area_id in visibles else []
    return None if visibles is None else sorted(visibles)


def _ramas(sesion: Session, persona: Personal, filtros: FiltrosBandeja) -> list[Condiciones]:
    """One list of conditions per index seek."""
    busqueda = filtros.busqueda
    if busqueda is not None and busqueda.tipo != "nombre":
        return [[]]  # folio / contract / e-mail: a handful of rows through their own index
    areas = _areas(sesion, persona, filtros.area_id)
    if filtros.es_abierta and filtros.asignacion == "mios":
        return [[Caso.asignado_a_id == persona.id]]
    if filtros.es_abierta and filtros.sla_estado is not None:
        # (area_id, sla_estado, prioridad_en, id): the "vencidos" tab stops at its last case
        # instead of walking the rest of the queue looking for more.
        sla = filtros.sla_estado
        return [[Caso.area_id == a, Caso.sla_estado == sla] for a in _todas(sesion, areas)]
    if filtros.es_abierta:
        return [[]] if areas is None else [[Caso.area_id == a] for a in areas]
    estados = sorted(filtros.estado)
    return [[Caso.area_id == a, Caso.estado == e] for a in _todas(sesion, areas) for e in estados]


def _todas(sesion: Session, areas: list[int] | None) -> list[int]:
    """The given areas, or every area's id (an administrator without an area filter)."""
    if areas is not None:
        return areas
    return list(sesion.scalars(select(Area.id).order_by(Area.id)))


def _condiciones(persona: Personal, filtros: FiltrosBandeja) -> Condiciones:
    """Conditions every seek checks: visibility, state, and the filters without an index."""
    condiciones: Condiciones = [filtro_areas(persona)]
    if filtros.es_abierta:
        # NULL exactly when not open: the seek skips every final case without reading it.
        condiciones.append(Caso.prioridad_en.is_not(None))
        if filtros.estado != ABIERTOS:
            condiciones.append(Caso.estado.in_(sorted(filtros.estado)))
    else:
        # Always set on a final case (its resolution clock stopped); a cursor needs a value.
        condiciones.append(Caso.vence_resolucion_en.is_not(None))
    if filtros.area_id is not None:
        condiciones.append(Caso.area_id == filtros.area_id)
    if filtros.tipo_id is not None:
        condiciones.append(Caso.tipo_id == filtros.tipo_id)
    if filtros.sla_estado is not None:
        condiciones.append(Caso.sla_estado == filtros.sla_estado)
    if filtros.asignacion == "mios":
        condiciones.append(Caso.asignado_a_id == persona.id)
    elif filtros.asignacion == "sin_asignar":
        condiciones.append(Caso.asignado_a_id.is_(None))
    if filtros.creado_desde is not None:
        condiciones.append(Caso.creado_en >= inicio_dia(filtros.creado_desde))
    if filtros.creado_hasta is not None:
        condiciones.append(Caso.creado_en < inicio_dia(filtros.creado_hasta + timedelta(days=1)))
    if filtros.colonia:
        condiciones.append(Caso.colonia.ilike(_patron_prefijo(filtros.colonia), escape="\\"))
    condiciones.extend(_condiciones_busqueda(filtros))
    return condiciones


def _condiciones_busqueda(filtros: FiltrosBandeja) -> Condiciones:
    busqueda = filtros.busqueda
    if busqueda is None:
        return []
    if busqueda.tipo == "folio":
        return [Caso.folio == busqueda.valor]
    if busqueda.tipo == "email":
        return [Caso.solicitante_email == busqueda.valor]
    if busqueda.tipo == "contrato":
        return [Caso.contrato == busqueda.valor]
    patron = _patron_prefijo(busqueda.valor)
    return [Caso.solicitante_nombre.ilike(patron, escape="\\")]
