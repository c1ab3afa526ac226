"""Shared steps of the payment HTTP tests: a signed-in customer, *Pagar*, the sandbox bank."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from html import unescape
from typing import Any

import pytest
import time_machine

from casos.pagos.sandbox import TARJETA_APROBADA
from tests.soporte.formularios import token_csrf

INICIO = "/mi-cuenta/pagos/"
RE_SANDBOX = re.compile(r"^/pagos/sandbox/(OV[0-9A-F]{32})$")


@pytest.fixture
def reloj(ahora: datetime) -> Iterator[time_machine.Coordinates]:
    """The app reads the real clock: hold it at the `ahora` fixture (Tue 24/11/2026 10:00)."""
    with time_machine.travel(ahora, tick=False) as viaje:
        yield viaje


def texto(respuesta: Any) -> str:
    """The page's visible text on one line (tags dropped, spaces collapsed)."""
    sin_etiquetas = re.sub(r"<[^>]+>", " ", respuesta.get_data(as_text=True))
    return " ".join(unescape(sin_etiquetas).split())


def pagar(cliente: Any, factura_id: int, pagina: str = INICIO) -> Any:
    """Press *Pagar* on a page (its CSRF token)."""
    csrf = token_csrf(cliente.get(pagina).get_data(as_text=True))
    return cliente.post(f"/mi-cuenta/pagos/facturas/{factura_id}", data={"csrf_token": csrf})


def referencia_de(respuesta: Any) -> str:
    """The attempt's reference from *Pagar*'s redirect to the sandbox bank."""
    assert respuesta.status_code == 302, respuesta.get_data(as_text=True)
    encontrada = RE_SANDBOX.match(respuesta.headers["Location"])
    assert encontrada, respuesta.headers["Location"]
    return encontrada.group(1)


def en_el_banco(cliente: Any, referencia: str, **datos: str) -> Any:
    """Fill and send the sandbox bank's card form (approving card by default)."""
    url = f"/pagos/sandbox/{referencia}"
    csrf = token_csrf(cliente.get(url).get_data(as_text=True))
    campos = {"tarjeta": TARJETA_APROBADA, "vencimiento": "08/29", "cvv": "123", "pagar": "Pagar"}
    campos.update(datos)
    return cliente.post(url, data={"csrf_token": csrf, **campos})
