"""Tests for the business-hours calendar used by SLA deadlines."""

from __future__ import annotations

import dataclasses
import time as reloj
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casos.sla import (
    ZONA_CEA,
    CalendarioLaboral,
    FechaSinZonaHoraria,
    fecha_en_palabras,
    formatear_duracion,
)

CEA = CalendarioLaboral.cea()
CONTINUO = CalendarioLaboral.continuo()
H = timedelta(hours=1)
JORNADA = 9 * H


def mx(anio: int, mes: int, dia: int, hora: int = 0, minuto: int = 0) -> datetime:
    """Wall-clock time in Mexico City."""
    return datetime(anio, mes, dia, hora, minuto, tzinfo=ZONA_CEA)


# ------------------------------------------------------------------ examples


def test_viernes_tarde_mas_dos_horas_termina_el_lunes() -> None:
    resultado = CEA.sumar_horas(mx(2026, 11, 20, 16, 30), 2 * H)
    assert resultado == mx(2026, 11, 23, 9, 30)
    assert resultado.tzinfo is ZONA_CEA


def test_resultado_puede_caer_justo_en_el_cierre() -> None:
    assert CEA.sumar_horas(mx(2026, 11, 20, 16, 30), timedelta(minutes=30)) == mx(2026, 11, 20, 17)


def test_recibido_en_sabado_empieza_a_contar_el_lunes() -> None:
    assert CEA.sumar_horas(mx(2026, 11, 21, 10), H) == mx(2026, 11, 23, 9)


def test_recibido_de_noche_empieza_a_contar_en_la_apertura() -> None:
    assert CEA.sumar_horas(mx(2026, 11, 24, 22), H) == mx(2026, 11, 25, 9)
    assert CEA.sumar_horas(mx(2026, 11, 25, 6), H) == mx(2026, 11, 25, 9)


@pytest.mark.parametrize(
    ("inicio", "esperado"),
    [
        # First Monday of February (Constitution day).
        (mx(2026, 1, 30, 16), mx(2026, 2, 3, 9)),
        # Third Monday of March (Benito Juárez).
        (mx(2026, 3, 13, 16), mx(2026, 3, 17, 9)),
        # Third Monday of November (Revolution day).
        (mx(2026, 11, 13, 16), mx(2026, 11, 17, 9)),
        # Oct 1 2030, change of federal government (every six years).
        (mx(2030, 9, 30, 16), mx(2030, 10, 2, 9)),
        # ...but Oct 1 2026 is an ordinary Thursday.
        (mx(2026, 9, 30, 16), mx(2026, 10, 1, 9)),
    ],
)
def test_feriados_oficiales_no_cuentan(inicio: datetime, esperado: datetime) -> None:
    assert CEA.sumar_horas(inicio, 2 * H) == esperado


def test_cambio_de_anio_salta_el_primero_de_enero() -> None:
    assert CEA.sumar_horas(mx(2025, 12, 31, 16), 2 * H) == mx(2026, 1, 2, 9)
    assert CEA.horas_entre(mx(2025, 12, 31, 16), mx(2026, 1, 2, 9)) == 2 * H


def test_dia_inhabil_adicional_se_salta_y_se_nombra() -> None:
    cal = CalendarioLaboral.cea(dias_inhabiles=[(date(2026, 11, 2), "Día de Muertos")])
    assert CEA.sumar_horas(mx(2026, 10, 30, 16), 2 * H) == mx(2026, 11, 2, 9)
    assert cal.sumar_horas(mx(2026, 10, 30, 16), 2 * H) == mx(2026, 11, 3, 9)
    assert cal.dias_inhabiles_entre(date(2026, 11, 1), date(2026, 11, 30)) == [
        (date(2026, 11, 2), "Día de Muertos"),
        (date(2026, 11, 16), "Día de la Revolución"),
    ]


def test_dias_inhabiles_entre_omite_fines_de_semana_y_acepta_fechas_sueltas() -> None:
    cal = CalendarioLaboral.cea([date(2026, 12, 12), date(2026, 12, 24)])
    # Dec 12 2026 is a Saturday: it would not be worked anyway.
    assert cal.dias_inhabiles_entre(date(2026, 12, 1), date(2027, 1, 31)) == [
        (date(2026, 12, 24), "Día inhábil adicional"),
        (date(2026, 12, 25), "Navidad"),
        (date(2027, 1, 1), "Año Nuevo"),
    ]
    assert cal.dias_inhabiles_entre(date(2026, 12, 31), date(2026, 12, 1)) == []
    assert CONTINUO.dias_inhabiles_entre(date(2026, 1, 1), date(2026, 12, 31)) == []


def test_pausa_sobre_fin_de_semana() -> None:
    assert CEA.horas_entre(mx(2026, 11, 20, 15), mx(2026, 11, 23, 10)) == 4 * H


