"""Business-hours calendar for SLA deadlines: working windows, Mexican holidays, extra closed days.

Pure Python (no Flask, no DB). Every public function takes aware datetimes and returns them in the
calendar's zone; the arithmetic is exact on `timedelta`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "ZONA_CEA",
    "CalendarioLaboral",
    "FechaSinZonaHoraria",
    "fecha_en_palabras",
    "formatear_duracion",
]

ZONA_CEA = ZoneInfo("America/Mexico_City")

_CERO = timedelta(0)
_UN_DIA = timedelta(days=1)
_UNA_SEMANA = timedelta(days=7)
# Spans of whole days longer than this are measured with the yearly prefix sums.
_DIAS_CON_ACUMULADOS = 35
_APERTURA_CEA = time(8)
_CIERRE_CEA = time(17)
_LUNES_A_VIERNES = frozenset(range(5))
_TODA_LA_SEMANA = frozenset(range(7))
_MOTIVO_SIN_NOMBRE = "Día inhábil adicional"

_DIAS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
_DIAS_CORTOS = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")
_MESES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


class FechaSinZonaHoraria(ValueError):
    """A naive datetime was given where an aware one is required."""


def _exigir_zona(instante: datetime) -> datetime:
    """Return `instante` unchanged, refusing anything that is not an aware datetime."""
    if not isinstance(instante, datetime):
        raise TypeError(f"Se esperaba un datetime con zona horaria, no {type(instante).__name__}.")
    if instante.utcoffset() is None:
        raise FechaSinZonaHoraria(
            f"La fecha {instante} no tiene zona horaria; use datetimes con zona "
            "(p. ej. America/Mexico_City)."
        )
    return instante


def _a_utc(instante: datetime) -> datetime:
    """The same instant in UTC: comparing there is immune to DST folds in local time."""
    return _exigir_zona(instante).astimezone(UTC)


def _normalizar_dias_extra(
    dias: Iterable[date | tuple[date, str]],
) -> tuple[tuple[date, str], ...]:
    """Accept bare dates or (date, motivo) pairs; sorted and deduplicated for a canonical hash."""
    motivos: dict[date, str] = {}
    for dia in dias:
        fecha, motivo = dia if isinstance(dia, tuple) else (dia, _MOTIVO_SIN_NOMBRE)
        # A datetime is a date subclass, but its calendar day depends on a zone we cannot guess.
        if isinstance(fecha, datetime) or not isinstance(fecha, date):
            raise TypeError(f"Los días inhábiles deben ser datetime.date, no {fecha!r}.")
        motivos[fecha] = motivo
    return tuple(sorted(motivos.items()))


@cache
def _feriados_oficiales(anio: int) -> tuple[tuple[date, str], ...]:
    """Mexico's mandatory rest days (LFT art. 74) for one year, named in Spanish."""
    # Shared by every calendar instance: building `holidays.Mexico` is the costly part.
    return tuple(sorted(holidays.Mexico(years=anio, language="es").items()))


def _describir_dias(dias: frozenset[int], cortos: bool) -> str:
    """'lun–vie' / 'de lunes a viernes' for a run of weekdays, else a list."""
    nombres = _DIAS_CORTOS if cortos else _DIAS
    orden = sorted(dias)
    if len(orden) > 2 and orden == list(range(orden[0], orden[-1] + 1)):
        primero, ultimo = nombres[orden[0]], nombres[orden[-1]]
        return f"{primero}–{ultimo}" if cortos else f"de {primero} a {ultimo}"
    lista = [nombres[d] for d in orden]
    return ", ".join(lista[:-1]) + " y " + lista[-1] if len(lista) > 1 else lista[0]


class _DiasDelAnio(NamedTuple):
    """Non-working days of one year, plus the Mondays of the weeks they break."""

    inhabiles: dict[date, str]
    lunes_afectados: frozenset[date]


