"""The signed confirmation a payment provider POSTs to us (see docs/pagos.md).

Body: a small JSON object. Headers: `OV-Pago-Fecha` (Unix seconds of *this delivery*) and
`OV-Pago-Firma: v1=<hex>`, the HMAC-SHA256 with the shared secret of `"<fecha>." + body`.
The signature is checked on the raw bytes before anything is parsed; the delivery time is
checked against the clock by casos.pagos.confirmacion (a replay of an old message is never
taken as new, a replay of an applied one is simply answered again).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from casos.base import exigir_zona
from casos.errores import ErrorDominio

if TYPE_CHECKING:
    from casos.pagos.modelos import IntentoPago

VERSION = 1
CABECERA_FECHA = "OV-Pago-Fecha"
CABECERA_FIRMA = "OV-Pago-Firma"
PREFIJO_FIRMA = "v1="
TOLERANCIA = timedelta(minutes=5)
LARGO_MAXIMO_CUERPO = 8 * 1024
MONEDA = "MXN"

RE_REFERENCIA = re.compile(r"[A-Za-z0-9_-]{8,40}")
RE_IMPORTE = re.compile(r"\d{1,9}\.\d{2}")
RE_OPERACION = re.compile(r"[A-Za-z0-9._:/-]{1,60}")
RE_FIRMA = re.compile(r"[0-9a-f]{64}")
RE_FECHA = re.compile(r"\d{1,12}")


class ResultadoBanco(StrEnum):
    """What the bank decided about the charge."""

    APROBADO = "aprobado"
    RECHAZADO = "rechazado"


class ConfirmacionInvalida(ErrorDominio):
    """A confirmation we cannot trust or read: bad signature, malformed body, unknown attempt."""


class ConfirmacionCaducada(ConfirmacionInvalida):
    """Correctly signed, but delivered too long ago (or in the future) to be taken as new."""


class ProveedorNoDisponible(ErrorDominio):
    """The provider could not start the payment now (its API is down, it refused the call)."""


@dataclass(frozen=True)
class Confirmacion:
    """A provider's verdict on one attempt, read from a correctly signed message."""

    proveedor: str
    referencia: str
    importe: Decimal
    moneda: str
    resultado: ResultadoBanco
    operacion: str  # the provider's own id of the operation
    motivo: str | None
    firmada_en: datetime  # when the provider signed this delivery

    def huella(self) -> str:
        """Identifies the verdict (not the delivery): two deliveries of it share the huella."""
        partes = (self.proveedor, self.referencia, str(self.importe), self.moneda)
        partes += (self.resultado.value, self.operacion)
        return hashlib.sha256("\x1f".join(partes).encode()).hexdigest()[:32]

    def es_vigente(self, ahora: datetime) -> bool:
        """Signed within the tolerance of our clock (either way)."""
        return abs(exigir_zona(ahora) - self.firmada_en) <= TOLERANCIA

    def a_json(self) -> dict[str, Any]:
        """For the attempt's audit trail."""
        return {
            "referencia": self.referencia,
            "importe": str(self.importe),
            "moneda": self.moneda,
            "resultado": self.resultado.value,
            "operacion": self.operacion,
            "motivo": self.motivo,
            "firmada_en": self.firmada_en.isoformat(),
            "huella": self.huella(),
        }


@dataclass(frozen=True)
class UrlsPago:
    """Absolute addresses a provider needs to send the customer and its confirmation back.

    `pagina_local` is where this app serves a hosted page itself (only the sandbox uses it)."""

    regreso: str
    confirmacion: str
    pagina_local: str


class Proveedor(Protocol):
    """A bank or processor with a hosted payment page and signed confirmations."""

    clave: str  # in URLs (/pagos/confirmacion/<clave>) and in IntentoPago.proveedor
    nombre: str  # as the customer reads it

    def url_pago(self, intento: IntentoPago, urls: UrlsPago) -> str:
        """Where to send the customer's browser; ProveedorNoDisponible if it cannot now."""
        ...

    def leer_confirmacion(self, cuerpo: bytes, cabeceras: Mapping[str, str]) -> Confirmacion:
        """Verify the signature and read the verdict; ConfirmacionInvalida otherwise."""
        ...


# --- signing (the provider's side; the sandbox and the tests use it) ---------------------------


def firmar(secreto: str, cuerpo: bytes, fecha: int) -> str:
    """The `OV-Pago-Firma` header value for this body delivered at `fecha` (Unix seconds)."""
    base = f"{fecha}.".encode() + cuerpo
    return PREFIJO_FIRMA + hmac.new(secreto.encode(), base, hashlib.sha256).hexdigest()


