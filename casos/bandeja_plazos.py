"""Time left on each row of a Bandeja page, in the business hours of the case's calendar.

Computed for the rows shown only (50 at most): the stored `prioridad_en` is the earliest
running due time, so one `horas_entre` per row gives "vence en 3 h 20 min hábiles".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from casos.catalogo import Calendarios
from casos.estados import EstadoCaso
from casos.modelos import SIN_PLAZO, Caso
from casos.reloj import NOMBRES_RELOJ
from casos.sla import formatear_duracion

_MINUTO = timedelta(minutes=1)


@dataclass(frozen=True)
class Plazo:
    """How a row reads: the sentence, whether it is late, and which clock it is."""

    texto: str
    es_vencido: bool = False
    reloj: str = ""


def _duracion(tiempo: timedelta, continuo: bool) -> str:
    """'3 h 20 min hábiles' (minutes, never seconds); 'hábiles' only on a working calendar."""
    minutos = (abs(tiempo) // _MINUTO) * _MINUTO
    texto = formatear_duracion(minutos) if minutos else "menos de 1 min"
    return texto if continuo else f"{texto} hábiles"


def _reloj_que_vence(caso: Caso) -> str:
    """The Spanish name of the clock whose due time is the case's priority."""
    objetivo = caso.prioridad_en.isoformat() if caso.prioridad_en else None
    for reloj in (caso.sla_explicacion or {}).get("relojes", []):
        vence = reloj.get("vence_en")
        if vence and objetivo and datetime.fromisoformat(vence).isoformat() == objetivo:
            return NOMBRES_RELOJ.get(reloj.get("reloj", ""), "")
    return ""


def plazo_de(caso: Caso, calendarios: Calendarios, ahora: datetime) -> Plazo:
    """Time left (or late) on the case's first running clock, as an agent reads it."""
    if caso.prioridad_en is None:
        return Plazo("sin plazo en curso")
    if caso.prioridad_en >= SIN_PLAZO:
        if caso.estado is EstadoCaso.EN_ESPERA:
            return Plazo("en pausa (espera del ciudadano)")
        return Plazo("sin plazo en curso")
    calendario = calendarios.para(caso.tipo, caso.area_id)
    reloj = _reloj_que_vence(caso)
    if caso.prioridad_en > ahora:
        restante = calendario.horas_entre(ahora, caso.prioridad_en)
        return Plazo(f"vence en {_duracion(restante, calendario.es_continuo)}", False, reloj)
    atraso = calendario.horas_entre(caso.prioridad_en, ahora)
    return Plazo(f"vencido hace {_duracion(atraso, calendario.es_continuo)}", True, reloj)


def plazos(sesion: Session, casos: Iterable[Caso], ahora: datetime) -> dict[int, Plazo]:
    """The time left of each case of a page, by case id (one calendar per type and area)."""
    calendarios = Calendarios(sesion)
    return {caso.id: plazo_de(caso, calendarios, ahora) for caso in casos}
