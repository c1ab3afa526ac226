"""Field readers of the import: dates, periods, amounts, integers, enums, texts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from casos.comercial.importacion_campos import (
    LectorFila,
    formato_pesos,
    leer_fecha,
    leer_importe,
    leer_periodo,
    sin_acentos,
)
from casos.comercial.modelos import TipoPersona

HOY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("texto", "esperada"),
    [
        ("05/03/2026", date(2026, 3, 5)),
        ("5/3/2026", date(2026, 3, 5)),
        ("2026-03-05", date(2026, 3, 5)),
        ("29/02/2028", date(2028, 2, 29)),
        ("31/02/2026", None),
        ("2026-13-01", None),
        ("03/05/26", None),
        ("2026/03/05", None),
        ("05-03-2026", None),
        ("01/01/1900", None),
        ("mañana", None),
    ],
)
def test_fechas_en_los_dos_formatos(texto: str, esperada: date | None) -> None:
    assert leer_fecha(texto) == esperada


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        ("2026-03", date(2026, 3, 1)),
        ("2026-3", date(2026, 3, 1)),
        ("03/2026", date(2026, 3, 1)),
        ("2026-00", None),
        ("2026-13", None),
        ("2026-03-01", None),
        ("marzo", None),
    ],
)
def test_periodos(texto: str, esperado: date | None) -> None:
    assert leer_periodo(texto) == esperado


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        ("1234.56", Decimal("1234.56")),
        ("$1,234.56", Decimal("1234.56")),
        ("$ 1,234.5", Decimal("1234.50")),
        ("0", Decimal("0.00")),
        ("12", Decimal("12.00")),
        ("-25.00", Decimal("-25.00")),
        ("$-25.00", Decimal("-25.00")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("12,34.5", None),
        ("1.234", None),
        ("1234,56", None),
        ("--5", None),
        ("-$-5", None),
        ("abc", None),
        ("", None),
    ],
)
def test_importes(texto: str, esperado: Decimal | None) -> None:
    assert leer_importe(texto) == esperado


def test_formato_pesos() -> None:
    assert formato_pesos(Decimal("1234.5")) == "$1,234.50"
    assert formato_pesos(Decimal("-25")) == "-$25.00"


def test_sin_acentos() -> None:
    assert sin_acentos("  Física ") == "fisica"
    assert sin_acentos("Servicios PÚBLICOS") == "servicios publicos"


def _lector(**valores: str) -> LectorFila:
    return LectorFila(dict(valores), HOY)


def test_texto_obligatorio_largo_y_control() -> None:
    lector = _lector(a="", b="x" * 11, c="hola\tmundo", d="bien")
    assert lector.texto("a", 10) is None
    assert lector.texto("b", 10) is None
    assert lector.texto("c", 20) is None
    assert lector.texto("d", 10) == "bien"
    assert lector.texto("falta", 10, obligatorio=False) is None
    assert lector.errores == {
        "a": "Es obligatorio.",
        "b": "Tiene 11 caracteres; el máximo es 10.",
        "c": "Tiene caracteres de control (tabuladores o saltos de línea).",
    }


def test_fecha_futura_rechazada_solo_si_se_pide() -> None:
    lector = _lector(f="25/11/2026")
    assert lector.fecha("f") == date(2026, 11, 25)
    assert lector.errores == {}
    assert lector.fecha("f", futura=False) is None
    assert lector.errores["f"] == "Es una fecha futura (hoy es 24/11/2026)."


def test_importe_negativo_y_fuera_de_rango() -> None:
    lector = _lector(a="-1.00", b="-1.00", c="99999999999.00", d="$1,000.00")
    assert lector.importe("a") is None
    assert lector.importe("b", negativo=True) == Decimal("-1.00")
    assert lector.importe("c") is None
    assert lector.importe("d") == Decimal("1000.00")
    assert lector.errores["a"] == "No puede ser negativo."
    assert lector.errores["c"].startswith("Importe fuera de rango")
    assert set(lector.errores) == {"a", "c"}


@pytest.mark.parametrize("texto", ["-5", "1.5", "1,000", "1234567890", "١٢", "x"])
def test_enteros_invalidos(texto: str) -> None:
    lector = _lector(n=texto)
    assert lector.entero("n") is None
    assert "entero sin signo" in lector.errores["n"]


def test_entero_opcional_vacio() -> None:
    lector = _lector(n="")
    assert lector.entero("n", obligatorio=False) is None
    assert lector.entero("m") is None
    assert lector.errores == {"m": "Es obligatorio."}


def test_opcion_con_acentos_mayusculas_y_alias() -> None:
    lector = _lector(a="Física", b="MORAL", c="empresa", d="otra")
    assert lector.opcion("a", TipoPersona) is TipoPersona.FISICA
    assert lector.opcion("b", TipoPersona) is TipoPersona.MORAL
    assert lector.opcion("c", TipoPersona, {"empresa": TipoPersona.MORAL}) is TipoPersona.MORAL
    assert lector.opcion("d", TipoPersona) is None
    assert lector.errores == {"d": "Valor «otra» no válido: debe ser «fisica», «moral»."}
