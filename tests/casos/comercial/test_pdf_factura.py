"""The bill's PDF: what it prints (read back from the uncompressed content stream), the SAT QR,
the payment reference's check digit, and that rendering never touches the network."""

from __future__ import annotations

import re
import socket
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from casos.comercial import pdf_factura as p
from casos.comercial import pdf_factura_cfdi as d
from casos.comercial.cfdi import EMISOR_RFC, RFC_PUBLICO, SELLO_DEMO, cfdi_de_factura
from casos.comercial.modelos import (
    Contrato,
    EstatusContrato,
    EstatusFactura,
    Factura,
    TipoLectura,
    TipoPersona,
    UsoContrato,
)

UUID = "5f3c1a2b-9d8e-4f7a-b6c5-1234567890ab"
RE_TEXTO = re.compile(rb"\(((?:[^()\\]|\\.)*)\) Tj")
RE_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)")


def _contrato(**cambios: Any) -> Contrato:
    datos: dict[str, Any] = {
        "id": 1,
        "numero": "0100000001",
        "tipo_persona": TipoPersona.FISICA,
        "nombre": "María Guadalupe",
        "apellido_paterno": "Hernández",
        "apellido_materno": "López",
        "direccion": "Av. Universidad 100",
        "colonia": "Centro",
        "municipio": "Querétaro",
        "codigo_postal": "76000",
        "uso": UsoContrato.DOMESTICO,
        "tarifa": "Doméstica",
        "numero_medidor": "AB-123456",
        "estatus": EstatusContrato.ACTIVO,
        "actualizado_en": datetime(2026, 11, 1, tzinfo=UTC),
    }
    return Contrato(**(datos | cambios))


def _factura(contrato: Contrato, **cambios: Any) -> Factura:
    pesos = Decimal
    datos: dict[str, Any] = {
        "id": 77,
        "contrato_id": contrato.id,
        "contrato": contrato,
        "periodo": date(2026, 10, 1),
        "emitida_el": date(2026, 11, 2),
        "vence_el": date(2026, 11, 22),
        "lectura_anterior": 1234,
        "lectura_actual": 1251,
        "m3": 17,
        "tipo_lectura": TipoLectura.ESTIMADA,
        "agua": pesos("1245.50"),
        "alcantarillado": pesos("124.55"),
        "saneamiento": pesos("62.28"),
        "recargos": pesos("10.00"),
        "otros": pesos("0.00"),
        "iva": pesos("0.00"),
        "total": pesos("1442.33"),
        "saldo": pesos("1442.33"),
        "estatus": EstatusFactura.PENDIENTE,
        "uuid_cfdi": UUID,
        "actualizado_en": datetime(2026, 11, 2, tzinfo=UTC),
    }
    return Factura(**(datos | cambios))


def _desescapar(crudo: bytes) -> str:
    def uno(m: re.Match[bytes]) -> bytes:
        g = m.group(1)
        return bytes([int(g, 8)]) if g[:1].isdigit() else g

    return RE_ESCAPE.sub(uno, crudo).decode("cp1252")


def textos(pdf: bytes) -> list[str]:
    """Every string shown with Tj in an uncompressed PDF (WinAnsi, PDF escapes undone)."""
    return [_desescapar(m.group(1)) for m in RE_TEXTO.finditer(pdf)]


def _pdf(factura: Factura, xml: str | None) -> bytes:
    return p.pdf_factura(factura, factura.contrato, xml, invariante=True, comprimir=False)


