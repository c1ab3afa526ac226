"""The --xml-dir folder: each bill's CFDI stored when valid, the bill rejected when not."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.comercial import importacion_cfdi
from casos.comercial.importacion import importar
from casos.comercial.importacion_cfdi import CarpetaXml, XmlInvalido, validar_xml
from casos.comercial.modelos import CfdiFactura, Factura
from tests.casos.comercial.test_importacion import (
    cuantos,
    ejemplo,
    importar_ejemplos,
    leer_rechazos,
)

UUID_1 = "5E9172FE-CAC0-52BF-A03E-E9741BC0E1FD"  # 1000012345, 2026-10
UUID_2 = "CA77EC55-AF3D-5755-955C-25DD2897281A"  # 1000012347, 2026-10
UUID_3 = "053A5C2D-7DF3-57CE-AC26-B1F7BC91D644"  # 1000012345, 2026-09 (no sample XML)


def _cfdi(uuid: str, extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" '
        'xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="4.0" Total="1.00">'
        f'{extra}<cfdi:Complemento><tfd:TimbreFiscalDigital Version="1.1" UUID="{uuid}"/>'
        "</cfdi:Complemento></cfdi:Comprobante>"
    )


def _importar_facturas(sesion: Session, ahora: datetime, carpeta: Path, xml: Path):
    return importar(sesion, "facturas", carpeta / "facturas.csv", ahora=ahora, carpeta_xml=xml)


def _xml_de(sesion: Session, uuid: str) -> str | None:
    return sesion.scalar(select(CfdiFactura.xml).join(Factura).where(Factura.uuid_cfdi == uuid))


def test_los_xml_de_ejemplo_se_guardan_con_su_factura(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    resumen = importar_ejemplos(sesion, ahora, tmp_path, "contratos", "facturas")["facturas"]
    assert resumen.xml_guardados == 2
    assert cuantos(sesion, CfdiFactura) == 2
    guardado = _xml_de(sesion, UUID_1)
    assert guardado is not None and f'UUID="{UUID_1}"' in guardado
    assert guardado == (tmp_path / "cfdi" / f"{UUID_1}.xml").read_text(encoding="utf-8")
    assert _xml_de(sesion, UUID_3) is None  # a bill whose XML is not in the folder


def test_reimportar_no_cambia_nada_y_un_xml_nuevo_actualiza_la_factura(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos", "facturas")
    carpeta = tmp_path / "cfdi"
    otra_vez = _importar_facturas(sesion, ahora, tmp_path, carpeta)
    assert (otra_vez.xml_guardados, otra_vez.sin_cambios, otra_vez.actualizadas) == (0, 18, 0)
    (carpeta / f"{UUID_3.lower()}.xml").write_text(_cfdi(UUID_3), encoding="utf-8")
    tercera = _importar_facturas(sesion, ahora, tmp_path, carpeta)
    assert (tercera.xml_guardados, tercera.sin_cambios, tercera.actualizadas) == (1, 17, 1)
    assert _xml_de(sesion, UUID_3) == _cfdi(UUID_3)
    (carpeta / f"{UUID_3.lower()}.xml").write_text(_cfdi(UUID_3, "<!-- v2 -->"), encoding="utf-8")
    cuarta = _importar_facturas(sesion, ahora, tmp_path, carpeta)
    assert (cuarta.xml_guardados, cuarta.actualizadas) == (1, 1)
    assert _xml_de(sesion, UUID_3) == _cfdi(UUID_3, "<!-- v2 -->")
    assert cuantos(sesion, CfdiFactura) == 3


@pytest.mark.parametrize(
    ("contenido", "motivo"),
    [
        (_cfdi(UUID_2).encode(), "El UUID del timbre (CA77EC55-"),
        (b"<cfdi:Comprobante", "está mal formado"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "x">]><r>&a;</r>',
            "trae DOCTYPE o entidades",
        ),
        (_cfdi(UUID_1).encode("utf-16"), "no está en UTF-8"),
        (b'<?xml version="1.0"?><cfdi:Comprobante xmlns:cfdi="x"/>', "no tiene TimbreFiscal"),
    ],
)
def test_un_xml_invalido_rechaza_su_factura(
    sesion: Session, ahora: datetime, tmp_path: Path, contenido: bytes, motivo: str
) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos")
    ejemplo(tmp_path, "facturas.csv")
    carpeta = ejemplo(tmp_path, "cfdi")
    (carpeta / f"{UUID_1}.xml").write_bytes(contenido)
    resumen = _importar_facturas(sesion, ahora, tmp_path, carpeta)
    assert (resumen.insertadas, resumen.rechazadas, resumen.xml_guardados) == (17, 1, 1)
    assert resumen.archivo_rechazos is not None
    columna, texto = leer_rechazos(resumen.archivo_rechazos)[4]
    assert columna == "uuid_cfdi"
    assert motivo in texto
    assert sesion.scalar(select(Factura).where(Factura.uuid_cfdi == UUID_1)) is None


def test_xml_demasiado_grande(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ruta = tmp_path / f"{UUID_1}.xml"
    ruta.write_text(_cfdi(UUID_1), encoding="utf-8")
    assert validar_xml(ruta, UUID_1.lower()) == _cfdi(UUID_1)
    monkeypatch.setattr(importacion_cfdi, "TAMANO_MAXIMO", 100)
    with pytest.raises(XmlInvalido, match="pesa más de"):
        validar_xml(ruta, UUID_1)


def test_la_carpeta_encuentra_archivos_sin_importar_mayusculas(tmp_path: Path) -> None:
    (tmp_path / f"{UUID_1.lower()}.XML").write_text(_cfdi(UUID_1), encoding="utf-8")
    (tmp_path / "leeme.txt").write_text("no es XML", encoding="utf-8")
    carpeta = CarpetaXml(tmp_path)
    assert len(carpeta) == 1
    assert carpeta.leer(UUID_1) == _cfdi(UUID_1)
    assert carpeta.leer(UUID_2) is None
