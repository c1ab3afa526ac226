"""Bearer tokens: missing, wrong, revoked and cookie-only requests get a JSON 401."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from casos.integraciones import TokenIntegracion, revocar_token
from casos.personal import RolPersonal
from tests.app.api.conftest import ADMIN
from tests.soporte.personal import crear_personal, entrar_personal


def _es_401(respuesta: Any) -> None:
    assert respuesta.status_code == 401
    assert respuesta.headers["WWW-Authenticate"].startswith("Bearer")
    assert respuesta.is_json
    assert respuesta.get_json()["error"]["codigo"] == "no_autenticado"


@pytest.mark.parametrize(
    "cabecera",
    [
        None,
        "Bearer",
        "Bearer ovt_no-existe",
        "Basic dXN1YXJpbzpjbGF2ZQ==",
        "Bearer " + "ovt_" + "x" * 500,
        "Bearer ovt_\u00e9\u00e9",
    ],
)
def test_sin_token_valido_da_401(cliente: Any, bd: Any, cabecera: str | None) -> None:
    cabeceras = {"Authorization": cabecera} if cabecera else {}
    for metodo, ruta in [("get", "/api/v1/casos"), ("post", "/api/v1/casos")]:
        _es_401(getattr(cliente, metodo)(ruta, headers=cabeceras, json={}))


def test_token_revocado_da_401(cliente: Any, bd: Any, token: Any, auth: dict[str, str]) -> None:
    assert cliente.get("/api/v1/tipos", headers=auth).status_code == 200
    revocar_token(bd.session, token[0], ADMIN, datetime.now(UTC))
    _es_401(cliente.get("/api/v1/tipos", headers=auth))


def test_la_sesion_del_personal_no_autentica_la_api(cliente: Any, bd: Any) -> None:
    crear_personal(bd.session, "ana", RolPersonal.ADMINISTRADOR, "atencion")
    assert entrar_personal(cliente, "ana").status_code == 302
    _es_401(cliente.get("/api/v1/casos"))
    _es_401(cliente.post("/api/v1/casos", json={"tipo": "consulta_general"}))


def test_el_uso_del_token_queda_guardado(
    cliente: Any, bd: Any, token: tuple[TokenIntegracion, str], auth: dict[str, str]
) -> None:
    assert token[0].ultimo_uso_en is None
    assert cliente.get("/api/v1/areas", headers=auth).status_code == 200
    bd.session.expire_all()
    assert bd.session.get(TokenIntegracion, token[0].id).ultimo_uso_en is not None


def test_el_documento_openapi_es_publico(cliente: Any, bd: Any) -> None:
    respuesta = cliente.get("/api/v1/openapi.json")
    assert respuesta.status_code == 200
    assert respuesta.get_json()["openapi"].startswith("3.1")
