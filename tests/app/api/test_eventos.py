"""POST /casos/{folio}/eventos: actions through casos.atencion.ejecutar, conflicts, audit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from casos.modelos import Caso
from tests.app.api.conftest import crear


def _evento(cliente: Any, auth: Any, folio: str, **cuerpo: Any) -> Any:
    return cliente.post(f"/api/v1/casos/{folio}/eventos", json=cuerpo, headers=auth)


def test_nota_interna_queda_en_el_historial_como_integracion(
    cliente: Any, bd: Any, auth: Any
) -> None:
    folio = crear(cliente, auth).get_json()["folio"]
    respuesta = _evento(cliente, auth, folio, accion="nota_interna", nota="Llamó de nuevo.")
    assert respuesta.status_code == 201
    cuerpo = respuesta.get_json()
    assert cuerpo["evento"]["accion"] == "nota_interna" and not cuerpo["evento"]["es_publico"]
    assert cuerpo["evento"]["actor"] == {"tipo": "integracion", "nombre": "Centro de llamadas"}
    assert cuerpo["caso"]["folio"] == folio
    caso = bd.session.scalar(select(Caso).where(Caso.folio == folio))
    ultimo = caso.eventos[-1]
    assert (ultimo.actor_tipo, ultimo.actor_origen) == ("integracion", "127.0.0.1")
    historial = cliente.get(f"/api/v1/casos/{folio}", headers=auth).get_json()["eventos"]
    assert [e["accion"] for e in historial] == ["registrar", "nota_interna"]


def test_responder_resolver_y_cerrar(cliente: Any, bd: Any, auth: Any) -> None:
    folio = crear(cliente, auth).get_json()["folio"]
    respuesta = _evento(cliente, auth, folio, accion="responder", nota="Revisaremos su lectura.")
    assert respuesta.status_code == 201
    leido = cliente.get(f"/api/v1/casos/{folio}", headers=auth).get_json()
    assert leido["eventos"][-1]["es_publico"] is True


def test_transicion_invalida_da_409(cliente: Any, bd: Any, auth: Any) -> None:
    folio = crear(cliente, auth).get_json()["folio"]
    respuesta = _evento(cliente, auth, folio, accion="cerrar")
    assert respuesta.status_code == 409
    assert respuesta.get_json()["error"]["codigo"] == "transicion_invalida"


def test_version_desactualizada_da_409(cliente: Any, bd: Any, auth: Any) -> None:
    creado = crear(cliente, auth).get_json()
    folio, version = creado["folio"], creado["version"]
    primero = _evento(cliente, auth, folio, accion="nota_interna", nota="a", version=version)
    assert primero.status_code == 201
    assert primero.get_json()["caso"]["version"] > version
    viejo = _evento(cliente, auth, folio, accion="nota_interna", nota="b", version=version)
    assert viejo.status_code == 409
    assert viejo.get_json()["error"]["codigo"] == "conflicto_edicion"
    eventos = cliente.get(f"/api/v1/casos/{folio}", headers=auth).get_json()["eventos"]
    assert [e["nota"] for e in eventos[1:]] == ["a"]


def test_falta_la_nota_da_422(cliente: Any, bd: Any, auth: Any) -> None:
    folio = crear(cliente, auth).get_json()["folio"]
    respuesta = _evento(cliente, auth, folio, accion="responder", nota="   ")
    assert respuesta.status_code == 422
    assert "nota" in respuesta.get_json()["error"]["campos"]


def test_turnar_con_clave_de_area(cliente: Any, bd: Any, auth: Any) -> None:
    folio = crear(cliente, auth).get_json()["folio"]
    malo = _evento(cliente, auth, folio, accion="turnar", nota="x", datos={"area": "nadie"})
    assert malo.status_code == 422 and "datos.area" in malo.get_json()["error"]["campos"]
    bueno = _evento(
        cliente, auth, folio, accion="turnar", nota="Es de medición.", datos={"area": "medicion"}
    )
    assert bueno.status_code == 201, bueno.get_json()
    assert cliente.get(f"/api/v1/casos/{folio}", headers=auth).get_json()["area"]["clave"] == (
        "medicion"
    )


def test_accion_y_cuerpo_mal_formados(cliente: Any, bd: Any, auth: Any) -> None:
    folio = crear(cliente, auth).get_json()["folio"]
    for cuerpo, campo in [
        ({"accion": "asignar"}, "accion"),
        ({"accion": "nota_interna", "nota": "x", "version": "1"}, "version"),
        ({"accion": "nota_interna", "nota": "x", "version": 2**40}, "version"),
        ({"accion": "nota_interna", "nota": "x", "datos": {"area_id": 3}}, "datos.area_id"),
        ({"nota": "x"}, "accion"),
    ]:
        respuesta = _evento(cliente, auth, folio, **cuerpo)
        assert respuesta.status_code == 422, cuerpo
        assert campo in respuesta.get_json()["error"]["campos"]


def test_caso_inexistente_da_404(cliente: Any, bd: Any, auth: Any) -> None:
    respuesta = _evento(cliente, auth, "OV-2026-999999", accion="nota_interna", nota="x")
    assert respuesta.status_code == 404
