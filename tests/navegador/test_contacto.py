"""Vías de Contacto and the follow-up without an account in a real Chromium on a phone: file a
request as the public, get the folio, then open it with the folio and the email."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.casos.archivos_gestion import imagen
from tests.navegador.conftest import MOVIL
from tests.soporte.navegador import capturar

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.navegador


def test_contacto_y_seguimiento_sin_cuenta(nueva_pagina: Callable[..., Page]) -> None:
    email = f"vecina.{uuid.uuid4().hex[:8]}@correo.mx"
    pagina = nueva_pagina(MOVIL, is_mobile=True, has_touch=True)
    pagina.goto("/contacto")
    expect(pagina.get_by_role("heading", name="Vías de Contacto", level=1)).to_be_visible()
    capturar(pagina, "contacto_1_tipos_movil")
    pagina.get_by_role("link", name="Llenar el formulario").nth(2).click()  # altos consumos
    expect(
        pagina.get_by_role("heading", name="Aclaración de altos consumos", level=1)
    ).to_be_visible()

    pagina.get_by_label("Nombre").fill("Lucía Reséndiz")
    pagina.get_by_label("Mes de la factura").fill("octubre")
    pagina.get_by_role("button", name="Enviar solicitud").click()
    alerta = pagina.get_by_role("alert")
    expect(alerta).to_contain_text("Número de contrato: este dato es obligatorio.")
    expect(alerta).to_contain_text("Mes de la factura: escríbalo como mm/aaaa")
    expect(alerta).to_contain_text("Indique un correo electrónico o un teléfono")
    expect(alerta).to_contain_text("Descripción: este dato es obligatorio.")
    expect(pagina.get_by_label("Nombre")).to_have_value("Lucía Reséndiz")
    capturar(pagina, "contacto_2_errores_movil")

    pagina.get_by_label("Correo electrónico").fill(email)
    pagina.get_by_label("Teléfono").fill("442 123 45 67")
    pagina.get_by_label("Número de contrato").fill("001234567")
    pagina.get_by_label("Mes de la factura").fill("10/2026")
    pagina.get_by_label("Descripción").fill("El recibo de octubre trae el doble que siempre.")
    pagina.get_by_label("Archivos adjuntos (opcional)").set_input_files(
        {"name": "medidor.png", "mimeType": "image/png", "buffer": imagen()}
    )
    pagina.get_by_role("button", name="Enviar solicitud").click()
    expect(pagina.get_by_role("heading", name="Recibimos su solicitud")).to_be_visible()
    expect(pagina.get_by_text(email)).to_be_visible()
    folio = pagina.locator("p.display-6").inner_text().strip()
    capturar(pagina, "contacto_3_folio_movil")

    # Later, from another phone: folio + email.
    otra = nueva_pagina(MOVIL, is_mobile=True, has_touch=True)
    otra.goto("/seguimiento/")
    otra.get_by_label("Folio", exact=True).first.fill(folio)
    otra.get_by_label("Correo electrónico que usó").fill("otra@correo.mx")
    otra.get_by_role("button", name="Consultar").click()
    expect(otra.get_by_role("alert")).to_contain_text("No encontramos una solicitud")
    capturar(otra, "contacto_4_seguimiento_error_movil")
    otra.get_by_label("Correo electrónico que usó").fill(email.upper())
    otra.get_by_role("button", name="Consultar").click()
    expect(otra.get_by_role("heading", name=folio)).to_be_visible()
    expect(otra.get_by_text("Recibida").first).to_be_visible()
    expect(otra.get_by_role("link", name="medidor.png")).to_be_visible()
    expect(otra.get_by_text("El recibo de octubre trae el doble que siempre.")).to_be_visible()
    capturar(otra, "contacto_5_seguimiento_caso_movil")
    otra.get_by_role("button", name="Terminar consulta").click()
    expect(otra.get_by_text("Terminó la consulta.")).to_be_visible()