def test_horas_entre_varias_semanas_con_un_feriado() -> None:
    # Six whole weeks (30 weekdays) containing Revolution day, Nov 16 2026.
    assert CEA.horas_entre(mx(2026, 11, 2), mx(2026, 12, 14)) == 29 * JORNADA


def test_semana_partida_entre_dos_anios() -> None:
    # Dec 25 2026 and Jan 1 2027 are both Fridays; the year boundary cuts a week in two.
    assert CEA.horas_entre(mx(2026, 12, 21), mx(2027, 1, 11)) == 13 * JORNADA
    assert CEA.sumar_horas(mx(2026, 12, 21), 8 * JORNADA) == mx(2026, 12, 31, 17)


def test_horas_entre_al_reves_o_vacio_es_cero() -> None:
    assert CEA.horas_entre(mx(2026, 11, 24, 12), mx(2026, 11, 24, 10)) == timedelta(0)
    assert CEA.horas_entre(mx(2026, 11, 24, 12), mx(2026, 11, 24, 12)) == timedelta(0)
    assert CEA.horas_entre(mx(2026, 11, 21, 9), mx(2026, 11, 22, 18)) == timedelta(0)


def test_dos_anios_cuentan_bien_y_rapido() -> None:
    inicio, fin = mx(2025, 1, 1), mx(2027, 1, 1)
    # 2025 and 2026 have 261 weekdays each, 7 of them official holidays.
    assert CEA.horas_entre(inicio, fin) == 2 * 254 * JORNADA
    duraciones = []
    for _ in range(5):
        antes = reloj.perf_counter()
        CEA.horas_entre(inicio, fin)
        duraciones.append(reloj.perf_counter() - antes)
    assert min(duraciones) < 0.005


def test_utc_y_hora_de_mexico_dan_el_mismo_instante() -> None:
    en_utc = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)  # 16:30 in Mexico City (UTC-6)
    resultado = CEA.sumar_horas(en_utc, 2 * H)
    assert resultado == CEA.sumar_horas(mx(2026, 11, 20, 16, 30), 2 * H)
    assert resultado.tzinfo is ZONA_CEA
    assert (resultado.hour, resultado.minute) == (9, 30)
    fin_utc = datetime(2026, 11, 23, 16, tzinfo=UTC)
    assert CEA.horas_entre(en_utc, fin_utc) == CEA.horas_entre(mx(2026, 11, 20, 16, 30), fin_utc)


def test_dias_con_horario_de_verano_historico() -> None:
    # Mexico City moved to UTC-5 on Sunday 2019-04-07 and back on 2019-10-27.
    inicio = datetime(2019, 4, 5, 22, tzinfo=UTC)  # Friday 16:00, UTC-6
    resultado = CEA.sumar_horas(inicio, 2 * H)
    assert resultado == datetime(2019, 4, 8, 14, tzinfo=UTC)  # Monday 09:00, UTC-5
    assert (resultado.hour, resultado.utcoffset()) == (9, timedelta(hours=-5))
    assert CEA.horas_entre(mx(2019, 4, 1), mx(2019, 4, 15)) == 10 * JORNADA
    assert CEA.horas_entre(mx(2019, 10, 21), mx(2019, 11, 4)) == 10 * JORNADA


def test_es_laborable_y_siguiente_apertura() -> None:
    assert CEA.es_laborable(mx(2026, 11, 24, 8))
    assert CEA.es_laborable(mx(2026, 11, 24, 16, 59))
    assert not CEA.es_laborable(mx(2026, 11, 24, 17))
    assert not CEA.es_laborable(mx(2026, 11, 24, 7, 59))
    assert not CEA.es_laborable(mx(2026, 11, 21, 10))  # Saturday
    assert not CEA.es_laborable(mx(2026, 11, 16, 10))  # Revolution day
    assert CEA.siguiente_apertura(mx(2026, 11, 24, 10)) == mx(2026, 11, 24, 10)
    assert CEA.siguiente_apertura(mx(2026, 11, 24, 7)) == mx(2026, 11, 24, 8)
    assert CEA.siguiente_apertura(mx(2026, 11, 13, 17)) == mx(2026, 11, 17, 8)
    apertura = CEA.siguiente_apertura(datetime(2026, 11, 21, 12, tzinfo=UTC))
    assert apertura == mx(2026, 11, 23, 8)
    assert apertura.tzinfo is ZONA_CEA


def test_calendario_continuo_suma_horas_corridas() -> None:
    sabado_noche = mx(2026, 11, 21, 22)
    assert CONTINUO.sumar_horas(sabado_noche, 3 * H) == mx(2026, 11, 22, 1)
    assert CONTINUO.horas_entre(sabado_noche, mx(2026, 11, 23, 9, 15)) == timedelta(
        hours=35, minutes=15
    )
    assert CONTINUO.es_laborable(mx(2026, 12, 25, 3))
    assert CONTINUO.siguiente_apertura(sabado_noche) == sabado_noche
    assert CONTINUO.nombre == "Continuo 24×7"


