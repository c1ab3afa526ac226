"""Jinja filters for people in Mexico: dd/mm/aaaa, Mexico City time, $1,234.56."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask

from casos.sla import ZONA_CEA, fecha_en_palabras, formatear_duracion


def fecha(valor: date | datetime | None) -> str:
    """`21/11/2026` (datetimes shown in America/Mexico_City)."""
    if valor is None:
        return ""
    if isinstance(valor, datetime):
        valor = valor.astimezone(ZONA_CEA)
    return valor.strftime("%d/%m/%Y")


def fecha_hora(valor: datetime | None) -> str:
    """`21/11/2026 16:05` in America/Mexico_City."""
    if valor is None:
        return ""
    return valor.astimezone(ZONA_CEA).strftime("%d/%m/%Y %H:%M")


def dinero(valor: Decimal | float | int | None) -> str:
    """`$1,234.56`."""
    if valor is None:
        return ""
    cantidad = Decimal(str(valor)).quantize(Decimal("0.01"))
    signo = "-" if cantidad < 0 else ""
    return f"{signo}${abs(cantidad):,.2f}"


def registrar(app: Flask) -> None:
    """Install the filters on the app's Jinja environment."""
    app.add_template_filter(fecha, "fecha")
    app.add_template_filter(fecha_hora, "fecha_hora")
    app.add_template_filter(dinero, "dinero")
    app.add_template_filter(fecha_en_palabras, "en_palabras")
    app.add_template_filter(formatear_duracion, "duracion")
