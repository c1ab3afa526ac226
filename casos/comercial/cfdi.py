"""A CFDI 4.0 XML for a demo bill (the invoice the SAT stamps), built from a string template.

Demonstration only: the issuer's RFC, the certificate numbers and the seals are made-up values
(an XML comment says so in every document) and nothing is signed or sent to a PAC. The structure
follows the SAT's Anexo 20 for CFDI 4.0 with the Timbre Fiscal Digital 1.1 complement, so the
portal can offer a realistic download. The product/service keys are illustrative; a real
deployment receives the utility's own stamped XML through the import.

People are invoiced as *público en general* (RFC XAXX010101000, with InformacionGlobal for the
billed month); companies with an invented RFC derived from the contract. Amounts come in
centavos; IVA is computed per concept like the demo tariff, and any difference against the
bill's own IVA (a bill imported with another rounding) is put on the largest concept so that
the XML always adds up to the bill's total.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from casos.comercial.generador_tarifas import iva_de
from casos.comercial.modelos import Factura, TipoPersona, UsoContrato

AVISO_DEMO = "Documento de demostración: sin validez fiscal"
NS_CFDI = "http://www.sat.gob.mx/cfd/4"
NS_TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"
SERIE = "CEA"
EMISOR_RFC = "CEA010101AAA"  # invented: SAT's example pattern, not the utility's real RFC
EMISOR_NOMBRE = "COMISION ESTATAL DE AGUAS"
EMISOR_REGIMEN = "603"  # Personas Morales con Fines no Lucrativos
LUGAR_EXPEDICION = "76010"
RFC_PUBLICO = "XAXX010101000"
RFC_PROVEEDOR = "AAA010101AAA"  # SAT's example RFC, standing in for the PAC
CERTIFICADO_DEMO = "00000000000000000000"
SELLO_DEMO = "RE9DVU1FTlRPIERFIERFTU9TVFJBQ0lPTiBTSU4gVkFMSURFWiBGSVNDQUw="
CLAVE_AGUA = "83101500"  # servicios de acueducto y suministro de agua (illustrative)
CLAVE_RECARGOS = "84111506"  # servicios de facturación (illustrative)
UNIDAD = "E48"  # unidad de servicio


@dataclass(frozen=True)
class Receptor:
    """Who the CFDI is addressed to."""

    rfc: str
    nombre: str
    codigo_postal: str
    regimen: str
    uso_cfdi: str


@dataclass(frozen=True)
class DatosCfdi:
    """Everything one CFDI needs, amounts in centavos (`iva` is the bill's total IVA)."""

    folio: str
    uuid: str
    emitida_el: date
    periodo: date
    referencia: str
    m3: int
    causa_iva: bool
    agua: int
    alcantarillado: int
    saneamiento: int
    recargos: int
    otros: int
    iva: int
    receptor: Receptor


def _ascii_mayusculas(texto: str) -> str:
    """Upper-case without accents, as the SAT writes names."""
    plano = unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode()
    return " ".join(plano.upper().split())


_REGIMEN_SOCIETARIO = re.compile(
    r"[\s,]+(S\.? ?A\.?|S\.? ?C\.?|A\.? ?C\.?|S\.? ?R\.? ?L\.?)( DE C\.? ?V\.?)?$"
)
_NO_INICIALES = {"DE", "DEL", "LA", "LAS", "LOS", "Y", "E"}


def nombre_fiscal(razon_social: str) -> str:
    """The name as CFDI 4.0 wants it: upper case, no accents, no "S.A. de C.V." suffix."""
    return _REGIMEN_SOCIETARIO.sub("", _ascii_mayusculas(razon_social))


def rfc_demo(razon_social: str, numero: str) -> str:
    """An invented 12-character company RFC, stable for a contract (initials, date, homoclave)."""
    palabras = [
        p for p in re.findall(r"[A-Z]+", nombre_fiscal(razon_social)) if p not in _NO_INICIALES
    ]
    iniciales = "".join(p[0] for p in palabras)[:3].ljust(3, "X")
    cifra = int(hashlib.sha1(numero.encode()).hexdigest()[:12], 16)
    anio, mes, dia = cifra % 40 + 80, cifra // 40 % 12 + 1, cifra // 480 % 28 + 1
    alfabeto = "ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789"
    homoclave = "".join(alfabeto[cifra // 13440 // 35**i % 35] for i in range(3))
    return f"{iniciales}{anio % 100:02d}{mes:02d}{dia:02d}{homoclave}"


def receptor_de(
    tipo_persona: str, uso: str, razon_social: str | None, numero: str, codigo_postal: str | None
) -> Receptor:
    """Público en general for people; an invented RFC for companies."""
    if tipo_persona != TipoPersona.MORAL.value or not razon_social:
        return Receptor(RFC_PUBLICO, "PUBLICO EN GENERAL", LUGAR_EXPEDICION, "616", "S01")
    regimen = "603" if uso == UsoContrato.PUBLICO.value else "601"
    return Receptor(
        rfc_demo(razon_social, numero),
        nombre_fiscal(razon_social),
        codigo_postal or LUGAR_EXPEDICION,
        regimen,
        "G03",
    )


def _pesos(centavos: int) -> str:
    return f"{centavos // 100}.{centavos % 100:02d}"


def _atributo(texto: str) -> str:
    return escape(texto, {'"': "&quot;"})


def _conceptos(datos: DatosCfdi) -> list[tuple[str, str, int, int | None]]:
    """(clave, descripción, importe, IVA or None when not subject) of every non-zero concept."""
    mes = f"{datos.periodo.month:02d}/{datos.periodo.year}"
    filas = [
        (CLAVE_AGUA, f"Servicio de agua potable, {datos.m3} m3, periodo {mes}", datos.agua),
        (CLAVE_AGUA, f"Servicio de alcantarillado, periodo {mes}", datos.alcantarillado),
        (CLAVE_AGUA, f"Saneamiento de aguas residuales, periodo {mes}", datos.saneamiento),
        (CLAVE_RECARGOS, "Otros servicios", datos.otros),
    ]
    conceptos: list[tuple[str, str, int, int | None]] = [
        (clave, texto, importe, iva_de(importe) if datos.causa_iva else 0)
        for clave, texto, importe in filas
        if importe
    ]
    diferencia = datos.iva - sum(c[3] or 0 for c in conceptos)
    if diferencia and conceptos:
        mayor = max(range(len(conceptos)), key=lambda i: conceptos[i][2])
        clave, texto, importe, iva = conceptos[mayor]
        conceptos[mayor] = (clave, texto, importe, (iva or 0) + diferencia)
    if datos.recargos:
        conceptos.append((CLAVE_RECARGOS, "Recargos por saldo vencido", datos.recargos, None))
    return conceptos


def _xml_concepto(
    clave: str, texto: str, importe: int, iva: int | None, tasa: str, referencia: str
) -> str:
    cabeza = (
        f'<cfdi:Concepto ClaveProdServ="{clave}" NoIdentificacion="{_atributo(referencia)}" '
        f'Cantidad="1" ClaveUnidad="{UNIDAD}" '
        f'Unidad="Servicio" Descripcion="{_atributo(texto)}" ValorUnitario="{_pesos(importe)}" '
        f'Importe="{_pesos(importe)}" ObjetoImp="{"01" if iva is None else "02"}"'
    )
    if iva is None:
        return cabeza + "/>"
    return (
        f"{cabeza}><cfdi:Impuestos><cfdi:Traslados>"
        f'<cfdi:Traslado Base="{_pesos(importe)}" Impuesto="002" TipoFactor="Tasa" '
        f'TasaOCuota="{tasa}" Importe="{_pesos(iva)}"/>'
        f"</cfdi:Traslados></cfdi:Impuestos></cfdi:Concepto>"
    )


def xml_cfdi(datos: DatosCfdi) -> str:
    """The CFDI 4.0 document of one bill, stamped with demo values."""
    tasa = "0.160000" if datos.causa_iva else "0.000000"
    conceptos = _conceptos(datos)
    subtotal = sum(c[2] for c in conceptos)
    base = sum(c[2] for c in conceptos if c[3] is not None)
    iva = sum(c[3] for c in conceptos if c[3] is not None)
    fecha = f"{datos.emitida_el.isoformat()}T08:00:00"
    r = datos.receptor
    global_ = ""
    if r.rfc == RFC_PUBLICO:
        global_ = (
            f'<cfdi:InformacionGlobal Periodicidad="04" Meses="{datos.periodo.month:02d}" '
            f'Año="{datos.periodo.year}"/>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!-- {AVISO_DEMO}. -->\n"
        f'<cfdi:Comprobante xmlns:cfdi="{NS_CFDI}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{NS_CFDI} http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd" '
        f'Version="4.0" Serie="{SERIE}" Folio="{_atributo(datos.folio)}" Fecha="{fecha}" '
        f'Sello="{SELLO_DEMO}" FormaPago="99" NoCertificado="{CERTIFICADO_DEMO}" '
        f'Certificado="{SELLO_DEMO}" SubTotal="{_pesos(subtotal)}" Moneda="MXN" '
        f'Total="{_pesos(subtotal + iva)}" TipoDeComprobante="I" Exportacion="01" '
        f'MetodoPago="PPD" LugarExpedicion="{LUGAR_EXPEDICION}">'
        f"{global_}"
        f'<cfdi:Emisor Rfc="{EMISOR_RFC}" Nombre="{EMISOR_NOMBRE}" '
        f'RegimenFiscal="{EMISOR_REGIMEN}"/>'
        f'<cfdi:Receptor Rfc="{r.rfc}" Nombre="{_atributo(r.nombre)}" '
        f'DomicilioFiscalReceptor="{r.codigo_postal}" RegimenFiscalReceptor="{r.regimen}" '
        f'UsoCFDI="{r.uso_cfdi}"/>'
        "<cfdi:Conceptos>"
        + "".join(_xml_concepto(*c, tasa, datos.referencia) for c in conceptos)
        + "</cfdi:Conceptos>"
        f'<cfdi:Impuestos TotalImpuestosTrasladados="{_pesos(iva)}"><cfdi:Traslados>'
        f'<cfdi:Traslado Base="{_pesos(base)}" Impuesto="002" TipoFactor="Tasa" '
        f'TasaOCuota="{tasa}" Importe="{_pesos(iva)}"/></cfdi:Traslados></cfdi:Impuestos>'
        f'<cfdi:Complemento><tfd:TimbreFiscalDigital xmlns:tfd="{NS_TFD}" '
        f'xsi:schemaLocation="{NS_TFD} http://www.sat.gob.mx/sitio_internet/cfd/'
        'TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd" '
        f'Version="1.1" UUID="{datos.uuid}" '
        f'FechaTimbrado="{datos.emitida_el.isoformat()}T08:01:15" '
        f'RfcProvCertif="{RFC_PROVEEDOR}" SelloCFD="{SELLO_DEMO}" '
        f'NoCertificadoSAT="{CERTIFICADO_DEMO}" SelloSAT="{SELLO_DEMO}"/></cfdi:Complemento>'
        "</cfdi:Comprobante>\n"
    )


def _centavos(valor: Decimal) -> int:
    return int(valor * 100)


def cfdi_de_factura(factura: Factura) -> str:
    """The demo CFDI of a stored bill (its contract loaded through the relationship)."""
    contrato = factura.contrato
    return xml_cfdi(
        DatosCfdi(
            folio=str(factura.id),
            uuid=factura.uuid_cfdi or "",
            emitida_el=factura.emitida_el,
            periodo=factura.periodo,
            referencia=contrato.numero,
            m3=factura.m3,
            causa_iva=contrato.uso is not UsoContrato.DOMESTICO,
            agua=_centavos(factura.agua),
            alcantarillado=_centavos(factura.alcantarillado),
            saneamiento=_centavos(factura.saneamiento),
            recargos=_centavos(factura.recargos),
            otros=_centavos(factura.otros),
            iva=_centavos(factura.iva),
            receptor=receptor_de(
                contrato.tipo_persona.value,
                contrato.uso.value,
                contrato.razon_social,
                contrato.numero,
                contrato.codigo_postal,
            ),
        )
    )