def test_sumar_cero_devuelve_el_inicio_en_zona_cea() -> None:
    inicio = datetime(2026, 11, 21, 16, tzinfo=UTC)  # Saturday: not moved to Monday
    resultado = CEA.sumar_horas(inicio, timedelta(0))
    assert resultado == inicio
    assert resultado.tzinfo is ZONA_CEA


@pytest.mark.parametrize("cal", [CEA, CONTINUO], ids=["cea", "continuo"])
def test_fechas_sin_zona_se_rechazan(cal: CalendarioLaboral) -> None:
    ingenua = datetime(2026, 11, 20, 10)
    con_zona = mx(2026, 11, 20, 10)
    with pytest.raises(FechaSinZonaHoraria, match="2026-11-20 10:00:00 no tiene zona horaria"):
        cal.sumar_horas(ingenua, H)
    with pytest.raises(FechaSinZonaHoraria):
        cal.horas_entre(ingenua, con_zona)
    with pytest.raises(FechaSinZonaHoraria):
        cal.horas_entre(con_zona, ingenua)
    with pytest.raises(FechaSinZonaHoraria):
        cal.es_laborable(ingenua)
    with pytest.raises(FechaSinZonaHoraria):
        cal.siguiente_apertura(ingenua)
    with pytest.raises(FechaSinZonaHoraria):
        fecha_en_palabras(ingenua)
    assert issubclass(FechaSinZonaHoraria, ValueError)


def test_horas_negativas_se_rechazan() -> None:
    with pytest.raises(ValueError, match="negativas"):
        CEA.sumar_horas(mx(2026, 11, 20, 10), -H)
    with pytest.raises(ValueError, match="negativas"):
        CONTINUO.sumar_horas(mx(2026, 11, 20, 10), -H)


def test_dias_inhabiles_deben_ser_fechas() -> None:
    with pytest.raises(TypeError):
        CalendarioLaboral.cea([mx(2026, 11, 2)])


def test_calendario_inmutable_y_hasheable() -> None:
    assert CalendarioLaboral.cea() == CEA
    assert hash(CalendarioLaboral.cea()) == hash(CEA)
    a = CalendarioLaboral.cea([date(2026, 11, 2), date(2026, 12, 24)])
    b = CalendarioLaboral.cea([date(2026, 12, 24), date(2026, 11, 2)])
    assert a == b and hash(a) == hash(b)
    assert a != CEA
    assert len({CEA, CONTINUO, CalendarioLaboral.cea()}) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        CEA.nombre = "otro"  # type: ignore[misc]


def test_nombre_y_descripcion() -> None:
    assert CEA.nombre == "Laboral CEA (lun–vie 08:00–17:00, America/Mexico_City)"
    assert CEA.describir() == (
        "Los plazos se cuentan en horas hábiles: de lunes a viernes de 08:00 a 17:00 "
        "(hora de America/Mexico_City), sin contar los días feriados oficiales de México "
        "(LFT, art. 74)."
    )
    con_extra = CalendarioLaboral.cea([date(2026, 11, 2)])
    assert con_extra.describir().endswith("ni 1 día inhábil adicional.")
    assert "24 horas" in CONTINUO.describir()


def test_fecha_en_palabras() -> None:
    assert (
        fecha_en_palabras(mx(2026, 11, 24, 11)) == "el martes 24 de noviembre de 2026 a las 11:00"
    )
    assert fecha_en_palabras(datetime(2026, 1, 1, 7, 5, tzinfo=UTC)) == (
        "el jueves 1 de enero de 2026 a la 01:05"
    )


@pytest.mark.parametrize(
    ("duracion", "texto"),
    [
        (timedelta(hours=2, minutes=30), "2 h 30 min"),
        (timedelta(hours=50), "50 h"),
        (timedelta(minutes=5), "5 min"),
        (timedelta(minutes=1, seconds=30), "1 min 30 s"),
        (timedelta(0), "0 min"),
        (-timedelta(hours=1, minutes=15), "-1 h 15 min"),
    ],
)
def test_formatear_duracion(duracion: timedelta, texto: str) -> None:
    assert formatear_duracion(duracion) == texto


# ------------------------------------------------------------------ properties

AJUSTES = settings(deadline=None, max_examples=200, database=None)

instantes = st.datetimes(
    min_value=datetime(2018, 1, 1),
    max_value=datetime(2032, 12, 31),
    timezones=st.sampled_from([UTC, ZONA_CEA]),
).map(lambda instante: instante.replace(microsecond=0))
duraciones = st.integers(0, 400 * 3600).map(lambda segundos: timedelta(seconds=segundos))


