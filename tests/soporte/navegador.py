"""Ayudas para manejar el Chromium de Debian con Playwright y servir la app por HTTP real."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from werkzeug.serving import WSGIRequestHandler, make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from playwright.sync_api import Browser, Page, Playwright

# Nunca se descarga un navegador: se usa el paquete chromium de Debian (./ov test lo instala).
RUTA_CHROMIUM = os.environ.get("OV_CHROMIUM", "/usr/bin/chromium")
ARGS_CHROMIUM = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--lang=es-MX",
]
# Anclada a la raíz del repositorio para no depender del directorio de trabajo.
CARPETA_CAPTURAS = Path(__file__).resolve().parents[2] / "tests" / "capturas"


def chromium_disponible() -> bool:
    """Indica si el ejecutable de Chromium existe (para saltar pruebas sin él)."""
    return os.access(RUTA_CHROMIUM, os.X_OK)


def lanzar_chromium(playwright: Playwright) -> Browser:
    """Lanza el Chromium del sistema en modo headless."""
    return playwright.chromium.launch(
        executable_path=RUTA_CHROMIUM, args=ARGS_CHROMIUM, headless=True
    )


def capturar(pagina: Page, nombre: str) -> Path:
    """Guarda una captura de página completa en tests/capturas/<nombre>.png."""
    CARPETA_CAPTURAS.mkdir(parents=True, exist_ok=True)
    limpio = re.sub(r"[^A-Za-z0-9._-]+", "_", nombre).strip("_") or "captura"
    if not limpio.endswith(".png"):
        limpio += ".png"
    ruta = CARPETA_CAPTURAS / limpio
    pagina.screenshot(path=str(ruta), full_page=True)
    return ruta


class _ManejadorSilencioso(WSGIRequestHandler):
    """No escribe una línea por petición (ensucia la salida de pytest); los errores sí."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Omite el registro de peticiones correctas."""


class ServidorWSGI:
    """Sirve una app WSGI en 127.0.0.1 (puerto libre) desde un hilo daemon."""

    def __init__(self, app: WSGIApplication) -> None:
        self._servidor = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=_ManejadorSilencioso
        )
        self.puerto = int(self._servidor.server_port)
        self.url = f"http://127.0.0.1:{self.puerto}"
        self._hilo = threading.Thread(
            target=self._servidor.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"wsgi-{self.puerto}",
            daemon=True,
        )
        self._hilo.start()
        self._detenido = False

    def detener(self) -> None:
        """Para el bucle, cierra el socket y espera al hilo."""
        if self._detenido:
            return
        self._detenido = True
        self._servidor.shutdown()
        self._servidor.server_close()
        self._hilo.join(timeout=10)

    def __enter__(self) -> ServidorWSGI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.detener()
