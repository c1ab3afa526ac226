"""The tab counts: the summary rebuilt in one GROUP BY, read per person, and its job."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from casos.actores import Actor
from casos.atencion import Comando, ejecutar
from casos.bd import fabrica_sesiones
from casos.ciclo import recalcular_sla
from casos.envio import AjustesSMTP
from casos.estados import Accion
from casos.personal import RolPersonal
from casos.resumen import ResumenBandeja
from casos.resumen_bandeja import ConteosBandeja, conteos, recalcular_resumen
from casos.tareas import TareaProgramada
from scheduler.comun import Contexto
from scheduler.trabajos_bandeja import TRABAJOS_BANDEJA, resumen_bandeja
from tests.casos import fabricas as f
from tests.conftest import preparar_esquema


def test_conteos_por_pestana_de_mis_areas(sesion: Session, ahora: datetime) -> None:
    ana = f.persona(sesion, "ana", RolPersonal.AGENTE, "atencion", "facturacion")
    actor = Actor.personal(ana.nombre, ana.id)
    mio = f.caso(sesion, ahora - timedelta(hours=1))
    ejecutar(sesion, mio, Comando(Accion.ASIGNAR, datos={"personal_id": ana.id}), actor, ahora)
    vencido = f.caso(sesion, ahora - timedelta(days=9), tipo="altos_consumos")
    recalcular_sla(sesion, vencido, ahora)
    f.caso(sesion, ahora - timedelta(hours=1), tipo="sugerencia")  # another area
    cerrado = f.caso(sesion, ahora - timedelta(hours=1))
    ejecutar(sesion, cerrado, Comando(Accion.CANCELAR, "Duplicado."), actor, ahora)
    assert conteos(sesion, ana).calculado_en is None
    assert recalcular_resumen(sesion, ahora) >= 3
    resultado = conteos(sesion, ana)
    assert (resultado.todos, resultado.mios, resultado.sin_asignar) == (2, 1, 1)
    assert (resultado.en_riesgo, resultado.vencidos) == (0, 1)
    assert resultado.calculado_en == ahora
    assert resultado.antiguedad(ahora + timedelta(seconds=42)) == "actualizado hace 42 s"
    admin = f.persona(sesion, "root", RolPersonal.ADMINISTRADOR)
    assert conteos(sesion, admin).todos == 3
    sin_areas = f.persona(sesion, "nadie", RolPersonal.AGENTE)
    assert conteos(sesion, sin_areas).todos == 0


def test_recalcular_reemplaza_el_resumen(sesion: Session, ahora: datetime) -> None:
    f.caso(sesion, ahora - timedelta(hours=1))
    recalcular_resumen(sesion, ahora)
    recalcular_resumen(sesion, ahora + timedelta(minutes=1))
    assert sesion.scalar(select(func.sum(ResumenBandeja.casos))) == 1
    assert ConteosBandeja().antiguedad(ahora) == "conteos aún no calculados"


@pytest.fixture(scope="module")
def sesiones(nueva_bd: Callable[[str], str]) -> Iterator[sessionmaker[Session]]:
    """This module's own database: the job commits."""
    motor = preparar_esquema(nueva_bd("resumen_bandeja"))
    try:
        yield fabrica_sesiones(motor)
    finally:
        motor.dispose()


def test_trabajo_cada_minuto_con_turno(sesiones: sessionmaker[Session], ahora: datetime) -> None:
    with sesiones() as sesion, sesion.begin():
        f.caso(sesion, ahora - timedelta(hours=1))
    smtp = AjustesSMTP(host="127.0.0.1", puerto=1, remitente="no-responder@cea.localhost")
    ctx = Contexto(sesiones=sesiones, smtp=smtp, reloj=lambda: ahora, dueno="pruebas")
    assert resumen_bandeja(ctx) == {"grupos": 1}
    with sesiones() as sesion:
        assert sesion.scalar(select(func.sum(ResumenBandeja.casos))) == 1
        tarea = sesion.get(TareaProgramada, "resumen_bandeja")
        assert tarea is not None
    (definicion,) = TRABAJOS_BANDEJA
    assert definicion.id == "resumen_bandeja" and definicion.parametros == {"minutes": 1}
