"""Registration, activation and sign-in in a real Chromium, as a customer does it: on a phone
and on a desktop, finding every field by its visible label. Screenshots of each phase go to
tests/capturas/registro-*.png."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from casos import limites
from casos.correo import CorreoSalida
from casos.cuentas.registro import LIMITE_REENVIO_IP, LIMITE_REGISTRO_IP
from casos.cuentas.verificacion import LIMITE_PRUEBA_IP
from tests.casos.cuentas import fabricas as f
from tests.navegador.conftest import ESCRITORIO, MOVIL
from tests.soporte.navegador import capturar

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.navegador

CONTRASENA = "cantera rosa bajo la lluvia"
RE_AQUI = re.compile(r'<a href="([^"]+)"[^>]*>aquí</a>')


def _vigilar(pagina: Page) -> list[str]:
    """Console errors, failed requests and HTTP errors (a 4xx the test expects is filtered)."""
    problemas: list[str] = []
    pagina.on("console", lambda m: problemas.append(m.text) if m.type == "error" else None)
    # A navigation cancels what the previous page was still loading (net::ERR_ABORTED): not a
    # fault of the page.
    pagina.on(
        "requestfailed",
        lambda r: (
            None if "ERR_ABORTED" in (r.failure or "") else problemas.append(f"falló {r.url}")
        ),
    )
    pagina.on(
        "response",
        lambda r: problemas.append(f"HTTP {r.status} {r.url}") if r.status >= 500 else None,
    )
    return problemas


def _sin_desborde(pagina: Page) -> None:
    ancho = pagina.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert ancho[0] <= ancho[1], f"la página se desborda a lo ancho: {ancho}"


def _crear(app: Any, **datos: Any) -> str:
    """Commit a contract (and a bill for contracts without meter); returns its number. The
    browser's address starts with no registration attempts counted (other tests share it)."""
    from app.extensiones import db

    with app.app_context():
        for limite in (LIMITE_REGISTRO_IP, LIMITE_PRUEBA_IP, LIMITE_REENVIO_IP):
            limites.reiniciar(db.session, limite, "127.0.0.1")
        contrato = f.contrato(db.session, **datos)
        if contrato.numero_medidor is None:
            f.factura(db.session, contrato, date(2026, 10, 1), "1234.56")
        numero = contrato.numero
        db.session.commit()
    return numero


def _enlace_de_activacion(app: Any, email: str) -> str:
    """The "aquí" link of the newest activation email queued for the address."""
    from app.extensiones import db

    with app.app_context():
        html = db.session.scalars(
            select(CorreoSalida.html)
            .where(CorreoSalida.para == email, CorreoSalida.plantilla == "activacion_cuenta")
            .order_by(CorreoSalida.id.desc())
        ).first()
    assert html is not None, f"no hay correo de activación para {email}"
    encontrado = RE_AQUI.search(html)
    assert encontrado is not None
    return urlsplit(encontrado.group(1)).path


def _fase_2(pagina: Page, usuario: str, email: str) -> None:
    expect(pagina.get_by_role("heading", name="Fase 2 – Datos del usuario")).to_be_visible()
    pagina.get_by_label("Usuario", exact=True).fill(usuario)
    pagina.get_by_label("Email", exact=True).fill(email)
    pagina.get_by_label("Confirmar email", exact=True).fill(email)
    pagina.get_by_label("He leído y acepto el Aviso Legal y las Condiciones de uso").check()
    pagina.get_by_label("Manifiesto que los datos capturados son correctos").check()