@st.composite
def escenarios(draw: st.DrawFn) -> tuple[CalendarioLaboral, datetime, frozenset[date]]:
    """A start instant and a CEA calendar with extra closed days close enough to matter."""
    inicio = draw(instantes)
    base = inicio.astimezone(ZONA_CEA).date()
    saltos = draw(st.lists(st.integers(-2, 80), max_size=6))
    extras = frozenset(base + timedelta(days=salto) for salto in saltos)
    return CalendarioLaboral.cea(extras), inicio, extras


@cache
def _feriados(anio: int) -> frozenset[date]:
    return frozenset(holidays.Mexico(years=anio, language="es"))


def _es_dia_habil(dia: date, extras: frozenset[date]) -> bool:
    """Independent oracle: weekday, not an official holiday, not an extra day."""
    return dia.weekday() < 5 and dia not in _feriados(dia.year) and dia not in extras


def _horas_entre_dia_por_dia(a: datetime, b: datetime, extras: frozenset[date]) -> timedelta:
    """Independent oracle: visit every local day and add its overlap with [a, b]."""
    a, b = a.astimezone(UTC), b.astimezone(UTC)
    total = timedelta(0)
    dia, ultimo = a.astimezone(ZONA_CEA).date(), b.astimezone(ZONA_CEA).date()
    while dia <= ultimo:
        if _es_dia_habil(dia, extras):
            apertura = datetime.combine(dia, time(8), tzinfo=ZONA_CEA).astimezone(UTC)
            cierre = datetime.combine(dia, time(17), tzinfo=ZONA_CEA).astimezone(UTC)
            total += max(timedelta(0), min(b, cierre) - max(a, apertura))
        dia += timedelta(days=1)
    return total


@AJUSTES
@given(escenarios(), duraciones)
def test_prop_horas_entre_deshace_sumar_horas(
    escenario: tuple[CalendarioLaboral, datetime, frozenset[date]], horas: timedelta
) -> None:
    cal, inicio, _ = escenario
    resultado = cal.sumar_horas(inicio, horas)
    assert resultado.tzinfo is ZONA_CEA
    # Compared in UTC: same-zone comparison uses wall time, wrong for imaginary DST inputs.
    assert resultado.astimezone(UTC) >= inicio.astimezone(UTC)
    assert cal.horas_entre(inicio, resultado) == horas


@AJUSTES
@given(escenarios(), duraciones, duraciones)
def test_prop_sumar_horas_es_monotona(
    escenario: tuple[CalendarioLaboral, datetime, frozenset[date]],
    h1: timedelta,
    h2: timedelta,
) -> None:
    cal, inicio, _ = escenario
    menor, mayor = sorted((h1, h2))
    primero, segundo = cal.sumar_horas(inicio, menor), cal.sumar_horas(inicio, mayor)
    assert primero.astimezone(UTC) <= segundo.astimezone(UTC)


@AJUSTES
@given(escenarios(), duraciones.filter(bool))
def test_prop_resultado_cae_en_horario_habil(
    escenario: tuple[CalendarioLaboral, datetime, frozenset[date]], horas: timedelta
) -> None:
    cal, inicio, extras = escenario
    resultado = cal.sumar_horas(inicio, horas)
    dia = resultado.date()
    assert _es_dia_habil(dia, extras)
    apertura = datetime.combine(dia, time(8), tzinfo=ZONA_CEA)
    cierre = datetime.combine(dia, time(17), tzinfo=ZONA_CEA)
    assert apertura.astimezone(UTC) < resultado.astimezone(UTC) <= cierre.astimezone(UTC)


@AJUSTES
@given(
    escenarios(),
    st.integers(0, 3 * 366 * 86400),
    st.integers(0, 3 * 366 * 86400),
    st.sampled_from([UTC, ZONA_CEA]),
)
def test_prop_horas_entre_es_aditiva(
    escenario: tuple[CalendarioLaboral, datetime, frozenset[date]],
    s1: int,
    s2: int,
    zona: tzinfo,
) -> None:
    cal, a, _ = escenario
    b = (a + timedelta(seconds=s1)).astimezone(zona)
    c = (b + timedelta(seconds=s2)).astimezone(zona)
    assert cal.horas_entre(a, c) == cal.horas_entre(a, b) + cal.horas_entre(b, c)


@AJUSTES
@given(escenarios(), st.integers(-10 * 86400, 120 * 86400))
def test_prop_horas_entre_coincide_con_conteo_dia_por_dia(
    escenario: tuple[CalendarioLaboral, datetime, frozenset[date]], segundos: int
) -> None:
    cal, a, extras = escenario
    b = a + timedelta(seconds=segundos)
    esperado = _horas_entre_dia_por_dia(a, b, extras) if b > a else timedelta(0)
    assert cal.horas_entre(a, b) == esperado
