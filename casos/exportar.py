"""CSV and XLSX exports of any list, safe to open in a spreadsheet.

A cell that starts with = + - @ (or a tab / carriage return) is a formula to Excel and
LibreOffice: "=HYPERLINK(...)" typed by a citizen in a request would run on the supervisor's
machine. Such text is prefixed with an apostrophe, which spreadsheets show as plain text
(OWASP "CSV injection"). Numbers and dates stay typed so they can be summed and sorted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

ZONA = ZoneInfo("America/Mexico_City")
INICIOS_PELIGROSOS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
TIPO_CSV = "text/csv; charset=utf-8"
TIPO_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Columna:
    """A column of an export: its heading and how to read the value from a row."""

    titulo: str
    valor: Any  # Callable[[row], Any]


def neutralizar(texto: str) -> str:
    """Text a spreadsheet will never evaluate."""
    if texto.startswith(INICIOS_PELIGROSOS):
        return "'" + texto
    return texto


def _celda(valor: Any) -> Any:
    """A value as a spreadsheet cell: numbers and dates kept, text neutralised."""
    if valor is None:
        return ""
    if isinstance(valor, bool):
        return "Sí" if valor else "No"
    if isinstance(valor, int | float | Decimal):
        return valor
    if isinstance(valor, datetime):
        # Local wall time without zone: spreadsheets cannot store aware datetimes.
        return valor.astimezone(ZONA).replace(tzinfo=None, microsecond=0)
    if isinstance(valor, date):
        return valor
    return neutralizar(str(valor))


def _texto_csv(valor: Any) -> str:
    celda = _celda(valor)
    if isinstance(celda, datetime):
        return celda.strftime("%d/%m/%Y %H:%M")
    if isinstance(celda, date):
        return celda.strftime("%d/%m/%Y")
    return str(celda)


def filas_csv(columnas: Sequence[Columna], filas: Iterable[Any]) -> Iterator[str]:
    """CSV text chunk by chunk (UTF-8 BOM first, so Excel reads the accents)."""
    buffer = io.StringIO()
    escritor = csv.writer(buffer)
    yield "\ufeff"
    escritor.writerow([neutralizar(c.titulo) for c in columnas])
    for numero, fila in enumerate(filas, 1):
        escritor.writerow([_texto_csv(c.valor(fila)) for c in columnas])
        if numero % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def libro_xlsx(hojas: Sequence[tuple[str, Sequence[Columna], Iterable[Any]]]) -> bytes:
    """An XLSX workbook (one sheet per list), written in constant memory."""
    libro = Workbook(write_only=True)
    for nombre, columnas, filas in hojas:
        hoja = libro.create_sheet(title=nombre[:31])
        encabezado = []
        for columna in columnas:
            celda = WriteOnlyCell(hoja, value=neutralizar(columna.titulo))
            celda.font = Font(bold=True)
            encabezado.append(celda)
        hoja.append(encabezado)
        for fila in filas:
            hoja.append([_celda(c.valor(fila)) for c in columnas])
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()
