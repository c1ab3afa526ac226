"""*Mis contratos* → *Mis Facturas* in a real Chromium on a phone: the chart's table, the
bill's PDF downloaded, the contract detail; screenshots for a person to look at."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from casos.comercial.cfdi import cfdi_de_factura
from casos.comercial.modelos import CfdiFactura
from casos.cuentas.modelos import CuentaContrato
from tests.casos.cuentas import fabricas_cuenta as f
from tests.navegador.conftest import ESCRITORIO, MOVIL
from tests.soporte.clientes import REGISTRADA, cliente_con_historial
from tests.soporte.navegador import capturar

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.navegador


def _datos(app: Any) -> dict[str, str]:
    """A customer with 26 months of bills (October's with its CFDI) and a brand-new contract."""
    from app.extensiones import db

    with app.app_context():
        h = cliente_con_historial(db.session, pendientes=2)
        ultima = h.facturas[-1]
        ultima.uuid_cfdi = str(uuid.uuid4())
        db.session.flush()
        db.session.refresh(ultima, ["contrato"])
        db.session.add(CfdiFactura(factura_id=ultima.id, xml=cfdi_de_factura(ultima)))
        nuevo = f.contrato(db.session, medidor=None, direccion="Calle Juárez 3")
        h.cuenta.vinculos.append(CuentaContrato(contrato=nuevo, vinculado_en=REGISTRADA))
        datos = {"usuario": str(h.cuenta.usuario), "numero": h.contrato.numero}
        datos["nuevo"] = nuevo.numero
        db.session.commit()
    return datos


def _entrar(pagina: Page, usuario: str) -> None:
    pagina.goto("/mi-cuenta/")
    pagina.get_by_label("Usuario").fill(usuario)
    pagina.get_by_label("Contraseña").fill(f.CONTRASENA)
    pagina.get_by_role("button", name="Acceder").click()
    expect(pagina.get_by_role("heading", name="Mi cuenta", level=1)).to_be_visible()


def test_mis_facturas_en_el_telefono(app: Any, nueva_pagina: Callable[..., Page]) -> None:
    datos = _datos(app)
    pagina = nueva_pagina(MOVIL, is_mobile=True, has_touch=True, accept_downloads=True)
    _entrar(pagina, datos["usuario"])
    capturar(pagina, "facturas_mi_cuenta_movil")

    pagina.get_by_role("link", name="Mis contratos", exact=True).click()
    expect(pagina.get_by_role("heading", name="Mis contratos", level=1)).to_be_visible()
    expect(pagina.get_by_text("Tiene 2 contratos vinculados")).to_be_visible()
    expect(pagina.get_by_text("Aún no hay facturas")).to_be_visible()
    capturar(pagina, "facturas_mis_contratos_movil")

    pagina.get_by_role("link", name=f"Ver detalle del contrato {datos['numero']}").click()
    expect(pagina.get_by_role("heading", name=f"Detalle del contrato {datos['numero']}"))
    expect(pagina.get_by_text("Último pago")).to_be_visible()
    capturar(pagina, "facturas_detalle_contrato_movil")
    pagina.go_back()

    pagina.get_by_role("link", name=f"Ver facturas del contrato {datos['numero']}").click()
    expect(pagina.get_by_role("heading", name="Mis Facturas", level=1)).to_be_visible()
    expect(pagina.get_by_text("Octubre de 2026 comparado con octubre de 2025")).to_be_visible()
    capturar(pagina, "facturas_mis_facturas_movil")

    pagina.get_by_text("Ver los datos de la gráfica en una tabla").click()
    tabla = pagina.get_by_role("table", name="Importe de sus facturas, últimos 24 meses")
    expect(tabla).to_be_visible()
    expect(tabla.get_by_role("row")).to_have_count(25)
    tabla.scroll_into_view_if_needed()
    capturar(pagina, "facturas_tabla_grafica_movil")

    historial = pagina.get_by_role("table", name="Sus facturas de los últimos 36 meses")
    expect(historial.get_by_role("row")).to_have_count(26)  # the header row is for md up
    expect(historial.get_by_role("button", name="Pagar")).to_have_count(2)
    historial.scroll_into_view_if_needed()
    capturar(pagina, "facturas_historial_movil")
    with pagina.expect_download() as descarga:
        pagina.get_by_role("link", name="Descargar PDF de octubre de 2026").click()
    archivo = descarga.value
    assert archivo.suggested_filename == f"factura-{datos['numero']}-2026-10.pdf"
    assert Path(archivo.path()).read_bytes().startswith(b"%PDF-")
    with pagina.expect_download() as xml:
        pagina.get_by_role("link", name="XML (CFDI) de octubre de 2026").click()
    assert xml.value.suggested_filename == f"factura-{datos['numero']}-2026-10.xml"


def test_mis_facturas_en_escritorio_y_contrato_nuevo(
    app: Any, nueva_pagina: Callable[..., Page]
) -> None:
    datos = _datos(app)
    pagina = nueva_pagina(ESCRITORIO)
    _entrar(pagina, datos["usuario"])
    pagina.get_by_role("link", name="Mis Facturas", exact=True).click()
    expect(pagina.get_by_text("Elija el contrato")).to_be_visible()
    capturar(pagina, "facturas_elegir_contrato_escritorio")
    pagina.get_by_role("link", name=f"Contrato {datos['numero']}").click()
    expect(pagina.get_by_role("heading", name="Historial de facturas")).to_be_visible()
    tabla = pagina.get_by_role("table", name="Sus facturas de los últimos 36 meses")
    expect(tabla.get_by_role("button", name="Pagar")).to_have_count(2)
    capturar(pagina, "facturas_mis_facturas_escritorio")
    pagina.get_by_role("link", name="Ver las facturas de otro contrato").click()
    pagina.get_by_role("link", name=f"Contrato {datos['nuevo']}").click()
    expect(pagina.get_by_text("Este contrato todavía no tiene facturas")).to_be_visible()
    capturar(pagina, "facturas_sin_facturas_escritorio")
