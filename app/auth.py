"""Who is signed in: Flask-Login over server-side sessions (casos.sesiones).

The signed cookie holds `_user_id = "c:<key>"` (a customer) or `"p:<key>"` (staff); the key is
valid only while its SesionWeb row is open and unexpired, so logging out on the server ends a
copied cookie too. The idle limit is kept in the signed cookie (`ov_actividad`), so reading a
page never writes to the database. Views commit once after `iniciar_sesion_*` /
`cerrar_sesion_actual`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast, overload
from urllib.parse import urlsplit

from flask import Flask, current_app, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from app.extensiones import db
from casos.actores import Actor
from casos.cuentas.modelos import Cuenta, EstadoCuenta
from casos.personal import Personal
from casos.sesiones import abrir_sesion, cerrar_sesion, sesion_vigente

F = TypeVar("F", bound=Callable[..., Any])

CLAVE_ACTIVIDAD = "ov_actividad"  # epoch seconds of the last request, in the signed cookie
# Rewrite the activity mark at most this often: fewer Set-Cookie headers, same protection.
REFRESCO_ACTIVIDAD = 60

login_manager = LoginManager()


class UsuarioWeb(UserMixin):
    """The signed-in browser as Flask-Login sees it: a customer or a staff member."""

    def __init__(self, clave: str, cuenta: Cuenta | None = None, personal: Personal | None = None):
        self.clave = clave
        self.cuenta = cuenta
        self.personal = personal

    def get_id(self) -> str:
        """ "c:<session key>" for customers, "p:<session key>" for staff."""
        return f"{'c' if self.cuenta is not None else 'p'}:{self.clave}"


def _ahora() -> datetime:
    return datetime.now(UTC)


def configurar_auth(app: Flask) -> None:
    """Set up Flask-Login, the trusted proxies and the idle-time bookkeeping for the app."""
    login_manager.init_app(app)
    login_manager.session_protection = None  # fixation is handled by session.clear() at login
    login_manager.login_view = "acceso.entrar"
    login_manager.user_loader(_cargar_usuario)
    login_manager.unauthorized_handler(_pedir_acceso)
    proxies = int(app.config.get("PROXIES", 0))
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.after_request(_marcar_actividad)
    app.context_processor(
        lambda: {"cuenta_actual": cuenta_actual(), "personal_actual": personal_actual()}
    )
    app.jinja_env.globals["ruta_opcional"] = ruta_opcional


def ruta_opcional(endpoint: str, defecto: str | None = None, **valores: Any) -> str | None:
    """url_for, or `defecto` while the endpoint's blueprint is not registered (header links)."""
    try:
        return url_for(endpoint, **valores)
    except BuildError:
        return defecto


def _inactividad() -> timedelta:
    return cast(timedelta, current_app.config.get("INACTIVIDAD_SESION", timedelta(minutes=30)))


def _cargar_usuario(user_id: str) -> UsuarioWeb | None:
    """Flask-Login's user_loader: the cookie's key must match an open session row."""
    tipo, _, clave = user_id.partition(":")
    ahora = _ahora()
    actividad = session.get(CLAVE_ACTIVIDAD)
    if not isinstance(actividad, int | float) or (
        ahora - datetime.fromtimestamp(actividad, UTC) > _inactividad()
    ):
        session.clear()  # idle too long: the cookie no longer signs anyone in
        return None
    fila = sesion_vigente(db.session, clave, ahora)
    if fila is None:
        return None
    if tipo == "c" and fila.cuenta_id is not None:
        cuenta = db.session.get(Cuenta, fila.cuenta_id)
        if cuenta is not None and cuenta.estado is EstadoCuenta.ACTIVA:
            return UsuarioWeb(clave, cuenta=cuenta)
    elif tipo == "p" and fila.personal_id is not None:
        personal = db.session.get(Personal, fila.personal_id)
        if personal is not None and personal.es_activo:
            return UsuarioWeb(clave, personal=personal)
    return None


def _marcar_actividad(respuesta: Response) -> Response:
    """Refresh the idle mark in the cookie of a signed-in browser."""
    if current_user and current_user.is_authenticated:
        ahora = int(_ahora().timestamp())
        if ahora - int(session.get(CLAVE_ACTIVIDAD, 0)) >= REFRESCO_ACTIVIDAD:
            session[CLAVE_ACTIVIDAD] = ahora
    return respuesta


