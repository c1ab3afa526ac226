"""What the *Mis Consumos* views share: the signed-in account and its contract, or a 404."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort
from werkzeug.wrappers import Response

from app.auth import cuenta_actual
from app.extensiones import db
from casos.comercial.consumos import contrato_de_cuenta
from casos.comercial.modelos import Contrato
from casos.cuentas.modelos import Cuenta


def ahora() -> datetime:
    """The request's instant (UTC-aware)."""
    return datetime.now(UTC)


def cuenta() -> Cuenta:
    """The signed-in account (guaranteed by cuenta_requerida)."""
    actual = cuenta_actual()
    assert actual is not None
    return actual


def contrato_o_404(contrato_id: int) -> tuple[Contrato, int]:
    """The contract if linked to the signed-in account (and how many it has); 404 otherwise,
    the same answer as for an id that does not exist."""
    encontrado = contrato_de_cuenta(db.session, cuenta().id, contrato_id)
    if encontrado is None:
        abort(404)
    return encontrado


def privada(respuesta: Response) -> Response:
    """Personal data: never kept by a shared cache or the browser's disk cache."""
    respuesta.headers["Cache-Control"] = "private, no-store, max-age=0"
    respuesta.headers["X-Content-Type-Options"] = "nosniff"
    return respuesta
