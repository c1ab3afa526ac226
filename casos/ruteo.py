"""Routing: which area a new case goes to, by editable rules; re-routing by a person."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.catalogo import Area, ReglaRuteo, TipoCaso
from casos.ciclo import aplicar_accion
from casos.estados import Accion
from casos.modelos import Caso, EventoCaso


def normalizar(texto: str | None) -> str:
    """Compare colonias and uses without case, accents or extra spaces."""
    sin_acentos = unicodedata.normalize("NFKD", texto or "")
    plano = "".join(c for c in sin_acentos if not unicodedata.combining(c))
    return " ".join(plano.casefold().split())


def _coincide(regla: ReglaRuteo, colonia: str, uso: str) -> bool:
    if regla.colonia and normalizar(regla.colonia) != colonia:
        return False
    return not (regla.uso_contrato and normalizar(regla.uso_contrato) != uso)


def _especificidad(regla: ReglaRuteo) -> int:
    return int(bool(regla.colonia)) + int(bool(regla.uso_contrato))


def resolver_area(
    sesion: Session, tipo: TipoCaso, *, colonia: str | None = None, uso: str | None = None
) -> tuple[Area, ReglaRuteo | None]:
    """The area for a new case: the first matching rule (priority, then most specific),
    otherwise the type's own area."""
    reglas = sesion.scalars(
        select(ReglaRuteo)
        .join(Area, ReglaRuteo.area_id == Area.id)
        .where(ReglaRuteo.tipo_id == tipo.id, ReglaRuteo.es_activa, Area.es_activa)
    ).all()
    ordenadas = sorted(reglas, key=lambda r: (r.prioridad, -_especificidad(r), r.id))
    colonia_n, uso_n = normalizar(colonia), normalizar(uso)
    for regla in ordenadas:
        if _coincide(regla, colonia_n, uso_n):
            return regla.area, regla
    return tipo.area, None


def turnar(
    sesion: Session, caso: Caso, area_id: int, motivo: str, actor: Actor, ahora: datetime
) -> EventoCaso:
    """Hand a case to another area with a reason; that area's own clock starts now."""
    return aplicar_accion(
        sesion, caso, Accion.TURNAR, actor, ahora, nota=motivo, datos={"area_id": area_id}
    )