def _entrar(usuario_web: UsuarioWeb) -> None:
    # A fresh cookie at every sign-in (session fixation): nothing from before survives.
    session.clear()
    login_user(usuario_web, remember=False)
    session[CLAVE_ACTIVIDAD] = int(_ahora().timestamp())


def iniciar_sesion_cuenta(cuenta: Cuenta) -> None:
    """Sign the customer in: a server-side session row plus the cookie (the view commits)."""
    _, clave = abrir_sesion(
        db.session,
        cuenta_id=cuenta.id,
        origen=ip_cliente(),
        agente=request.user_agent.string,
        ahora=_ahora(),
    )
    _entrar(UsuarioWeb(clave, cuenta=cuenta))


def iniciar_sesion_personal(personal: Personal) -> None:
    """Sign a staff member in (for the back office; the view commits)."""
    _, clave = abrir_sesion(
        db.session,
        personal_id=personal.id,
        origen=ip_cliente(),
        agente=request.user_agent.string,
        ahora=_ahora(),
    )
    _entrar(UsuarioWeb(clave, personal=personal))


def cerrar_sesion_actual() -> None:
    """Sign out: end the server-side row and empty the cookie (the view commits)."""
    if current_user and current_user.is_authenticated:
        cerrar_sesion(db.session, cast(UsuarioWeb, current_user).clave, _ahora())
    logout_user()
    session.clear()


def cuenta_actual() -> Cuenta | None:
    """The signed-in customer's account, or None (anonymous or staff)."""
    if current_user and current_user.is_authenticated:
        return cast(UsuarioWeb, current_user).cuenta
    return None


def personal_actual() -> Personal | None:
    """The signed-in staff member, or None."""
    if current_user and current_user.is_authenticated:
        return cast(UsuarioWeb, current_user).personal
    return None


def ruta_actual() -> str:
    """The requested path with its query string, for a `siguiente` after signing in."""
    return request.full_path.rstrip("?") if request.query_string else request.path


def _pedir_acceso() -> Response:
    return redirect(url_for("acceso.entrar", siguiente=ruta_actual()))


@overload
def cuenta_requerida(vista: F, *, permite_bloqueada: bool = False) -> F: ...
@overload
def cuenta_requerida(
    vista: None = None, *, permite_bloqueada: bool = False
) -> Callable[[F], F]: ...
def cuenta_requerida(
    vista: F | None = None, *, permite_bloqueada: bool = False
) -> F | Callable[[F], F]:
    """Only for a signed-in customer; a blocked account goes to bloqueo.aviso unless allowed."""

    def decorar(funcion: F) -> F:
        @functools.wraps(funcion)
        def envoltura(*args: Any, **kwargs: Any) -> Any:
            cuenta = cuenta_actual()
            if cuenta is None:
                return _pedir_acceso()
            if cuenta.es_bloqueada and not permite_bloqueada:
                return redirect(url_for("bloqueo.aviso"))
            return funcion(*args, **kwargs)

        return cast(F, envoltura)

    return decorar(vista) if vista is not None else decorar


def ip_cliente() -> str:
    """The client's address (ProxyFix has applied the configured trusted proxies)."""
    return (request.remote_addr or "desconocida")[:64]


def actor_actual() -> Actor:
    """The signed-in customer (or staff member) as an Actor; an anonymous ciudadano otherwise."""
    cuenta = cuenta_actual()
    if cuenta is not None:
        return Actor.ciudadano(str(cuenta), cuenta.id, ip_cliente())
    personal = personal_actual()
    if personal is not None:
        return Actor.personal(personal.nombre, personal.id, ip_cliente())
    return Actor.ciudadano("Visitante", None, ip_cliente())


def destino_seguro(siguiente: str | None, defecto: str) -> str:
    """`siguiente` when it is a path on this site; `defecto` for anything else."""
    if not siguiente or len(siguiente) > 2000 or not siguiente.startswith("/"):
        return defecto
    if siguiente.startswith("//") or "\\" in siguiente:
        return defecto  # //host and /\host are other sites to a browser
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in siguiente):
        return defecto  # browsers drop tabs/newlines: "/\t/evil" becomes "//evil"
    partes = urlsplit(siguiente)
    if partes.scheme or partes.netloc:
        return defecto
    return siguiente
