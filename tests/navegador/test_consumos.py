"""*Mis Consumos* in a real Chromium on a phone: the high-consumption notice, *Detalle de
consumo*, the CSV download and *Compártenos tu lectura* with a photo up to the folio."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from casos.comercial.modelos import TipoLectura
from tests.casos.comercial.test_lecturas_cliente import jpeg_con_exif
from tests.casos.cuentas import fabricas_cuenta as f
from tests.navegador.conftest import ESCRITORIO, MOVIL
from tests.soporte.clientes import cliente_con_historial
from tests.soporte.navegador import capturar

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.navegador


def _datos(app: Any) -> dict[str, Any]:
    """Commit a customer whose October is more than double the usual (a notice is due)."""
    from app.extensiones import db

    with app.app_context():
        historial = cliente_con_historial(db.session, consumos=[12] * 25 + [34])
        historial.facturas[-3].tipo_lectura = TipoLectura.ESTIMADA
        datos = {
            "usuario": str(historial.cuenta.usuario),
            "contrato_id": historial.contrato.id,
            "ultima": historial.lecturas[-1].valor,
        }
        db.session.commit()
    return datos


def _entrar(pagina: Page, usuario: str) -> None:
    pagina.goto("/mi-cuenta/")
    pagina.get_by_label("Usuario").fill(usuario)
    pagina.get_by_label("Contraseña").fill(f.CONTRASENA)
    pagina.get_by_role("button", name="Acceder").click()
    expect(pagina.get_by_role("heading", name="Mi cuenta", level=1)).to_be_visible()


def test_mis_consumos_en_el_telefono(
    app: Any, nueva_pagina: Callable[..., Page], tmp_path: Path
) -> None:
    datos = _datos(app)
    pagina = nueva_pagina(MOVIL, is_mobile=True, has_touch=True)
    _entrar(pagina, datos["usuario"])

    pagina.get_by_role("link", name="Mis Consumos").click()
    expect(pagina.get_by_role("heading", name="Mis Consumos", level=1)).to_be_visible()
    aviso = pagina.get_by_role("region", name=re.compile("Su consumo subió mucho"))
    expect(aviso).to_contain_text("Su consumo de octubre de 2026 (34 m³) es más del doble")
    expect(aviso.get_by_role("link", name="442 211 00 66")).to_be_visible()
    aclaracion = aviso.get_by_role("link", name="Aclaración de altos consumos")
    expect(aclaracion).to_have_attribute("href", re.compile("altos_consumos"))
    capturar(pagina, "consumos_movil_1_aviso")

    tabla = pagina.get_by_role("table", name=re.compile("Lecturas del medidor"))
    tabla.scroll_into_view_if_needed()
    expect(tabla.get_by_role("row")).to_have_count(27)
    expect(tabla.get_by_role("rowheader").first).to_have_text("28/10/2026")
    capturar(pagina, "consumos_movil_2_pagina")

    with pagina.expect_download() as descarga:
        pagina.get_by_role("link", name="Descargar CSV").click()
    contenido = Path(descarga.value.path()).read_bytes()
    assert descarga.value.suggested_filename.startswith("consumos-")
    assert contenido.startswith(b"\xef\xbb\xbfFecha,Lectura del medidor (m\xc2\xb3)")

    pagina.get_by_role("link", name="Compártenos tu lectura").click()
    expect(pagina.get_by_role("heading", name="Compártenos tu lectura")).to_be_visible()
    foto = tmp_path / "medidor.jpg"
    foto.write_bytes(jpeg_con_exif((800, 600)))
    # First a slip: fewer digits than the last reading. The page asks to confirm.
    pagina.get_by_label("Lectura del medidor (m³)").fill(str(datos["ultima"] // 10))
    pagina.get_by_label("Foto del medidor (opcional)").set_input_files(str(foto))
    pagina.get_by_role("button", name="Enviar lectura").click()
    expect(pagina.get_by_label("Confirmo que la lectura es correcta")).to_be_visible()
    expect(pagina.get_by_text("Es menor que la lectura anterior")).to_be_visible()
    expect(pagina.get_by_text("elíjala otra vez")).to_be_visible()
    capturar(pagina, "consumos_movil_3_confirmar")

    valor = datos["ultima"] + 14
    pagina.get_by_label("Lectura del medidor (m³)").fill(str(valor))
    pagina.get_by_label("Foto del medidor (opcional)").set_input_files(str(foto))
    pagina.get_by_role("button", name="Enviar lectura").click()
    expect(pagina.get_by_role("heading", name="Recibimos su lectura")).to_be_visible()
    folio = pagina.get_by_label(re.compile(r"^Folio OV-"))
    expect(folio).to_be_visible()
    numero = folio.inner_text().strip()
    expect(pagina.get_by_text("Le responderemos a más tardar")).to_be_visible()
    capturar(pagina, "consumos_movil_4_folio")

    pagina.get_by_role("link", name="Volver a Mis Consumos").click()
    fila = pagina.get_by_role("row").filter(has_text=numero)
    expect(fila).to_contain_text(f"{valor:,}")
    expect(fila.get_by_role("link", name=re.compile("foto"))).to_be_visible()


def test_mis_consumos_en_escritorio(app: Any, nueva_pagina: Callable[..., Page]) -> None:
    datos = _datos(app)
    pagina = nueva_pagina(ESCRITORIO)
    _entrar(pagina, datos["usuario"])
    pagina.goto(f"/mi-cuenta/consumos/{datos['contrato_id']}")
    expect(pagina.get_by_role("heading", name="Detalle de consumo")).to_be_visible()
    capturar(pagina, "consumos_escritorio")
