"""The home page and the dev mail page as a person sees them in a real Chromium."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from tests.app.test_desarrollo import ENLACE, correo_de_prueba, dejar_en_buzon, quitar_del_buzon
from tests.navegador.conftest import ESCRITORIO, MOVIL
from tests.soporte.navegador import capturar

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.navegador

TELEFONO = "442 211 00 66"


def _vigilar(pagina: Page) -> list[str]:
    """Collect console errors, failed requests and HTTP errors seen by the page."""
    problemas: list[str] = []
    pagina.on(
        "console",
        lambda m: problemas.append(f"consola: {m.text}") if m.type == "error" else None,
    )
    pagina.on(
        "requestfailed",
        lambda r: (
            None
            if "ERR_ABORTED" in (r.failure or "")  # a navigation cancelled it
            else problemas.append(f"falló {r.url}: {r.failure}")
        ),
    )
    pagina.on(
        "response",
        lambda r: problemas.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
    )
    return problemas


def _sin_desborde_horizontal(pagina: Page) -> None:
    ancho = pagina.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert ancho[0] <= ancho[1], f"la página se desborda a lo ancho: {ancho}"


@pytest.fixture
def correo_en_buzon(app: Any) -> Iterator[str]:
    """One caught email in the session app's dev Maildir; returns its subject."""
    asunto = f"Acuse de su solicitud — folio OV-2026-{uuid.uuid4().hex[:6]}"
    carpeta = app.config["BUZON_DESARROLLO"]
    clave = dejar_en_buzon(carpeta, correo_de_prueba(asunto))
    try:
        yield asunto
    finally:
        quitar_del_buzon(carpeta, clave)


def test_inicio_en_el_telefono(nueva_pagina: Callable[..., Page]) -> None:
    pagina = nueva_pagina(MOVIL, is_mobile=True, has_touch=True)
    problemas = _vigilar(pagina)
    pagina.goto("/")

    expect(pagina).to_have_title("Inicio · CEA Querétaro")
    expect(pagina.get_by_role("heading", name="Bienvenido a la Oficina Virtual")).to_be_visible()
    expect(pagina.get_by_role("heading", name="Gestiones en línea")).to_be_visible()
    expect(pagina.get_by_text("Aclaración de altos consumos", exact=True)).to_be_visible()
    expect(pagina.get_by_text("Baja de cuenta")).to_have_count(0)

    fuga = pagina.get_by_role("region", name="¿Fuga de agua o falta de servicio?")
    telefono = fuga.get_by_role("link", name=TELEFONO)
    expect(telefono).to_have_attribute("href", "tel:+524422110066")
    # Someone with a leak finds the 24-h phone before the list of online procedures.
    caja_fuga = fuga.bounding_box()
    caja_tramites = pagina.get_by_role("heading", name="Gestiones en línea").bounding_box()
    assert caja_fuga is not None and caja_tramites is not None
    assert caja_fuga["y"] < caja_tramites["y"]
    telefono.scroll_into_view_if_needed()
    expect(telefono).to_be_in_viewport()
    expect(pagina.get_by_role("link", name=TELEFONO)).to_have_count(2)  # card + footer
    expect(pagina.get_by_role("img", name="CEA Querétaro — Oficina Virtual")).to_be_visible()

    _sin_desborde_horizontal(pagina)
    assert problemas == []
    capturar(pagina, "inicio-movil")


def test_saltar_al_contenido_con_el_teclado(nueva_pagina: Callable[..., Page]) -> None:
    pagina = nueva_pagina(MOVIL)
    pagina.goto("/")
    saltar = pagina.get_by_role("link", name="Saltar al contenido")
    expect(saltar).not_to_be_in_viewport()

    pagina.keyboard.press("Tab")
    expect(saltar).to_be_focused()
    expect(saltar).to_be_in_viewport()

    pagina.keyboard.press("Enter")
    expect(pagina.locator("main#contenido")).to_be_focused()
    expect(saltar).not_to_be_in_viewport()


def test_inicio_en_escritorio(nueva_pagina: Callable[..., Page]) -> None:
    pagina = nueva_pagina(ESCRITORIO)
    problemas = _vigilar(pagina)
    pagina.goto("/")

    titulo = pagina.get_by_role("heading", name="Bienvenido a la Oficina Virtual")
    expect(titulo).to_be_visible()
    fuga = pagina.get_by_role("region", name="¿Fuga de agua o falta de servicio?")
    expect(fuga.get_by_role("link", name=TELEFONO)).to_be_in_viewport()
    expect(pagina.get_by_role("region", name="Horarios")).to_be_visible()

    # Two columns: the help cards sit to the right of the welcome text, at the same height.
    caja_titulo, caja_fuga = titulo.bounding_box(), fuga.bounding_box()
    assert caja_titulo is not None and caja_fuga is not None
    assert caja_fuga["x"] > caja_titulo["x"] + caja_titulo["width"] / 2
    assert abs(caja_fuga["y"] - caja_titulo["y"]) < 100

    _sin_desborde_horizontal(pagina)
    assert problemas == []
    capturar(pagina, "inicio-escritorio")


def test_correo_de_desarrollo_con_logo_y_enlace(
    nueva_pagina: Callable[..., Page], correo_en_buzon: str
) -> None:
    asunto = correo_en_buzon
    pagina = nueva_pagina(ESCRITORIO)
    problemas = _vigilar(pagina)
    pagina.goto("/dev/correos")
    lista = pagina.get_by_role("heading", name="Correos capturados (solo desarrollo)")
    expect(lista).to_be_visible()

    pagina.get_by_role("link", name=asunto).click()
    expect(pagina.get_by_role("heading", name=asunto)).to_be_visible()

    enlace = pagina.get_by_role("link", name=ENLACE)
    expect(enlace).to_be_visible()
    expect(enlace).to_have_attribute("href", ENLACE)

    marco = pagina.frame_locator("iframe[title='Vista HTML del correo']")
    logo = marco.get_by_role("img", name="CEA Querétaro")
    expect(logo).to_be_visible()
    ancho = logo.evaluate("img => img.complete ? img.naturalWidth : 0")
    assert ancho == 260, f"el logo no cargó en el iframe (naturalWidth={ancho})"
    expect(marco.get_by_role("link", name="Activar mi cuenta")).to_have_attribute("href", ENLACE)

    assert problemas == []
    capturar(pagina, "correo-desarrollo")

    # The same page on a phone: nothing sticks out sideways, even the long link.
    pagina.set_viewport_size(MOVIL)
    expect(enlace).to_be_visible()
    _sin_desborde_horizontal(pagina)
    capturar(pagina, "correo-desarrollo-movil")
