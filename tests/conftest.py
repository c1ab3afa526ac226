"""Shared fixtures. The database is SQLite or a real PostgreSQL started here (OV_TEST_DB).

Domain tests (tests/casos) get a plain SQLAlchemy session and never build a Flask app; web
tests share one session-scoped app. Each test runs inside a transaction rolled back at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

import casos.modelos_todos  # noqa: F401
from casos import semilla
from casos.base import Base
from casos.bd import crear_motor
from casos.correo import configurar_correo
from casos.cuentas.enlaces import configurar_enlaces
from tests.soporte.postgres import ServidorPostgres

MOTOR_BD = os.environ.get("OV_TEST_DB", "sqlite")
BASE_URL_PRUEBAS = "http://ov.pruebas"


def pytest_report_header() -> str:
    return f"base de datos de pruebas: {MOTOR_BD}"


@pytest.fixture(scope="session")
def servidor_pg() -> Iterator[ServidorPostgres | None]:
    """A throwaway PostgreSQL cluster for the whole session (only when OV_TEST_DB=postgresql)."""
    if MOTOR_BD != "postgresql":
        yield None
        return
    servidor = ServidorPostgres().iniciar()
    try:
        yield servidor
    finally:
        servidor.detener()


@pytest.fixture(scope="session")
def nueva_bd(
    servidor_pg: ServidorPostgres | None, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """Make an empty database of the chosen engine and return its URL."""

    def crear(nombre: str) -> str:
        sufijo = f"{nombre}_{uuid.uuid4().hex[:8]}"
        if servidor_pg is not None:
            return servidor_pg.crear_bd(sufijo)
        carpeta: Path = tmp_path_factory.mktemp("bd")
        return f"sqlite:///{carpeta / (sufijo + '.sqlite3')}"

    return crear


def preparar_esquema(url: str) -> Engine:
    """Create every table and load the catalogs (committed) in a fresh database."""
    motor = crear_motor(url)
    Base.metadata.create_all(motor)
    with Session(motor) as sesion, sesion.begin():
        semilla.cargar_catalogos(sesion)
    return motor


@pytest.fixture(scope="session")
def motor(nueva_bd: Callable[[str], str]) -> Iterator[Engine]:
    """The domain tests' database, with the schema and the catalogs."""
    configurar_correo(BASE_URL_PRUEBAS)
    configurar_enlaces("clave-de-firma-de-pruebas")
    motor = preparar_esquema(nueva_bd("dominio"))
    yield motor
    motor.dispose()


@pytest.fixture
def sesion(motor: Engine) -> Iterator[Session]:
    """A session whose every change is rolled back after the test (commits become savepoints)."""
    with motor.connect() as conexion:
        transaccion = conexion.begin()
        sesion = Session(
            bind=conexion, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield sesion
        finally:
            sesion.close()
            transaccion.rollback()


@pytest.fixture
def ahora() -> datetime:
    """A fixed working instant: Tuesday 24/11/2026 10:00 in Querétaro."""
    return datetime(2026, 11, 24, 16, 0, tzinfo=UTC)


# --- web app ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def app(nueva_bd: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One app for the whole session, its database brought up by the Alembic migrations."""
    from flask_migrate import upgrade

    from app import create_app

    url = nueva_bd("web")
    buzon = tmp_path_factory.mktemp("buzon")
    aplicacion = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "BASE_URL": BASE_URL_PRUEBAS,
            "BUZON_DESARROLLO": str(buzon),
            "CARPETA_ADJUNTOS": str(tmp_path_factory.mktemp("adjuntos")),
            "SERVER_NAME": None,
        }
    )
    with aplicacion.app_context():
        upgrade()
        from app.extensiones import db

        semilla.cargar_catalogos(db.session)
        db.session.commit()
    yield aplicacion
    with aplicacion.app_context():
        db.engine.dispose()


@pytest.fixture
def bd(app: Any) -> Iterator[Any]:
    """Route every request's session to one connection whose transaction is rolled back."""
    from flask_sqlalchemy.session import _app_ctx_id

    from app.extensiones import db

    with app.app_context():
        conexion = db.engine.connect()
        transaccion = conexion.begin()
        original = db.session
        fabrica = sessionmaker(bind=conexion, join_transaction_mode="create_savepoint")
        db.session = scoped_session(fabrica, scopefunc=_app_ctx_id)
        try:
            yield db
        finally:
            db.session.remove()
            db.session = original
            transaccion.rollback()
            conexion.close()


@pytest.fixture
def cliente(app: Any, bd: Any) -> Iterator[Any]:
    """A test client over the rolled-back transaction.

    Requests share the test's app context (the `bd` fixture keeps one pushed), so before each
    request the client does what a fresh request context would: it commits what the test wrote
    (a savepoint release: the outer transaction still rolls back), so the request starts its
    own transaction, and it empties `g` (the loaded user, the CSRF token). Every client built
    with `app.test_client()` during the test behaves the same."""
    from flask import g
    from flask.testing import FlaskClient

    class ClientePruebas(FlaskClient):
        def open(self, *args: Any, **kwargs: Any) -> Any:
            bd.session.commit()
            for nombre in list(g):
                g.pop(nombre)
            return super().open(*args, **kwargs)

    anterior = app.test_client_class
    app.test_client_class = ClientePruebas
    try:
        yield app.test_client()
    finally:
        app.test_client_class = anterior