@dataclass(frozen=True, kw_only=True)
class CalendarioLaboral:
    """Immutable, hashable working-hours policy used to measure case deadlines."""

    nombre: str
    zona: ZoneInfo = ZONA_CEA
    apertura: time = _APERTURA_CEA
    cierre: time = _CIERRE_CEA
    dias_laborables: frozenset[int] = _LUNES_A_VIERNES
    dias_extra: tuple[tuple[date, str], ...] = ()
    con_feriados_oficiales: bool = True
    es_continuo: bool = False
    # Filled on demand, one entry per year touched; excluded from eq/hash so it stays a value.
    _por_anio: dict[int, _DiasDelAnio] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # Working time from January 1 to the start of each day of a year (prefix sums), so long
    # spans — a case late by months, shown in the Bandeja — cost two lookups, not a walk.
    _acumulados: dict[int, list[timedelta]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "dias_laborables", frozenset(self.dias_laborables))
        object.__setattr__(self, "dias_extra", _normalizar_dias_extra(self.dias_extra))
        if not self.dias_laborables or not self.dias_laborables <= _TODA_LA_SEMANA:
            raise ValueError("Los días laborables deben ser números de 0 (lunes) a 6 (domingo).")
        if not self.es_continuo and not self.apertura < self.cierre:
            raise ValueError("La hora de apertura debe ser anterior a la de cierre.")

    @classmethod
    def cea(cls, dias_inhabiles: Iterable[date | tuple[date, str]] = ()) -> CalendarioLaboral:
        """Mon–Fri 08:00–17:00 Mexico City, minus official holidays and the given extra days."""
        horario = f"{_APERTURA_CEA:%H:%M}–{_CIERRE_CEA:%H:%M}"
        dias = _describir_dias(_LUNES_A_VIERNES, cortos=True)
        return cls(
            nombre=f"Laboral CEA ({dias} {horario}, {ZONA_CEA.key})",
            dias_extra=_normalizar_dias_extra(dias_inhabiles),
        )

    @classmethod
    def continuo(cls) -> CalendarioLaboral:
        """Round-the-clock calendar (24×7, no holidays): plain elapsed time."""
        return cls(
            nombre="Continuo 24×7",
            apertura=time.min,
            cierre=time.max,
            dias_laborables=_TODA_LA_SEMANA,
            con_feriados_oficiales=False,
            es_continuo=True,
        )

    # ----------------------------------------------------------------- public API

    def sumar_horas(self, inicio: datetime, horas: timedelta) -> datetime:
        """Earliest instant at which `horas` of working time have elapsed since `inicio`."""
        inicio_utc = _a_utc(inicio)
        if horas < _CERO:
            raise ValueError(f"No se pueden sumar horas negativas ({horas}).")
        if self.es_continuo or horas == _CERO:
            return (inicio_utc + horas).astimezone(self.zona)
        return self._avanzar(inicio_utc, horas).astimezone(self.zona)

    def horas_entre(self, inicio: datetime, fin: datetime) -> timedelta:
        """Working time inside [inicio, fin]; zero when `fin` is not after `inicio`."""
        desde, hasta = _a_utc(inicio), _a_utc(fin)
        if hasta <= desde:
            return _CERO
        if self.es_continuo:
            return hasta - desde
        dia_desde, dia_hasta = self._dia_local(desde), self._dia_local(hasta)
        if dia_desde == dia_hasta:
            return self._traslape(dia_desde, desde, hasta)
        extremos = self._traslape(dia_desde, desde, hasta) + self._traslape(dia_hasta, desde, hasta)
        return extremos + self._horas_dias_completos(dia_desde + _UN_DIA, dia_hasta - _UN_DIA)

    def es_laborable(self, instante: datetime) -> bool:
        """Whether `instante` falls in working hours (opening inclusive, closing exclusive)."""
        momento = _a_utc(instante)
        if self.es_continuo:
            return True
        ventana = self._ventana(self._dia_local(momento))
        return ventana is not None and ventana[0] <= momento < ventana[1]

    def siguiente_apertura(self, instante: datetime) -> datetime:
        """`instante` itself if within working hours, otherwise the next opening."""
        momento = _a_utc(instante)
        if self.es_laborable(momento):
            return momento.astimezone(self.zona)
        dia = self._dia_local(momento)
        while True:
            ventana = self._ventana(dia)
            if ventana is not None and momento < ventana[0]:
                return ventana[0].astimezone(self.zona)
            dia += _UN_DIA

    def dias_inhabiles_entre(self, desde: date, hasta: date) -> list[tuple[date, str]]:
        """Holidays and extra closed days in [desde, hasta] that would otherwise be worked."""
        encontrados: list[tuple[date, str]] = []
        for anio in range(desde.year, hasta.year + 1):
            encontrados.extend(
                (dia, motivo)
                for dia, motivo in self._anio(anio).inhabiles.items()
                if desde <= dia <= hasta and dia.weekday() in self.dias_laborables
            )
        return sorted(encontrados)

    def describir(self) -> str:
        """One Spanish sentence describing how this calendar counts time."""
        if self.es_continuo:
            return (
                "Los plazos se cuentan en horas corridas: las 24 horas del día, los 7 días de la "
                "semana, incluidos fines de semana y días feriados."
            )
        exclusiones: list[str] = []
        if self.con_feriados_oficiales:
            exclusiones.append("los días feriados oficiales de México (LFT, art. 74)")
        if self.dias_extra:
            cuantos = len(self.dias_extra)
            plural = "día inhábil adicional" if cuantos == 1 else "días inhábiles adicionales"
            exclusiones.append(f"{cuantos} {plural}")
        sin = f", sin contar {' ni '.join(exclusiones)}" if exclusiones else ""
        dias = _describir_dias(self.dias_laborables, cortos=False)
        return (
            f"Los plazos se cuentan en horas hábiles: {dias}"
            f" de {self.apertura:%H:%M} a {self.cierre:%H:%M} (hora de {self.zona.key}){sin}."
        )

    # ----------------------------------------------------------------- internals

    def _anio(self, anio: int) -> _DiasDelAnio:
        """Cached non-working days of `anio` (computed the first time the year is touched)."""
        datos = self._por_anio.get(anio)
        if datos is None:
            datos = self._calcular_anio(anio)
            self._por_anio[anio] = datos
        return datos

    def _calcular_anio(self, anio: int) -> _DiasDelAnio:
        """Merge extra days and official holidays of one year."""
        inhabiles = {dia: motivo for dia, motivo in self.dias_extra if dia.year == anio}
        if self.con_feriados_oficiales:
            # On a clash the official name wins: it is the one a citizen recognises.
            inhabiles.update(_feriados_oficiales(anio))
        lunes = frozenset(
            dia - timedelta(days=dia.weekday())
            for dia in inhabiles
            if dia.weekday() in self.dias_laborables
        )
        return _DiasDelAnio(inhabiles, lunes)

    def _dia_local(self, momento: datetime) -> date:
        """Calendar day of `momento` in the calendar's zone."""
        return momento.astimezone(self.zona).date()

    def _ventana(self, dia: date) -> tuple[datetime, datetime] | None:
        """Opening and closing of `dia` in UTC, or None if nobody works that day."""
        if dia.weekday() not in self.dias_laborables or dia in self._anio(dia.year).inhabiles:
            return None
        # Built per local day so that historic DST days get their own UTC offsets.
        apertura = datetime.combine(dia, self.apertura, tzinfo=self.zona).astimezone(UTC)
        cierre = datetime.combine(dia, self.cierre, tzinfo=self.zona).astimezone(UTC)
        return apertura, cierre

    def _traslape(self, dia: date, desde: datetime, hasta: datetime) -> timedelta:
        """Overlap of [desde, hasta] with the working window of `dia`."""
        ventana = self._ventana(dia)
        if ventana is None:
            return _CERO
        return max(_CERO, min(hasta, ventana[1]) - max(desde, ventana[0]))

    def _horas_semana(self) -> timedelta:
        """Working time of a week with no closed day and no UTC-offset change."""
        dia = date.min  # any naive day: the nominal window ignores DST on purpose
        jornada = datetime.combine(dia, self.cierre) - datetime.combine(dia, self.apertura)
        return jornada * len(self.dias_laborables)

    def _semana_regular(self, lunes: date) -> bool:
        """Whether the week starting on `lunes` can be counted whole, without visiting its days."""
        domingo = lunes + _UNA_SEMANA - _UN_DIA
        for anio in {lunes.year, domingo.year}:
            if lunes in self._anio(anio).lunes_afectados:
                return False
        # Same offset on both Mondays means no DST change moved the windows in between.
        return self._desfase(lunes) == self._desfase(lunes + _UNA_SEMANA)

    def _desfase(self, dia: date) -> timedelta | None:
        """UTC offset at local midnight of `dia`."""
        return datetime.combine(dia, time.min, tzinfo=self.zona).utcoffset()

    def _horas_dias_completos(self, desde: date, hasta: date) -> timedelta:
        """Working time of the whole days `desde`..`hasta` (inclusive), skipping regular weeks."""
        if (hasta - desde).days > _DIAS_CON_ACUMULADOS:
            return self._horas_por_acumulados(desde, hasta + _UN_DIA)
        semana = self._horas_semana()
        total = _CERO
        dia = desde
        while dia <= hasta:
            semana_completa = dia.weekday() == 0 and dia + _UNA_SEMANA - _UN_DIA <= hasta
            if semana_completa and self._semana_regular(dia):
                total += semana
                dia += _UNA_SEMANA
                continue
            ventana = self._ventana(dia)
            if ventana is not None:
                total += ventana[1] - ventana[0]
            dia += _UN_DIA
        return total

    def _acumulado_anio(self, anio: int) -> list[timedelta]:
        """Working time from January 1 of `anio` to the start of each of its days (+ year end)."""
        sumas = self._acumulados.get(anio)
        if sumas is None:
            sumas, total, dia = [_CERO], _CERO, date(anio, 1, 1)
            while dia.year == anio:
                ventana = self._ventana(dia)
                if ventana is not None:
                    total += ventana[1] - ventana[0]
                sumas.append(total)
                dia += _UN_DIA
            self._acumulados[anio] = sumas
        return sumas

    def _horas_por_acumulados(self, desde: date, fin: date) -> timedelta:
        """Working time of the days in [desde, fin) from the yearly prefix sums."""

        def antes_de(dia: date) -> timedelta:
            return self._acumulado_anio(dia.year)[dia.timetuple().tm_yday - 1]

        if desde.year == fin.year:
            return antes_de(fin) - antes_de(desde)
        total = self._acumulado_anio(desde.year)[-1] - antes_de(desde) + antes_de(fin)
        return total + sum(
            (self._acumulado_anio(anio)[-1] for anio in range(desde.year + 1, fin.year)), _CERO
        )

    def _avanzar(self, desde: datetime, restante: timedelta) -> datetime:
        """UTC instant where `restante` (> 0) of working time after `desde` is used up."""
        dia = self._dia_local(desde)
        ventana = self._ventana(dia)
        if ventana is not None and desde < ventana[1]:
            comienzo = max(desde, ventana[0])
            if restante <= ventana[1] - comienzo:
                return comienzo + restante
            restante -= ventana[1] - comienzo
        return self._avanzar_dias_completos(dia + _UN_DIA, restante)

    def _avanzar_dias_completos(self, dia: date, restante: timedelta) -> datetime:
        """Like `_avanzar`, starting at the beginning of local day `dia`."""
        semana = self._horas_semana()
        while True:
            # Strictly greater: a remainder of exactly one week must end at that week's closing.
            if restante > semana and dia.weekday() == 0 and self._semana_regular(dia):
                restante -= semana
                dia += _UNA_SEMANA
                continue
            ventana = self._ventana(dia)
            if ventana is not None:
                apertura, cierre = ventana
                if restante <= cierre - apertura:
                    return apertura + restante
                restante -= cierre - apertura
            dia += _UN_DIA


def formatear_duracion(duracion: timedelta) -> str:
    """Short Spanish rendering of a duration, e.g. "2 h 30 min" (hours never roll into days)."""
    # Business hours do not map to calendar days, so "50 h" is clearer than "2 d 2 h".
    segundos = abs(duracion) // timedelta(seconds=1)
    horas, resto = divmod(segundos, 3600)
    minutos, segundos = divmod(resto, 60)
    partes = [
        f"{valor} {unidad}"
        for valor, unidad in ((horas, "h"), (minutos, "min"), (segundos, "s"))
        if valor
    ]
    if not partes:
        return "0 min"
    signo = "-" if duracion < _CERO else ""
    return signo + " ".join(partes)


def fecha_en_palabras(instante: datetime) -> str:
    """Spanish date and time in Mexico City: "el martes 24 de noviembre de 2026 a las 11:00"."""
    local = _exigir_zona(instante).astimezone(ZONA_CEA)
    # Spanish says "a la una" but "a las dos", "a las once"...
    articulo = "a la" if local.hour == 1 else "a las"
    dia = _DIAS[local.weekday()]
    mes = _MESES[local.month - 1]
    return f"el {dia} {local.day} de {mes} de {local.year} {articulo} {local:%H:%M}"
