"""*Banco de pruebas*: a provider that charges nothing, for development, tests and demos.

Its hosted page is served by this app (pasarela.sandbox). When the customer "pays" there, it
builds and signs exactly the confirmation a real bank would POST and hands it to the same
handler the real endpoint uses, so the whole flow — signature included — runs here.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from casos.pagos.modelos import IntentoPago
from casos.pagos.protocolo import (
    ProveedorFirmado,
    ResultadoBanco,
    UrlsPago,
    cabeceras_firmadas,
    cuerpo_confirmacion,
)

CLAVE_SANDBOX = "sandbox"
TARJETA_APROBADA = "4242424242424242"
TARJETA_RECHAZADA = "4000000000000002"
MOTIVO_DECLINADA = "El banco emisor declinó la tarjeta (fondos insuficientes)."
MOTIVO_CANCELADO = "Usted canceló el pago en la página del banco; no se hizo ningún cargo."
TARJETAS_PRUEBA: dict[str, tuple[ResultadoBanco, str | None]] = {
    TARJETA_APROBADA: (ResultadoBanco.APROBADO, None),
    TARJETA_RECHAZADA: (ResultadoBanco.RECHAZADO, MOTIVO_DECLINADA),
}


def solo_digitos(numero: str) -> str:
    """A card number as typed (spaces, dashes) reduced to its digits."""
    return "".join(c for c in numero if c.isdigit())


def cumple_luhn(numero: str) -> bool:
    """The check digit every card number carries (catches most typing mistakes)."""
    digitos = [int(c) for c in reversed(numero)]
    suma = sum(digitos[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digitos[1::2])
    return len(digitos) >= 12 and suma % 10 == 0


class ProveedorSandbox(ProveedorFirmado):
    """The test bank: signs its confirmations with the configured secret like a real one."""

    clave = CLAVE_SANDBOX
    nombre = "Banco de pruebas"

    def url_pago(self, intento: IntentoPago, urls: UrlsPago) -> str:
        """The hosted page this app serves itself."""
        return urls.pagina_local

    def cobrar(
        self, intento: IntentoPago, tarjeta: str, ahora: datetime
    ) -> tuple[bytes, dict[str, str]]:
        """The signed confirmation (body, headers) for a test card; KeyError for another."""
        resultado, motivo = TARJETAS_PRUEBA[solo_digitos(tarjeta)]
        return self._confirmacion(intento, resultado, motivo, ahora)

    def cancelar(self, intento: IntentoPago, ahora: datetime) -> tuple[bytes, dict[str, str]]:
        """The customer gave up on the bank's page: a signed refusal, like many banks send."""
        return self._confirmacion(intento, ResultadoBanco.RECHAZADO, MOTIVO_CANCELADO, ahora)

    def _confirmacion(
        self,
        intento: IntentoPago,
        resultado: ResultadoBanco,
        motivo: str | None,
        ahora: datetime,
    ) -> tuple[bytes, dict[str, str]]:
        operacion = "SBX-" + secrets.token_hex(8).upper()
        cuerpo = cuerpo_confirmacion(
            intento.referencia, intento.importe, resultado, operacion, motivo
        )
        return cuerpo, cabeceras_firmadas(self.secreto, cuerpo, ahora)
