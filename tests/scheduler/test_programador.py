"""The scheduler's job table, the nightly closing of resolved cases and the SLA sweep job."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from casos.actores import Actor, TipoActor
from casos.bd import fabrica_sesiones, iniciar_escritura
from casos.catalogo import Area
from casos.ciclo import aplicar_accion
from casos.correo import CorreoSalida, configurar_correo
from casos.envio import AjustesSMTP
from casos.estados import Accion, EstadoCaso
from casos.modelos import Caso, EventoCaso
from casos.personal import Personal, RolPersonal
from casos.registro import DatosCaso, registrar_caso
from scheduler.__main__ import construir_programador
from scheduler.trabajos import TRABAJOS, Contexto, barrido_sla, cierre_resueltos
from tests.conftest import BASE_URL_PRUEBAS, preparar_esquema

INICIO = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # Tuesday 10:00 in Querétaro
AGENTE = Actor.personal("Agente de Prueba", 1)


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
    motor = preparar_esquema(nueva_bd("programador"))
    try:
        yield fabrica_sesiones(motor)
    finally:
        motor.dispose()


def _contexto(sesiones: sessionmaker[Session], reloj: RelojManual) -> Contexto:
    # No SMTP server is needed: these jobs only write to the outbox.
    smtp = AjustesSMTP(host="127.0.0.1", puerto=1, remitente="no-responder@cea.localhost")
    return Contexto(sesiones=sesiones, smtp=smtp, reloj=reloj, dueno="programador-prueba")


def _registrar(sesion: Session, ahora: datetime, nombre: str) -> Caso:
    datos = DatosCaso(
        tipo="consulta_general",
        descripcion="¿Cómo cambio el titular del contrato?",
        solicitante_nombre=nombre,
        solicitante_telefono="442 123 45 67",
    )
    return registrar_caso(sesion, datos, Actor.ciudadano(nombre), ahora)


# --- the job table ------------------------------------------------------------------------


def _sesiones_sin_bd() -> sessionmaker[Session]:
    """The scheduler is built, never started: its jobs need no database here."""
    return sessionmaker()


def test_programador_tiene_los_trabajos_con_ids_estables() -> None:
    ctx = _contexto(_sesiones_sin_bd(), RelojManual(INICIO))
    programador = construir_programador(ctx)
    trabajos = {trabajo.id: trabajo for trabajo in programador.get_jobs()}

    assert set(trabajos) == {
        "barrido_sla",
        "enviar_correos",
        "cierre_resueltos",
        "bloqueo_adeudos",
        "limpieza_cuentas",
        "resumen_bandeja",
        "cumplimiento_reciente",
        "cumplimiento_nocturno",
        "recalculo_sla",
    }
    assert set(trabajos) == {definicion.id for definicion in TRABAJOS}
    assert not programador.running
    for definicion in TRABAJOS:
        trabajo = trabajos[definicion.id]
        assert trabajo.func is definicion.funcion and trabajo.args == (ctx,)
        assert trabajo.coalesce is True and trabajo.max_instances == 1
        assert trabajo.misfire_grace_time is not None and trabajo.misfire_grace_time >= 60

    barrido = trabajos["barrido_sla"].trigger
    assert isinstance(barrido, IntervalTrigger) and barrido.interval == timedelta(seconds=60)
    correo = trabajos["enviar_correos"].trigger
    assert isinstance(correo, IntervalTrigger) and correo.interval <= timedelta(seconds=10)

    nocturno = trabajos["cierre_resueltos"].trigger
    assert isinstance(nocturno, CronTrigger)
    assert str(nocturno.timezone) == "America/Mexico_City"
    siguiente = nocturno.get_next_fire_time(None, INICIO)
    assert siguiente is not None
    local = siguiente.astimezone(ZoneInfo("America/Mexico_City"))
    assert local.date() > INICIO.astimezone(ZoneInfo("America/Mexico_City")).date()
    assert local.hour < 6  # at night, local time


# --- nightly closing ----------------------------------------------------------------------


def test_cierre_cierra_solo_los_resueltos_fuera_de_la_ventana(
    sesiones: sessionmaker[Session],
) -> None:
    with sesiones() as sesion, sesion.begin():
        iniciar_escritura(sesion)
        antiguo = _registrar(sesion, INICIO, "Resuelto hace tiempo")
        reciente = _registrar(sesion, INICIO, "Resuelto hace poco")
        aplicar_accion(
            sesion, antiguo, Accion.RESOLVER, AGENTE, INICIO + timedelta(hours=1), nota="Listo."
        )
        aplicar_accion(
            sesion, reciente, Accion.RESOLVER, AGENTE, INICIO + timedelta(days=6), nota="Listo."
        )
        dias = antiguo.tipo.dias_reapertura
        ids = (antiguo.id, reciente.id)
    assert dias == 10

    reloj = RelojManual(INICIO + timedelta(days=11))
    ctx = _contexto(sesiones, reloj)
    assert cierre_resueltos(ctx) == {"cerrados": 1}

    with sesiones() as sesion:
        cerrado, abierto = (sesion.get_one(Caso, caso_id) for caso_id in ids)
        assert cerrado.estado is EstadoCaso.CERRADO and cerrado.cerrado_en == reloj()
        ultimo = cerrado.eventos[-1]
        assert ultimo.accion is Accion.CERRAR and ultimo.actor_tipo == TipoActor.SISTEMA.value
        assert ultimo.actor_nombre == "Cierre automático"
        assert abierto.estado is EstadoCaso.RESUELTO and abierto.cerrado_en is None

    # Nothing more to close the same night; the recent one closes once its window passes.
    assert cierre_resueltos(ctx) == {"cerrados": 0}
    reloj.ahora = INICIO + timedelta(days=16, hours=1)
    assert cierre_resueltos(ctx) == {"cerrados": 1}
    with sesiones() as sesion:
        assert sesion.get_one(Caso, ids[1]).estado is EstadoCaso.CERRADO


# --- SLA sweep job ------------------------------------------------------------------------


def _umbrales(sesion: Session, caso_id: int) -> list[tuple[Accion, str]]:
    consulta = (
        select(EventoCaso)
        .where(
            EventoCaso.caso_id == caso_id,
            EventoCaso.accion.in_([Accion.ALERTAR_RIESGO, Accion.MARCAR_VENCIDO]),
        )
        .order_by(EventoCaso.id)
    )
    return [(e.accion, e.datos["reloj"]) for e in sesion.scalars(consulta)]


def _avisos(sesion: Session, caso_id: int, para: str) -> list[str]:
    consulta = (
        select(CorreoSalida.asunto)
        .where(
            CorreoSalida.caso_id == caso_id,
            CorreoSalida.plantilla == "aviso_sla",
            CorreoSalida.para == para,
        )
        .order_by(CorreoSalida.id)
    )
    return list(sesion.scalars(consulta))


def test_barrido_dos_veces_registra_el_vencimiento_y_avisa_una_vez(
    sesiones: sessionmaker[Session],
) -> None:
    supervisora = "supervisora.atencion@cea.localhost"
    with sesiones() as sesion, sesion.begin():
        iniciar_escritura(sesion)
        caso = _registrar(sesion, INICIO, "Caso sin respuesta")
        area = sesion.get_one(Area, caso.area_id)
        sesion.add(
            Personal(
                usuario="supervisora_atencion",
                nombre="Laura Supervisora",
                email=supervisora,
                rol=RolPersonal.SUPERVISOR,
                areas=[area],
            )
        )
        caso_id, folio = caso.id, caso.folio
        vence_respuesta = caso.vence_respuesta_en
    # Filed Tuesday 10:00: the first response was due Wednesday 09:00; it is now 12:00.
    assert vence_respuesta == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    ctx = _contexto(sesiones, RelojManual(datetime(2026, 11, 25, 18, 0, tzinfo=UTC)))

    primero = barrido_sla(ctx)

    assert primero is not None and primero["vencidos"] >= 1
    with sesiones() as sesion:
        umbrales = _umbrales(sesion, caso_id)
        avisos = _avisos(sesion, caso_id, supervisora)
        vencido = sesion.get_one(Caso, caso_id).sla_estado
    assert umbrales.count((Accion.MARCAR_VENCIDO, "respuesta")) == 1
    assert len(umbrales) == len(set(umbrales))
    assert avisos.count(f"Plazo vencido: folio {folio} (Primera respuesta)") == 1
    assert len(avisos) == len(umbrales) == len(set(avisos))
    assert vencido.value == "vencido"

    segundo = barrido_sla(ctx)

    assert segundo is not None and segundo["revisados"] == 0 and segundo["avisos"] == 0
    with sesiones() as sesion:
        assert _umbrales(sesion, caso_id) == umbrales
        assert _avisos(sesion, caso_id, supervisora) == avisos
