"""The outbox job over a real SMTP server: delivery, outages with backoff, refusals, the lease."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SesionSMTP
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from casos.actores import Actor
from casos.bd import fabrica_sesiones, iniciar_escritura
from casos.correo import CorreoSalida, EstadoCorreo, configurar_correo
from casos.envio import (
    ESPERA_BASE,
    ESPERA_MAXIMA,
    AjustesSMTP,
    es_rechazo_definitivo,
    id_mensaje,
    marcar_fallo,
)
from casos.registro import DatosCaso, registrar_caso
from casos.tareas import TareaProgramada, tomar_turno
from scheduler.trabajos import Contexto, enviar_correos
from tests.conftest import BASE_URL_PRUEBAS, preparar_esquema
from tests.soporte import smtp as soporte_smtp
from tests.soporte.smtp import CapturadorSMTP

REMITENTE = "Oficina Virtual CEA <no-responder@cea.localhost>"
INICIO = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
RECHAZADO = "no-existe@ejemplo.mx"


class RelojManual:
    """The jobs' injected clock: it moves only when the test says so."""

    def __init__(self, inicio: datetime) -> None:
        self.ahora = inicio

    def __call__(self) -> datetime:
        return self.ahora

    def avanzar(self, delta: timedelta) -> None:
        self.ahora += delta


@pytest.fixture(scope="module")
def sesiones(nueva_bd: Callable[[str], str]) -> Iterator[sessionmaker[Session]]:
    """This module's own database: the jobs commit, so no rolled-back session here."""
    configurar_correo(BASE_URL_PRUEBAS)
    motor = preparar_esquema(nueva_bd("envio"))
    try:
        yield fabrica_sesiones(motor)
    finally:
        motor.dispose()


@pytest.fixture(autouse=True)
def bandeja_vacia(sesiones: sessionmaker[Session]) -> None:
    """Every test starts with an empty outbox and no job leases."""
    with sesiones() as sesion, sesion.begin():
        iniciar_escritura(sesion)
        sesion.execute(delete(CorreoSalida))
        sesion.execute(delete(TareaProgramada))


@pytest.fixture
def capturador() -> Iterator[CapturadorSMTP]:
    servidor = CapturadorSMTP().iniciar()
    try:
        yield servidor
    finally:
        servidor.detener()


def _contexto(
    sesiones: sessionmaker[Session],
    capturador: CapturadorSMTP,
    reloj: RelojManual,
    dueno: str = "programador-a",
) -> Contexto:
    ajustes = AjustesSMTP(
        host=capturador.host, puerto=capturador.puerto, remitente=REMITENTE, tiempo_espera=5.0
    )
    return Contexto(sesiones=sesiones, smtp=ajustes, reloj=reloj, dueno=dueno)


def _encolar_acuses(
    sesiones: sessionmaker[Session], ahora: datetime, correos: list[str]
) -> dict[str, str]:
    """File one case per address (each queues its acknowledgement); {address: subject}."""
    asuntos: dict[str, str] = {}
    with sesiones() as sesion, sesion.begin():
        iniciar_escritura(sesion)
        for direccion in correos:
            datos = DatosCaso(
                tipo="consulta_general",
                descripcion="Quiero cambiar el titular de mi contrato.",
                solicitante_nombre="Vecino de Prueba",
                solicitante_email=direccion,
            )
            caso = registrar_caso(sesion, datos, Actor.ciudadano("Vecino de Prueba"), ahora)
            asuntos[direccion] = f"Folio {caso.folio}: recibimos su solicitud (Consulta general)"
    return asuntos


def _filas(sesiones: sessionmaker[Session]) -> list[CorreoSalida]:
    with sesiones() as sesion:
        return list(sesion.scalars(select(CorreoSalida).order_by(CorreoSalida.id)))


def _destinatarios(capturador: CapturadorSMTP) -> list[str]:
    return sorted(destino for _, destinos in capturador.sobres for destino in destinos)


def test_envia_cada_correo_una_vez_y_lo_marca(
    sesiones: sessionmaker[Session], capturador: CapturadorSMTP
) -> None:
    reloj = RelojManual(INICIO)
    ctx = _contexto(sesiones, capturador, reloj)
    direcciones = [f"vecino{n}@ejemplo.mx" for n in range(3)]
    asuntos = _encolar_acuses(sesiones, INICIO, direcciones)
    reloj.avanzar(timedelta(seconds=2))

    assert enviar_correos(ctx) == {"enviados": 3, "fallidos": 0}

    recibidos = capturador.mensajes
    assert len(recibidos) == 3
    assert sorted(m["Subject"] for m in recibidos) == sorted(asuntos.values())
    assert _destinatarios(capturador) == sorted(direcciones)
    filas = _filas(sesiones)
    assert [f.estado for f in filas] == [EstadoCorreo.ENVIADO] * 3
    assert all(f.enviado_en == reloj() and f.intentos == 1 for f in filas)
    assert sorted(m["Message-ID"] for m in recibidos) == sorted(
        id_mensaje(f, REMITENTE) for f in filas
    )

    reloj.avanzar(timedelta(minutes=10))
    assert enviar_correos(ctx) == {"enviados": 0, "fallidos": 0}
    assert len(capturador.mensajes) == 3


