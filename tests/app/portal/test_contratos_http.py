"""*Mis contratos* and *Mis Facturas* over HTTP: each page, empty states, the PDF and XML
downloads with their headers, no N+1, and a 404 for every id that is not the customer's."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from sqlalchemy import event

from casos.comercial.cfdi import cfdi_de_factura
from casos.comercial.modelos import CfdiFactura, Contrato
from casos.cuentas.modelos import CuentaContrato
from tests.casos.cuentas import fabricas_cuenta as f
from tests.soporte.clientes import REGISTRADA, Historial, cliente_con_historial, entrar

BASE = "/mi-cuenta/contratos"
# 10/11/2026: October's bill (due 22/11) is pending, September's (due 23/10) is overdue.
HOY = datetime(2026, 11, 10, 18, 0, tzinfo=UTC)


def _html(respuesta: Any) -> str:
    assert respuesta.status_code == 200, respuesta.status_code
    return str(respuesta.get_data(as_text=True))


@pytest.fixture(autouse=True)
def reloj() -> Iterator[None]:
    """The views read the real clock: hold it on 10/11/2026."""
    with time_machine.travel(HOY, tick=False):
        yield


def _con_cfdi(bd: Any, h: Historial) -> str:
    ultima = h.facturas[-1]
    ultima.uuid_cfdi = str(uuid.uuid4())
    bd.session.flush()
    bd.session.refresh(ultima, ["contrato"])
    bd.session.add(CfdiFactura(factura_id=ultima.id, xml=cfdi_de_factura(ultima)))
    return ultima.uuid_cfdi


@pytest.fixture
def historial(bd: Any, cliente: Any) -> Historial:
    """A signed-in customer: 26 months, the last two unpaid, October's CFDI stored."""
    nuevo = cliente_con_historial(bd.session, pendientes=2)
    _con_cfdi(bd, nuevo)
    bd.session.commit()
    entrar(cliente, nuevo.cuenta)
    return nuevo


@pytest.fixture
def ajeno(bd: Any) -> Historial:
    """Another customer's contract and bills (same holder name, other account)."""
    otro = cliente_con_historial(bd.session, meses=3)
    _con_cfdi(bd, otro)
    bd.session.commit()
    return otro


def _segundo_contrato(bd: Any, h: Historial, **opciones: Any) -> Contrato:
    nuevo = f.contrato(bd.session, direccion="Calle Juárez 3", **opciones)
    h.cuenta.vinculos.append(CuentaContrato(contrato=nuevo, vinculado_en=REGISTRADA))
    bd.session.commit()
    return nuevo


# --- Mis contratos -----------------------------------------------------------------------


def test_sin_sesion_pide_acceso(cliente: Any) -> None:
    for url in (f"{BASE}/", f"{BASE}/facturas", f"{BASE}/1", f"{BASE}/1/facturas/1.pdf"):
        respuesta = cliente.get(url)
        assert respuesta.status_code == 302 and "/acceso" in respuesta.headers["Location"]


def test_mis_contratos_un_contrato(cliente: Any, historial: Historial) -> None:
    html = _html(cliente.get(f"{BASE}/"))
    c, ultima = historial.contrato, historial.facturas[-1]
    assert f"Número de contrato: {c.numero}" in html
    assert "Av. Universidad 100, Centro, Querétaro, C.P. 76000" in html
    assert "Octubre de 2026: <strong>$" in html and f"{ultima.total:,.2f}" in html
    assert "Pendiente" in html and "Vence el 22/11/2026" in html
    assert f'href="{BASE}/{c.id}"' in html and "Ver detalle del contrato" in html
    assert f'href="{BASE}/{c.id}/facturas"' in html and "Ver facturas" in html
    assert f'href="/mi-cuenta/consumos/{c.id}"' in html and "Ver consumos" in html
    assert "Tiene 1 contratos" not in html and "#tarjeta-" not in html  # no picker for one
    assert 'aria-current="page">Mis contratos' in html


def test_mis_contratos_lista_para_elegir_y_sin_facturas(
    cliente: Any, bd: Any, historial: Historial
) -> None:
    nuevo = _segundo_contrato(bd, historial)
    html = _html(cliente.get(f"{BASE}/"))
    assert "Tiene 2 contratos vinculados" in html
    assert html.index(historial.contrato.numero) < html.index(nuevo.numero)
    assert f'href="#tarjeta-{nuevo.id}"' in html and f'id="tarjeta-{nuevo.id}"' in html
    assert "Aún no hay facturas: la primera aparecerá aquí cuando la CEA la emita." in html


def test_mi_cuenta_muestra_las_tarjetas(cliente: Any, bd: Any, historial: Historial) -> None:
    nuevo = _segundo_contrato(bd, historial)
    html = _html(cliente.get("/mi-cuenta/"))
    assert f"Número de contrato: {historial.contrato.numero}" in html
    assert f'href="{BASE}/{historial.contrato.id}/facturas"' in html
    assert "Ver detalle del contrato" in html and "Ver consumos" in html
    assert "Aún no hay facturas" in html and f"/contratos/{nuevo.id}/desvincular" in html


