"""*Mi cuenta* in a real Chromium: sign in, link a second contract, download my data, Baja."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from tests.casos.cuentas import fabricas_cuenta as f
from tests.navegador.conftest import ESCRITORIO, MOVIL
from tests.soporte.navegador import capturar

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.navegador


def _datos(app: Any) -> dict[str, str]:
    """Commit (unique) contracts and an active account to the session app's database."""
    from app.extensiones import db

    with app.app_context():
        primero = f.contrato(db.session, direccion="Calle Hidalgo 12")
        segundo = f.contrato(db.session, materno=None, medidor=None, direccion="Calle Juárez 3")
        f.factura(db.session, primero, date(2026, 10, 1), "345.60", pagada=False)
        f.factura(db.session, segundo, date(2026, 10, 1), "98.00")
        cuenta = f.cuenta(db.session, primero)
        datos = {"usuario": str(cuenta.usuario), "primero": primero.numero}
        datos["segundo"] = segundo.numero
        db.session.commit()
    return datos


def _entrar(pagina: Page, usuario: str) -> None:
    pagina.goto("/mi-cuenta/")
    pagina.get_by_label("Usuario").fill(usuario)
    pagina.get_by_label("Contraseña").fill(f.CONTRASENA)
    pagina.get_by_role("button", name="Acceder").click()
    expect(pagina.get_by_role("heading", name="Mi cuenta", level=1)).to_be_visible()


def test_mi_cuenta_vincular_y_mis_datos(app: Any, nueva_pagina: Callable[..., Page]) -> None:
    datos = _datos(app)
    pagina = nueva_pagina(MOVIL, is_mobile=True, has_touch=True)
    _entrar(pagina, datos["usuario"])
    expect(pagina.get_by_text(f"Número de contrato: {datos['primero']}")).to_be_visible()
    capturar(pagina, "mi_cuenta_inicio_movil")

    pagina.get_by_role("link", name="Vincular otro contrato").click()
    pagina.get_by_label("Referencia").fill(datos["segundo"])
    pagina.get_by_label("Apellido Paterno").fill("Hernández")
    pagina.wait_for_load_state("load")  # Bootstrap's collapse listens only once its JS ran
    pagina.get_by_label("Mi contrato no tiene medidor").check()
    expect(pagina.get_by_label("Total de su último recibo")).to_be_visible()
    pagina.get_by_label("Total de su último recibo").fill("98.00")
    expect(pagina.locator("#sin-medidor")).to_have_class(re.compile(r"^collapse show$"))
    capturar(pagina, "mi_cuenta_vincular_movil")
    pagina.get_by_role("button", name="Vincular contrato").click()
    expect(pagina.get_by_text(f"El contrato {datos['segundo']} quedó vinculado")).to_be_visible()
    expect(pagina.get_by_text("Calle Juárez 3")).to_be_visible()

    pagina.get_by_role("link", name="Mis datos personales").click()
    expect(pagina.get_by_role("heading", name="Sus derechos ARCO")).to_be_visible()
    capturar(pagina, "mi_cuenta_datos_movil")
    with pagina.expect_download() as descarga:
        pagina.get_by_role("button", name="Descargar mis datos").click()
    contenido = json.loads(Path(descarga.value.path()).read_text(encoding="utf-8"))
    assert contenido["cuenta"]["usuario"] == datos["usuario"]
    assert {c["numero"] for c in contenido["contratos_vinculados"]} == {
        datos["primero"],
        datos["segundo"],
    }


def test_baja_de_cuenta(app: Any, nueva_pagina: Callable[..., Page]) -> None:
    datos = _datos(app)
    pagina = nueva_pagina(ESCRITORIO)
    _entrar(pagina, datos["usuario"])
    pagina.get_by_role("link", name="Solicitar la baja de mi cuenta").click()
    pagina.get_by_label("Motivo (opcional)").fill("Me mudé de ciudad.")
    pagina.get_by_label("Contraseña").fill(f.CONTRASENA)
    capturar(pagina, "mi_cuenta_baja_escritorio")
    pagina.get_by_role("button", name="Solicitar la baja").click()
    expect(
        pagina.get_by_role("heading", name="Su solicitud de baja está en trámite")
    ).to_be_visible()
    capturar(pagina, "mi_cuenta_baja_folio_escritorio")
