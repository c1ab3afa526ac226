"""The demo CFDI 4.0: well-formed, stamped with the bill's UUID, adding up to the bill."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from casos.comercial.cfdi import (
    AVISO_DEMO,
    RFC_PUBLICO,
    DatosCfdi,
    Receptor,
    cfdi_de_factura,
    rfc_demo,
    xml_cfdi,
)
from casos.comercial.generador import generar
from casos.comercial.modelos import CfdiFactura, Factura, TipoPersona, UsoContrato
from tests.conftest import preparar_esquema

NS = {"cfdi": "http://www.sat.gob.mx/cfd/4", "tfd": "http://www.sat.gob.mx/TimbreFiscalDigital"}
HOY = date(2026, 11, 24)


@pytest.fixture(scope="module")
def motor_cfdi(nueva_bd: Callable[[str], str]) -> Iterator[Engine]:
    """60 generated contracts with their XML."""
    motor = preparar_esquema(nueva_bd("cfdi"))
    generar(motor, contratos=60, hoy=HOY, semilla=11, procesos=0)
    yield motor
    motor.dispose()


def _pesos(texto: str | None) -> Decimal:
    assert texto is not None
    return Decimal(texto)


def _revisar(factura: Factura, xml: str) -> ET.Element:
    """Parse the XML and check it against its bill; returns the root."""
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert f"<!-- {AVISO_DEMO}. -->" in xml
    raiz = ET.fromstring(xml.encode())
    assert raiz.tag == f"{{{NS['cfdi']}}}Comprobante"
    a = raiz.attrib
    assert (a["Version"], a["Moneda"], a["TipoDeComprobante"], a["Exportacion"]) == (
        "4.0",
        "MXN",
        "I",
        "01",
    )
    assert a["Folio"] == str(factura.id) and a["Fecha"] == f"{factura.emitida_el}T08:00:00"
    assert _pesos(a["Total"]) == factura.total
    assert _pesos(a["SubTotal"]) == factura.total - factura.iva
    conceptos = raiz.findall("cfdi:Conceptos/cfdi:Concepto", NS)
    assert sum(_pesos(c.get("Importe")) for c in conceptos) == _pesos(a["SubTotal"])
    traslados = [
        _pesos(t.get("Importe"))
        for t in raiz.findall("cfdi:Conceptos/cfdi:Concepto/cfdi:Impuestos//cfdi:Traslado", NS)
    ]
    impuestos = raiz.find("cfdi:Impuestos", NS)
    assert impuestos is not None
    assert sum(traslados) == _pesos(impuestos.get("TotalImpuestosTrasladados")) == factura.iva
    recargos = [c for c in conceptos if c.get("Descripcion", "").startswith("Recargos")]
    assert len(recargos) == (1 if factura.recargos else 0)
    assert all(c.get("ObjetoImp") == "01" for c in recargos)
    assert all(c.get("NoIdentificacion") == factura.contrato.numero for c in conceptos)
    timbre = raiz.find("cfdi:Complemento/tfd:TimbreFiscalDigital", NS)
    assert timbre is not None and timbre.get("Version") == "1.1"
    assert timbre.get("UUID") == factura.uuid_cfdi
    return raiz


def test_cada_xml_corresponde_a_su_factura(motor_cfdi: Engine) -> None:
    with Session(motor_cfdi) as sesion:
        consulta = select(Factura, CfdiFactura.xml).join(
            CfdiFactura, CfdiFactura.factura_id == Factura.id
        )
        filas = sesion.execute(consulta.options(selectinload(Factura.contrato))).all()
        assert len(filas) >= 60 * 6
        vistos = {"publico": 0, "empresa": 0, "iva": 0, "recargos": 0}
        for factura, xml in filas:
            raiz = _revisar(factura, xml)
            contrato = factura.contrato
            receptor = raiz.find("cfdi:Receptor", NS)
            assert receptor is not None
            tasa = {t.get("TasaOCuota") for t in raiz.iter(f"{{{NS['cfdi']}}}Traslado")}
            if contrato.tipo_persona is TipoPersona.MORAL:
                vistos["empresa"] += 1
                assert receptor.get("Rfc") == rfc_demo(contrato.razon_social or "", contrato.numero)
                assert receptor.get("UsoCFDI") == "G03"
                assert raiz.find("cfdi:InformacionGlobal", NS) is None
            else:
                vistos["publico"] += 1
                assert receptor.get("Rfc") == RFC_PUBLICO
                assert receptor.get("Nombre") == "PUBLICO EN GENERAL"
                global_ = raiz.find("cfdi:InformacionGlobal", NS)
                assert global_ is not None and global_.get("Meses") == f"{factura.periodo:%m}"
            domestico = contrato.uso is UsoContrato.DOMESTICO
            assert tasa == ({"0.000000"} if domestico else {"0.160000"})
            vistos["iva"] += not domestico
            vistos["recargos"] += factura.recargos > 0
        assert all(vistos.values()), vistos


def test_el_xml_se_puede_rehacer_desde_la_factura(motor_cfdi: Engine) -> None:
    with Session(motor_cfdi) as sesion:
        for cfdi in sesion.scalars(select(CfdiFactura).order_by(CfdiFactura.factura_id).limit(80)):
            factura = sesion.get(Factura, cfdi.factura_id)
            assert factura is not None
            assert cfdi_de_factura(factura) == cfdi.xml
            assert len(cfdi.xml.encode()) < 5000


def _datos(**cambios: object) -> DatosCfdi:
    valores: dict[str, object] = {
        "folio": "7",
        "uuid": "0A1B2C3D-0000-4000-8000-000000000001",
        "emitida_el": date(2026, 11, 5),
        "periodo": date(2026, 10, 1),
        "referencia": "0100000007",
        "m3": 23,
        "causa_iva": True,
        "agua": 33333,
        "alcantarillado": 3333,
        "saneamiento": 5000,
        "recargos": 120,
        "otros": 0,
        "iva": 6667,  # per concept it would be 5333 + 533 + 800 = 6666: one centavo off
        "receptor": Receptor("ABC010101AB1", 'HIJOS & "CIA" <NORTE>', "76000", "601", "G03"),
    }
    valores.update(cambios)
    return DatosCfdi(**valores)  # type: ignore[arg-type]


def test_escapa_nombres_y_ajusta_el_iva_al_de_la_factura() -> None:
    xml = xml_cfdi(_datos())
    raiz = ET.fromstring(xml.encode())
    receptor = raiz.find("cfdi:Receptor", NS)
    assert receptor is not None and receptor.get("Nombre") == 'HIJOS & "CIA" <NORTE>'
    assert raiz.get("Total") == "484.53"  # 333.33 + 33.33 + 50.00 + 1.20 + 66.67
    traslados = raiz.findall("cfdi:Conceptos/cfdi:Concepto/cfdi:Impuestos//cfdi:Traslado", NS)
    assert [t.get("Importe") for t in traslados] == ["53.34", "5.33", "8.00"]
    assert raiz.find("cfdi:Impuestos", NS).get("TotalImpuestosTrasladados") == "66.67"  # type: ignore[union-attr]


def test_sin_recargos_ni_otros_no_hay_esos_conceptos() -> None:
    raiz = ET.fromstring(xml_cfdi(_datos(recargos=0, iva=6666)).encode())
    descripciones = [c.get("Descripcion") for c in raiz.iter(f"{{{NS['cfdi']}}}Concepto")]
    assert len(descripciones) == 3 and not any("Recargos" in d for d in descripciones if d)


def test_rfc_de_empresa_estable_y_con_formato() -> None:
    rfc = rfc_demo("Carrión y Pizarro S. R.L. de C.V.", "0100000001")
    assert rfc == rfc_demo("Carrión y Pizarro S. R.L. de C.V.", "0100000001")
    assert rfc[:3] == "CPX" and rfc[3:9].isdigit() and len(rfc) == 12
    assert rfc != rfc_demo("Carrión y Pizarro S. R.L. de C.V.", "0100000002")