def test_detalle_del_contrato(cliente: Any, historial: Historial) -> None:
    html = _html(cliente.get(f"{BASE}/{historial.contrato.id}"))
    saldo = sum(x.total for x in historial.facturas[-2:])
    pago = historial.pagos[-1]
    assert f"Detalle del contrato {historial.contrato.numero}" in html
    assert "María Guadalupe Hernández López" in html and "Doméstico" in html
    assert "Doméstica" in html and "AB-123456" in html
    assert f"${saldo:,.2f}" in html
    assert f"${pago.importe:,.2f} el {pago.fecha:%d/%m/%Y} — Banco" in html
    assert "Pagar en línea" in html


def test_detalle_sin_medidor_sin_facturas_ni_pagos(
    cliente: Any, bd: Any, historial: Historial
) -> None:
    nuevo = _segundo_contrato(bd, historial, medidor=None)
    html = _html(cliente.get(f"{BASE}/{nuevo.id}"))
    assert "Sin medidor (cuota fija)" in html and "$0.00" in html
    assert "Aún no hay pagos registrados." in html and "Pagar en línea" not in html


# --- Mis Facturas ------------------------------------------------------------------------


def test_mis_facturas_con_un_contrato_lleva_a_sus_facturas(
    cliente: Any, historial: Historial
) -> None:
    respuesta = cliente.get(f"{BASE}/facturas")
    assert respuesta.status_code == 302
    assert respuesta.headers["Location"] == f"{BASE}/{historial.contrato.id}/facturas"


def test_mis_facturas_con_dos_contratos_pide_elegir(
    cliente: Any, bd: Any, historial: Historial
) -> None:
    nuevo = _segundo_contrato(bd, historial)
    html = _html(cliente.get(f"{BASE}/facturas"))
    assert "Elija el contrato" in html
    for contrato in (historial.contrato, nuevo):
        assert f'href="{BASE}/{contrato.id}/facturas"' in html
    assert 'aria-current="page">Mis Facturas' in html


def test_facturas_comparativo_grafica_e_historial(cliente: Any, historial: Historial) -> None:
    c = historial.contrato
    html = _html(cliente.get(f"{BASE}/{c.id}/facturas"))
    actual, anterior = historial.facturas[-1], historial.facturas[-13]
    assert "Octubre de 2026 comparado con octubre de 2025" in html
    assert f"Octubre de 2025: ${anterior.total:,.2f}" in html
    diferencia = actual.total - anterior.total
    verbo = "más" if diferencia > 0 else "menos"
    assert f"Pagó ${abs(diferencia):,.2f} {verbo}" in html
    assert f"{actual.m3} m³" in html and f"Octubre de 2025: {anterior.m3} m³" in html
    assert html.count('<g class="ov-grafica-barra') == 24
    assert html.count("ov-grafica-destacada") == 1
    assert "Importe de sus facturas, últimos 24 meses" in html
    assert "<caption" in html and 'scope="col">Periodo' in html
    assert html.count('<th scope="row" class="col-7') == 26
    assert html.count(">Pagada</span>") == 24
    assert ">Vencida</span>" in html and ">Pendiente</span>" in html
    assert "22/11/2026" in html
    pdf = f"{BASE}/{c.id}/facturas/{actual.id}.pdf"
    assert f'href="{pdf}"' in html and f'href="{pdf}?descargar=1"' in html
    assert f'href="{BASE}/{c.id}/facturas/{actual.id}.xml"' in html
    assert "CFDI en trámite" in html  # older bills have no XML
    pagar = re.findall(r'action="/mi-cuenta/pagos/facturas/(\d+)"', html)
    assert sorted(map(int, pagar)) == sorted(x.id for x in historial.facturas[-2:])
    assert 'name="csrf_token"' in html


def test_facturas_sin_factura_un_anio_antes(cliente: Any, bd: Any) -> None:
    h = cliente_con_historial(bd.session, meses=5)
    bd.session.commit()
    entrar(cliente, h.cuenta)
    html = _html(cliente.get(f"{BASE}/{h.contrato.id}/facturas"))
    assert "Octubre de 2026 comparado con octubre de 2025" in html
    assert "No hay factura de octubre de 2025 para comparar" in html
    assert "Pagó" not in html and html.count('<g class="ov-grafica-barra') == 5


def test_facturas_de_un_contrato_sin_facturas(cliente: Any, bd: Any, historial: Historial) -> None:
    nuevo = _segundo_contrato(bd, historial)
    html = _html(cliente.get(f"{BASE}/{nuevo.id}/facturas"))
    assert "Este contrato todavía no tiene facturas" in html
    assert "Historial de facturas" not in html and "ov-grafica" not in html
    assert "Ver las facturas de otro contrato" in html


