"""SLA recompute requests: recorded by the admin, worked through in batches by the scheduler."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from casos.actores import Actor
from casos.bd import fabrica_sesiones
from casos.catalogo import DiaInhabil, TipoCaso
from casos.envio import AjustesSMTP
from casos.modelos import Caso
from casos.recalculo import SolicitudRecalculo, avanzar_recalculo, pendientes, solicitar_recalculo
from casos.sla import ZONA_CEA
from scheduler.comun import Contexto
from scheduler.trabajos_recalculo import TRABAJOS_RECALCULO, recalcular_pendientes, recalculo_sla
from tests.casos.fabricas import caso
from tests.conftest import preparar_esquema

ADMIN = Actor.personal("Adriana Admin", 1, "10.0.0.1")


def _dia_de_vencimiento(instante: datetime) -> datetime:
    return instante.astimezone(ZONA_CEA)


def test_solicitud_repetida_se_reutiliza(sesion: Session, ahora: datetime) -> None:
    primera = solicitar_recalculo(sesion, "cambio", ADMIN, ahora, tipo_id=None, area_id=None)
    segunda = solicitar_recalculo(sesion, "otro cambio", ADMIN, ahora)
    assert primera.id == segunda.id
    otra = solicitar_recalculo(sesion, "un área", ADMIN, ahora, area_id=1)
    assert otra.id != primera.id
    assert pendientes(sesion) >= 2


def test_dia_inhabil_nuevo_mueve_los_vencimientos(sesion: Session, ahora: datetime) -> None:
    abierto = caso(sesion, ahora)
    antes = abierto.vence_respuesta_en
    assert antes is not None
    # The CEA declares the due day a non-working day (all areas).
    sesion.add(DiaInhabil(fecha=_dia_de_vencimiento(antes).date(), motivo="Asueto CEA"))
    solicitar_recalculo(sesion, "Día inhábil", ADMIN, ahora)
    while pendientes(sesion):
        avanzar_recalculo(sesion, ahora + timedelta(minutes=1))
    sesion.refresh(abierto)
    assert abierto.vence_respuesta_en is not None and abierto.vence_respuesta_en > antes


def test_lotes_en_orden_y_filtrados_por_tipo(sesion: Session, ahora: datetime) -> None:
    casos = [caso(sesion, ahora) for _ in range(3)]
    tipo = sesion.get(TipoCaso, casos[0].tipo_id)
    assert tipo is not None
    for previa in sesion.scalars(select(SolicitudRecalculo)):
        previa.terminada_en = ahora  # only this test's request
    tipo.horas_respuesta = tipo.horas_respuesta * 2
    solicitud = solicitar_recalculo(sesion, "objetivos", ADMIN, ahora, tipo_id=tipo.id)
    hechos = [avanzar_recalculo(sesion, ahora, lote=2) for _ in range(3)]
    assert hechos[0] == 2 and solicitud.terminada_en is not None
    assert solicitud.casos >= 3 and solicitud.ultimo_caso_id >= casos[-1].id
    assert sum(hechos) == solicitud.casos
    assert avanzar_recalculo(sesion, ahora) == 0


# --- the scheduler job, on its own database (it commits) --------------------------------------


@pytest.fixture(scope="module")
def sesiones(nueva_bd: Callable[[str], str]) -> Iterator[sessionmaker[Session]]:
    motor = preparar_esquema(nueva_bd("recalculo"))
    try:
        yield fabrica_sesiones(motor)
    finally:
        motor.dispose()


def test_trabajo_termina_las_solicitudes(sesiones: sessionmaker[Session]) -> None:
    ahora = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    with sesiones() as sesion, sesion.begin():
        nuevos = [caso(sesion, ahora) for _ in range(5)]
        sesion.flush()
        vencia = {c.id: c.vence_respuesta_en for c in nuevos}
        dia = _dia_de_vencimiento(nuevos[0].vence_respuesta_en).date()
        sesion.add(DiaInhabil(fecha=dia, motivo="Asueto CEA"))
        solicitar_recalculo(sesion, "Día inhábil", ADMIN, ahora)
    ctx = Contexto(
        sesiones=sesiones,
        smtp=AjustesSMTP(host="127.0.0.1", puerto=1, remitente="x@ejemplo.mx"),
        reloj=lambda: ahora + timedelta(minutes=1),
    )
    resultado = recalcular_pendientes(ctx, lote=2)
    assert resultado is not None and resultado["pendientes"] == 0
    assert resultado["casos"] >= 5 and resultado["lotes"] >= 3
    with sesiones() as sesion:
        for id_caso, antes in vencia.items():
            despues = sesion.scalar(select(Caso.vence_respuesta_en).where(Caso.id == id_caso))
            assert despues is not None and despues > antes
        assert pendientes(sesion) == 0
    assert recalculo_sla(ctx) == {"casos": 0, "lotes": 0, "pendientes": 0}  # under its lease
    assert [t.id for t in TRABAJOS_RECALCULO] == ["recalculo_sla"]
