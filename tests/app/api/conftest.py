"""Fixtures of the API tests: an integration token and a client that sends it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from casos.actores import Actor
from casos.integraciones import TokenIntegracion, crear_token

ADMIN = Actor.personal("Administración de pruebas", 1, origen="127.0.0.1")


def nuevo_token(bd: Any, nombre: str = "Centro de llamadas") -> tuple[TokenIntegracion, str]:
    """A fresh integration token (committed as a savepoint) and its secret."""
    fila, secreto = crear_token(bd.session, nombre, ADMIN, datetime.now(UTC))
    bd.session.commit()
    return fila, secreto


@pytest.fixture
def token(bd: Any) -> tuple[TokenIntegracion, str]:
    """The call center's token."""
    return nuevo_token(bd)


@pytest.fixture
def auth(token: tuple[TokenIntegracion, str]) -> dict[str, str]:
    """The Authorization header of `token`."""
    return {"Authorization": f"Bearer {token[1]}"}


CASO_VALIDO: dict[str, Any] = {
    "tipo": "altos_consumos",
    "descripcion": "El recibo de octubre llegó al triple de lo normal.",
    "solicitante_nombre": "María López",
    "solicitante_email": "maria@ejemplo.mx",
    "contrato": "100234",
}


def crear(cliente: Any, auth: dict[str, str], **cambios: Any) -> Any:
    """POST /api/v1/casos with a valid body (changed by `cambios`)."""
    return cliente.post("/api/v1/casos", json={**CASO_VALIDO, **cambios}, headers=auth)
