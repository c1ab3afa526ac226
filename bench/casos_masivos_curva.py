"""The arrival curve: N cases spread over the period, mostly in office hours, growing a little.

Case n (0-based) arrives at the (n + ½)/N quantile of an hourly weight curve, so arrivals are
sorted by n, any case's instant is computed without the others (batches are independent and
a resumed run gives the same instants), and folio numbers per year follow from n.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING

from casos.sla import ZONA_CEA, CalendarioLaboral

if TYPE_CHECKING:
    from bench.casos_masivos_datos import Parametros

_UNA_HORA = timedelta(hours=1)


@dataclass(frozen=True)
class Curva:
    """Arrivals per hour over the period: case n (0-based) arrives at `instante(n)`, sorted."""

    inicio: datetime
    pesos: tuple[float, ...]
    acumulado: tuple[float, ...]
    total_casos: int

    def instante(self, n: int) -> datetime:
        """Arrival of case n: the (n + ½)/N quantile of the hourly curve, to the second."""
        q = (n + 0.5) / self.total_casos * self.acumulado[-1]
        hora = min(bisect_right(self.acumulado, q), len(self.pesos) - 1)
        previo = self.acumulado[hora - 1] if hora else 0.0
        fraccion = min(max((q - previo) / self.pesos[hora], 0.0), 0.9999)
        return self.inicio + timedelta(seconds=int((hora + fraccion) * 3600))


def peso_hora(cal: CalendarioLaboral, hora: datetime, avance: float) -> float:
    """Relative arrivals in one hour: office hours dominate, nights are quiet, volume grows."""
    local = hora.astimezone(ZONA_CEA)
    if cal.es_laborable(hora):
        base = 12.0 if 9 <= local.hour < 13 else 9.0
    elif local.weekday() < 5 and 7 <= local.hour < 22:
        base = 2.5
    elif 8 <= local.hour < 21:
        base = 1.5
    else:
        base = 0.3
    return base * (0.75 + 0.5 * avance)


def curva(parametros: Parametros) -> Curva:
    """The arrival curve over `anios` years ending at `ahora` (hours on the hour)."""
    fin = parametros.ahora.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    inicio = fin - timedelta(days=365 * parametros.anios)
    horas = int((fin - inicio) / _UNA_HORA)
    cal = CalendarioLaboral.cea()
    pesos = tuple(peso_hora(cal, inicio + h * _UNA_HORA, h / horas) for h in range(horas))
    return Curva(inicio, pesos, tuple(accumulate(pesos)), parametros.casos)


def inicios_de_anio(c: Curva) -> dict[int, int]:
    """First case index of each (Querétaro) calendar year, for folios numbered per year."""

    def anio(n: int) -> int:
        return c.instante(n).astimezone(ZONA_CEA).year

    inicios: dict[int, int] = {}
    if c.total_casos == 0:
        return inicios
    for a in range(anio(0), anio(c.total_casos - 1) + 1):
        bajo, alto = 0, c.total_casos
        while bajo < alto:
            medio = (bajo + alto) // 2
            if anio(medio) < a:
                bajo = medio + 1
            else:
                alto = medio
        inicios[a] = bajo
    return inicios


@dataclass(frozen=True)
class Abiertos:
    """Which cases are still open: P(open) = exp(-age / τ), a backlog that thins with age.

    τ is chosen so that the expected share of open cases is the requested one (about 110
    days at 10 % of a million cases over three years): everything filed in the last hours is
    open, a case a year old rarely is. A share of 1 (or more) opens everything."""

    tau: timedelta | None

    def probabilidad(self, edad: timedelta) -> float:
        """Chance that a case of this age is still open."""
        if self.tau is None:
            return 1.0
        if self.tau.total_seconds() <= 0:
            return 0.0
        return math.exp(-edad / self.tau)

    @classmethod
    def para(cls, c: Curva, ahora: datetime, pct: float, muestras: int = 20_000) -> Abiertos:
        """Solve for τ by bisection over a sample of the cases' ages."""
        if pct >= 1:
            return cls(None)
        if pct <= 0 or c.total_casos == 0:
            return cls(timedelta(0))
        paso = max(1, c.total_casos // muestras)
        edades = [(ahora - c.instante(n)) / _UNA_HORA for n in range(0, c.total_casos, paso)]
        bajo, alto = 1e-3, 1e6  # hours
        for _ in range(80):
            medio = math.sqrt(bajo * alto)
            parte = sum(math.exp(-e / medio) for e in edades) / len(edades)
            bajo, alto = (medio, alto) if parte < pct else (bajo, medio)
        return cls(timedelta(hours=bajo))