def _activar_y_entrar(pagina: Page, app: Any, usuario: str, email: str, prefijo: str) -> None:
    """Follow the emailed link, generate the password watching its requirements, sign in."""
    pagina.goto(_enlace_de_activacion(app, email))
    expect(pagina.get_by_role("heading", name="Generar contraseña")).to_be_visible()
    campo = pagina.get_by_label("Generar contraseña", exact=True)
    requisitos = pagina.get_by_role("list", name="Requisitos de la contraseña")
    largo = requisitos.get_by_role("listitem").filter(has_text="Al menos 10 caracteres")
    propios = requisitos.get_by_role("listitem").filter(has_text="Sin su usuario")

    campo.press_sequentially(usuario)  # short, and it is the user name
    expect(largo).to_contain_text("(no cumple)")
    expect(propios).to_contain_text("(no cumple)")
    capturar(pagina, f"{prefijo}-4-contrasena-requisitos")

    campo.fill(CONTRASENA)
    expect(largo).to_contain_text("(cumple)")
    expect(propios).to_contain_text("(cumple)")
    pagina.get_by_label("Confirmar contraseña", exact=True).fill(CONTRASENA)
    coincide = pagina.get_by_role("list", name="Confirmación").get_by_role("listitem")
    expect(coincide).to_contain_text("(cumple)")
    pagina.get_by_role("button", name="Mostrar Generar contraseña").click()
    expect(campo).to_have_attribute("type", "text")
    capturar(pagina, f"{prefijo}-4-contrasena-lista")
    pagina.get_by_role("button", name="Continuar").click()

    expect(pagina.get_by_role("heading", name="Cuenta activada")).to_be_visible()
    _sin_desborde(pagina)
    capturar(pagina, f"{prefijo}-5-cuenta-activada")
    pagina.get_by_role("link", name="Accede a tu cuenta").last.click()

    expect(pagina.get_by_role("heading", name="Accede a tu cuenta")).to_be_visible()
    pagina.get_by_label("Usuario", exact=True).fill(usuario)
    pagina.get_by_label("Contraseña", exact=True).fill(CONTRASENA)
    pagina.get_by_role("button", name="Acceder").click()
    expect(pagina).to_have_url(re.compile(r"/mi-cuenta/"))
    capturar(pagina, f"{prefijo}-6-mi-cuenta")


