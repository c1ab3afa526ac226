"""What the printed bill takes from its CFDI and how it is paid at a bank, for pdf_factura.

The CFDI data (UUID, RFCs, total, the last 8 characters of the seal) come from the stored
CFDI 4.0 XML, parsed with expat, which never fetches a schema or an external entity.

Bank reference: "Convenio CIE 1234567" (a demo agreement number: a real one comes from the
utility's bank) plus 15 digits = the contract number on 10 digits + the billed month as AAMM +
one check digit computed with the Luhn algorithm (módulo 10, the check most Mexican banks accept
for referenced payments), so a mistyped digit is caught at the bank's window.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import groupby
from urllib.parse import urlencode

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

from casos.comercial.cfdi import AVISO_DEMO, NS_CFDI, NS_TFD

URL_SAT = "https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx"
CONVENIO = "1234567"  # demo CIE agreement


@dataclass(frozen=True)
class CfdiImpreso:
    """What the printed bill shows of its CFDI and what the SAT QR encodes."""

    uuid: str
    rfc_emisor: str
    rfc_receptor: str
    total: str
    sello8: str
    es_demo: bool


def leer_cfdi(xml: str | None) -> CfdiImpreso | None:
    """UUID, RFCs, total and seal tail from a stored CFDI 4.0; None if absent or unreadable."""
    if not xml:
        return None
    try:
        raiz = ET.fromstring(xml)  # expat never fetches the schemaLocation or external entities
    except ET.ParseError:
        return None
    emisor, receptor = raiz.find(f"{{{NS_CFDI}}}Emisor"), raiz.find(f"{{{NS_CFDI}}}Receptor")
    timbre = raiz.find(f".//{{{NS_TFD}}}TimbreFiscalDigital")
    if emisor is None or receptor is None or timbre is None or not timbre.get("UUID"):
        return None
    return CfdiImpreso(
        uuid=timbre.get("UUID", "").upper(),
        rfc_emisor=emisor.get("Rfc", ""),
        rfc_receptor=receptor.get("Rfc", ""),
        total=raiz.get("Total", ""),
        sello8=raiz.get("Sello", "")[-8:],
        es_demo=AVISO_DEMO in xml,
    )


def url_verificacion(cfdi: CfdiImpreso) -> str:
    """The SAT's CFDI verification URL that the QR carries (Anexo 20)."""
    datos = {
        "id": cfdi.uuid,
        "re": cfdi.rfc_emisor,
        "rr": cfdi.rfc_receptor,
        "tt": cfdi.total,
        "fe": cfdi.sello8,
    }
    return f"{URL_SAT}?{urlencode(datos, safe='=/+')}"


def digito_luhn(cifras: str) -> int:
    """The Luhn (módulo 10) check digit of a string of digits."""
    suma = 0
    for i, cifra in enumerate(reversed(cifras)):
        valor = int(cifra) * (2 if i % 2 == 0 else 1)
        suma += valor - 9 if valor > 9 else valor
    return (10 - suma % 10) % 10


def referencia_bancaria(numero_contrato: str, periodo: date) -> str:
    """Contract on 10 digits + AAMM + Luhn digit, e.g. 0100000001 2610 0 (without spaces).

    Only the digits of the contract number count (an imported number may carry a dash)."""
    cifras = "".join(c for c in numero_contrato if c.isdigit()).zfill(10)
    base = f"{cifras}{periodo:%y%m}"
    return f"{base}{digito_luhn(base)}"


@lru_cache(maxsize=4096)
def operadores_qr(texto: str) -> tuple[int, str]:
    """The QR (level M, best mask) as PDF fill operators in module units, and its size.

    Cached by text: choosing the mask is most of a bill's rendering time, and the same bill
    is asked for again (viewed, then downloaded). Horizontal runs become one `re` each."""
    codigo = QRCode(None, QRErrorCorrectLevel.M)
    codigo.addData(texto)
    codigo.make()
    n = codigo.getModuleCount()
    rectangulos = []
    for fila, celdas in enumerate(codigo.modules):
        columna = 0
        for oscuro, grupo in groupby(celdas):
            largo = len(list(grupo))
            if oscuro:
                rectangulos.append(f"{columna} {n - 1 - fila} {largo} 1 re")
            columna += largo
    return n, "\n".join(rectangulos) + "\nf"
