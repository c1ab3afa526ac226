"""Fixtures for the admin tests: a signed-in administrator over the rolled-back transaction."""

from __future__ import annotations

from typing import Any

import pytest

from casos.personal import Personal, RolPersonal
from tests.soporte.personal import crear_personal, entrar_personal


@pytest.fixture
def administrador(cliente: Any, bd: Any) -> Personal:
    """An administrator, signed in on `cliente`."""
    persona = crear_personal(
        bd.session, "admin1", RolPersonal.ADMINISTRADOR, nombre="Adriana Admin"
    )
    assert entrar_personal(cliente, "admin1").status_code == 302
    return persona
