"""Gestiones Online and Mis gestiones in a real Chromium on a phone: file an *Aclaración de
pagos no aplicados* with the receipt, find it in Mis gestiones, answer the CEA's question."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from casos.ciclo import aplicar_accion
from casos.estados import Accion, EstadoCaso
from casos.modelos import Caso
from tests.casos.archivos_gestion import PDF, imagen
from tests.casos.cuentas import fabricas_cuenta as f
from tests.casos.cuentas.fabricas_bloqueos import personal
from tests.navegador.conftest import MOVIL
from tests.soporte.clientes import cliente_con_historial
from tests.soporte.navegador import capturar

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.navegador


def _datos(app: Any) -> dict[str, str]:
    from app.extensiones import db

    with app.app_context():
        historial = cliente_con_historial(db.session, meses=14)
        datos = {
            "usuario": str(historial.cuenta.usuario),
            "contrato": historial.contrato.numero,
            "factura": f"{historial.facturas[-1].periodo:%m/%Y}",
        }
        db.session.commit()
    return datos


def _entrar(pagina: Page, usuario: str) -> None:
    pagina.goto("/mi-cuenta/")
    pagina.get_by_label("Usuario").fill(usuario)
    pagina.get_by_label("Contraseña").fill(f.CONTRASENA)
    pagina.get_by_role("button", name="Acceder").click()
    expect(pagina.get_by_role("heading", name="Mi cuenta", level=1)).to_be_visible()


def _pedir_informacion(app: Any, folio: str) -> None:
    """A CEA agent asks for more information (the back office calls the same function)."""
    from app.extensiones import db

    with app.app_context():
        caso = db.session.scalar(select(Caso).where(Caso.folio == folio))
        assert caso is not None
        _, agente = personal(db.session)
        aplicar_accion(
            db.session,
            caso,
            Accion.SOLICITAR_INFORMACION,
            agente,
            datetime.now(UTC),
            nota="Su comprobante no se lee bien. Envíe una foto más clara, por favor.",
        )
        db.session.commit()


def _estado(app: Any, folio: str) -> EstadoCaso:
    from app.extensiones import db

    with app.app_context():
        caso = db.session.scalar(select(Caso).where(Caso.folio == folio))
        assert caso is not None
        estado = caso.estado
        db.session.rollback()
    return estado


def test_aclaracion_de_pago_y_mis_gestiones(app: Any, nueva_pagina: Callable[..., Page]) -> None:
    datos = _datos(app)
    pagina = nueva_pagina(MOVIL, is_mobile=True, has_touch=True)
    _entrar(pagina, datos["usuario"])
    pagina.goto("/mi-cuenta/gestiones/nueva")
    expect(pagina.get_by_role("heading", name="Gestiones Online", level=1)).to_be_visible()
    expect(pagina.get_by_role("link", name="442 211 00 66").first).to_have_attribute(
        "href", "tel:+524422110066"
    )
    capturar(pagina, "gestiones_1_tipos_movil")
    pagina.get_by_role("link", name="Iniciar", exact=True).nth(1).click()
    expect(
        pagina.get_by_role("heading", name="Aclaración de pagos no aplicados", level=1)
    ).to_be_visible()

    # First try without the receipt and with a bad amount: every problem at once.
    pagina.get_by_label("Monto pagado").fill("mil pesos")
    pagina.get_by_role("button", name="Enviar solicitud").click()
    alerta = pagina.get_by_role("alert")
    expect(alerta).to_contain_text("Monto pagado: escriba una cantidad")
    expect(alerta).to_contain_text("Comprobante de pago: adjunte")
    expect(alerta).to_contain_text("Fecha del pago: este dato es obligatorio.")
    expect(pagina.get_by_label("Monto pagado")).to_have_value("mil pesos")
    capturar(pagina, "gestiones_2_errores_movil")

    elegido = pagina.get_by_label("Contrato").locator("option:checked")
    expect(elegido).to_contain_text(datos["contrato"])  # the only contract, already chosen
    pagina.get_by_label("Factura").select_option(index=1)
    pagina.get_by_label("Fecha del pago").fill("2026-11-02")
    pagina.get_by_label("Monto pagado").fill("345.60")
    pagina.get_by_label("Banco o lugar de pago").fill("BBVA ventanilla")
    pagina.get_by_label("Descripción").fill("Pagué el recibo de octubre y sigue como pendiente.")
    pagina.get_by_label("Comprobante de pago").set_input_files(
        {"name": "comprobante.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    capturar(pagina, "gestiones_3_formulario_movil")
    pagina.get_by_role("button", name="Enviar solicitud").click()

    expect(pagina.get_by_role("heading", name="Recibimos su solicitud")).to_be_visible()
    expect(pagina.get_by_text("Le responderemos a más tardar")).to_be_visible()
    folio = pagina.locator("p.display-6").inner_text().strip()
    assert folio.startswith("OV-")
    capturar(pagina, "gestiones_4_folio_movil")

    pagina.get_by_role("link", name="Mis gestiones").last.click()
    expect(pagina.get_by_role("heading", name="Mis gestiones", level=1)).to_be_visible()
    expect(pagina.get_by_text("Recibida").first).to_be_visible()
    capturar(pagina, "gestiones_5_mis_gestiones_movil")
    pagina.get_by_role("link", name=folio).click()
    expect(pagina.get_by_role("heading", name=folio)).to_be_visible()
    expect(pagina.get_by_role("link", name="comprobante.pdf")).to_be_visible()
    expect(pagina.get_by_text(datos["factura"])).to_be_visible()
    capturar(pagina, "gestiones_6_detalle_movil")

    _pedir_informacion(app, folio)
    pagina.reload()
    expect(pagina.get_by_text("Esperamos su respuesta").first).to_be_visible()
    expect(pagina.get_by_role("heading", name="Responda a la CEA")).to_be_visible()
    pagina.get_by_label("Su respuesta").fill("Les envío una foto más clara del comprobante.")
    pagina.get_by_label("Archivos adjuntos (opcional)").set_input_files(
        {"name": "foto-comprobante.jpg", "mimeType": "image/jpeg", "buffer": imagen("JPEG")}
    )
    capturar(pagina, "gestiones_7_responder_movil")
    pagina.get_by_role("button", name="Enviar respuesta").click()
    expect(pagina.get_by_text("Recibimos su respuesta")).to_be_visible()
    expect(pagina.get_by_role("link", name="foto-comprobante.jpg")).to_be_visible()
    expect(pagina.get_by_text("En atención").first).to_be_visible()
    capturar(pagina, "gestiones_8_respondida_movil")
    assert _estado(app, folio) is EstadoCaso.EN_PROCESO

    with pagina.expect_download() as descarga:
        pagina.get_by_role("link", name="comprobante.pdf").click()
    assert descarga.value.suggested_filename == "comprobante.pdf"
