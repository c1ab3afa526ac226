"""The dashboard read from the summaries: area scoping, ageing, about-to-breach, the job."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from casos.bd import fabrica_sesiones
from casos.catalogo import Area
from casos.cumplimiento import recalcular_dias, recalcular_pendientes
from casos.envio import AjustesSMTP
from casos.errores import ErrorDominio
from casos.modelos import EstadoSLA
from casos.resumen import CumplimientoDiario
from casos.resumen_bandeja import recalcular_resumen
from casos.tablero import armar_tablero
from casos.tablero_cifras import Periodo, periodo_por_omision, semanas, validar_periodo
from scheduler.comun import Contexto
from scheduler.trabajos_tablero import TRABAJOS_TABLERO, cumplimiento_reciente
from tests.casos import fabricas
from tests.conftest import preparar_esquema

AHORA = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # Tuesday 10:00 in Querétaro
HOY = date(2026, 11, 24)


def _area(sesion: Session, clave: str) -> frozenset[int]:
    return frozenset({fabricas.area(sesion, clave).id})


def _datos(sesion: Session) -> None:
    for dias in (0, 2, 5, 10, 40):
        fabricas.caso(sesion, AHORA - timedelta(days=dias, minutes=5))
    ajeno = fabricas.caso(sesion, AHORA - timedelta(days=1), tipo="sugerencia")
    ajeno.vence_respuesta_en = ajeno.prioridad_en = AHORA + timedelta(hours=1)
    sesion.flush()
    recalcular_resumen(sesion, AHORA)
    recalcular_dias(sesion, HOY - timedelta(days=45), HOY, AHORA)
    recalcular_pendientes(sesion, AHORA)


def test_supervisor_solo_ve_su_area(sesion: Session) -> None:
    _datos(sesion)
    periodo = Periodo(HOY - timedelta(days=45), HOY)
    t = armar_tablero(sesion, _area(sesion, "atencion"), periodo, AHORA, HOY)
    assert [c.nombre for c in t.abiertos_por_area] == ["Atención a Usuarios"]
    assert t.abiertos_total.casos == 5 and t.cumplimiento_total.recibidos == 5
    assert [n for _, n in t.envejecimiento] == [1, 1, 1, 1, 1]
    assert all(c.area == "Atención a Usuarios" for c in t.por_vencer)
    todo = armar_tablero(sesion, None, periodo, AHORA, HOY)
    assert todo.abiertos_total.casos == 6 and len(todo.abiertos_por_area) == 2
    assert todo.por_vencer[0].sla_estado in (EstadoSLA.EN_TIEMPO, EstadoSLA.EN_RIESGO)
    assert sum(c.recibidos for _, c in todo.tendencia) == 6
    assert todo.tendencia_por_semana  # 46 days: weekly bars


def test_sin_areas_no_ve_nada(sesion: Session) -> None:
    _datos(sesion)
    t = armar_tablero(sesion, frozenset(), periodo_por_omision(HOY), AHORA, HOY)
    assert t.abiertos_total.casos == 0 and t.por_vencer == [] and t.carga == []
    assert t.cumplimiento_total.pct_respuesta is None  # "sin casos", never 0 %


def test_por_vencer_ocho_horas_habiles(sesion: Session) -> None:
    cerca = fabricas.caso(sesion, AHORA - timedelta(days=1))
    lejos = fabricas.caso(sesion, AHORA - timedelta(days=1))
    vencido = fabricas.caso(sesion, AHORA - timedelta(days=1))
    # Tuesday 10:00 + 8 business hours = Wednesday 09:00 local (15:00 UTC).
    cerca.prioridad_en = datetime(2026, 11, 25, 14, 59, tzinfo=UTC)
    lejos.prioridad_en = datetime(2026, 11, 25, 15, 1, tzinfo=UTC)
    vencido.prioridad_en = AHORA - timedelta(minutes=1)
    sesion.flush()
    folios = [
        c.folio
        for c in armar_tablero(sesion, None, periodo_por_omision(HOY), AHORA, HOY).por_vencer
    ]
    assert cerca.folio in folios and lejos.folio not in folios and vencido.folio not in folios
    lejos.sla_estado = EstadoSLA.EN_RIESGO
    sesion.flush()
    folios = [
        c.folio
        for c in armar_tablero(sesion, None, periodo_por_omision(HOY), AHORA, HOY).por_vencer
    ]
    assert folios.index(cerca.folio) < folios.index(lejos.folio)


def test_validar_periodo() -> None:
    assert validar_periodo(date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 31)).dias == 365
    assert periodo_por_omision(HOY) == Periodo(date(2026, 10, 26), HOY)
    with pytest.raises(ErrorDominio) as error:
        validar_periodo(date(2025, 1, 1), date(2026, 1, 2), HOY)
    assert "366" in error.value.campos["desde"]
    with pytest.raises(ErrorDominio) as error:
        validar_periodo(None, HOY + timedelta(days=1), HOY)
    assert set(error.value.campos) == {"desde", "hasta"}
    # Weeks are Monday–Sunday, clipped to the period.
    assert semanas(Periodo(date(2026, 11, 18), date(2026, 11, 24))) == [
        (date(2026, 11, 18), date(2026, 11, 22)),
        (date(2026, 11, 23), date(2026, 11, 24)),
    ]


@pytest.fixture(scope="module")
def sesiones(nueva_bd: Callable[[str], str]) -> Iterator[sessionmaker[Session]]:
    """This module's own database: the job commits."""
    motor = preparar_esquema(nueva_bd("tablero"))
    try:
        yield fabrica_sesiones(motor)
    finally:
        motor.dispose()


def test_trabajo_recalcula_hoy_y_ayer(sesiones: sessionmaker[Session]) -> None:
    with sesiones() as sesion, sesion.begin():
        fabricas.caso(sesion, AHORA - timedelta(hours=1))
        fabricas.caso(sesion, AHORA - timedelta(days=1))
        fabricas.caso(sesion, AHORA - timedelta(days=3))  # outside the 10-minute job's window
    smtp = AjustesSMTP(host="127.0.0.1", puerto=1, remitente="no-responder@cea.localhost")
    ctx = Contexto(sesiones=sesiones, smtp=smtp, reloj=lambda: AHORA, dueno="prueba")
    resultado = cumplimiento_reciente(ctx)
    assert resultado is not None and resultado["desde"] == "2026-11-23"
    with sesiones() as sesion:
        c = CumplimientoDiario
        consulta = select(c.fecha, c.recibidos).where(c.recibidos > 0)
        recibidos = {fecha: n for fecha, n in sesion.execute(consulta)}
        abiertos = sesion.scalar(select(func.sum(CumplimientoDiario.abiertos)))
        assert sesion.scalar(select(func.count(Area.id))) > 0
    assert recibidos == {HOY: 1, HOY - timedelta(days=1): 1}  # day -3 not recomputed
    assert abiertos == 3  # the snapshot covers every open case
    assert {t.id for t in TRABAJOS_TABLERO} == {"cumplimiento_reciente", "cumplimiento_nocturno"}
