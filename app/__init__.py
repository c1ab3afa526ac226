"""The Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, request

import casos.modelos_todos  # noqa: F401  (registers every table on the metadata)
from app import cli, errores, filtros, graficas
from app.auth import configurar_auth
from app.extensiones import bootstrap, csrf, db, migrate
from casos.bd import configurar_motor, iniciar_escritura
from casos.correo import configurar_correo
from casos.cuentas.enlaces import configurar_enlaces
from config import INSTANCIA, RAIZ, Config, cargar

METODOS_LECTURA = frozenset({"GET", "HEAD", "OPTIONS"})


def create_app(config: Config | dict[str, Any] | str | None = None) -> Flask:
    """Build the app: `config` is a Config object, an environment name, or overrides (tests)."""
    app = Flask(__name__, template_folder=str(RAIZ / "plantillas"), instance_path=str(INSTANCIA))
    _cargar_config(app, config)
    _iniciar_extensiones(app)
    configurar_auth(app)
    _registrar_blueprints(app)
    errores.registrar(app)
    filtros.registrar(app)
    graficas.registrar(app)
    cli.registrar(app)
    configurar_correo(app.config["BASE_URL"])
    configurar_enlaces(app.config["SECRET_KEY"])
    return app


def _cargar_config(app: Flask, config: Config | dict[str, Any] | str | None) -> None:
    if isinstance(config, dict):
        app.config.from_object(cargar("pruebas"))
        app.config.update(config)
    else:
        app.config.from_object(config if isinstance(config, Config) else cargar(config))


def _iniciar_extensiones(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(RAIZ / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    with app.app_context():
        configurar_motor(db.engine)
    app.before_request(_abrir_transaccion)
    app.teardown_request(_cerrar_transaccion)


def _abrir_transaccion() -> None:
    """Writers (unsafe methods) take SQLite's write lock first; readers never block."""
    if request.method not in METODOS_LECTURA:
        iniciar_escritura(db.session)


def _cerrar_transaccion(error: BaseException | None) -> None:
    # The view commits once on success; anything left open is rolled back here.
    db.session.rollback()


def _registrar_blueprints(app: Flask) -> None:
    from app.cuentas import acceso, bloqueo, cuenta, registro
    from app.pagos import pasarela
    from app.pagos import vistas as pagos
    from app.portal import bp as portal
    from app.portal import consumos, contratos, gestiones, mantenimiento, seguimiento

    app.register_blueprint(portal)
    app.register_blueprint(registro.bp)
    app.register_blueprint(acceso.bp)
    app.register_blueprint(cuenta.bp, url_prefix="/mi-cuenta")
    app.register_blueprint(bloqueo.bp, url_prefix="/mi-cuenta/bloqueo")
    app.register_blueprint(contratos.bp, url_prefix="/mi-cuenta/contratos")
    app.register_blueprint(consumos.bp, url_prefix="/mi-cuenta/consumos")
    app.register_blueprint(gestiones.bp, url_prefix="/mi-cuenta/gestiones")
    app.register_blueprint(pagos.bp, url_prefix="/mi-cuenta/pagos")
    app.register_blueprint(pasarela.bp, url_prefix="/pagos")
    app.register_blueprint(seguimiento.bp, url_prefix="/seguimiento")
    mantenimiento.registrar(app)
    _registrar_personal(app)
    if app.config.get("BUZON_DESARROLLO"):
        from app.desarrollo import bp as desarrollo

        app.register_blueprint(desarrollo, url_prefix="/dev")


def _registrar_personal(app: Flask) -> None:
    """The back office, the administrators' Flask-Admin and the integrations' API."""
    from app import admin, api, backoffice

    app.register_blueprint(backoffice.bp, url_prefix="/backoffice")
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    csrf.exempt(api.bp)  # bearer tokens, never cookies: nothing for another site to forge
    admin.registrar_admin(app)
