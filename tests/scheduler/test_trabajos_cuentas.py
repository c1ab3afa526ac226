"""The nightly account jobs: debt blocks (rule 7) and housekeeping of counters, links, sessions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from casos.bd import fabrica_sesiones, iniciar_escritura
from casos.comercial.modelos import Factura
from casos.correo import CorreoSalida, configurar_correo
from casos.cuentas.enlaces import configurar_enlaces, emitir_enlace
from casos.cuentas.modelos import (
    Bloqueo,
    Cuenta,
    EnlaceCuenta,
    EstadoCuenta,
    EventoCuenta,
    PropositoEnlace,
)
from casos.envio import AjustesSMTP
from casos.limites import ContadorLimite
from casos.sesiones import SesionWeb, abrir_sesion
from casos.tareas import TareaProgramada, tomar_turno
from scheduler import trabajos
from scheduler.__main__ import construir_programador
from scheduler.trabajos import TRABAJOS, Contexto, bloqueo_adeudos, limpieza_cuentas
from tests.casos.cuentas import fabricas_bloqueos as f
from tests.conftest import BASE_URL_PRUEBAS, preparar_esquema

INICIO = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # Wednesday 03:00 in Querétaro
QUERETARO = ZoneInfo("America/Mexico_City")


class RelojManual:
    """The jobs' injected clock: it moves only when the test says so."""

    def __init__(self, inicio: datetime) -> None:
        self.ahora = inicio

    def __call__(self) -> datetime:
        return self.ahora


@pytest.fixture(scope="module")
def sesiones(nueva_bd: Callable[[str], str]) -> Iterator[sessionmaker[Session]]:
    """This module's own database: the jobs commit, so no rolled-back session here."""
    configurar_correo(BASE_URL_PRUEBAS)
    configurar_enlaces("clave-de-firma-de-pruebas")
    motor = preparar_esquema(nueva_bd("trabajos_cuentas"))
    try:
        yield fabrica_sesiones(motor)
    finally:
        motor.dispose()


def _contexto(
    sesiones: sessionmaker[Session], reloj: RelojManual, dueno: str = "noche"
) -> Contexto:
    smtp = AjustesSMTP(host="127.0.0.1", puerto=1, remitente="no-responder@cea.localhost")
    return Contexto(sesiones=sesiones, smtp=smtp, reloj=reloj, dueno=dueno)


# --- the job table ------------------------------------------------------------------------


@pytest.mark.parametrize("nombre", ["bloqueo_adeudos", "limpieza_cuentas"])
def test_los_trabajos_nocturnos_estan_en_la_tabla(nombre: str) -> None:
    ctx = _contexto(sessionmaker(), RelojManual(INICIO))
    trabajo = construir_programador(ctx).get_job(nombre)

    assert trabajo is not None and nombre in {t.id for t in TRABAJOS}
    assert trabajo.coalesce is True and trabajo.max_instances == 1
    assert isinstance(trabajo.trigger, CronTrigger)
    assert str(trabajo.trigger.timezone) == "America/Mexico_City"
    martes = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # Tuesday 10:00 local
    siguiente = trabajo.trigger.get_next_fire_time(None, martes)
    assert siguiente is not None
    local = siguiente.astimezone(QUERETARO)
    assert local.date() == date(2026, 11, 25) and 2 <= local.hour < 6


# --- debt blocks --------------------------------------------------------------------------


