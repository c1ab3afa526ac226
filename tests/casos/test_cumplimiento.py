"""Daily compliance figures: local-day boundaries, on time vs late, late-pending snapshot."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.cumplimiento import limites_dia, recalcular_dias, recalcular_pendientes
from casos.estados import EstadoCaso
from casos.modelos import Caso
from casos.resumen import CumplimientoDiario
from casos.tablero_cifras import Cumplimiento, porcentaje
from tests.casos import fabricas

H = timedelta(hours=1)
# 24/11/2026 10:00 in Querétaro (UTC-6); the local day 24/11 runs 06:00 UTC → 06:00 UTC next day.
AHORA = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
HOY = date(2026, 11, 24)


def _caso(sesion: Session, creado: datetime, **campos: Any) -> Caso:
    caso = fabricas.caso(sesion, creado)
    for nombre, valor in campos.items():
        setattr(caso, nombre, valor)
    sesion.flush()
    return caso


def _resuelto(sesion: Session, creado: datetime, resuelto: datetime, vence: datetime) -> Caso:
    return _caso(
        sesion,
        creado,
        estado=EstadoCaso.RESUELTO,
        primera_respuesta_en=resuelto,
        vence_respuesta_en=vence,
        resuelto_en=resuelto,
        vence_resolucion_en=vence,
        prioridad_en=None,
    )


def _filas(sesion: Session) -> dict[date, CumplimientoDiario]:
    filas = sesion.scalars(select(CumplimientoDiario).order_by(CumplimientoDiario.fecha))
    return {f.fecha: f for f in filas}


def test_limites_del_dia_local() -> None:
    inicio, fin = limites_dia(HOY)
    assert inicio == datetime(2026, 11, 24, 6, tzinfo=UTC)
    assert fin == datetime(2026, 11, 25, 6, tzinfo=UTC)


def test_recibidos_por_dia_local(sesion: Session) -> None:
    _caso(sesion, datetime(2026, 11, 24, 5, 59, tzinfo=UTC))  # 23/11 23:59 local
    _caso(sesion, datetime(2026, 11, 24, 6, 0, tzinfo=UTC))  # 24/11 00:00 local
    _caso(sesion, datetime(2026, 11, 25, 5, 59, tzinfo=UTC))  # 24/11 23:59 local
    recalcular_dias(sesion, HOY - timedelta(days=1), HOY, AHORA)
    filas = _filas(sesion)
    assert filas[HOY - timedelta(days=1)].recibidos == 1
    assert filas[HOY].recibidos == 2


def test_respondidos_y_resueltos_a_tiempo(sesion: Session) -> None:
    creado = AHORA - 30 * H
    _resuelto(sesion, creado, AHORA - 2 * H, vence=AHORA - H)  # on time
    _resuelto(sesion, creado, AHORA - 2 * H, vence=AHORA - 2 * H)  # exactly at the due time
    _resuelto(sesion, creado, AHORA - 2 * H, vence=AHORA - 3 * H)  # late
    recalcular_dias(sesion, HOY, HOY, AHORA)
    fila = _filas(sesion)[HOY]
    assert (fila.respondidos, fila.respondidos_a_tiempo) == (3, 2)
    assert (fila.resueltos, fila.resueltos_a_tiempo) == (3, 2)
    assert fila.recibidos == 0 and fila.calculado_en == AHORA


def test_vencidos_sin_respuesta_cuentan_en_la_fecha_de_vencimiento(sesion: Session) -> None:
    ayer_10 = AHORA - timedelta(days=1)
    _caso(sesion, AHORA - 60 * H, vence_respuesta_en=ayer_10, vence_resolucion_en=AHORA + H)
    _caso(sesion, AHORA - 60 * H, vence_respuesta_en=AHORA + H)  # still in time: not counted
    _caso(  # answered late: counts in the flow, not in the snapshot
        sesion, AHORA - 60 * H, vence_respuesta_en=ayer_10, primera_respuesta_en=AHORA - H
    )
    recalcular_pendientes(sesion, AHORA)
    filas = _filas(sesion)
    assert filas[HOY - timedelta(days=1)].sin_respuesta_vencidos == 1
    assert sum(f.abiertos for f in filas.values()) == 3
    assert sum(f.sin_resolver_vencidos for f in filas.values()) == 0


def test_el_recalculo_es_idempotente_y_borra_lo_que_ya_no_es(sesion: Session) -> None:
    caso = _resuelto(sesion, AHORA - 30 * H, AHORA - 2 * H, vence=AHORA - H)
    recalcular_pendientes(sesion, AHORA)
    recalcular_dias(sesion, HOY - timedelta(days=2), HOY, AHORA)
    recalcular_dias(sesion, HOY - timedelta(days=2), HOY, AHORA + H)
    assert _filas(sesion)[HOY].resueltos == 1
    # Reopened: no longer resolved that day, and open again.
    caso.estado, caso.resuelto_en = EstadoCaso.EN_PROCESO, None
    caso.primera_respuesta_en, caso.prioridad_en = None, AHORA + H
    sesion.flush()
    recalcular_dias(sesion, HOY - timedelta(days=2), HOY, AHORA + 2 * H)
    assert HOY not in _filas(sesion)
    recalcular_pendientes(sesion, AHORA + 2 * H)
    assert _filas(sesion)[HOY - timedelta(days=1)].abiertos == 1


def test_un_pendiente_resuelto_deja_de_contar(sesion: Session) -> None:
    caso = _caso(sesion, AHORA - 60 * H, vence_respuesta_en=AHORA - 20 * H)
    recalcular_pendientes(sesion, AHORA)
    assert sum(f.sin_respuesta_vencidos for f in _filas(sesion).values()) == 1
    caso.estado, caso.cancelado_en, caso.prioridad_en = EstadoCaso.CANCELADO, AHORA, None
    sesion.flush()
    recalcular_pendientes(sesion, AHORA + H)
    assert _filas(sesion) == {}


def test_porcentajes_sin_casos_y_con_vencidos() -> None:
    assert porcentaje(0, 0) is None
    assert Cumplimiento().pct_respuesta is None and Cumplimiento().pct_resolucion is None
    cifras = Cumplimiento(respondidos=3, respondidos_a_tiempo=3, sin_respuesta_vencidos=1)
    # Three answered on time, one late and still unanswered: 75 %, not 100 %.
    assert cifras.pct_respuesta == 75.0
    assert Cumplimiento(resueltos=3, resueltos_a_tiempo=2).pct_resolucion == 66.7
    assert Cumplimiento(sin_resolver_vencidos=2).pct_resolucion == 0.0