def _sentencias(app: Any, bd: Any, h: Historial) -> list[str]:
    """The SQL one signed-in request for *Mis Facturas* runs."""
    cliente = app.test_client()  # a browser of its own for each customer
    entrar(cliente, h.cuenta)
    url, vistas = f"{BASE}/{h.contrato.id}/facturas", []  # the URL read before listening

    def anotar(*args: Any) -> None:
        vistas.append(str(args[2]))

    event.listen(bd.engine, "before_cursor_execute", anotar)
    try:
        _html(cliente.get(url))
    finally:
        event.remove(bd.engine, "before_cursor_execute", anotar)
    return vistas


def test_facturas_sin_consultas_por_fila(app: Any, cliente: Any, bd: Any) -> None:
    """Same number of statements for 3 and for 36 months: nothing is loaded bill by bill."""
    conteos = []
    for meses in (3, 36):
        h = cliente_con_historial(bd.session, meses=meses)
        bd.session.commit()
        vistas = _sentencias(app, bd, h)
        conteos.append(len([s for s in vistas if "facturas" in s or "contratos" in s]))
        assert not any("cfdis.xml" in s for s in vistas)
    assert conteos[0] == conteos[1] == 2


# --- PDF and XML ---------------------------------------------------------------------------


def test_pdf_en_linea_y_para_descargar(cliente: Any, historial: Historial) -> None:
    c, ultima = historial.contrato, historial.facturas[-1]
    url = f"{BASE}/{c.id}/facturas/{ultima.id}.pdf"
    nombre = f"factura-{c.numero}-2026-10.pdf"
    respuesta = cliente.get(url)
    assert respuesta.status_code == 200 and respuesta.mimetype == "application/pdf"
    assert respuesta.data.startswith(b"%PDF-")
    assert respuesta.headers["Content-Disposition"] == f'inline; filename="{nombre}"'
    assert "no-store" in respuesta.headers["Cache-Control"]
    assert respuesta.headers["X-Content-Type-Options"] == "nosniff"
    descarga = cliente.get(f"{url}?descargar=1")
    assert descarga.headers["Content-Disposition"] == f'attachment; filename="{nombre}"'
    assert descarga.data.startswith(b"%PDF-")
    sin_cfdi = cliente.get(f"{BASE}/{c.id}/facturas/{historial.facturas[0].id}.pdf")
    assert sin_cfdi.status_code == 200 and sin_cfdi.data.startswith(b"%PDF-")


def test_xml_del_cfdi(cliente: Any, historial: Historial) -> None:
    c, ultima = historial.contrato, historial.facturas[-1]
    respuesta = cliente.get(f"{BASE}/{c.id}/facturas/{ultima.id}.xml")
    assert respuesta.status_code == 200 and respuesta.mimetype == "application/xml"
    nombre = f"factura-{c.numero}-2026-10.xml"
    assert respuesta.headers["Content-Disposition"] == f'attachment; filename="{nombre}"'
    assert f'UUID="{ultima.uuid_cfdi}"' in respuesta.get_data(as_text=True)
    sin_xml = cliente.get(f"{BASE}/{c.id}/facturas/{historial.facturas[0].id}.xml")
    assert sin_xml.status_code == 404


# --- nobody else's ids ----------------------------------------------------------------------


def test_los_contratos_y_facturas_de_otro_cliente_dan_404(
    cliente: Any, historial: Historial, ajeno: Historial
) -> None:
    suyo, mio = ajeno.contrato.id, historial.contrato.id
    su_factura, mi_factura = ajeno.facturas[-1].id, historial.facturas[-1].id
    urls = [
        f"{BASE}/{suyo}",
        f"{BASE}/{suyo}/facturas",
        f"{BASE}/{suyo}/facturas/{su_factura}.pdf",
        f"{BASE}/{suyo}/facturas/{su_factura}.pdf?descargar=1",
        f"{BASE}/{suyo}/facturas/{su_factura}.xml",
        # my contract with their bill, their contract with my bill
        f"{BASE}/{mio}/facturas/{su_factura}.pdf",
        f"{BASE}/{mio}/facturas/{su_factura}.xml",
        f"{BASE}/{suyo}/facturas/{mi_factura}.pdf",
        f"{BASE}/{suyo}/facturas/{mi_factura}.xml",
        # ids that do not exist
        f"{BASE}/999999999",
        f"{BASE}/999999999/facturas",
        f"{BASE}/{mio}/facturas/999999999.pdf",
    ]
    for url in urls:
        assert cliente.get(url).status_code == 404, url
    assert cliente.get(f"{BASE}/{mio}/facturas/{mi_factura}.pdf").status_code == 200
    html = _html(cliente.get(f"{BASE}/"))
    assert ajeno.contrato.numero not in html
