"""Servidor SMTP real en 127.0.0.1 que guarda en memoria los correos que recibe."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
import weakref
from email.message import EmailMessage
from typing import Any, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

NOMBRE_SERVIDOR = "capturador.localhost"


def puerto_libre() -> int:
    """Pide al sistema un puerto TCP libre en 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Manejador:
    """Handler de aiosmtpd que entrega cada mensaje al capturador."""

    def __init__(self, capturador: CapturadorSMTP) -> None:
        self._capturador = capturador

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Convierte el sobre en EmailMessage y lo registra."""
        datos = envelope.original_content or envelope.content or b""
        if isinstance(datos, str):
            datos = datos.encode("utf-8")
        mensaje = cast(EmailMessage, email.message_from_bytes(datos, policy=email.policy.default))
        remitente = envelope.mail_from or ""
        self._capturador._registrar(mensaje, remitente, list(envelope.rcpt_tos))
        return "250 Mensaje recibido"


class _Controlador(Controller):
    """Controller que recuerda sus sesiones para cerrarlas al detenerse."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sesiones: weakref.WeakSet[SMTP] = weakref.WeakSet()

    def factory(self) -> SMTP:
        """Crea la sesión SMTP y la anota."""
        sesion = super().factory()
        self.sesiones.add(sesion)
        return sesion

    async def _cerrar_todo(self) -> None:
        """Cierra el socket de escucha y las conexiones abiertas, sin dejar transportes sueltos."""
        if self.server is not None:
            self.server.close()
        for sesion in list(self.sesiones):
            transporte = getattr(sesion, "transport", None)
            if transporte is not None and not transporte.is_closing():
                transporte.close()
        if self.server is not None:
            await self.server.wait_closed()
        # Deja correr las devoluciones de llamada de connection_lost antes de parar el bucle.
        for _ in range(3):
            await asyncio.sleep(0)

    def detener(self) -> None:
        """Cierra todo dentro del bucle y después para el hilo del Controller."""
        if self._thread is not None and self.loop.is_running():
            futuro = asyncio.run_coroutine_threadsafe(self._cerrar_todo(), self.loop)
            futuro.result(timeout=5)
        self.stop()


class CapturadorSMTP:
    """Servidor SMTP de pruebas: recibe de verdad por TCP y guarda los mensajes."""

    def __init__(self, puerto: int | None = None) -> None:
        self.host = "127.0.0.1"
        self.puerto = puerto or puerto_libre()
        self._condicion = threading.Condition()
        self._mensajes: list[EmailMessage] = []
        self._sobres: list[tuple[str, list[str]]] = []
        self._controlador: _Controlador | None = None

    # -- ciclo de vida -------------------------------------------------------

    @property
    def activo(self) -> bool:
        """Indica si el servidor está escuchando."""
        return self._controlador is not None

    def iniciar(self) -> CapturadorSMTP:
        """Empieza a escuchar; después de detener() vuelve al mismo puerto."""
        if self._controlador is not None:
            return self
        # Cada arranque usa un Controller nuevo: stop() cierra su bucle de eventos.
        controlador = _Controlador(
            _Manejador(self),
            hostname=self.host,
            port=self.puerto,
            server_hostname=NOMBRE_SERVIDOR,
            ready_timeout=10.0,
        )
        controlador.start()
        self._controlador = controlador
        return self

    def detener(self) -> None:
        """Deja de escuchar: las conexiones nuevas se rechazan hasta iniciar() otra vez."""
        controlador, self._controlador = self._controlador, None
        if controlador is not None:
            controlador.detener()

    def __enter__(self) -> CapturadorSMTP:
        return self.iniciar()

    def __exit__(self, *exc: object) -> None:
        self.detener()

    # -- mensajes ------------------------------------------------------------

    def _registrar(self, mensaje: EmailMessage, remitente: str, destinatarios: list[str]) -> None:
        """Guarda un mensaje y despierta a quien espera en esperar()."""
        with self._condicion:
            self._mensajes.append(mensaje)
            self._sobres.append((remitente, destinatarios))
            self._condicion.notify_all()

    @property
    def mensajes(self) -> list[EmailMessage]:
        """Copia de los mensajes recibidos, en orden de llegada."""
        with self._condicion:
            return list(self._mensajes)

    @property
    def sobres(self) -> list[tuple[str, list[str]]]:
        """Remitente y destinatarios SMTP (MAIL FROM / RCPT TO) de cada mensaje."""
        with self._condicion:
            return [(remitente, list(destinos)) for remitente, destinos in self._sobres]

    def limpiar(self) -> None:
        """Olvida los mensajes recibidos."""
        with self._condicion:
            self._mensajes.clear()
            self._sobres.clear()

    def esperar(self, n: int = 1, tiempo: float = 5.0) -> list[EmailMessage]:
        """Espera hasta tener al menos n mensajes; falla con TimeoutError si no llegan."""
        limite = time.monotonic() + tiempo
        with self._condicion:
            while len(self._mensajes) < n:
                restante = limite - time.monotonic()
                if restante <= 0:
                    raise TimeoutError(
                        f"Se esperaban {n} correo(s) y llegaron {len(self._mensajes)} "
                        f"en {tiempo:.1f} s"
                    )
                self._condicion.wait(restante)
            return list(self._mensajes)
