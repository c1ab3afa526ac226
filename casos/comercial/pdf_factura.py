"""The printable bill (PDF) of *Mis Facturas*, drawn with reportlab's canvas.

Rendered offline: standard PDF fonts (nothing embedded or fetched), the CEA logo drawn as
vectors, the SAT verification QR encoded here (pdf_factura_cfdi: CFDI data, QR, bank reference).
A bill without its CFDI XML says "CFDI en trámite" and has no QR.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from reportlab import rl_config
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from casos.comercial.cfdi import AVISO_DEMO
from casos.comercial.consultas import nombre_periodo
from casos.comercial.modelos import Contrato, Factura, TipoLectura
from casos.comercial.pdf_factura_cfdi import (
    CONVENIO,
    CfdiImpreso,
    leer_cfdi,
    operadores_qr,
    referencia_bancaria,
    url_verificacion,
)

AZUL, AZUL_OSCURO, GRIS = HexColor("#0b5cab"), HexColor("#0b3d6e"), HexColor("#3d4f60")
FONDO = HexColor("#eef3f8")
ANCHO, ALTO = letter
MARGEN = 40
# Binary (zlib only) streams: ASCII85 makes the file 25 % bigger and costs milliseconds in
# reportlab's pure-Python encoder; every client reads binary PDFs.
rl_config.useA85 = 0


def nombre_descarga(numero_contrato: str, periodo: date) -> str:
    """`factura-0100000001-2026-10.pdf`."""
    return f"factura-{numero_contrato}-{periodo:%Y-%m}.pdf"


def _dinero(valor: Decimal) -> str:
    return f"${valor:,.2f}"


def _fecha(valor: date) -> str:
    return valor.strftime("%d/%m/%Y")


def pdf_factura(
    factura: Factura,
    contrato: Contrato,
    xml: str | None,
    *,
    invariante: bool = False,
    comprimir: bool = True,
) -> bytes:
    """The bill as a one-page PDF (`invariante`: byte-stable output, for tests)."""
    salida = io.BytesIO()
    lienzo = Canvas(
        salida,
        pagesize=letter,
        invariant=1 if invariante else 0,
        pageCompression=1 if comprimir else 0,
        lang="es-MX",
    )
    lienzo.setTitle(f"Factura {contrato.numero} {nombre_periodo(factura.periodo)}")
    lienzo.setAuthor("Comisión Estatal de Aguas de Querétaro")
    lienzo.setCreator("Oficina Virtual CEA")
    cfdi = leer_cfdi(xml)
    _encabezado(lienzo, factura)
    y = _contrato(lienzo, contrato, ALTO - 150)
    y = _lecturas(lienzo, factura, y - 14) - 14
    _a_pagar(lienzo, factura, y)
    y = min(_conceptos(lienzo, factura, y), y - 112) - 36
    y = _referencia(lienzo, factura, contrato, y) - 24
    _cfdi(lienzo, factura, cfdi, y)
    _pie(lienzo, cfdi)
    lienzo.showPage()
    lienzo.save()
    return salida.getvalue()


def _logo(c: Canvas, x: float, arriba: float, escala: float) -> None:
    """app/static/img/logo-cea.svg redrawn as vectors (SVG units, y downwards)."""

    def p(sx: float, sy: float) -> tuple[float, float]:
        return x + sx * escala, arriba - sy * escala

    gota = c.beginPath()
    gota.moveTo(*p(32, 4))
    gota.curveTo(*p(32, 4), *p(12, 28), *p(12, 40))
    cx, cy = p(32, 40)
    r = 20 * escala
    gota.arcTo(cx - r, cy - r, cx + r, cy + r, startAng=180, extent=180)
    gota.curveTo(*p(52, 28), *p(32, 4), *p(32, 4))
    gota.close()
    c.setFillColor(AZUL)
    c.drawPath(gota, stroke=0, fill=1)
    brillo = c.beginPath()
    r = 8 * escala
    brillo.arc(cx - r, cy - r, cx + r, cy + r, startAng=180, extent=90)
    c.setStrokeColor(white)
    c.setLineWidth(4 * escala)
    c.setLineCap(1)
    c.drawPath(brillo, stroke=1, fill=0)
    c.setFillColor(AZUL_OSCURO)
    c.setFont("Helvetica-Bold", 26 * escala)
    c.drawString(*p(62, 33), "CEA")
    c.setFont("Helvetica", 20 * escala)
    c.drawString(*p(122, 33), "Querétaro")
    c.setFont("Helvetica", 12.5 * escala)
    c.drawString(*p(62, 54), "Comisión Estatal de Aguas")


def _encabezado(c: Canvas, f: Factura) -> None:
    _logo(c, MARGEN, ALTO - MARGEN, 0.8)
    derecha = ANCHO - MARGEN
    c.setFillColor(AZUL_OSCURO)
    c.setFont("Helvetica-Bold", 14)
    c.drawRightString(derecha, ALTO - 55, "Factura de servicios de agua")
    c.setFont("Helvetica", 10)
    c.setFillColor(GRIS)
    c.drawRightString(derecha, ALTO - 72, f"Periodo facturado: {nombre_periodo(f.periodo)}")
    c.drawRightString(derecha, ALTO - 86, f"Fecha de emisión: {_fecha(f.emitida_el)}")
    c.setStrokeColor(AZUL)
    c.setLineWidth(3)
    c.line(MARGEN, ALTO - 100, derecha, ALTO - 100)


def _titulo(c: Canvas, texto: str, x: float, y: float) -> None:
    c.setFillColor(AZUL_OSCURO)
    c.setFont("Helvetica-Bold", 11)
    c.drawString(x, y, texto)


def _filas(c: Canvas, filas: list[tuple[str, str]], x: float, y: float, ancho: float) -> float:
    """Label: value rows (values wrapped to the width); returns the y below the last one."""
    for etiqueta, valor in filas:
        c.setFont("Helvetica-Bold", 9)
        c.setFillColor(GRIS)
        c.drawString(x, y, etiqueta)
        c.setFont("Helvetica", 9.5)
        c.setFillColorRGB(0.1, 0.15, 0.2)
        for linea in simpleSplit(valor, "Helvetica", 9.5, ancho - 130) or [""]:
            c.drawString(x + 130, y, linea)
            y -= 13
        y -= 2
    return y


def _contrato(c: Canvas, contrato: Contrato, y: float) -> float:
    _titulo(c, "Datos del contrato", MARGEN, y + 22)
    medidor = contrato.numero_medidor or "Sin medidor (cuota fija)"
    filas = [
        ("Titular", contrato.titular),
        ("Dirección del suministro", contrato.domicilio),
        ("Número de contrato", contrato.numero),
        ("Tarifa", contrato.tarifa),
        ("Medidor", medidor),
    ]
    return _filas(c, filas, MARGEN, y, ANCHO - 2 * MARGEN)


def _lecturas(c: Canvas, f: Factura, y: float) -> float:
    _titulo(c, "Lecturas y consumo", MARGEN, y)
    tipo = "Real" if f.tipo_lectura is TipoLectura.REAL else "Estimada"
    if f.lectura_actual is None:
        filas = [("Lecturas", "Sin medidor (cuota fija)")]
    else:
        filas = [
            ("Lectura anterior", f"{f.lectura_anterior or 0:,}"),
            ("Lectura actual", f"{f.lectura_actual:,} ({tipo.lower()})"),
        ]
    filas += [("Tipo de lectura", tipo), ("Consumo", f"{f.m3:,} m³")]
    return _filas(c, filas, MARGEN, y - 18, 300)


def _conceptos(c: Canvas, f: Factura, y: float) -> float:
    _titulo(c, "Conceptos", MARGEN, y)
    filas = [
        ("Agua potable", f.agua),
        ("Alcantarillado", f.alcantarillado),
        ("Saneamiento", f.saneamiento),
        ("Recargos", f.recargos),
        ("Otros", f.otros),
        ("IVA", f.iva),
    ]
    derecha = MARGEN + 260
    y -= 18
    c.setFont("Helvetica", 9.5)
    for etiqueta, importe in filas:
        c.setFillColor(GRIS)
        c.drawString(MARGEN, y, etiqueta)
        c.drawRightString(derecha, y, _dinero(importe))
        y -= 14
    c.setStrokeColor(GRIS)
    c.setLineWidth(0.5)
    c.line(MARGEN, y + 10, derecha, y + 10)
    c.setFont("Helvetica-Bold", 10.5)
    c.setFillColor(AZUL_OSCURO)
    c.drawString(MARGEN, y - 4, "Total")
    c.drawRightString(derecha, y - 4, _dinero(f.total))
    return y - 4


def _a_pagar(c: Canvas, f: Factura, y: float) -> None:
    x, ancho = MARGEN + 300, ANCHO - 2 * MARGEN - 300
    c.setFillColor(FONDO)
    c.roundRect(x, y - 112, ancho, 122, 6, stroke=0, fill=1)
    c.setFillColor(AZUL_OSCURO)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(x + 12, y - 8, "Total de la factura")
    c.setFont("Helvetica-Bold", 22)
    c.drawString(x + 12, y - 34, _dinero(f.total))
    c.setFont("Helvetica", 10)
    c.drawString(x + 12, y - 56, f"Fecha límite de pago: {_fecha(f.vence_el)}")
    c.setFont("Helvetica-Bold", 10)
    saldo = "Pagada: sin saldo pendiente" if f.saldo == 0 else f"Saldo: {_dinero(f.saldo)}"
    c.drawString(x + 12, y - 74, saldo)
    c.setFont("Helvetica", 8.5)
    c.setFillColor(GRIS)
    c.drawString(x + 12, y - 94, "Pague en línea en la Oficina Virtual,")
    c.drawString(x + 12, y - 105, "en bancos o en oficinas de la CEA.")


def _referencia(c: Canvas, f: Factura, contrato: Contrato, y: float) -> float:
    _titulo(c, "Referencia de pago", MARGEN, y)
    r = referencia_bancaria(contrato.numero, f.periodo)
    filas = [
        ("Referencia (contrato)", contrato.numero),
        ("Pago en banco", f"Convenio CIE {CONVENIO} · Referencia {r[:10]} {r[10:14]} {r[14:]}"),
    ]
    return _filas(c, filas, MARGEN, y - 18, ANCHO - 2 * MARGEN)


def _cfdi(c: Canvas, f: Factura, cfdi: CfdiImpreso | None, y: float) -> None:
    _titulo(c, "Comprobante fiscal (CFDI)", MARGEN, y)
    if cfdi is None:
        filas = [("Folio fiscal (UUID)", f.uuid_cfdi.upper() if f.uuid_cfdi else "CFDI en trámite")]
        if f.uuid_cfdi:
            filas.append(("Estado", "CFDI en trámite: el XML aún no está disponible."))
        _filas(c, filas, MARGEN, y - 18, ANCHO - 2 * MARGEN - 110)
        return
    filas = [
        ("Folio fiscal (UUID)", cfdi.uuid),
        ("RFC emisor", cfdi.rfc_emisor),
        ("RFC receptor", cfdi.rfc_receptor),
        ("Verificación", "Escanee el código QR para verificar este CFDI en el portal del SAT."),
    ]
    _filas(c, filas, MARGEN, y - 18, ANCHO - 2 * MARGEN - 110)
    _qr(c, url_verificacion(cfdi), ANCHO - MARGEN - 96, y - 100, 96)


def _qr(c: Canvas, texto: str, x: float, y: float, lado: float) -> None:
    n, operadores = operadores_qr(texto)
    modulo = lado / (n + 4)  # a quiet zone of two modules on each side
    c.saveState()
    c.translate(x + 2 * modulo, y + 2 * modulo)
    c.scale(modulo, modulo)
    c.setFillColorRGB(0, 0, 0)
    c.addLiteral(operadores)
    c.restoreState()


def _pie(c: Canvas, cfdi: CfdiImpreso | None) -> None:
    c.setFont("Helvetica", 8)
    c.setFillColor(GRIS)
    lineas = [
        "Comisión Estatal de Aguas de Querétaro · Atención las 24 horas: 442 211 00 66",
        "Este documento es una representación impresa de un CFDI 4.0." if cfdi else "",
        f"{AVISO_DEMO}." if cfdi and cfdi.es_demo else "",
    ]
    y = MARGEN + 10
    for linea in (linea for linea in lineas if linea):
        c.drawCentredString(ANCHO / 2, y, linea)
        y -= 10