def cuerpo_confirmacion(
    referencia: str,
    importe: Decimal,
    resultado: ResultadoBanco,
    operacion: str,
    motivo: str | None = None,
    moneda: str = MONEDA,
) -> bytes:
    """The JSON body a provider sends (compact, UTF-8)."""
    datos = {
        "version": VERSION,
        "referencia": referencia,
        "importe": f"{importe:.2f}",
        "moneda": moneda,
        "resultado": resultado.value,
        "operacion": operacion,
        "motivo": motivo,
    }
    return json.dumps(datos, ensure_ascii=False, separators=(",", ":")).encode()


def cabeceras_firmadas(secreto: str, cuerpo: bytes, instante: datetime) -> dict[str, str]:
    """Both headers of a delivery made at `instante`."""
    fecha = int(exigir_zona(instante).timestamp())
    return {CABECERA_FECHA: str(fecha), CABECERA_FIRMA: firmar(secreto, cuerpo, fecha)}


# --- reading (our side) --------------------------------------------------------------------------


def leer_firmada(
    clave: str, secreto: str, cuerpo: bytes, cabeceras: Mapping[str, str]
) -> Confirmacion:
    """Check the signature on the raw bytes, then read the body; ConfirmacionInvalida if not."""
    if len(cuerpo) > LARGO_MAXIMO_CUERPO:
        raise ConfirmacionInvalida("El cuerpo de la confirmación es demasiado grande.")
    minusculas = {k.lower(): v for k, v in cabeceras.items()}
    fecha = minusculas.get(CABECERA_FECHA.lower(), "").strip()
    firma = minusculas.get(CABECERA_FIRMA.lower(), "").strip()
    if not RE_FECHA.fullmatch(fecha) or not firma.startswith(PREFIJO_FIRMA):
        raise ConfirmacionInvalida("Faltan las cabeceras de fecha o de firma.")
    if not RE_FIRMA.fullmatch(firma.removeprefix(PREFIJO_FIRMA)):
        raise ConfirmacionInvalida("La firma no tiene el formato esperado.")
    esperada = firmar(secreto, cuerpo, int(fecha))
    if not hmac.compare_digest(esperada.encode(), firma.encode()):
        raise ConfirmacionInvalida("La firma no corresponde al cuerpo.")
    return _leer_cuerpo(clave, cuerpo, _instante(int(fecha)))


def _instante(fecha: int) -> datetime:
    try:
        return datetime.fromtimestamp(fecha, UTC)
    except (OverflowError, OSError, ValueError):
        raise ConfirmacionInvalida("La fecha de la firma no es válida.") from None


def _leer_cuerpo(clave: str, cuerpo: bytes, firmada_en: datetime) -> Confirmacion:
    try:
        datos = json.loads(cuerpo.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ConfirmacionInvalida("El cuerpo no es JSON en UTF-8.") from None
    if not isinstance(datos, dict) or datos.get("version") != VERSION:
        raise ConfirmacionInvalida("El cuerpo no es una confirmación de la versión 1.")
    motivo = datos.get("motivo")
    if motivo is not None and (not isinstance(motivo, str) or len(motivo) > 300):
        raise ConfirmacionInvalida("El motivo debe ser texto de hasta 300 caracteres.")
    try:
        resultado = ResultadoBanco(datos.get("resultado"))
    except ValueError:
        raise ConfirmacionInvalida("El resultado debe ser «aprobado» o «rechazado».") from None
    return Confirmacion(
        proveedor=clave,
        referencia=_texto(datos, "referencia", RE_REFERENCIA),
        importe=Decimal(_texto(datos, "importe", RE_IMPORTE)),
        moneda=_texto(datos, "moneda", re.compile(r"[A-Z]{3}")),
        resultado=resultado,
        operacion=_texto(datos, "operacion", RE_OPERACION),
        motivo=(" ".join(motivo.split()) or None) if motivo else None,
        firmada_en=firmada_en,
    )


def _texto(datos: dict[str, Any], campo: str, patron: re.Pattern[str]) -> str:
    valor = datos.get(campo)
    if not isinstance(valor, str) or not patron.fullmatch(valor):
        raise ConfirmacionInvalida(f"El campo «{campo}» falta o no tiene el formato esperado.")
    return valor


class ProveedorFirmado:
    """A provider that speaks this protocol as is: only the hosted page's address differs."""

    clave = ""
    nombre = ""

    def __init__(self, secreto: str) -> None:
        if not secreto:
            raise ValueError(f"El proveedor de pagos «{self.clave}» necesita un secreto.")
        self.secreto = secreto

    def url_pago(self, intento: IntentoPago, urls: UrlsPago) -> str:
        """Subclasses say where their hosted page is."""
        raise NotImplementedError

    def leer_confirmacion(self, cuerpo: bytes, cabeceras: Mapping[str, str]) -> Confirmacion:
        """Verify the HMAC and read the verdict."""
        return leer_firmada(self.clave, self.secreto, cuerpo, cabeceras)
