"""Who reaches the admin: a matrix over every admin URL of the URL map, CSRF on every unsafe
request, local assets only, Spanish chrome."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from casos.catalogo import Area
from casos.personal import RolPersonal
from tests.app.admin.apoyo import ocultos, texto, token_para
from tests.soporte.clientes import cliente_con_historial, entrar
from tests.soporte.personal import crear_personal, entrar_personal

ROLES = ("anonimo", "cliente", "agente", "supervisor", "administrador")


def rutas_admin(app: Any) -> list[tuple[str, str, str]]:
    """(endpoint, url, method) of every admin rule (its static files aside)."""
    rutas = []
    for regla in app.url_map.iter_rules():
        if not regla.endpoint.startswith("admin") or regla.endpoint == "admin.static":
            continue
        url = regla.rule.replace("<export_type>", "csv")
        assert "<" not in url, url
        metodo = "GET" if "GET" in (regla.methods or ()) else "POST"
        rutas.append((regla.endpoint, url, metodo))
    return sorted(rutas)


def _preparar(rol: str, cliente: Any, bd: Any) -> None:
    if rol == "cliente":
        entrar(cliente, cliente_con_historial(bd.session).cuenta)
    elif rol != "anonimo":
        crear_personal(bd.session, f"u_{rol}", RolPersonal(rol), "atencion")
        assert entrar_personal(cliente, f"u_{rol}").status_code == 302


@pytest.mark.parametrize("rol", ROLES)
def test_matriz_de_roles_sobre_cada_url_del_admin(
    rol: str, app: Any, cliente: Any, bd: Any
) -> None:
    _preparar(rol, cliente, bd)
    token = token_para(app, cliente)
    rutas = rutas_admin(app)
    assert len(rutas) > 100  # every view's list, forms, actions, AJAX and export URLs
    for endpoint, url, metodo in rutas:
        if metodo == "GET":
            respuesta = cliente.get(url)
        else:
            respuesta = cliente.post(url, data={"csrf_token": token})
        codigo = respuesta.status_code
        destino = respuesta.headers.get("Location", "")
        if rol == "anonimo":
            assert codigo == 302 and destino.startswith("/backoffice/entrar?siguiente=/admin"), (
                endpoint
            )
        elif rol == "cliente":
            assert codigo == 404, (endpoint, codigo)
        elif rol in ("agente", "supervisor"):
            assert codigo == 403, (endpoint, codigo)
        else:
            assert codigo < 500 and codigo not in (401, 403), (endpoint, codigo)
            assert not destino.startswith("/backoffice/entrar"), endpoint
        respuesta.close()


def test_post_sin_token_csrf_se_rechaza(cliente: Any, bd: Any, administrador: Any) -> None:
    antes = bd.session.scalars(select(Area.clave)).all()
    for url in ("/admin/areas/new/", "/admin/areas/action/", "/admin/oficinas/delete/"):
        respuesta = cliente.post(url, data={"clave": "nueva", "nombre": "Área nueva", "id": "1"})
        assert respuesta.status_code == 400, url
        assert "formulario caducó" in texto(respuesta)
    assert bd.session.scalars(select(Area.clave)).all() == antes
    html = cliente.get("/admin/areas/new/").get_data(as_text=True)
    datos = {**ocultos(html), "clave": "nueva", "nombre": "Área nueva", "es_activa": "y"}
    assert cliente.post("/admin/areas/new/", data=datos).status_code == 302
    assert "nueva" in bd.session.scalars(select(Area.clave)).all()


def test_token_de_otra_sesion_no_sirve(app: Any, cliente: Any, bd: Any, administrador: Any) -> None:
    otro = app.test_client()
    ajeno = ocultos(otro.get("/backoffice/entrar").get_data(as_text=True))["csrf_token"]
    datos = {"csrf_token": ajeno, "clave": "x1", "nombre": "Área x1"}
    assert cliente.post("/admin/areas/new/", data=datos).status_code == 400


def test_recursos_locales_y_textos_en_espanol(cliente: Any, administrador: Any) -> None:
    for url in ("/admin/", "/admin/areas/", "/admin/tipos-caso/new/", "/admin/auditoria/"):
        respuesta = cliente.get(url)
        assert respuesta.status_code == 200, url
        html = respuesta.get_data(as_text=True)
        externos = re.findall(r'(?:src|href)="(https?:)?//[^"]*"', html)
        assert externos == [], (url, externos)
        assert "/admin/static/" in html  # Flask-Admin's own theme, served from the package
        assert "Volver a la atención" in html and 'href="/backoffice/"' in html
    lista = texto(cliente.get("/admin/areas/"))
    for palabra in ("Catálogos", "Tipos de caso", "Clave", "Nombre", "Activa", "Crear", "Lista"):
        assert palabra in lista, palabra
    assert "Create" not in lista and "Delete" not in lista
