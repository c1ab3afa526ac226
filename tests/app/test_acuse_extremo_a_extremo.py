"""End to end: a filed case's acknowledgement travels outbox → scheduler job → the dev run's
SMTP catcher process (a real aiosmtpd server) → its Maildir → the dev mail page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from casos.actores import Actor
from casos.bd import fabrica_sesiones, iniciar_escritura
from casos.envio import AjustesSMTP
from casos.registro import DatosCaso, registrar_caso
from config import RAIZ
from scheduler.trabajos import Contexto, enviar_correos
from tests.conftest import preparar_esquema
from tests.soporte.smtp import puerto_libre

AHORA = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)


def _esperar_puerto(puerto: int, proceso: subprocess.Popen[bytes], limite: float = 10) -> None:
    fin = time.monotonic() + limite
    while time.monotonic() < fin:
        if proceso.poll() is not None:
            raise RuntimeError("el capturador SMTP terminó al arrancar")
        try:
            with socket.create_connection(("127.0.0.1", puerto), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)  # waiting for a process to listen, not for a clock
    raise TimeoutError(f"el capturador no escucha en {puerto}")


@pytest.fixture
def capturador(app: Any) -> Iterator[int]:
    """Start `python -m app.desarrollo.smtp` writing into the app's dev Maildir."""
    puerto = puerto_libre()
    entorno = {
        **os.environ,
        "SMTP_PORT": str(puerto),
        "OV_DEV_MAILDIR": app.config["BUZON_DESARROLLO"],
    }
    proceso = subprocess.Popen(
        [sys.executable, "-m", "app.desarrollo.smtp"],
        cwd=RAIZ,
        env=entorno,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _esperar_puerto(puerto, proceso)
        yield puerto
    finally:
        proceso.terminate()
        _, errores = proceso.communicate(timeout=10)
        assert proceso.returncode == 0, errores.decode()


def test_acuse_llega_al_buzon_de_desarrollo(
    app: Any, capturador: int, nueva_bd: Callable[[str], str]
) -> None:
    motor = preparar_esquema(nueva_bd("extremo"))
    sesiones = fabrica_sesiones(motor)
    try:
        with sesiones() as sesion, sesion.begin():
            iniciar_escritura(sesion)
            caso = registrar_caso(
                sesion,
                DatosCaso(
                    tipo="altos_consumos",
                    descripcion="Mi recibo llegó al triple.",
                    solicitante_nombre="María López",
                    solicitante_email="maria@ejemplo.mx",
                    contrato="100234",
                ),
                Actor.ciudadano("María López"),
                AHORA,
            )
            folio = caso.folio
        smtp = AjustesSMTP("127.0.0.1", capturador, "CEA <no-responder@cea.localhost>")
        resultado = enviar_correos(Contexto(sesiones=sesiones, smtp=smtp, reloj=lambda: AHORA))
        assert resultado == {"enviados": 1, "fallidos": 0}
    finally:
        motor.dispose()

    cliente = app.test_client()
    lista = cliente.get("/dev/correos").get_data(as_text=True)
    assert f"Folio {folio}: recibimos su solicitud" in lista
    carpeta = Path(app.config["BUZON_DESARROLLO"]) / "new"
    [archivo] = [p for p in carpeta.iterdir() if folio.encode() in p.read_bytes()]
    pagina = cliente.get(f"/dev/correos/{archivo.name}").get_data(as_text=True)
    assert "a más tardar el miércoles 25 de noviembre de 2026 a las 09:00" in pagina
    assert "data:image/png;base64," in pagina  # the inline logo, shown in the sandboxed frame
    archivo.unlink()
