"""The sandbox bank's card form (*Pagar* buttons carry only the CSRF token)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, ValidationError
from wtforms.validators import InputRequired, Length

from casos.pagos.sandbox import TARJETAS_PRUEBA, cumple_luhn, solo_digitos
from casos.sla import ZONA_CEA

RE_VENCIMIENTO = re.compile(r"\s*(\d{1,2})\s*/\s*(\d{2})\s*")


def _largo(maximo: int) -> Length:
    return Length(max=maximo, message=f"Use como máximo {maximo} caracteres.")


class FormSandbox(FlaskForm):
    """The test bank's card form: only its test cards pass."""

    tarjeta = StringField(
        "Número de tarjeta",
        validators=[InputRequired("Escriba el número de la tarjeta."), _largo(30)],
        render_kw={"inputmode": "numeric", "autocomplete": "cc-number"},
    )
    vencimiento = StringField(
        "Vence (MM/AA)",
        validators=[InputRequired("Escriba el mes y año de vencimiento."), _largo(7)],
        render_kw={"inputmode": "numeric", "autocomplete": "cc-exp", "placeholder": "MM/AA"},
    )
    cvv = StringField(
        "CVV",
        validators=[InputRequired("Escriba los 3 o 4 dígitos del reverso."), _largo(4)],
        render_kw={"inputmode": "numeric", "autocomplete": "cc-csc"},
    )
    pagar = SubmitField("Pagar")
    cancelar = SubmitField("Cancelar y volver a la CEA")

    def validate_tarjeta(self, campo: Any) -> None:
        """A well-formed number that is one of the sandbox's test cards."""
        digitos = solo_digitos(campo.data or "")
        if len(digitos) < 15 or not cumple_luhn(digitos):
            raise ValidationError("Revise el número: no es un número de tarjeta válido.")
        if digitos not in TARJETAS_PRUEBA:
            raise ValidationError(
                "El banco de pruebas solo acepta sus tarjetas de prueba (vea la lista)."
            )

    def validate_vencimiento(self, campo: Any) -> None:
        """MM/AA, not in the past."""
        encontrado = RE_VENCIMIENTO.fullmatch(campo.data or "")
        if encontrado is None or not 1 <= int(encontrado.group(1)) <= 12:
            raise ValidationError("Escriba el vencimiento como MM/AA, por ejemplo 08/29.")
        mes, anio = int(encontrado.group(1)), 2000 + int(encontrado.group(2))
        hoy = datetime.now(UTC).astimezone(ZONA_CEA).date()
        if (anio, mes) < (hoy.year, hoy.month):
            raise ValidationError("La tarjeta ya venció.")

    def validate_cvv(self, campo: Any) -> None:
        """Three or four digits."""
        if not re.fullmatch(r"\d{3,4}", (campo.data or "").strip()):
            raise ValidationError("El código de seguridad tiene 3 o 4 dígitos.")