def test_registro_particular_en_el_telefono(nueva_pagina: Callable[..., Page], app: Any) -> None:
    numero = _crear(app, paterno="Olvera", materno=None)  # a holder with one surname
    usuario = f"m{uuid.uuid4().hex[:7]}"
    email = f"{usuario}@correo.ejemplo.mx"
    pagina = nueva_pagina(MOVIL, is_mobile=True, has_touch=True)
    problemas = _vigilar(pagina)

    pagina.goto("/")
    pagina.get_by_role("link", name="Regístrate").first.click()
    expect(pagina.get_by_role("heading", name="Regístrate en la Oficina Virtual")).to_be_visible()
    expect(pagina.get_by_role("region", name="Aviso de privacidad simplificado")).to_be_visible()
    _sin_desborde(pagina)
    capturar(pagina, "registro-movil-0-inicio")
    pagina.get_by_role("link", name="Registro particular").click()

    pasos = pagina.get_by_role("navigation", name="Pasos del registro")
    expect(pasos.locator("[aria-current=step]")).to_contain_text("Datos del Cliente")
    pagina.get_by_text("¿Dónde encuentro estos datos? Ver recibo de ejemplo").click()
    expect(pagina.get_by_role("img", name=re.compile("Recibo de agua de ejemplo"))).to_be_visible()
    capturar(pagina, "registro-movil-1-datos-del-cliente-ayuda")

    # Nothing typed: each error next to its field, in Spanish.
    pagina.get_by_role("button", name="Continuar").click()
    expect(
        pagina.get_by_text("Escriba la referencia (número de contrato) de su recibo.")
    ).to_be_visible()
    expect(pagina.get_by_label("Apellido Paterno", exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )
    _sin_desborde(pagina)
    capturar(pagina, "registro-movil-1-datos-del-cliente-errores")

    pagina.get_by_label("Referencia", exact=True).fill(numero)
    pagina.get_by_label("Apellido Paterno", exact=True).fill("olvera")
    pagina.get_by_label("Número de medidor", exact=True).fill("ab-123456")
    pagina.get_by_role("button", name="Continuar").click()

    _fase_2(pagina, usuario, email)
    expect(pasos.locator("[aria-current=step]")).to_contain_text("Datos del usuario")
    capturar(pagina, "registro-movil-2-datos-del-usuario")
    # Back and forward: what was typed stays.
    pagina.get_by_role("button", name="Regresar").click()
    expect(pagina.get_by_label("Referencia", exact=True)).to_have_value(numero)
    pagina.get_by_role("button", name="Continuar").click()
    expect(pagina.get_by_label("Email", exact=True)).to_have_value(email)
    pagina.get_by_role("button", name="Continuar").click()

    expect(pagina.get_by_role("heading", name="Fase 3 – Enviar (Activación)")).to_be_visible()
    expect(pagina.get_by_text(f"{usuario[:2]}•", exact=False)).to_be_visible()
    expect(pagina.get_by_role("button", name="Reenviar correo de activación")).to_be_visible()
    _sin_desborde(pagina)
    capturar(pagina, "registro-movil-3-enviar-activacion")

    _activar_y_entrar(pagina, app, usuario, email, "registro-movil")
    assert problemas == []


def test_registro_empresa_sin_medidor_en_escritorio(
    nueva_pagina: Callable[..., Page], app: Any
) -> None:
    numero = _crear(app, razon_social="Lavandería El Manantial, S.A. de C.V.", medidor=None)
    usuario = f"e{uuid.uuid4().hex[:7]}"
    email = f"{usuario}@empresa.ejemplo.mx"
    pagina = nueva_pagina(ESCRITORIO)
    problemas = _vigilar(pagina)

    pagina.goto("/registro")
    pagina.get_by_role("link", name="Registro empresa").click()
    expect(pagina.get_by_role("heading", name="¿Dónde encuentro estos datos?")).to_be_visible()
    importe = pagina.get_by_label("Total de su último recibo", exact=True)
    expect(importe).to_be_hidden()
    pagina.get_by_label("Referencia", exact=True).fill(numero)
    pagina.get_by_label("Nombre de la empresa", exact=True).fill("Lavanderia el Manantial")
    pagina.get_by_label("Mi contrato no tiene medidor").check()
    expect(pagina.locator("#sin-medidor")).to_have_class(re.compile(r"\bshow\b"))  # opened
    expect(importe).to_be_visible()
    importe.fill("$1,234.56")
    capturar(pagina, "registro-escritorio-1-datos-del-cliente")
    pagina.get_by_role("button", name="Continuar").click()

    _fase_2(pagina, usuario, email)
    capturar(pagina, "registro-escritorio-2-datos-del-usuario")
    pagina.get_by_label("Usuario", exact=True).press("Enter")  # Enter means Continuar

    expect(pagina.get_by_role("heading", name="Fase 3 – Enviar (Activación)")).to_be_visible()
    capturar(pagina, "registro-escritorio-3-enviar-activacion")
    _activar_y_entrar(pagina, app, usuario, email, "registro-escritorio")
    assert problemas == []


def test_paginas_legales_se_leen_en_el_telefono(nueva_pagina: Callable[..., Page]) -> None:
    pagina = nueva_pagina(MOVIL, is_mobile=True, has_touch=True)
    for ruta, titulo in [
        ("/aviso-de-privacidad", "Aviso de privacidad integral de la Oficina Virtual"),
        ("/aviso-legal", "Aviso Legal"),
        ("/condiciones-de-uso", "Condiciones de uso de la Oficina Virtual"),
    ]:
        pagina.goto(ruta)
        expect(pagina.get_by_role("heading", name=titulo, exact=True)).to_be_visible()
        _sin_desborde(pagina)
    capturar(pagina, "registro-movil-condiciones-de-uso")
