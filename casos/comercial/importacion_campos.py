"""Reading one CSV row field by field: formats, enums and a Spanish reason per bad column.

`LectorFila` never raises: each reader returns None on a bad or missing value and records the
reason under the column's name, so one rejected row lists every problem at once.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from casos.base import pesos

E = TypeVar("E", bound=StrEnum)

RE_REFERENCIA = re.compile(r"^\d{1,12}$")  # the same rule as registration (verificacion.py)
RE_MEDIDOR = re.compile(r"^[A-Z0-9-]{1,20}$")
RE_CODIGO_POSTAL = re.compile(r"^\d{5}$")
RE_UUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
RE_IMPORTE_SIMPLE = re.compile(r"\d{1,13}(?:\.\d{1,2})?")  # the usual «1234.56»: fast path
RE_IMPORTE = re.compile(r"^(-)?\$?(-)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?$")
RE_FECHA_DMA = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
RE_FECHA_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
RE_PERIODO = re.compile(r"^(\d{4})-(\d{1,2})$|^(\d{1,2})/(\d{4})$")
RE_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
ANIO_MINIMO, ANIO_MAXIMO = 1950, 2100
IMPORTE_MAXIMO = Decimal("9999999999.99")  # far above any bill; keeps centavos in a BIGINT
DIGITOS_ENTERO = 9  # INTEGER columns (m³, dial) hold up to 2,147,483,647 on PostgreSQL

# Enum values as written in the files («Física», «MORAL», …) → member: a few per column.
_OPCIONES: dict[tuple[type[StrEnum], str], StrEnum] = {}
MAXIMO_OPCIONES = 1000

OBLIGATORIO = "Es obligatorio."
MSG_FECHA = "Fecha no válida: use dd/mm/aaaa o aaaa-mm-dd (por ejemplo 05/03/2026)."
MSG_IMPORTE = "Importe no válido: use 1234.56 o $1,234.56 (hasta dos decimales)."
MSG_ENTERO = "Debe ser un número entero sin signo, de hasta 9 cifras (por ejemplo 1234)."


def sin_acentos(texto: str) -> str:
    """Lower case without accents: «Física» → «fisica» (for enums and header names)."""
    descompuesto = unicodedata.normalize("NFKD", texto.strip().lower())
    return "".join(c for c in descompuesto if not unicodedata.combining(c))


def leer_fecha(texto: str) -> date | None:
    """dd/mm/aaaa or aaaa-mm-dd → date; None when it is not a real date in range."""
    if coincide := RE_FECHA_ISO.match(texto):
        anio, mes, dia = (int(g) for g in coincide.groups())
    elif coincide := RE_FECHA_DMA.match(texto):
        dia, mes, anio = (int(g) for g in coincide.groups())
    else:
        return None
    if not ANIO_MINIMO <= anio <= ANIO_MAXIMO:
        return None
    try:
        return date(anio, mes, dia)
    except ValueError:
        return None


def leer_periodo(texto: str) -> date | None:
    """aaaa-mm (or mm/aaaa) → the first day of that month; None when not a month."""
    coincide = RE_PERIODO.match(texto)
    if not coincide:
        return None
    anio, mes = coincide.group(1, 2) if coincide.group(1) else coincide.group(4, 3)
    if not (ANIO_MINIMO <= int(anio) <= ANIO_MAXIMO and 1 <= int(mes) <= 12):
        return None
    return date(int(anio), int(mes), 1)


def leer_importe(texto: str) -> Decimal | None:
    """`1234.56`, `$1,234.56`, `-12.50` → Decimal; None when it is not an amount."""
    if RE_IMPORTE_SIMPLE.fullmatch(texto):
        return Decimal(texto)
    coincide = RE_IMPORTE.match(texto.replace(" ", ""))
    if not coincide or (coincide.group(1) and coincide.group(2)):
        return None
    negativo = bool(coincide.group(1) or coincide.group(2))
    valor = pesos(coincide.group(3).replace(",", "") + (coincide.group(4) or ""))
    return -valor if negativo else valor


def formato_pesos(valor: Decimal) -> str:
    """$1,234.56 as the reasons show amounts."""
    signo = "-" if valor < 0 else ""
    return f"{signo}${abs(valor):,.2f}"


class LectorFila:
    """Typed access to one CSV row by column name, collecting a reason per bad column."""

    __slots__ = ("errores", "hoy", "valores")

    def __init__(self, valores: dict[str, str], hoy: date) -> None:
        self.valores = valores
        self.hoy = hoy
        self.errores: dict[str, str] = {}

    def error(self, columna: str, motivo: str) -> None:
        """Record a reason for a column (the first one found wins)."""
        self.errores.setdefault(columna, motivo)

    def crudo(self, columna: str) -> str:
        """The stripped text of a column ('' when absent)."""
        return self.valores.get(columna, "")

    def texto(self, columna: str, largo: int, obligatorio: bool = True) -> str | None:
        """Free text up to `largo` characters, without control characters."""
        valor = self.crudo(columna)
        if not valor:
            if obligatorio:
                self.error(columna, OBLIGATORIO)
            return None
        if len(valor) > largo:
            self.error(columna, f"Tiene {len(valor)} caracteres; el máximo es {largo}.")
            return None
        if RE_CONTROL.search(valor):
            self.error(columna, "Tiene caracteres de control (tabuladores o saltos de línea).")
            return None
        return valor

    def patron(
        self, columna: str, patron: re.Pattern[str], motivo: str, obligatorio: bool = True
    ) -> str | None:
        """Text that must match a pattern (already normalised by the caller when needed)."""
        valor = self.crudo(columna)
        if not valor:
            if obligatorio:
                self.error(columna, OBLIGATORIO)
            return None
        if not patron.match(valor):
            self.error(columna, motivo)
            return None
        return valor

    def fecha(self, columna: str, futura: bool = True) -> date | None:
        """A required date; `futura=False` refuses dates after today (Querétaro)."""
        valor = self.crudo(columna)
        if not valor:
            self.error(columna, OBLIGATORIO)
            return None
        fecha = leer_fecha(valor)
        if fecha is None:
            self.error(columna, MSG_FECHA)
        elif not futura and fecha > self.hoy:
            self.error(columna, f"Es una fecha futura (hoy es {self.hoy:%d/%m/%Y}).")
            return None
        return fecha

    def periodo(self, columna: str, obligatorio: bool = True) -> date | None:
        """A billed month, aaaa-mm."""
        valor = self.crudo(columna)
        if not valor:
            if obligatorio:
                self.error(columna, OBLIGATORIO)
            return None
        periodo = leer_periodo(valor)
        if periodo is None:
            self.error(columna, "Periodo no válido: use aaaa-mm (por ejemplo 2026-03).")
        return periodo

    def importe(self, columna: str, negativo: bool = False) -> Decimal | None:
        """A required peso amount; negative only when `negativo`."""
        valor = self.crudo(columna)
        if not valor:
            self.error(columna, OBLIGATORIO)
            return None
        importe = leer_importe(valor)
        if importe is None:
            self.error(columna, MSG_IMPORTE)
        elif abs(importe) > IMPORTE_MAXIMO:
            self.error(columna, f"Importe fuera de rango (máximo {formato_pesos(IMPORTE_MAXIMO)}).")
            return None
        elif importe < 0 and not negativo:
            self.error(columna, "No puede ser negativo.")
            return None
        return importe

    def entero(self, columna: str, obligatorio: bool = True) -> int | None:
        """A whole number ≥ 0 (m³, meter dial)."""
        valor = self.crudo(columna)
        if not valor:
            if obligatorio:
                self.error(columna, OBLIGATORIO)
            return None
        if not valor.isascii() or not valor.isdigit() or len(valor) > DIGITOS_ENTERO:
            self.error(columna, MSG_ENTERO)
            return None
        return int(valor)

    def opcion(self, columna: str, clase: type[E], alias: dict[str, E] | None = None) -> E | None:
        """One of an enum's values, ignoring case and accents (plus a few aliases)."""
        valor = self.crudo(columna)
        if not valor:
            self.error(columna, OBLIGATORIO)
            return None
        conocido = _OPCIONES.get((clase, valor))
        if conocido is not None:
            return conocido  # type: ignore[return-value]
        clave = sin_acentos(valor)
        try:
            miembro = alias[clave] if alias and clave in alias else clase(clave)
        except ValueError:
            opciones = ", ".join(f"«{m.value}»" for m in clase)
            self.error(columna, f"Valor «{valor}» no válido: debe ser {opciones}.")
            return None
        if len(_OPCIONES) < MAXIMO_OPCIONES:
            _OPCIONES[(clase, valor)] = miembro
        return miembro
