"""The CSV files themselves: header and delimiter, line numbers, and the rejected-rows report."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from casos.comercial.importacion_campos import sin_acentos
from casos.comercial.importacion_filas import Formato
from casos.errores import DatosInvalidos

COLUMNAS_REPORTE = ("linea", "columna", "motivo")


def normalizar_columna(nombre: str) -> str:
    """A header cell as a column name: «Apellido Paterno» → apellido_paterno."""
    return "_".join(sin_acentos(nombre).split())


def ruta_rechazos_predeterminada(ruta: Path) -> Path:
    """facturas.csv → facturas.rechazos.csv, next to the input."""
    return ruta.with_name(f"{ruta.stem}.rechazos.csv")


def contar_filas(ruta: Path) -> int:
    """Data lines of a file (lines minus the header), counted fast for the progress bar."""
    lineas, ultimo = 0, b"\n"
    with ruta.open("rb") as archivo:
        while bloque := archivo.read(1 << 20):
            lineas += bloque.count(b"\n")
            ultimo = bloque[-1:]
    return max(lineas + (ultimo != b"\n") - 1, 0)


def motivo_texto(errores: dict[str, str]) -> str:
    """«columna: razón» for every reason of a row, in one line."""
    return " ".join(f"{c}: {m}" if c else m for c, m in errores.items())


class LectorCsv:
    """Rows of a CSV whose header was read apart; `linea` is where the last row ended."""

    def __init__(self, archivo: TextIO, formato: Formato) -> None:
        primera = archivo.readline()
        if not primera.strip():
            raise DatosInvalidos("El archivo está vacío: falta el encabezado con las columnas.")
        # Spreadsheets set to Spanish sometimes save with semicolons: accept them too.
        separador = ";" if primera.count(";") > primera.count(",") else ","
        self.encabezado = next(csv.reader([primera], delimiter=separador))
        self.indices, self.ignoradas = _indices(self.encabezado, formato)
        self._lector = csv.reader(archivo, delimiter=separador)

    @property
    def linea(self) -> int:
        """Physical line where the last row ended (the header is line 1)."""
        return int(self._lector.line_num) + 1

    def __iter__(self) -> Iterator[list[str]]:
        while True:
            try:
                yield next(self._lector)
            except StopIteration:
                return
            except csv.Error as error:
                raise DatosInvalidos(
                    f"El CSV está mal formado cerca de la línea {self.linea}: {error}."
                ) from error


def _indices(encabezado: list[str], formato: Formato) -> tuple[dict[str, int], tuple[str, ...]]:
    """Column name → position, and the unknown columns; refuse missing or repeated ones."""
    indices: dict[str, int] = {}
    ignoradas = []
    for posicion, celda in enumerate(encabezado):
        nombre = normalizar_columna(celda)
        if nombre in indices:
            raise DatosInvalidos(f"La columna «{nombre}» aparece dos veces en el encabezado.")
        if nombre in formato.columnas:
            indices[nombre] = posicion
        elif nombre and nombre not in COLUMNAS_REPORTE:
            ignoradas.append(celda)
    faltan = [c for c in formato.columnas if c in formato.obligatorias and c not in indices]
    if faltan:
        raise DatosInvalidos(
            f"Faltan columnas en el encabezado: {', '.join(faltan)}. "
            f"Las columnas del formato son: {', '.join(formato.columnas)}.",
            dict.fromkeys(faltan, "Falta en el encabezado."),
        )
    return indices, tuple(ignoradas)


class EscritorRechazos:
    """The report of rejected rows: the original columns plus linea, columna and motivo.

    Opened on the first rejection only, in UTF-8 with BOM (so Excel shows the accents). Once
    corrected it can be imported again as is: the three report columns are ignored."""

    def __init__(self, ruta: Path, encabezado: list[str]) -> None:
        self.ruta = ruta
        quitar = {i for i, c in enumerate(encabezado) if normalizar_columna(c) in COLUMNAS_REPORTE}
        self._conservar = [i for i in range(len(encabezado)) if i not in quitar]
        self._encabezado = [encabezado[i] for i in self._conservar]
        self._archivo: TextIO | None = None
        self._csv: Any = None

    def escribir(self, linea: int, originales: list[str], errores: dict[str, str]) -> None:
        """Append one rejected row."""
        if self._csv is None:
            self._archivo = self.ruta.open("w", encoding="utf-8-sig", newline="")
            self._csv = csv.writer(self._archivo)
            self._csv.writerow([*self._encabezado, *COLUMNAS_REPORTE])
        valores = [originales[i] if i < len(originales) else "" for i in self._conservar]
        columnas = ", ".join(c for c in errores if c)
        self._csv.writerow([*valores, linea, columnas, motivo_texto(errores)])

    @property
    def escrito(self) -> bool:
        """Whether any row was rejected."""
        return self._archivo is not None

    def cerrar(self) -> None:
        """Close the file if it was opened."""
        if self._archivo is not None:
            self._archivo.close()
