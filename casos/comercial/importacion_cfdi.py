"""The CFDI XML of imported bills: a folder of <UUID>.xml files, checked before storing.

A file is accepted when it is UTF-8, well-formed, has no DOCTYPE (no entities to expand), is
not larger than `TAMANO_MAXIMO`, and its TimbreFiscalDigital carries the bill's UUID.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.comercial.importacion_bd import Contexto, Estado, Fila, insertar, trozos
from casos.comercial.modelos import CfdiFactura

TAMANO_MAXIMO = 2 * 1024 * 1024
NS_TIMBRE = "{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital"


class XmlInvalido(Exception):
    """The XML of a bill cannot be stored; the message is the Spanish reason."""


class CarpetaXml:
    """A folder of CFDI files named after their UUID (any case), indexed once."""

    def __init__(self, carpeta: Path) -> None:
        self.carpeta = carpeta
        self._archivos = {
            entrada.name[:-4].upper(): entrada.path
            for entrada in os.scandir(carpeta)
            if entrada.is_file() and entrada.name.lower().endswith(".xml")
        }

    def __len__(self) -> int:
        return len(self._archivos)

    def leer(self, uuid: str) -> str | None:
        """The checked XML text for a UUID; None when the folder has no file for it."""
        ruta = self._archivos.get(uuid.upper())
        if ruta is None:
            return None
        return validar_xml(Path(ruta), uuid)


def validar_xml(ruta: Path, uuid: str) -> str:
    """Read and check one CFDI file; raises XmlInvalido with the reason."""
    if ruta.stat().st_size > TAMANO_MAXIMO:
        raise XmlInvalido(f"El XML {ruta.name} pesa más de {TAMANO_MAXIMO // 1024 // 1024} MB.")
    contenido = ruta.read_bytes()
    try:
        texto = contenido.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise XmlInvalido(f"El XML {ruta.name} no está en UTF-8.") from error
    if "<!DOCTYPE" in texto or "<!ENTITY" in texto:
        raise XmlInvalido(f"El XML {ruta.name} trae DOCTYPE o entidades (no se aceptan).")
    try:
        raiz = ET.fromstring(contenido)
    except ET.ParseError as error:
        raise XmlInvalido(f"El XML {ruta.name} está mal formado ({error}).") from error
    timbre = raiz.find(f".//{NS_TIMBRE}")
    if timbre is None:
        raise XmlInvalido(f"El XML {ruta.name} no tiene TimbreFiscalDigital.")
    timbrado = (timbre.get("UUID") or "").upper()
    if timbrado != uuid.upper():
        raise XmlInvalido(f"El UUID del timbre ({timbrado or 'vacío'}) no es el de la factura.")
    return texto


def leer_xmls(ctx: Contexto, filas: list[Fila]) -> list[Fila]:
    """Attach `_xml` to bills whose UUID has a file; reject bills whose file is invalid."""
    carpeta: CarpetaXml | None = ctx.carpeta_xml
    if carpeta is None:
        return filas
    vigentes = []
    for fila in filas:
        uuid = fila.valores["uuid_cfdi"]
        try:
            fila.extra["_xml"] = carpeta.leer(uuid) if uuid else None
        except XmlInvalido as error:
            ctx.rechazar(fila, {"uuid_cfdi": str(error)})
            continue
        vigentes.append(fila)
    return vigentes


def guardar_xmls(ctx: Contexto, filas: list[Fila]) -> None:
    """Upsert the CFDI of saved bills; a bill whose XML is new or changed counts as updated."""
    con_xml = {f.id: f for f in filas if f.extra.get("_xml") and f.id is not None}
    if not con_xml:
        return
    previos = _xml_actuales(ctx.sesion, list(con_xml))
    nuevos = [
        {"factura_id": i, "xml": f.extra["_xml"]}
        for i, f in con_xml.items()
        if previos.get(i) != f.extra["_xml"]
    ]
    if not nuevos:
        return
    sentencia = insertar(ctx.sesion, CfdiFactura.__table__)  # type: ignore[arg-type]
    sentencia = sentencia.on_conflict_do_update(
        index_elements=["factura_id"], set_={"xml": sentencia.excluded.xml}
    )
    ctx.sesion.execute(sentencia, nuevos)
    ctx.resumen.xml_guardados += len(nuevos)
    for dato in nuevos:
        fila = con_xml[dato["factura_id"]]
        if fila.estado is Estado.SIN_CAMBIOS:
            fila.estado = Estado.ACTUALIZADA


def _xml_actuales(sesion: Session, ids: list[int]) -> dict[int, str]:
    actuales: dict[int, str] = {}
    for parte in trozos(ids):
        consulta = select(CfdiFactura.factura_id, CfdiFactura.xml).where(
            CfdiFactura.factura_id.in_(parte)
        )
        actuales.update((i, x) for i, x in sesion.execute(consulta))
    return actuales
