"""The case workspace in a real Chromium: an agent (laptop) takes an *altos consumos* case,
answers with a canned reply, asks for information, sees the customer's answer (phone, Mis
gestiones) with the clock running again, resolves with a code and closes; the customer sees
each public step."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from casos.actores import Actor
from casos.personal import RolPersonal
from casos.registro import DatosCaso, registrar_caso
from tests.casos.cuentas import fabricas_cuenta as f
from tests.navegador.conftest import MOVIL
from tests.soporte.clientes import cliente_con_historial
from tests.soporte.navegador import capturar
from tests.soporte.personal import CONTRASENA_PERSONAL, crear_personal

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.navegador
LAPTOP = {"width": 1366, "height": 768}


def _datos(app: Any) -> dict[str, str]:
    from app.extensiones import db

    with app.app_context():
        usuario = f"agente_{uuid.uuid4().hex[:6]}"
        crear_personal(
            db.session, usuario, RolPersonal.AGENTE, "atencion", "facturacion", nombre="Ana López"
        )
        historial = cliente_con_historial(db.session, meses=14, consumos=[*[14] * 13, 41])
        cuenta = historial.cuenta
        datos = DatosCaso(
            tipo="altos_consumos",
            descripcion="Mi recibo de octubre trae 41 m³ y siempre consumo unos 14.",
            solicitante_nombre="María Guadalupe Hernández",
            solicitante_email="maria@ejemplo.mx",
            contrato=historial.contrato.numero,
            cuenta_id=cuenta.id,
        )
        caso = registrar_caso(
            db.session, datos, Actor.ciudadano("María"), datetime.now(UTC) - timedelta(hours=2)
        )
        resultado = {"usuario": usuario, "cliente": str(cuenta.usuario), "folio": caso.folio}
        db.session.commit()
    return resultado


def _agente_entra(pagina: Page, usuario: str) -> None:
    pagina.goto("/backoffice/entrar")
    pagina.get_by_role("textbox", name="Usuario").fill(usuario)
    pagina.get_by_label("Contraseña").fill(CONTRASENA_PERSONAL)
    pagina.get_by_role("button", name="Entrar").click()
    pagina.wait_for_url("**/backoffice/**")


def _abrir_caso(pagina: Page, folio: str) -> None:
    pagina.goto("/backoffice/")
    enlace = pagina.get_by_role("link", name=folio)
    if enlace.count():
        enlace.first.click()
    else:  # the Bandeja page may not list it yet
        pagina.goto(f"/backoffice/casos/{folio}")
    expect(pagina.get_by_role("heading", name=folio, level=1)).to_be_visible()


def _accion(pagina: Page, clave: str) -> Any:
    seccion = pagina.locator(f"#accion-{clave}")
    if seccion.get_attribute("open") is None:
        seccion.locator("summary").click()
    return seccion


def _cliente_entra(pagina: Page, usuario: str, folio: str) -> None:
    pagina.goto("/mi-cuenta/")
    pagina.get_by_label("Usuario").fill(usuario)
    pagina.get_by_label("Contraseña").fill(f.CONTRASENA)
    pagina.get_by_role("button", name="Acceder").click()
    expect(pagina.get_by_role("heading", name="Mi cuenta", level=1)).to_be_visible()
    pagina.goto(f"/mi-cuenta/gestiones/{folio}")


def test_agente_atiende_y_ciudadano_sigue(app: Any, nueva_pagina: Callable[..., Page]) -> None:
    datos = _datos(app)
    folio = datos["folio"]
    agente = nueva_pagina(LAPTOP)
    _agente_entra(agente, datos["usuario"])
    _abrir_caso(agente, folio)
    expect(agente.get_by_role("heading", name="Plazos (SLA)")).to_be_visible()
    expect(agente.get_by_text("María Guadalupe Hernández López")).to_be_visible()
    capturar(agente, "atencion_1_caso_laptop")

    _accion(agente, "tomar").get_by_role("button", name="Tomar el caso").click()
    expect(agente.get_by_text("El caso es suyo.")).to_be_visible()
    _accion(agente, "atender").get_by_role("button", name="Empezar a atender").click()
    expect(agente.get_by_text("Caso en atención.")).to_be_visible()

    responder = _accion(agente, "responder")
    responder.get_by_label("Respuesta predefinida").select_option(
        label="Lectura estimada, se ajusta la factura"
    )
    responder.get_by_role("button", name="Usar esta respuesta").click()
    caja = responder.get_by_label("Respuesta al ciudadano")
    expect(caja).to_have_value(re.compile("Estimado\\(a\\) María Guadalupe Hernández"))
    caja.press("Control+End")
    caja.type("\nLe ofrecemos una disculpa por la molestia.")
    capturar(agente, "atencion_2_respuesta_predefinida_laptop")
    responder.get_by_role("button", name="Enviar respuesta").click()
    expect(agente.get_by_text("Respuesta enviada")).to_be_visible()

    pedir = _accion(agente, "solicitar_informacion")
    pedir.get_by_label("Qué información necesita").fill(
        "Envíenos una foto del medidor donde se lean los números."
    )
    pedir.get_by_role("button", name="Pedir información y pausar").click()
    expect(agente.get_by_text("En espera del ciudadano").first).to_be_visible()
    expect(agente.locator(".bo-sla-pausado").first).to_be_visible()
    capturar(agente, "atencion_3_en_espera_laptop")

    ciudadano = nueva_pagina(MOVIL, is_mobile=True, has_touch=True)
    _cliente_entra(ciudadano, datos["cliente"], folio)
    expect(ciudadano.get_by_text("Le ofrecemos una disculpa")).to_be_visible()
    expect(ciudadano.get_by_role("heading", name="Responda a la CEA")).to_be_visible()
    ciudadano.get_by_label("Su respuesta").fill("El medidor marca 1234 m³; les mando la foto.")
    capturar(ciudadano, "atencion_4_ciudadano_responde_movil")
    ciudadano.get_by_role("button", name="Enviar respuesta").click()
    expect(ciudadano.get_by_text("Recibimos su respuesta")).to_be_visible()

    agente.reload()
    expect(agente.get_by_text("El medidor marca 1234 m³")).to_be_visible()
    expect(agente.locator(".bo-sla-pausado")).to_have_count(0)
    expect(agente.get_by_text("En proceso").first).to_be_visible()
    capturar(agente, "atencion_5_respuesta_recibida_laptop")

    resolver = _accion(agente, "resolver")
    resolver.get_by_role("button", name="Resolver y avisar").click()  # no code: refused
    expect(resolver.get_by_text("Elija el código de resolución.")).to_be_visible()
    resolver = _accion(agente, "resolver")
    resolver.get_by_label("Código de resolución").select_option(label="Procedente")
    resolver.get_by_label("Respuesta final al ciudadano").fill(
        "Ajustamos su factura de octubre a 15 m³; el nuevo saldo se verá en su próximo recibo."
    )
    resolver.get_by_role("button", name="Resolver y avisar").click()
    expect(agente.get_by_text("Caso resuelto")).to_be_visible()
    _accion(agente, "cerrar").get_by_role("button", name="Cerrar el caso").click()
    expect(agente.get_by_text("Caso cerrado.")).to_be_visible()
    capturar(agente, "atencion_6_cerrado_laptop")

    ciudadano.reload()
    expect(ciudadano.get_by_text("Ajustamos su factura de octubre")).to_be_visible()
    expect(ciudadano.get_by_text("Cerrada").first).to_be_visible()
    expect(ciudadano.get_by_text("Nota interna")).to_have_count(0)
    capturar(ciudadano, "atencion_7_ciudadano_cerrado_movil")