def test_caida_del_smtp_espera_y_reintenta_sin_duplicar(
    sesiones: sessionmaker[Session], capturador: CapturadorSMTP
) -> None:
    puerto = capturador.puerto
    capturador.detener()
    reloj = RelojManual(INICIO)
    ctx = _contexto(sesiones, capturador, reloj)
    asuntos = _encolar_acuses(sesiones, INICIO, [f"corte{n}@ejemplo.mx" for n in range(3)])

    resultado = enviar_correos(ctx)

    assert resultado is not None and resultado["en_espera"] == 3 and resultado["enviados"] == 0
    assert capturador.mensajes == []
    filas = _filas(sesiones)
    assert [f.estado for f in filas] == [EstadoCorreo.PENDIENTE] * 3
    assert [f.intentos for f in filas] == [1, 1, 1]
    assert all(f.ultimo_error and "ConnectionRefusedError" in f.ultimo_error for f in filas)
    assert all(f.proximo_intento_en == INICIO + ESPERA_BASE for f in filas)
    assert all(f.proximo_intento_en > reloj() and f.enviado_en is None for f in filas)

    # Same clock: the backoff has not elapsed, so no new attempt.
    assert enviar_correos(ctx) == {"enviados": 0, "fallidos": 0}
    reloj.avanzar(ESPERA_BASE - timedelta(seconds=1))
    assert enviar_correos(ctx) == {"enviados": 0, "fallidos": 0}
    assert [f.intentos for f in _filas(sesiones)] == [1, 1, 1]

    capturador.iniciar()
    assert capturador.puerto == puerto
    reloj.avanzar(timedelta(seconds=2))
    assert enviar_correos(ctx) == {"enviados": 3, "fallidos": 0}

    recibidos = capturador.mensajes
    assert len(recibidos) == 3
    assert len({m["Message-ID"] for m in recibidos}) == 3
    assert sorted(m["Subject"] for m in recibidos) == sorted(asuntos.values())
    filas = _filas(sesiones)
    assert [f.estado for f in filas] == [EstadoCorreo.ENVIADO] * 3
    assert [f.intentos for f in filas] == [2, 2, 2]
    assert all(f.ultimo_error is None and f.enviado_en == reloj() for f in filas)

    reloj.avanzar(timedelta(hours=2))
    assert enviar_correos(ctx) == {"enviados": 0, "fallidos": 0}
    assert len(capturador.mensajes) == 3


def _fila_nueva() -> CorreoSalida:
    return CorreoSalida(
        plantilla="acuse_caso",
        para="vecino@ejemplo.mx",
        asunto="Prueba",
        texto="Prueba\n",
        html="<p>Prueba</p>",
        estado=EstadoCorreo.PENDIENTE,
        creado_en=INICIO,
        proximo_intento_en=INICIO,
        intentos=0,
    )


def test_espera_crece_al_doble_y_tope_de_una_hora() -> None:
    correo = _fila_nueva()
    esperas = []
    for _ in range(10):
        marcar_fallo(correo, ConnectionRefusedError(111, "Connection refused"), INICIO)
        esperas.append(int((correo.proximo_intento_en - INICIO).total_seconds()))
    assert esperas == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    assert max(esperas) == ESPERA_MAXIMA.total_seconds()
    assert correo.estado is EstadoCorreo.PENDIENTE and correo.intentos == 10
    assert correo.ultimo_error is not None
    assert correo.ultimo_error.startswith("ConnectionRefusedError")


def test_rechazo_definitivo_marca_fallido_y_deja_de_reintentar() -> None:
    correo = _fila_nueva()
    rechazo = smtplib.SMTPRecipientsRefused({"vecino@ejemplo.mx": (550, b"5.1.1 No existe")})
    marcar_fallo(correo, rechazo, INICIO)
    assert correo.estado is EstadoCorreo.FALLIDO and correo.intentos == 1
    assert correo.proximo_intento_en == INICIO
    assert correo.ultimo_error is not None and "550" in correo.ultimo_error


@pytest.mark.parametrize(
    ("error", "definitivo"),
    [
        (smtplib.SMTPRecipientsRefused({"a@ejemplo.mx": (550, b"no existe")}), True),
        (
            smtplib.SMTPRecipientsRefused(
                {"a@ejemplo.mx": (550, b"no existe"), "b@ejemplo.mx": (450, b"buzon ocupado")}
            ),
            False,
        ),
        (smtplib.SMTPRecipientsRefused({"a@ejemplo.mx": (452, b"sin espacio")}), False),
        (smtplib.SMTPDataError(554, b"mensaje rechazado"), True),
        (smtplib.SMTPDataError(451, b"intente mas tarde"), False),
        (smtplib.SMTPAuthenticationError(535, b"credenciales"), False),
        (smtplib.SMTPServerDisconnected("conexion perdida"), False),
        (TimeoutError("tiempo agotado"), False),
    ],
)
def test_clasificacion_de_errores(error: Exception, definitivo: bool) -> None:
    assert es_rechazo_definitivo(error) is definitivo