def test_bloqueo_adeudos_por_lotes_idempotente_y_levanta_al_pagar(
    sesiones: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trabajos, "LOTE_ADEUDOS", 2)  # several batches, several commits
    ahora = INICIO - timedelta(days=1)
    with sesiones() as sesion, sesion.begin():
        morosos = []
        for _ in range(3):
            c = f.contrato(sesion, ahora)
            vieja = f.factura(sesion, c, date(2026, 4, 10), "640.00", ahora)
            morosos.append((f.cuenta(sesion, ahora, c).id, vieja.id))
        al_dia = f.contrato(sesion, ahora)
        f.factura(sesion, al_dia, date(2026, 10, 10), "210.00", ahora)
        f.cuenta(sesion, ahora, al_dia)
        cerrada = f.contrato(sesion, ahora)
        f.factura(sesion, cerrada, date(2025, 10, 10), "990.00", ahora)
        cerrada_id = f.cuenta(sesion, ahora, cerrada, estado=EstadoCuenta.CERRADA).id
    ctx = _contexto(sesiones, RelojManual(INICIO))

    primera = bloqueo_adeudos(ctx)

    assert primera is not None and primera["revisadas"] >= 4  # the closed one is not reviewed
    assert primera == {**primera, "bloqueadas": 3, "levantadas": 0, "actualizadas": 0}
    with sesiones() as sesion:
        for cuenta_id, _ in morosos:
            cuenta = sesion.get_one(Cuenta, cuenta_id)
            assert cuenta.es_bloqueada
            correos = select(func.count()).where(CorreoSalida.para == cuenta.email)
            assert sesion.scalar(correos.select_from(CorreoSalida)) == 1
        assert not sesion.get_one(Cuenta, cerrada_id).es_bloqueada
        tarea = sesion.get_one(TareaProgramada, "bloqueo_adeudos")
        assert tarea.ultimo_resultado == primera and tarea.ultimo_error is None

    assert bloqueo_adeudos(ctx) == {**primera, "bloqueadas": 0}  # nothing new the same night

    pagado_cuenta, pagada_factura = morosos[0]
    with sesiones() as sesion, sesion.begin():
        f.pagar(sesion, sesion.get_one(Factura, pagada_factura))
    tercera = bloqueo_adeudos(ctx)

    assert tercera == {**primera, "bloqueadas": 0, "levantadas": 1}
    with sesiones() as sesion:
        assert not sesion.get_one(Cuenta, pagado_cuenta).es_bloqueada
        acciones = sesion.scalars(
            select(EventoCuenta.accion)
            .where(EventoCuenta.cuenta_id == pagado_cuenta)
            .order_by(EventoCuenta.id)
        )
        assert list(acciones) == ["bloqueo_adeudo", "desbloqueo_adeudo"]
        total = select(func.count()).select_from(Bloqueo)
        assert sesion.scalar(total.where(Bloqueo.levantado_en.is_(None))) == 2


def test_bloqueo_adeudos_respeta_el_turno_de_otro_programador(
    sesiones: sessionmaker[Session],
) -> None:
    with sesiones() as sesion, sesion.begin():
        iniciar_escritura(sesion)
        assert tomar_turno(sesion, "bloqueo_adeudos", "otro", INICIO, timedelta(hours=2))
    try:
        assert bloqueo_adeudos(_contexto(sesiones, RelojManual(INICIO), "segundo")) is None
    finally:
        with sesiones() as sesion, sesion.begin():
            sesion.execute(
                delete(TareaProgramada).where(TareaProgramada.nombre == "bloqueo_adeudos")
            )


# --- housekeeping -------------------------------------------------------------------------


def test_limpieza_borra_solo_lo_viejo(sesiones: sessionmaker[Session]) -> None:
    hace_40_dias = INICIO - timedelta(days=40)
    with sesiones() as sesion, sesion.begin():
        sesion.add_all(
            [
                ContadorLimite(clave="acceso:ip:viejo", ventana_inicio_en=hace_40_dias, conteo=3),
                ContadorLimite(clave="acceso:ip:hoy", ventana_inicio_en=INICIO, conteo=1),
            ]
        )
        cuenta = f.cuenta(sesion, hace_40_dias, f.contrato(sesion, hace_40_dias))
        emitir_enlace(sesion, cuenta, PropositoEnlace.RESTABLECER, hace_40_dias)
        emitir_enlace(sesion, cuenta, PropositoEnlace.ACTIVACION, INICIO)
        vieja, _ = abrir_sesion(
            sesion, cuenta_id=cuenta.id, origen=None, agente=None, ahora=hace_40_dias
        )
        vieja.cerrada_en = hace_40_dias + timedelta(hours=1)
        abrir_sesion(sesion, cuenta_id=cuenta.id, origen=None, agente=None, ahora=INICIO)
        cuenta_id = cuenta.id
    ctx = _contexto(sesiones, RelojManual(INICIO))

    resultado = limpieza_cuentas(ctx)

    assert resultado is not None
    assert resultado["contadores"] >= 1 and resultado["enlaces"] >= 1
    assert resultado["sesiones"] >= 1
    with sesiones() as sesion:
        claves = set(sesion.scalars(select(ContadorLimite.clave)))
        assert "acceso:ip:hoy" in claves and "acceso:ip:viejo" not in claves
        enlaces = sesion.scalars(select(EnlaceCuenta).where(EnlaceCuenta.cuenta_id == cuenta_id))
        assert [e.proposito for e in enlaces] == [PropositoEnlace.ACTIVACION]
        abiertas = sesion.scalars(select(SesionWeb).where(SesionWeb.cuenta_id == cuenta_id))
        assert [s.creada_en for s in abiertas] == [INICIO]
    assert limpieza_cuentas(ctx) == {"contadores": 0, "sesiones": 0, "enlaces": 0}
