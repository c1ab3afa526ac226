"""Browser fixtures: one Chromium and one HTTP server for every browser test, fresh pages per test.

Chromium and the server live as long as the tests/navegador package (scope="package"): a running
Playwright sync API keeps an asyncio loop installed in the main thread, and any other
`sync_playwright()` or `asyncio.run()` outside this package would fail while it is alive.

The app is served from a thread, so these tests never use the `bd` fixture (its rolled-back
connection is not thread-safe): they read what the session app already has (the catalogs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.soporte.navegador import (
    RUTA_CHROMIUM,
    ServidorWSGI,
    chromium_disponible,
    lanzar_chromium,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

MOVIL = {"width": 390, "height": 844}
ESCRITORIO = {"width": 1280, "height": 900}


@pytest.fixture(scope="package")
def navegador() -> Iterator[Browser]:
    """The Debian Chromium driven by Playwright; closed (and Playwright stopped) at the end."""
    if not chromium_disponible():
        pytest.skip(f"No hay Chromium en {RUTA_CHROMIUM}: `./ov test` lo instala (apt chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = lanzar_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package")
def servidor(app: Any) -> Iterator[ServidorWSGI]:
    """The session app over real HTTP on 127.0.0.1."""
    with ServidorWSGI(app) as servidor_wsgi:
        yield servidor_wsgi


@pytest.fixture
def nueva_pagina(navegador: Browser, servidor: ServidorWSGI) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh contexts (Spanish, Querétaro time); all closed after the test."""
    contextos = []

    def abrir(viewport: dict[str, int] = ESCRITORIO, **opciones: Any) -> Page:
        contexto = navegador.new_context(
            base_url=servidor.url,
            viewport=viewport,  # type: ignore[arg-type]
            locale="es-MX",
            timezone_id="America/Mexico_City",
            **opciones,
        )
        contexto.set_default_timeout(10_000)
        contextos.append(contexto)
        return contexto.new_page()

    try:
        yield abrir
    finally:
        for contexto in contextos:
            for pagina in contexto.pages:
                pagina.close()
            contexto.close()
