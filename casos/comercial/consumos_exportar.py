"""*Detalle de consumo* downloads: the readings as CSV and XLSX (and the billed months)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from casos.comercial.consumos import ConsumoMensual, FilaLectura

ENCABEZADOS = ("Fecha", "Lectura del medidor (m³)", "Consumo (m³)", "Tipo de lectura", "Tomada por")


def _celdas(fila: FilaLectura) -> tuple[date, int, int | None, str, str]:
    return (fila.fecha, fila.valor, fila.consumo, fila.tipo_texto, fila.origen_texto)


def exportar_csv(filas: Iterable[FilaLectura]) -> bytes:
    """UTF-8 with a BOM (Excel then reads the accents) and commas: Mexico's list separator,
    with the decimal point, is the comma. Dates dd/mm/aaaa; every value is a number, a date or
    a fixed word, so no cell can start a formula."""
    salida = io.StringIO()
    escritor = csv.writer(salida, delimiter=",", lineterminator="\r\n")
    escritor.writerow(ENCABEZADOS)
    for fila in filas:
        fecha, valor, consumo, tipo, origen = _celdas(fila)
        consumo_texto = "" if consumo is None else consumo
        escritor.writerow((f"{fecha:%d/%m/%Y}", valor, consumo_texto, tipo, origen))
    return salida.getvalue().encode("utf-8-sig")


def exportar_xlsx(filas: Iterable[FilaLectura], serie: Sequence[ConsumoMensual]) -> bytes:
    """Two sheets (the readings, the billed months), written streaming: real dates shown
    dd/mm/aaaa, numbers as numbers, a bold frozen header row."""
    libro = Workbook(write_only=True)
    hoja = _hoja(libro, "Lecturas", ENCABEZADOS, (12, 24, 14, 16, 12))
    for fila in filas:
        fecha, *resto = _celdas(fila)
        hoja.append([_fecha(hoja, fecha, "DD/MM/YYYY"), *resto])
    encabezados = ("Mes", "Consumo (m³)", "Tipo de lectura")
    meses = _hoja(libro, "Consumo por mes", encabezados, (10, 14, 16))
    for mes in serie:
        tipo = "Estimada" if mes.es_estimada else "Real"
        meses.append([_fecha(meses, mes.periodo, "MM/YYYY"), mes.m3, tipo])
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def _hoja(
    libro: Workbook, titulo: str, encabezados: Sequence[str], anchos: Sequence[int]
) -> WriteOnlyWorksheet:
    hoja = libro.create_sheet(titulo)
    for letra, ancho in zip("ABCDE", anchos, strict=False):
        hoja.column_dimensions[letra].width = ancho
    hoja.freeze_panes = "A2"
    negrita = Font(bold=True)
    celdas = []
    for texto in encabezados:
        celda = WriteOnlyCell(hoja, value=texto)
        celda.font = negrita
        celdas.append(celda)
    hoja.append(celdas)
    return hoja


def _fecha(hoja: WriteOnlyWorksheet, valor: date, formato: str) -> WriteOnlyCell:
    celda = WriteOnlyCell(hoja, value=valor)
    celda.number_format = formato
    return celda