class _ManejadorQueRechaza(soporte_smtp._Manejador):
    """The test server's handler, refusing one mailbox with 550 like a real server."""

    async def handle_RCPT(
        self,
        server: SMTP,
        session: SesionSMTP,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address == RECHAZADO:
            return "550 5.1.1 Buzón inexistente"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_rechazo_550_real_no_se_reintenta(
    sesiones: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(soporte_smtp, "_Manejador", _ManejadorQueRechaza)
    with CapturadorSMTP() as servidor:
        reloj = RelojManual(INICIO)
        ctx = _contexto(sesiones, servidor, reloj)
        asuntos = _encolar_acuses(sesiones, INICIO, [RECHAZADO, "vecina@ejemplo.mx"])

        assert enviar_correos(ctx) == {"enviados": 1, "fallidos": 1}
        [recibido] = servidor.mensajes
        assert recibido["Subject"] == asuntos["vecina@ejemplo.mx"]

        filas = {f.para: f for f in _filas(sesiones)}
        fallido = filas[RECHAZADO]
        assert fallido.estado is EstadoCorreo.FALLIDO and fallido.intentos == 1
        assert fallido.ultimo_error is not None and "550" in fallido.ultimo_error
        assert filas["vecina@ejemplo.mx"].estado is EstadoCorreo.ENVIADO

        reloj.avanzar(timedelta(hours=3))
        assert enviar_correos(ctx) == {"enviados": 0, "fallidos": 0}
        assert len(servidor.mensajes) == 1
        assert {f.para: f.intentos for f in _filas(sesiones)}[RECHAZADO] == 1


def _tarea(sesiones: sessionmaker[Session], nombre: str) -> dict[str, Any]:
    with sesiones() as sesion:
        tarea = sesion.get(TareaProgramada, nombre)
        assert tarea is not None
        return {
            "dueno": tarea.dueno,
            "bloqueada_hasta": tarea.bloqueada_hasta,
            "ultimo_inicio_en": tarea.ultimo_inicio_en,
            "ultimo_fin_en": tarea.ultimo_fin_en,
            "ultimo_resultado": tarea.ultimo_resultado,
            "ultimo_error": tarea.ultimo_error,
            "ejecuciones": tarea.ejecuciones,
        }


def test_turno_impide_un_segundo_programador_hasta_que_vence(
    sesiones: sessionmaker[Session], capturador: CapturadorSMTP
) -> None:
    reloj = RelojManual(INICIO)
    primero = _contexto(sesiones, capturador, reloj, dueno="programador-a")
    segundo = _contexto(sesiones, capturador, reloj, dueno="programador-b")
    # The first scheduler is in the middle of a run: it holds the lease (committed).
    with sesiones() as sesion, sesion.begin():
        iniciar_escritura(sesion)
        assert tomar_turno(sesion, "enviar_correos", primero.dueno, INICIO, timedelta(minutes=5))
    _encolar_acuses(sesiones, INICIO, ["turno1@ejemplo.mx", "turno2@ejemplo.mx"])

    assert enviar_correos(segundo) is None
    reloj.avanzar(timedelta(minutes=4, seconds=59))
    assert enviar_correos(segundo) is None
    assert capturador.mensajes == []
    assert [(f.estado, f.intentos) for f in _filas(sesiones)] == [(EstadoCorreo.PENDIENTE, 0)] * 2
    assert _tarea(sesiones, "enviar_correos")["dueno"] == "programador-a"

    reloj.avanzar(timedelta(seconds=1))  # the lease expires now
    assert enviar_correos(segundo) == {"enviados": 2, "fallidos": 0}
    assert _destinatarios(capturador) == ["turno1@ejemplo.mx", "turno2@ejemplo.mx"]
    assert _tarea(sesiones, "enviar_correos") == {
        "dueno": None,
        "bloqueada_hasta": None,
        "ultimo_inicio_en": reloj(),
        "ultimo_fin_en": reloj(),
        "ultimo_resultado": {"enviados": 2, "fallidos": 0},
        "ultimo_error": None,
        "ejecuciones": 1,
    }

    # Released: the first scheduler's next run goes ahead (nothing left to send).
    reloj.avanzar(timedelta(seconds=5))
    assert enviar_correos(primero) == {"enviados": 0, "fallidos": 0}
    tarea = _tarea(sesiones, "enviar_correos")
    assert tarea["ejecuciones"] == 2 and tarea["ultimo_resultado"] == {"enviados": 0, "fallidos": 0}
    assert len(capturador.mensajes) == 2
