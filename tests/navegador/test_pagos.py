"""*Pagos en línea* in a real Chromium on a phone: Pagar → the sandbox bank → back, applied."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from app.filtros import dinero
from casos.actores import Actor
from casos.cuentas.bloqueos import revisar_cuentas
from casos.pagos.sandbox import TARJETA_RECHAZADA
from tests.casos.cuentas import fabricas_bloqueos as fb
from tests.navegador.conftest import MOVIL
from tests.soporte.clientes import CONTRASENA, cliente_con_historial
from tests.soporte.navegador import capturar

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.navegador


def _cliente(app: Any) -> dict[str, str]:
    """Commit a customer with three months of bills, the last one unpaid."""
    from app.extensiones import db

    with app.app_context():
        h = cliente_con_historial(db.session, meses=3)
        datos = {
            "usuario": str(h.cuenta.usuario),
            "contrasena": CONTRASENA,
            "contrato": h.contrato.numero,
            "saldo": dinero(h.facturas[-1].saldo),
        }
        db.session.commit()
    return datos


def _bloqueado(app: Any) -> dict[str, str]:
    """Commit an account blocked for a bill more than six months overdue."""
    from app.extensiones import db

    ahora = datetime.now(UTC)
    with app.app_context():
        contrato = fb.contrato(db.session, ahora)
        fb.factura(db.session, contrato, date(2026, 3, 10), "300.00", ahora)
        fb.factura(db.session, contrato, date(2026, 10, 10), "290.00", ahora)
        cuenta = fb.cuenta(db.session, ahora, contrato)
        revisar_cuentas(db.session, [cuenta.id], ahora, Actor.sistema("Revisión de adeudos"))
        datos = {"usuario": str(cuenta.usuario), "contrasena": fb.CONTRASENA}
        db.session.commit()
    return datos


def _entrar(pagina: Page, destino: str, datos: dict[str, str]) -> None:
    pagina.goto(destino)
    pagina.get_by_label("Usuario").fill(datos["usuario"])
    pagina.get_by_label("Contraseña").fill(datos["contrasena"])
    pagina.get_by_role("button", name="Acceder").click()


def _sin_desbordar(pagina: Page) -> None:
    """Nothing wider than the phone: no sideways scrolling of the whole page."""
    ancho = pagina.evaluate("document.documentElement.scrollWidth")
    assert ancho <= MOVIL["width"], f"la página mide {ancho}px de ancho"


def _tarjeta(pagina: Page, numero: str) -> None:
    expect(pagina.get_by_text("Banco de pruebas — no se cobra nada")).to_be_visible()
    pagina.get_by_label("Número de tarjeta").fill(numero)
    pagina.get_by_label("Vence (MM/AA)").fill("08/29")
    pagina.get_by_label("CVV").fill("123")


def test_pagar_una_factura_desde_el_movil(app: Any, nueva_pagina: Callable[..., Page]) -> None:
    datos = _cliente(app)
    pagina = nueva_pagina(MOVIL, is_mobile=True, has_touch=True)
    _entrar(pagina, "/mi-cuenta/pagos/", datos)
    expect(pagina.get_by_role("heading", name="Pagos en línea", level=1)).to_be_visible()
    expect(pagina.get_by_text(f"Contrato {datos['contrato']}").first).to_be_visible()
    _sin_desbordar(pagina)
    capturar(pagina, "pagos_inicio_movil")

    pagina.get_by_role("button", name=f"Pagar {datos['saldo']}").click()
    _tarjeta(pagina, "4242 4242 4242 4242")
    expect(pagina.get_by_text(datos["saldo"]).first).to_be_visible()
    _sin_desbordar(pagina)
    capturar(pagina, "pagos_banco_de_pruebas_movil")
    pagina.get_by_role("button", name=f"Pagar {datos['saldo']}").click()

    expect(pagina.get_by_role("heading", name="¡Gracias! Su pago fue aplicado")).to_be_visible()
    expect(pagina.get_by_text("Aplicado", exact=True).first).to_be_visible()
    expect(pagina.get_by_text("La factura quedó pagada")).to_be_visible()
    _sin_desbordar(pagina)
    capturar(pagina, "pagos_aplicado_movil")

    pagina.get_by_role("link", name="Ver mis pagos").click()
    expect(pagina.get_by_text("No tiene facturas por pagar")).to_be_visible()
    fila = pagina.get_by_role("row").filter(has_text=datos["contrato"])
    expect(fila).to_contain_text("Aplicado")
    expect(fila).to_contain_text(datos["saldo"])
    _sin_desbordar(pagina)
    capturar(pagina, "pagos_inicio_pagado_movil")


def test_tarjeta_rechazada_en_el_movil(app: Any, nueva_pagina: Callable[..., Page]) -> None:
    datos = _cliente(app)
    pagina = nueva_pagina(MOVIL, is_mobile=True, has_touch=True)
    _entrar(pagina, "/mi-cuenta/pagos/", datos)
    pagina.get_by_role("button", name=f"Pagar {datos['saldo']}").click()
    _tarjeta(pagina, "4242 4242 4242 4241")
    pagina.get_by_role("button", name=f"Pagar {datos['saldo']}").click()
    expect(
        pagina.get_by_text("Revise el número: no es un número de tarjeta válido.")
    ).to_be_visible()
    capturar(pagina, "pagos_banco_error_movil")

    pagina.get_by_label("Número de tarjeta").fill(TARJETA_RECHAZADA)
    pagina.get_by_label("CVV").fill("123")
    pagina.get_by_role("button", name=f"Pagar {datos['saldo']}").click()
    expect(pagina.get_by_role("heading", name="Su pago no se aplicó")).to_be_visible()
    expect(
        pagina.get_by_role("button", name=f"Intentar de nuevo: pagar {datos['saldo']}")
    ).to_be_visible()
    _sin_desbordar(pagina)
    capturar(pagina, "pagos_rechazado_movil")


def test_cuenta_bloqueada_paga_y_se_desbloquea(app: Any, nueva_pagina: Callable[..., Page]) -> None:
    datos = _bloqueado(app)
    pagina = nueva_pagina(MOVIL, is_mobile=True, has_touch=True)
    _entrar(pagina, "/mi-cuenta/", datos)
    expect(pagina.get_by_role("heading", name="Su cuenta está bloqueada")).to_be_visible()
    capturar(pagina, "pagos_bloqueo_aviso_movil")

    _sin_desbordar(pagina)
    tabla = pagina.locator(".table-responsive").first
    medidas = tabla.evaluate("t => [t.scrollWidth, t.clientWidth]")
    assert medidas[0] <= medidas[1], f"la tabla no cabe: {medidas}"
    pagina.get_by_role("button", name="Pagar 02/2026: $300.00").click()
    _tarjeta(pagina, "4242424242424242")
    pagina.get_by_role("button", name="Pagar $300.00").click()
    expect(pagina.get_by_role("heading", name="¡Gracias! Su pago fue aplicado")).to_be_visible()
    capturar(pagina, "pagos_desbloqueo_movil")
    pagina.goto("/mi-cuenta/")
    expect(pagina.get_by_role("heading", name="Mi cuenta", level=1)).to_be_visible()
