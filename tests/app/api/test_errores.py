"""Every bad request gets a 4xx JSON error, never an HTML page or a 500."""

from __future__ import annotations

from typing import Any

import pytest

from app.api.entrada import TAMANO_MAXIMO


def _error(respuesta: Any, estado: int, codigo: str) -> dict[str, Any]:
    assert respuesta.status_code == estado, respuesta.get_data(as_text=True)[:300]
    assert respuesta.mimetype == "application/json"
    error = respuesta.get_json()["error"]
    assert error["codigo"] == codigo and error["mensaje"]
    return error


def _post(cliente: Any, auth: Any, datos: bytes, tipo: str = "application/json") -> Any:
    return cliente.post("/api/v1/casos", data=datos, headers={**auth, "Content-Type": tipo})


@pytest.mark.parametrize(
    "datos",
    [b"{", b"", b"{'tipo': 1}", b'{"tipo": NaN}', b"[" * 100_000, b'{"a": 1' + b"0" * 5000 + b"}"],
)
def test_json_mal_formado_da_400(cliente: Any, bd: Any, auth: Any, datos: bytes) -> None:
    _error(_post(cliente, auth, datos), 400, "json_invalido")


def test_cuerpo_no_utf8_da_400(cliente: Any, bd: Any, auth: Any) -> None:
    _error(_post(cliente, auth, '{"tipo": "ñ"}'.encode("latin-1")), 400, "json_invalido")


@pytest.mark.parametrize("tipo", ["text/plain", "application/x-www-form-urlencoded",
                                  "application/json; charset=latin-1"])  # fmt: skip
def test_tipo_de_contenido_da_415(cliente: Any, bd: Any, auth: Any, tipo: str) -> None:
    _error(_post(cliente, auth, b'{"tipo": "x"}', tipo), 415, "tipo_contenido")


@pytest.mark.parametrize("cuerpo", [b"[]", b'"texto"', b"42", b"null"])
def test_json_que_no_es_objeto_da_422(cliente: Any, bd: Any, auth: Any, cuerpo: bytes) -> None:
    _error(_post(cliente, auth, cuerpo), 422, "datos_invalidos")


def test_cuerpo_demasiado_grande_da_413(cliente: Any, bd: Any, auth: Any) -> None:
    relleno = b'{"descripcion": "' + b"x" * TAMANO_MAXIMO + b'"}'
    _error(_post(cliente, auth, relleno), 413, "demasiado_grande")


def test_metodo_no_permitido_da_405_json_con_allow(cliente: Any, bd: Any, auth: Any) -> None:
    respuesta = cliente.delete("/api/v1/casos", headers=auth)
    _error(respuesta, 405, "metodo_no_permitido")
    assert {"GET", "POST"} <= {m.strip() for m in respuesta.headers["Allow"].split(",")}
    _error(cliente.put("/api/v1/tipos"), 405, "metodo_no_permitido")


@pytest.mark.parametrize("ruta", ["/api/v1/nada", "/api/v2/casos", "/api/", "/api/v1/casos/a/b"])
def test_ruta_desconocida_da_404_json(cliente: Any, bd: Any, ruta: str) -> None:
    _error(cliente.get(ruta), 404, "no_encontrado")


def test_fuera_de_la_api_siguen_las_paginas_html(cliente: Any, bd: Any) -> None:
    respuesta = cliente.get("/no-existe")
    assert respuesta.status_code == 404 and respuesta.mimetype == "text/html"