@pytest.fixture
def sin_red(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Any attempt to open a connection or resolve a name fails the test."""
    intentos: list[Any] = []

    def prohibido(*args: Any, **kwargs: Any) -> Any:
        intentos.append(args)
        raise AssertionError(f"Intento de conexión: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", prohibido)
    monkeypatch.setattr(socket, "create_connection", prohibido)
    monkeypatch.setattr(socket, "getaddrinfo", prohibido)
    return intentos


def test_la_factura_impresa_con_su_cfdi(sin_red: list[Any]) -> None:
    factura = _factura(_contrato())
    d.operadores_qr.cache_clear()  # encode the QR here, under the no-network guard
    pdf = _pdf(factura, cfdi_de_factura(factura))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    texto = "\n".join(textos(pdf))
    for esperado in (
        "CEA",
        "Factura de servicios de agua",
        "Periodo facturado: octubre de 2026",
        "María Guadalupe Hernández López",
        "Av. Universidad 100, Centro, Querétaro, C.P. 76000",
        "0100000001",
        "AB-123456",
        "1,234",
        "1,251 (estimada)",
        "Estimada",
        "17 m³",
        "$1,245.50",
        "$124.55",
        "$62.28",
        "$10.00",
        "$1,442.33",
        "Saldo: $1,442.33",
        "Fecha límite de pago: 22/11/2026",
        "Fecha de emisión: 02/11/2026",
        f"Convenio CIE {d.CONVENIO} · Referencia 0100000001 2610 ",
        UUID.upper(),
        EMISOR_RFC,
        RFC_PUBLICO,
        "Documento de demostración: sin validez fiscal.",
    ):
        assert esperado in texto, esperado
    for concepto in ("Agua potable", "Alcantarillado", "Saneamiento", "Recargos", "Otros", "IVA"):
        assert concepto in textos(pdf)
    assert sin_red == []


def test_el_qr_lleva_la_url_de_verificacion_del_sat() -> None:
    factura = _factura(_contrato(), total=Decimal("1442.33"))
    xml = cfdi_de_factura(factura)
    cfdi = d.leer_cfdi(xml)
    assert cfdi is not None
    url = d.url_verificacion(cfdi)
    assert url == (
        "https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx"
        f"?id={UUID.upper()}&re={EMISOR_RFC}&rr={RFC_PUBLICO}&tt=1442.33&fe={SELLO_DEMO[-8:]}"
    )
    n, operadores = d.operadores_qr(url)
    assert n >= 21 and (n - 17) % 4 == 0  # a valid QR size (version 1 is 21 modules)
    assert operadores.encode() in _pdf(factura, xml)


def test_sin_cfdi_dice_en_tramite_y_no_lleva_qr(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_qr(texto: str) -> Any:
        raise AssertionError("Sin CFDI no hay QR")

    monkeypatch.setattr(p, "operadores_qr", no_qr)
    texto = "\n".join(textos(_pdf(_factura(_contrato(), uuid_cfdi=None), None)))
    assert "CFDI en trámite" in texto and "Escanee" not in texto
    assert "representación impresa" not in texto


def test_uuid_sin_xml_tampoco_lleva_qr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(p, "operadores_qr", lambda texto: pytest.fail("sin XML no hay QR"))
    texto = "\n".join(textos(_pdf(_factura(_contrato()), "no es XML <")))
    assert UUID.upper() in texto and "CFDI en trámite" in texto


def test_sin_medidor_y_pagada() -> None:
    contrato = _contrato(numero_medidor=None)
    factura = _factura(
        contrato,
        lectura_anterior=None,
        lectura_actual=None,
        tipo_lectura=TipoLectura.REAL,
        saldo=Decimal("0.00"),
        estatus=EstatusFactura.PAGADA,
    )
    texto = "\n".join(textos(_pdf(factura, None)))
    assert "Sin medidor (cuota fija)" in texto
    assert "Pagada: sin saldo pendiente" in texto and "Real" in texto


def test_leer_cfdi_tolera_documentos_incompletos(sin_red: list[Any]) -> None:
    assert d.leer_cfdi(None) is None and d.leer_cfdi("") is None
    assert d.leer_cfdi("<a><b></a>") is None
    assert d.leer_cfdi('<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4"/>') is None
    externo = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "http://ejemplo.invalid/x">]>'
        "<x>&e;</x>"
    )
    assert d.leer_cfdi(externo) is None
    assert sin_red == []


def test_digito_verificador_luhn() -> None:
    assert d.digito_luhn("7992739871") == 3  # the textbook example
    referencia = d.referencia_bancaria("100000001", date(2026, 10, 1))
    assert referencia[:14] == "01000000012610" and len(referencia) == 15
    assert d.digito_luhn(referencia[:14]) == int(referencia[14])
    # The check catches a single mistyped digit.
    cambiada = referencia[:3] + str((int(referencia[3]) + 1) % 10) + referencia[4:14]
    assert d.digito_luhn(cambiada) != int(referencia[14])
    assert d.referencia_bancaria("CEA-100000001", date(2026, 10, 1)) == referencia


def test_nombre_de_descarga() -> None:
    assert p.nombre_descarga("0100000001", date(2026, 10, 1)) == "factura-0100000001-2026-10.pdf"


def test_salida_estable_con_invariante() -> None:
    factura = _factura(_contrato())
    xml = cfdi_de_factura(factura)
    assert _pdf(factura, xml) == _pdf(factura, xml)
    comprimido = p.pdf_factura(factura, factura.contrato, xml)
    assert comprimido.startswith(b"%PDF-") and len(comprimido) < len(_pdf(factura, xml))
