"""The dashboard's arithmetic: the period, compliance percentages, ageing buckets, weeks.

Pure Python over numbers already summed from the summaries (casos/tablero.py reads them).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from casos.errores import ErrorDominio

DIAS_POR_OMISION = 30
MAXIMO_DIAS = 366
# (label, youngest age in days, oldest age in days or None)
TRAMOS_EDAD: tuple[tuple[str, int, int | None], ...] = (
    ("0–1 días", 0, 1),
    ("2–3 días", 2, 3),
    ("4–7 días", 4, 7),
    ("8–15 días", 8, 15),
    ("Más de 15 días", 16, None),
)


@dataclass(frozen=True)
class Periodo:
    """A range of local dates, both ends included."""

    desde: date
    hasta: date

    @property
    def dias(self) -> int:
        """How many days it spans."""
        return (self.hasta - self.desde).days + 1


def periodo_por_omision(hoy: date) -> Periodo:
    """The last 30 days, today included."""
    return Periodo(hoy - timedelta(days=DIAS_POR_OMISION - 1), hoy)


def validar_periodo(desde: date | None, hasta: date | None, hoy: date) -> Periodo:
    """The period asked for, or ErrorDominio with the reason next to the wrong field."""
    campos: dict[str, str] = {}
    if desde is None:
        campos["desde"] = "Desde: escriba una fecha válida (dd/mm/aaaa)."
    if hasta is None:
        campos["hasta"] = "Hasta: escriba una fecha válida (dd/mm/aaaa)."
    elif hasta > hoy:
        campos["hasta"] = "Hasta: no puede ser posterior a hoy."
    if desde is not None and hasta is not None and not campos:
        if desde > hasta:
            campos["desde"] = "Desde: debe ser anterior o igual a la fecha «hasta»."
        elif (hasta - desde).days + 1 > MAXIMO_DIAS:
            campos["desde"] = f"Desde: el periodo puede abarcar como máximo {MAXIMO_DIAS} días."
    if campos:
        raise ErrorDominio("Revise el periodo.", campos)
    assert desde is not None and hasta is not None
    return Periodo(desde, hasta)


def porcentaje(a_tiempo: int, total: int) -> float | None:
    """Share on time, 0–100, one decimal; None ("sin casos") when there is nothing to measure."""
    if total <= 0:
        return None
    return round(100 * a_tiempo / total, 1)


@dataclass
class Cumplimiento:
    """Compliance figures summed over days (and areas, types)."""

    recibidos: int = 0
    respondidos: int = 0
    respondidos_a_tiempo: int = 0
    sin_respuesta_vencidos: int = 0
    resueltos: int = 0
    resueltos_a_tiempo: int = 0
    sin_resolver_vencidos: int = 0

    def sumar(self, otro: Cumplimiento) -> None:
        """Add another group's figures to these."""
        for campo in fields(self):
            setattr(self, campo.name, getattr(self, campo.name) + getattr(otro, campo.name))

    @property
    def medidos_respuesta(self) -> int:
        """First responses given in the period plus those due in it, late and still missing."""
        return self.respondidos + self.sin_respuesta_vencidos

    @property
    def medidos_resolucion(self) -> int:
        """Resolutions in the period plus those due in it, late and still missing."""
        return self.resueltos + self.sin_resolver_vencidos

    @property
    def pct_respuesta(self) -> float | None:
        """% of first responses on time (None: sin casos)."""
        return porcentaje(self.respondidos_a_tiempo, self.medidos_respuesta)

    @property
    def pct_resolucion(self) -> float | None:
        """% of resolutions on time (None: sin casos)."""
        return porcentaje(self.resueltos_a_tiempo, self.medidos_resolucion)


@dataclass
class Conteo:
    """Open cases of a group: total, at risk and late."""

    nombre: str
    casos: int = 0
    en_riesgo: int = 0
    vencidos: int = 0


@dataclass
class Grupo:
    """A named row of the compliance tables."""

    nombre: str
    cifras: Cumplimiento = field(default_factory=Cumplimiento)


def tramo_de_edad(dias: int) -> str:
    """The ageing bucket label of an open case `dias` old."""
    for etiqueta, menor, mayor in TRAMOS_EDAD:
        if dias >= menor and (mayor is None or dias <= mayor):
            return etiqueta
    return TRAMOS_EDAD[0][0]


def lunes_de(dia: date) -> date:
    """The Monday that starts the week of `dia`."""
    return dia - timedelta(days=dia.weekday())


def semanas(periodo: Periodo) -> list[tuple[date, date]]:
    """The weeks (Monday–Sunday) touching the period, clipped to it."""
    resultado = []
    inicio = periodo.desde
    while inicio <= periodo.hasta:
        fin = min(lunes_de(inicio) + timedelta(days=6), periodo.hasta)
        resultado.append((inicio, fin))
        inicio = fin + timedelta(days=1)
    return resultado
