"""Role matrix of the back office and the API, generated from the URL map.

Every `backoffice.*` route (sign-in and sign-out aside) is requested by an anonymous visitor, a
signed-in customer, an agent, a supervisor and an administrator; a new route without a row
here fails the test, so nobody adds a page without deciding who may open it. Unsafe methods
without their CSRF token are refused for everyone; an agent never reaches another area's case.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from casos.catalogo import Area
from casos.modelos import Caso
from casos.personal import RolPersonal
from tests.casos import fabricas
from tests.soporte.clientes import cliente_con_historial, entrar
from tests.soporte.formularios import token_csrf
from tests.soporte.personal import crear_personal, entrar_personal

ROLES = ("anonimo", "cliente", "agente", "supervisor", "administrador")
LIBRES = {"backoffice.entrar", "backoffice.salir"}

# endpoint -> (query string, expected status per role for GET on a case of the agent's area)
ESPERADO: dict[str, tuple[str, dict[str, int]]] = {
    "backoffice.bandeja": ("", {"agente": 200, "supervisor": 200, "administrador": 200}),
    "backoffice.caso": ("", {"agente": 200, "supervisor": 200, "administrador": 200}),
    # No file with that key: found by nobody, but only after the case's area was checked.
    "backoffice.adjunto": ("", {"agente": 404, "supervisor": 404, "administrador": 404}),
    "backoffice.bandeja_exportar": (
        "formato=csv",
        {"agente": 403, "supervisor": 200, "administrador": 200},
    ),
    "backoffice.tablero": ("", {"agente": 403, "supervisor": 200, "administrador": 200}),
    "backoffice.tablero_exportar": (
        "lista=por_vencer&formato=csv",
        {"agente": 403, "supervisor": 200, "administrador": 200},
    ),
    "backoffice.bandeja_acciones": ("", {}),  # POST only
    "backoffice.caso_accion": ("", {}),  # POST only
}


@pytest.fixture
def escenario(bd: Any) -> dict[str, Any]:
    """A case of the staff's area, another area's case, staff of each role, a customer."""
    s = bd.session
    crear_personal(s, "ana", RolPersonal.AGENTE, "atencion")
    crear_personal(s, "sofia", RolPersonal.SUPERVISOR, "atencion")
    crear_personal(s, "raul", RolPersonal.ADMINISTRADOR)
    crear_personal(s, "otro", RolPersonal.AGENTE, "area_ajena")
    propio = fabricas.caso(s, datetime.now(UTC) - timedelta(hours=2))
    ajeno = fabricas.caso(s, datetime.now(UTC) - timedelta(hours=1))
    ajeno.area_id = s.scalar(select(Area.id).where(Area.clave == "area_ajena"))
    historial = cliente_con_historial(s, meses=1)
    s.commit()
    return {"propio": propio, "ajeno": ajeno, "cuenta": historial.cuenta}


def _entrar_como(cliente: Any, rol: str, escenario: dict[str, Any]) -> None:
    usuarios = {"agente": "ana", "supervisor": "sofia", "administrador": "raul"}
    if rol == "cliente":
        entrar(cliente, escenario["cuenta"])
    elif rol in usuarios:
        assert entrar_personal(cliente, usuarios[rol]).status_code == 302


def _reglas(app: Any) -> list[Any]:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint.startswith("backoffice.")),
        key=lambda r: r.endpoint,
    )


def _url(regla: Any, caso: Caso) -> str:
    valores = {"folio": caso.folio, "clave": "nota_interna"}
    if regla.endpoint == "backoffice.adjunto":
        valores["clave"] = "no-existe"
    return regla.build(valores, append_unknown=False)[1]


def test_cada_ruta_del_backoffice_tiene_su_fila(app: Any) -> None:
    endpoints = {r.endpoint for r in _reglas(app)} - LIBRES
    assert endpoints == set(ESPERADO)


@pytest.mark.parametrize("rol", ROLES)
def test_lectura_segun_rol(app: Any, cliente: Any, escenario: dict[str, Any], rol: str) -> None:
    _entrar_como(cliente, rol, escenario)
    for regla in _reglas(app):
        if regla.endpoint in LIBRES or "GET" not in regla.methods:
            continue
        consulta, codigos = ESPERADO[regla.endpoint]
        url = _url(regla, escenario["propio"]) + (f"?{consulta}" if consulta else "")
        respuesta = cliente.get(url)
        respuesta.close()
        if rol == "anonimo":
            assert respuesta.status_code == 302, url
            assert respuesta.headers["Location"].startswith("/backoffice/entrar?siguiente=")
        elif rol == "cliente":
            assert respuesta.status_code == 404, url
        else:
            assert respuesta.status_code == codigos[rol], (rol, url)


@pytest.mark.parametrize("rol", ["agente", "supervisor"])
def test_caso_de_otra_area_no_existe_para_el_personal(
    app: Any, cliente: Any, escenario: dict[str, Any], rol: str
) -> None:
    _entrar_como(cliente, rol, escenario)
    for regla in _reglas(app):
        if "folio" in regla.arguments and "GET" in regla.methods:
            respuesta = cliente.get(_url(regla, escenario["ajeno"]))
            assert respuesta.status_code == 404, regla.endpoint
    html = cliente.get("/backoffice/").get_data(as_text=True)
    datos = {"csrf_token": token_csrf(html), "version": "1", "nota": "Intento"}
    ajeno = escenario["ajeno"]
    respuesta = cliente.post(f"/backoffice/casos/{ajeno.folio}/acciones/nota_interna", data=datos)
    assert respuesta.status_code == 404


def test_el_administrador_ve_el_caso_de_cualquier_area(
    cliente: Any, escenario: dict[str, Any]
) -> None:
    _entrar_como(cliente, "administrador", escenario)
    assert cliente.get(f"/backoffice/casos/{escenario['ajeno'].folio}").status_code == 200


@pytest.mark.parametrize("rol", ROLES)
def test_escritura_sin_token_csrf_rechazada(
    app: Any, cliente: Any, escenario: dict[str, Any], rol: str
) -> None:
    _entrar_como(cliente, rol, escenario)
    for regla in _reglas(app):
        if "POST" not in regla.methods or regla.endpoint == "backoffice.entrar":
            continue
        respuesta = cliente.post(_url(regla, escenario["propio"]), data={"nota": "x"})
        assert respuesta.status_code == 400, (rol, regla.endpoint)
        assert "El formulario caducó" in respuesta.get_data(as_text=True)
