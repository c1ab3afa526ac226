"""Due times for a million cases without a million calendar walks.

Open cases (what the Bandeja and the workspace show) go through the real `calcular_sla`.
Closed ones use `Rejilla`: the calendar's business time laid on an hourly grid once per
calendar (is each hour a working hour? a running total of working seconds), so that
"instant + N business hours" and "business time between two instants" are two array
look-ups and a bisection instead of a day-by-day walk. That is exact because the CEA
windows open and close on the hour (08:00–17:00) and Mexico City has had no DST since
2022: the grid refuses a calendar where an hour is half working, and it is checked
against `CalendarioLaboral.sumar_horas` on a sample when built. Instants outside the grid
fall back to the calendar itself.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from casos.reloj import NOMBRES_RELOJ, Pausa, Politica, instante_consumo
from casos.sla import CalendarioLaboral, formatear_duracion

_HORA = timedelta(hours=1)
_CASI_UNA_HORA = _HORA - timedelta(microseconds=1)
_US = timedelta(microseconds=1)
_US_HORA = 3_600_000_000


class FueraDeRejilla(Exception):
    """The instant falls outside the precomputed hours."""


class Rejilla:
    """Business time of one calendar on an hourly grid (see the module docstring)."""

    def __init__(self, cal: CalendarioLaboral, desde: datetime, hasta: datetime) -> None:
        self.cal = cal
        self.inicio = desde.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        horas = 1 if cal.es_continuo else int((hasta - self.inicio) / _HORA) + 1
        self.laborable = bytearray(horas)
        self.fin: list[int] = []  # working microseconds up to the end of hour i
        total = 0
        for i in range(horas):
            hora = self.inicio + i * _HORA
            dentro = cal.es_laborable(hora)
            if dentro != cal.es_laborable(hora + _CASI_UNA_HORA):
                raise ValueError(f"El calendario {cal.nombre} no abre y cierra en punto.")
            self.laborable[i] = dentro
            total += _US_HORA if dentro else 0
            self.fin.append(total)
        self.proxima = self._proximas(horas)
        if not cal.es_continuo:
            self.comprobar(Random(horas))

    def _proximas(self, horas: int) -> list[int]:
        """For each hour, the first working hour at or after it (`horas` if none)."""
        proxima, siguiente = [horas] * horas, horas
        for i in range(horas - 1, -1, -1):
            if self.laborable[i]:
                siguiente = i
            proxima[i] = siguiente
        return proxima

    def comprobar(self, azar: Random, muestras: int = 300) -> None:
        """Compare with the real calendar on random instants and targets; raise if they differ."""
        extension = len(self.fin) - 24 * 40
        for _ in range(muestras):
            inicio = self.inicio + timedelta(seconds=azar.randrange(max(extension, 1) * 3600))
            horas = timedelta(minutes=azar.randrange(1, 60 * 50))
            esperado = self.cal.sumar_horas(inicio, horas)
            if self.sumar(inicio, horas) != esperado:
                raise AssertionError(f"Rejilla ≠ calendario en {inicio} + {horas}")

    def _indice(self, instante: datetime) -> int:
        i = (instante - self.inicio) // _HORA
        if not 0 <= i < len(self.fin):
            raise FueraDeRejilla(instante)
        return int(i)

    def tiempo(self, instante: datetime) -> int:
        """Working microseconds from the grid's start to `instante`."""
        i = self._indice(instante)
        antes = self.fin[i - 1] if i else 0
        if not self.laborable[i]:
            return antes
        return antes + (instante - self.inicio - i * _HORA) // _US

    def instante(self, tiempo: int) -> datetime:
        """The earliest instant at which `tiempo` working microseconds have elapsed."""
        i = bisect_left(self.fin, tiempo)
        if i >= len(self.fin):
            raise FueraDeRejilla(tiempo)
        return self.inicio + i * _HORA + (tiempo - self.fin[i] + _US_HORA) * _US

    def sumar(self, inicio: datetime, horas: timedelta) -> datetime:
        """`CalendarioLaboral.sumar_horas`, in UTC."""
        if self.cal.es_continuo or not horas:
            return inicio + horas
        try:
            return self.instante(self.tiempo(inicio) + horas // _US)
        except FueraDeRejilla:
            return self.cal.sumar_horas(inicio, horas).astimezone(UTC)

    def con_pausas(self, inicio: datetime, pausas: Sequence[Pausa], horas: timedelta) -> datetime:
        """`casos.reloj.instante_consumo` for closed pauses, in UTC."""
        if self.cal.es_continuo:
            instante = instante_consumo(self.cal, inicio, pausas, horas)
            assert instante is not None
            return instante.astimezone(UTC)
        meta, cursor, usado = horas // _US, inicio, 0
        for desde, hasta in pausas:
            tramo = self.tiempo(desde) - self.tiempo(cursor)
            if usado + tramo >= meta:
                break
            usado += tramo
            assert hasta is not None
            cursor = max(cursor, hasta)
        return self.instante(self.tiempo(cursor) + meta - usado)

    def entre(self, desde: datetime, hasta: datetime, pausas: Sequence[Pausa] = ()) -> timedelta:
        """Business time in [desde, hasta] minus closed pauses inside it (`consumo_hasta`)."""
        if self.cal.es_continuo:
            total = hasta - desde
            for a, b in pausas:
                if a < hasta and b is not None:
                    total -= min(b, hasta) - max(a, desde)
            return total
        total = self.tiempo(hasta) - self.tiempo(desde)
        for a, b in pausas:
            if a < hasta and b is not None:
                total -= self.tiempo(min(b, hasta)) - self.tiempo(max(a, desde))
        return total * _US

    def es_laborable(self, instante: datetime) -> bool:
        """Whether the instant is in working hours."""
        return self.cal.es_continuo or bool(self.laborable[self._indice(instante)])

    def siguiente_apertura(self, instante: datetime) -> datetime:
        """The instant itself if working, else the next opening (UTC)."""
        i = self._indice(instante)
        if self.cal.es_continuo or self.laborable[i]:
            return instante
        j = self.proxima[i]
        if j >= len(self.fin):
            raise FueraDeRejilla(instante)
        return self.inicio + j * _HORA


class Rejillas:
    """One grid per calendar, built on first use over the generation's period."""

    def __init__(self, desde: datetime, hasta: datetime) -> None:
        self.desde, self.hasta = desde - timedelta(days=2), hasta + timedelta(days=180)
        self._por_id: dict[int, Rejilla] = {}
        self.por_calendario: dict[CalendarioLaboral, Rejilla] = {}

    def de(self, cal: CalendarioLaboral) -> Rejilla:
        """The grid of a calendar (equal calendars of different areas share one)."""
        rejilla = self._por_id.get(id(cal))
        if rejilla is None:
            rejilla = self.por_calendario.get(cal)
            if rejilla is None:
                rejilla = Rejilla(cal, self.desde, self.hasta)
                self.por_calendario[cal] = rejilla
            self._por_id[id(cal)] = rejilla
        return rejilla


def laboral(rej: Rejilla, instante: datetime, azar: Random) -> datetime:
    """Staff act in office hours: an instant outside them moves to the next opening + minutes."""
    instante = instante.replace(microsecond=0)
    if rej.es_laborable(instante):
        return instante
    return rej.siguiente_apertura(instante) + timedelta(minutes=int(azar.uniform(3, 75)))


def fraccion(azar: Random, a_tiempo: float) -> float:
    """Share of the window used: under 1 (on time) with probability `a_tiempo`."""
    if azar.random() >= a_tiempo:
        return azar.uniform(1.03, 2.2)
    return azar.uniform(0.05, 0.7) if azar.random() < 0.85 else azar.uniform(0.7, 1.0)


def politica_json(politica: Politica) -> dict[str, Any]:
    """The `politica` part of `sla_explicacion`, as `ResultadoSLA.a_json` writes it."""
    return {
        "tipo": politica.tipo,
        "area": politica.area,
        "calendario": politica.calendario.nombre,
        "objetivo_respuesta_horas": _horas(politica.objetivo_respuesta),
        "objetivo_resolucion_horas": _horas(politica.objetivo_resolucion),
        "umbral_riesgo_pct": politica.umbral_pct,
    }


def lineas_politica(politica: Politica) -> list[str]:
    """The first two explanation lines (policy and calendar), as `explicar` writes them."""
    return [
        f"Política: {politica.tipo}, atendida por {politica.area}. Primera respuesta en "
        f"{formatear_duracion(politica.objetivo_respuesta)} y resolución en "
        f"{formatear_duracion(politica.objetivo_resolucion)} de tiempo de atención; "
        f"aviso de riesgo al {politica.umbral_pct} % de cada plazo.",
        f"Calendario: {politica.calendario.describir()}",
    ]


def reloj_cerrado(
    clave: str,
    objetivo: timedelta,
    inicio: datetime,
    pausas: Sequence[Pausa],
    tiempos: tuple[datetime, datetime, timedelta],
    estado: str,
) -> dict[str, Any]:
    """A stopped clock with the keys of `casos.reloj._reloj_json` that a stopped clock needs.

    `tiempos` = (vence, detenido, consumido). Left out to keep a million rows small: the
    effective start, the risk instant, the skipped holidays (the explanation's detail)."""
    vence, detenido, consumido = tiempos
    reloj: dict[str, Any] = {
        "reloj": clave,
        "nombre": NOMBRES_RELOJ[clave],
        "objetivo_horas": _horas(objetivo),
        "inicio_en": inicio.isoformat(),
        "detenido_en": detenido.isoformat(),
        "vence_en": vence.isoformat(),
        "consumido_horas": _horas(consumido),
        "estado": estado,
    }
    if pausas:
        reloj["pausas"] = [[a.isoformat(), b.isoformat() if b else None] for a, b in pausas]
    return reloj


def _horas(duracion: timedelta) -> float:
    return round(duracion.total_seconds() / 3600, 4)
