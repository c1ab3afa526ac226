"""app.auth: who is signed in, the guard decorator, safe redirects, cookie and proxy settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from app import create_app
from app.auth import (
    UsuarioWeb,
    actor_actual,
    cuenta_actual,
    cuenta_requerida,
    destino_seguro,
    iniciar_sesion_cuenta,
    ip_cliente,
)
from app.extensiones import db
from casos.actores import TipoActor
from casos.base import Base
from casos.correo import configurar_correo
from casos.cuentas.enlaces import configurar_enlaces
from casos.cuentas.modelos import Cuenta
from config import cargar
from tests.casos.cuentas.test_acceso import cuenta_activa
from tests.casos.cuentas.test_acceso import hash_rapido as hash_rapido  # autouse fixture
from tests.conftest import BASE_URL_PRUEBAS
from tests.soporte.formularios import enviar

DEFECTO = "/mi-cuenta/"


@pytest.mark.parametrize(
    "siguiente",
    [
        None,
        "",
        "//evil.example/x",
        "///evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "/a\\b",
        "https://evil.example",
        "HTTPS://evil.example",
        "javascript:alert(1)",
        "data:text/html,hola",
        "evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\nLocation: x",
        "/ruta con espacio",
        "/\x00",
        "/\x7f",
        "/" + "a" * 2001,
    ],
)
def test_destino_seguro_rechaza(siguiente: str | None) -> None:
    assert destino_seguro(siguiente, DEFECTO) == DEFECTO


@pytest.mark.parametrize(
    "siguiente", ["/", "/mi-cuenta/facturas", "/contacto?tipo=consulta_general&x=1", "/a#b"]
)
def test_destino_seguro_acepta_rutas_locales(siguiente: str) -> None:
    assert destino_seguro(siguiente, DEFECTO) == siguiente


@pytest.fixture
def cuenta(bd: Any, ahora: datetime) -> Cuenta:
    nueva = cuenta_activa(bd.session, ahora)
    bd.session.commit()
    return nueva


@cuenta_requerida
def _privada() -> str:
    return "privada"


@cuenta_requerida(permite_bloqueada=True)
def _aviso() -> str:
    return "aviso"


def test_anonimo_va_a_acceso_con_siguiente(app: Any, bd: Any) -> None:
    ruta = "/mi-cuenta/facturas?anio=2026&mes=11"
    with app.test_request_context(ruta, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        respuesta = _privada()
        assert respuesta.status_code == 302
        assert respuesta.location == "/acceso?siguiente=/mi-cuenta/facturas?anio%3D2026%26mes%3D11"
        assert cuenta_actual() is None
        actor = actor_actual()
        assert actor.tipo is TipoActor.CIUDADANO and actor.id is None
        assert actor.origen == ip_cliente() == "127.0.0.1"
    with app.test_request_context("/mi-cuenta/"):
        assert _privada().location == "/acceso?siguiente=/mi-cuenta/"


def test_cuenta_firmada_pasa_y_la_bloqueada_va_al_aviso(app: Any, bd: Any, cuenta: Cuenta) -> None:
    with app.test_request_context("/mi-cuenta/", environ_base={"REMOTE_ADDR": "10.3.3.3"}):
        iniciar_sesion_cuenta(cuenta)
        assert cuenta_actual() is cuenta
        assert _privada() == "privada" and _aviso() == "aviso"
        actor = actor_actual()
        assert (actor.nombre, actor.id, actor.origen) == (cuenta.usuario, cuenta.id, "10.3.3.3")
        cuenta.es_bloqueada = True
        respuesta = _privada()
        assert respuesta.status_code == 302 and respuesta.location == "/mi-cuenta/bloqueo/"
        assert _aviso() == "aviso"


def test_id_de_usuario_lleva_la_clave_de_sesion_no_la_cuenta() -> None:
    assert UsuarioWeb("clave123", cuenta=Cuenta(id=7)).get_id() == "c:clave123"
    assert UsuarioWeb("clave456").get_id() == "p:clave456"


def test_no_se_emite_cookie_de_recordarme(cliente: Any, bd: Any, cuenta: Cuenta) -> None:
    respuesta = enviar(
        cliente, "/acceso", {"usuario": cuenta.usuario, "contrasena": "nopal azul corre despacio"}
    )
    assert respuesta.status_code == 302
    cookies = respuesta.headers.getlist("Set-Cookie")
    assert [c.split("=", 1)[0] for c in cookies] == ["ov_sesion"]
    assert "Expires" not in cookies[0]  # dies with the browser


# --- production settings ---------------------------------------------------------------------


@pytest.fixture
def produccion(monkeypatch: pytest.MonkeyPatch, app: Any) -> Iterator[Any]:
    """A production-configured app over an empty in-memory schema, behind one trusted proxy."""
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("BASE_URL", BASE_URL_PRUEBAS)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("OV_PROXIES", "1")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    aplicacion = create_app(cargar("produccion"))
    with aplicacion.app_context():
        Base.metadata.create_all(db.engine)
    yield aplicacion
    # create_app sets process-wide email/link settings: give the suite's app its own back.
    configurar_correo(BASE_URL_PRUEBAS)
    configurar_enlaces(app.config["SECRET_KEY"])


def test_cookie_de_produccion(produccion: Any) -> None:
    config = produccion.config
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_NAME"] == "ov_sesion"
    assert config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 12 * 3600
    respuesta = produccion.test_client().get("/acceso", base_url="https://ov.pruebas")
    [cookie] = respuesta.headers.getlist("Set-Cookie")
    assert cookie.startswith("ov_sesion=")
    for bandera in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert bandera in cookie.split("; ")


def test_proxies_de_confianza(produccion: Any) -> None:
    assert isinstance(produccion.wsgi_app, ProxyFix)
    assert produccion.wsgi_app.x_for == 1 and produccion.wsgi_app.x_proto == 1
    with produccion.test_request_context(
        "/", environ_base={"REMOTE_ADDR": "10.0.0.2"}, headers={"X-Forwarded-For": "1.2.3.4"}
    ):
        # ProxyFix is WSGI middleware: a bare request context shows the raw peer.
        assert ip_cliente() == "10.0.0.2"
    entorno = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "9.9.9.9, 1.2.3.4"}
    visto: dict[str, str] = {}

    def aplicacion(environ: dict[str, str], iniciar: Any) -> list[bytes]:
        visto["ip"] = environ["REMOTE_ADDR"]
        iniciar("204 No Content", [])
        return []

    ProxyFix(aplicacion, x_for=1)(entorno, lambda *_: None)  # type: ignore[arg-type]
    assert visto["ip"] == "1.2.3.4"  # only the last hop, added by our one proxy, is believed


def test_sin_proxies_no_hay_proxyfix(app: Any) -> None:
    assert app.config["PROXIES"] == 0
    assert not isinstance(app.wsgi_app, ProxyFix)
