"""Who on the staff may see and act on what.

An agent works the cases of their areas; a supervisor watches (and may act on) the cases of
the areas they supervise; an administrator sees everything. Every back-office query filters
with `areas_visibles` and every case page checks `puede_ver_caso`, so a case of another area is
simply not found (404), never "forbidden" (which would confirm it exists).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from casos.modelos import Caso
from casos.personal import Personal, RolPersonal


def areas_visibles(persona: Personal) -> frozenset[int] | None:
    """Ids of the areas whose cases `persona` sees; None means every area (administrator)."""
    if persona.rol is RolPersonal.ADMINISTRADOR:
        return None
    return frozenset(a.id for a in persona.areas)


def filtro_areas(persona: Personal) -> ColumnElement[bool]:
    """A WHERE clause on Caso limiting a query to what `persona` may see."""
    areas = areas_visibles(persona)
    if areas is None:
        return true()
    if not areas:
        return false()
    return Caso.area_id.in_(sorted(areas))


def puede_ver_caso(persona: Personal, caso: Caso) -> bool:
    """Whether the case belongs to one of `persona`'s areas (or `persona` administers)."""
    areas = areas_visibles(persona)
    return areas is None or caso.area_id in areas


def es_supervisor(persona: Personal) -> bool:
    """Supervisors and administrators see the dashboard and the exports."""
    return persona.rol in (RolPersonal.SUPERVISOR, RolPersonal.ADMINISTRADOR)


def es_administrador(persona: Personal) -> bool:
    """Only administrators open the admin (catalogs, staff, tokens)."""
    return persona.rol is RolPersonal.ADMINISTRADOR
