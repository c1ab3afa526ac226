"""The Alembic migrations build exactly the models' schema, go down cleanly and up again."""

from __future__ import annotations

import pprint
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensiones import db
from casos import semilla
from casos.base import Base, FechaHoraUTC

TABLAS_DEL_PROYECTO = frozenset(Base.metadata.tables)


@pytest.fixture
def app_migraciones(nueva_bd: Callable[[str], str], app: Any) -> Iterator[Any]:
    """An app over a fresh empty database, inside its app context."""
    aplicacion = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": nueva_bd("migraciones"),
            # Same as the session app: create_app sets the (global) address used in emails.
            "BASE_URL": app.config["BASE_URL"],
            "BUZON_DESARROLLO": None,
        }
    )
    with aplicacion.app_context():
        try:
            yield aplicacion
        finally:
            db.session.remove()
            db.engine.dispose()


def _diferencias() -> list[Any]:
    with db.engine.connect() as conexion:
        contexto = MigrationContext.configure(conexion, opts={"compare_type": True})
        return compare_metadata(contexto, Base.metadata)


def _tablas() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def _revision_actual() -> str | None:
    with db.engine.connect() as conexion:
        return MigrationContext.configure(conexion).get_current_revision()


def test_esquema_migrado_igual_a_los_modelos(app_migraciones: Any) -> None:
    assert _tablas() == set()
    flask_migrate.upgrade()

    cabezas = ScriptDirectory.from_config(
        app_migraciones.extensions["migrate"].migrate.get_config()
    ).get_heads()
    assert len(cabezas) == 1, f"las migraciones tienen varias cabezas: {cabezas}"
    assert _revision_actual() == cabezas[0]
    assert _tablas() == TABLAS_DEL_PROYECTO | {"alembic_version"}

    diferencias = _diferencias()
    assert diferencias == [], (
        "El esquema de las migraciones no coincide con los modelos; falta una migración:\n"
        + pprint.pformat(diferencias)
    )


def test_downgrade_a_base_y_upgrade_de_nuevo(app_migraciones: Any) -> None:
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="base")

    assert _tablas() <= {"alembic_version"}, f"quedaron tablas: {_tablas()}"
    assert _revision_actual() is None

    flask_migrate.upgrade()
    assert _tablas() == TABLAS_DEL_PROYECTO | {"alembic_version"}
    assert _revision_actual() is not None
    diferencias = _diferencias()
    assert diferencias == [], pprint.pformat(diferencias)


INSERTAR_CASO = sa.text(
    "INSERT INTO casos (folio, canal, tipo_id, area_id, estado, descripcion, datos, "
    "solicitante_nombre, creado_en, actualizado_en, resuelto_en, cerrado_en, sla_estado, "
    "sla_explicacion, version) "
    "VALUES (:folio, 'portal', :tipo_id, :area_id, :estado, 'Prueba', '{}', 'María López', "
    ":en, :en, :resuelto_en, :cerrado_en, 'en_tiempo', '{}', 1)"
).bindparams(
    sa.bindparam("en", type_=FechaHoraUTC()),
    sa.bindparam("resuelto_en", type_=FechaHoraUTC()),
    sa.bindparam("cerrado_en", type_=FechaHoraUTC()),
)


def test_restricciones_check_existen_en_la_bd(app_migraciones: Any) -> None:
    flask_migrate.upgrade()
    semilla.cargar_catalogos(db.session)
    db.session.commit()

    en = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    with db.engine.connect() as conexion:
        transaccion = conexion.begin()
        try:
            tipo_id, area_id = conexion.execute(
                sa.text("SELECT id, area_id FROM tipos_caso WHERE clave = 'altos_consumos'")
            ).one()
            comunes = {"tipo_id": tipo_id, "area_id": area_id, "en": en}

            # A closed case with its dates is accepted...
            conexion.execute(
                INSERTAR_CASO,
                {
                    **comunes,
                    "folio": "OV-1",
                    "estado": "cerrado",
                    "resuelto_en": en,
                    "cerrado_en": en,
                },
            )
            # ...but "cerrado" without cerrado_en is refused by the database itself.
            with pytest.raises(IntegrityError) as error, conexion.begin_nested():
                conexion.execute(
                    INSERTAR_CASO,
                    {
                        **comunes,
                        "folio": "OV-2",
                        "estado": "cerrado",
                        "resuelto_en": en,
                        "cerrado_en": None,
                    },
                )
            assert "ck_casos_cerrado_con_fecha" in str(error.value)

            # An unknown state breaks the non-native enum's CHECK as well.
            with pytest.raises(IntegrityError), conexion.begin_nested():
                conexion.execute(
                    INSERTAR_CASO,
                    {
                        **comunes,
                        "folio": "OV-3",
                        "estado": "archivado",
                        "resuelto_en": None,
                        "cerrado_en": None,
                    },
                )
            total = conexion.execute(sa.text("SELECT COUNT(*) FROM casos")).scalar_one()
            assert total == 1
        finally:
            transaccion.rollback()
