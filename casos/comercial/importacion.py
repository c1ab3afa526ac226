"""Import of the billing system's CSV files: contratos, facturas, lecturas and pagos.

The format of each file is documented for operators in docs/importacion.md. An import reads
the file in batches; each batch is validated row by row (rejected rows go to a report CSV with
their line and reason) and written with idempotent upserts by natural key, so importing the
same file twice changes nothing and a stopped import can simply be run again.

`Importacion.lotes()` yields after each batch: the caller (the `flask comercial importar`
command) commits there, so a long import holds no long transaction. `importar()` runs a whole
file inside the caller's transaction (tests, small files). Neither commits.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from casos.comercial.importacion_bd import Contexto, Fila, ResumenImportacion
from casos.comercial.importacion_campos import LectorFila
from casos.comercial.importacion_cfdi import CarpetaXml
from casos.comercial.importacion_csv import (
    EscritorRechazos,
    LectorCsv,
    contar_filas,
    motivo_texto,
    ruta_rechazos_predeterminada,
)
from casos.comercial.importacion_escritura import (
    escribir_contratos,
    escribir_facturas,
    escribir_lecturas,
    escribir_pagos,
)
from casos.comercial.importacion_filas import FORMATOS, Formato
from casos.errores import DatosInvalidos
from casos.sla import ZONA_CEA

__all__ = [
    "LOTE_PREDETERMINADO",
    "Importacion",
    "ResumenImportacion",
    "TipoArchivo",
    "contar_filas",
    "importar",
]

LOTE_PREDETERMINADO = 2_000
MUESTRAS = 5  # reasons kept in the summary for the command's output


class TipoArchivo(StrEnum):
    """The four files the billing system exports."""

    CONTRATOS = "contratos"
    FACTURAS = "facturas"
    LECTURAS = "lecturas"
    PAGOS = "pagos"


class Importacion:
    """One CSV file being imported; iterate `lotes()` and commit after each batch."""

    def __init__(
        self,
        sesion: Session,
        tipo: TipoArchivo | str,
        ruta: Path,
        *,
        ahora: datetime,
        rechazos: Path | None = None,
        carpeta_xml: Path | None = None,
        lote: int = LOTE_PREDETERMINADO,
        aplicar_pagos: bool = True,
    ) -> None:
        self.sesion, self.tipo, self.ruta, self.ahora = sesion, TipoArchivo(tipo), ruta, ahora
        self.formato: Formato = FORMATOS[self.tipo.value]
        self.lote = lote
        self.ruta_rechazos = rechazos or ruta_rechazos_predeterminada(ruta)
        self.resumen = ResumenImportacion(tipo=self.tipo.value)
        self.hoy = ahora.astimezone(ZONA_CEA).date()
        self._revisar_opciones(carpeta_xml)
        self.carpeta_xml = CarpetaXml(carpeta_xml) if carpeta_xml else None
        self._escribir = _escritor(self.tipo, aplicar_pagos)
        self._pendientes: list[tuple[int, list[str], dict[str, str]]] = []

    def _revisar_opciones(self, carpeta_xml: Path | None) -> None:
        if not self.ruta.is_file():
            raise DatosInvalidos(f"No existe el archivo {self.ruta}.")
        if self.lote < 1:
            raise DatosInvalidos("El tamaño de lote debe ser al menos 1.")
        if self.ruta_rechazos.resolve() == self.ruta.resolve():
            raise DatosInvalidos("El reporte de rechazos no puede ser el mismo archivo importado.")
        if carpeta_xml is not None and self.tipo is not TipoArchivo.FACTURAS:
            raise DatosInvalidos("La carpeta de XML solo se usa al importar facturas.")
        if carpeta_xml is not None and not carpeta_xml.is_dir():
            raise DatosInvalidos(f"No existe la carpeta de XML {carpeta_xml}.")

    def lotes(self) -> Iterator[int]:
        """Import batch by batch, yielding the rows read in each (the caller commits)."""
        with self.ruta.open(encoding="utf-8-sig", errors="replace", newline="") as archivo:
            lector = LectorCsv(archivo, self.formato)
            self.resumen.columnas_ignoradas = lector.ignoradas
            escritor = EscritorRechazos(self.ruta_rechazos, lector.encabezado)
            ctx = Contexto(self.sesion, self.ahora, self.resumen, self._rechazar, self.carpeta_xml)
            try:
                yield from self._procesar(lector, ctx, escritor)
            finally:
                escritor.cerrar()
                if escritor.escrito:
                    self.resumen.archivo_rechazos = self.ruta_rechazos

    def _procesar(
        self, lector: LectorCsv, ctx: Contexto, escritor: EscritorRechazos
    ) -> Iterator[int]:
        bloque: list[Fila] = []
        leidas = 0
        for crudos in lector:
            if not any(c.strip() for c in crudos):
                continue  # blank lines and the empty rows spreadsheets leave at the end
            leidas += 1
            fila = self._validar(lector, crudos)
            if fila is not None:
                bloque.append(fila)
            if leidas == self.lote:
                self._cerrar_bloque(ctx, bloque, escritor)
                yield leidas
                bloque, leidas = [], 0
        if leidas:
            self._cerrar_bloque(ctx, bloque, escritor)
            yield leidas

    def _validar(self, lector: LectorCsv, crudos: list[str]) -> Fila | None:
        """One row through its format's validator; None (and rejected) when it fails."""
        self.resumen.leidas += 1
        fila = Fila(lector.linea, crudos, {})
        if len(crudos) != len(lector.encabezado):
            motivo = f"Tiene {len(crudos)} columnas y el encabezado {len(lector.encabezado)}."
            self._rechazar(fila, {"": motivo})
            return None
        if any("\ufffd" in c for c in crudos):
            motivo = "Tiene caracteres que no son UTF-8: guarde el archivo como «CSV UTF-8»."
            self._rechazar(fila, {"": motivo})
            return None
        campos = LectorFila({c: crudos[i].strip() for c, i in lector.indices.items()}, self.hoy)
        valores = self.formato.validar(campos)
        if valores is None:
            self._rechazar(fila, campos.errores)
            return None
        fila.extra = {k: valores.pop(k) for k in [k for k in valores if k[0] == "_"]}
        fila.valores = valores
        return fila

    def _rechazar(self, fila: Fila, errores: dict[str, str]) -> None:
        self.resumen.rechazadas += 1
        self._pendientes.append((fila.linea, fila.originales, errores))

    def _cerrar_bloque(self, ctx: Contexto, bloque: list[Fila], escritor: EscritorRechazos) -> None:
        """Write the batch's valid rows, then its rejected ones in line order."""
        if bloque:
            for fila in self._escribir(ctx, bloque):
                self.resumen.contar(fila.estado)  # type: ignore[arg-type]
        for linea, originales, errores in sorted(self._pendientes, key=lambda p: p[0]):
            if len(self.resumen.muestras) < MUESTRAS:
                self.resumen.muestras.append(f"línea {linea}: {motivo_texto(errores)}")
            escritor.escribir(linea, originales, errores)
        self._pendientes.clear()

    def ejecutar(self) -> ResumenImportacion:
        """The whole file in the caller's transaction."""
        for _ in self.lotes():
            pass
        return self.resumen


def _escritor(
    tipo: TipoArchivo, aplicar_pagos: bool
) -> Callable[[Contexto, list[Fila]], list[Fila]]:
    if tipo is TipoArchivo.PAGOS:
        return functools.partial(escribir_pagos, aplicar=aplicar_pagos)
    return {
        TipoArchivo.CONTRATOS: escribir_contratos,
        TipoArchivo.FACTURAS: escribir_facturas,
        TipoArchivo.LECTURAS: escribir_lecturas,
    }[tipo]


def importar(
    sesion: Session, tipo: TipoArchivo | str, ruta: Path, *, ahora: datetime, **opciones: Any
) -> ResumenImportacion:
    """Import a whole CSV file in the caller's transaction (flushes, never commits)."""
    return Importacion(sesion, tipo, ruta, ahora=ahora, **opciones).ejecutar()
