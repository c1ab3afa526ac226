"""The dashboard's period form (GET: it only filters, so it carries no CSRF token)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.widgets import TextInput

FORMATOS_FECHA = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


class CampoFecha(DateField):
    """A date typed as dd/mm/aaaa (aaaa-mm-dd also read, as the export links carry it)."""

    widget = TextInput()

    def __init__(self, etiqueta: str, **kwargs: Any) -> None:
        render = {"inputmode": "numeric", "autocomplete": "off", "placeholder": "dd/mm/aaaa"}
        super().__init__(etiqueta, format=FORMATOS_FECHA, render_kw=render, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text}: escriba la fecha como dd/mm/aaaa.") from None

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d/%m/%Y") if self.data else ""


class FormularioPeriodo(FlaskForm):
    """Desde / hasta of the compliance figures and trends."""

    class Meta:
        csrf = False

    desde = CampoFecha("Desde")
    hasta = CampoFecha("Hasta")
