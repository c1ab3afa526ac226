"""The OpenAPI document matches the behaviour: schemathesis drives every operation in-process.

Each generated request (valid and invalid, from the document itself) goes through the WSGI
app inside the rolled-back test transaction, with a real integration token; every response
must be documented (status, content type, headers, body schema) and none may be a 5xx.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from app.api.openapi import DOCUMENTO
from tests.app.api.conftest import crear

# A body can pass the JSON Schema and still fail the portal's rules (a field a type requires,
# an e-mail or a phone, a date in the future) or the lifecycle (a note a reply needs): 422 is
# the documented answer, so it counts as acceptance of schema-valid data too.
EJEMPLOS = 25
ACEPTADOS = ["2xx", "401", "404", "409", "422"]
CONFIGURACION = schemathesis.Config.from_dict(
    {
        "checks": {"positive_data_acceptance": {"expected-statuses": ACEPTADOS}},
    }
)


OPERACIONES = [
    (ruta, metodo.upper())
    for ruta, metodos in DOCUMENTO["paths"].items()
    for metodo in metodos
    if ruta != "/openapi.json"
]


@pytest.fixture
def esquema_api(cliente: Any, bd: Any) -> Any:
    """The document as served by the app, loaded by schemathesis."""
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", cliente.application, config=CONFIGURACION
    )


@pytest.fixture
def folio_existente(cliente: Any, bd: Any, auth: dict[str, str]) -> str:
    """A real case, so that operations on /casos/{folio} reach more than the 404."""
    return str(crear(cliente, auth).get_json()["folio"])


@pytest.mark.parametrize("modo", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("ruta", "metodo"), OPERACIONES)
def test_la_api_cumple_su_documento(
    esquema_api: Any,
    cliente: Any,
    auth: dict[str, str],
    folio_existente: str,
    ruta: str,
    metodo: str,
    modo: GenerationMode,
) -> None:
    operacion = esquema_api[ruta][metodo]
    fijos = {"folio": folio_existente} if "{folio}" in ruta and modo.is_positive else None
    estrategia = operacion.as_strategy(generation_mode=modo, path_parameters=fijos)
    if modo.is_positive:  # the documented examples too: they must be accepted (201)
        ejemplos = esquema_api.get_strategies_from_examples(operacion)
        estrategia = st.one_of(estrategia, *ejemplos)

    @given(caso=estrategia)
    @settings(
        max_examples=EJEMPLOS,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def probar(caso: Any) -> None:
        if modo.is_positive and caso.query:
            # An opaque cursor is valid only as handed out in `siguiente`: a random string that
            # fits the schema is still a documented 400 (tested in test_casos.py).
            caso.query.pop("cursor", None)
        caso.call_and_validate(session=cliente, headers=auth)

    probar()


def test_el_documento_servido_es_el_de_openapi_py(cliente: Any, bd: Any) -> None:
    assert cliente.get("/api/v1/openapi.json").get_json() == DOCUMENTO
