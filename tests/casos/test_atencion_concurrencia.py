"""Two agents act on the same case at the same moment: the second flush finds the version moved
(StaleDataError) and nothing of it is written. Real commits on two connections, cleaned up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from casos.actores import Actor
from casos.atencion import Comando, ejecutar
from casos.correo import CorreoSalida
from casos.estados import Accion
from casos.modelos import Caso
from tests.casos import fabricas

YO = Actor.personal("Ana", 1, origen="127.0.0.1")
OTRA = Actor.personal("Luis", 2, origen="127.0.0.2")


@pytest.fixture
def caso_id(motor: Engine, ahora: datetime) -> Iterator[int]:
    """A committed case, deleted afterwards."""
    with Session(motor) as sesion, sesion.begin():
        caso = fabricas.caso(sesion, ahora)
        sesion.flush()
        identificador = caso.id
    yield identificador
    with Session(motor) as sesion, sesion.begin():
        sesion.execute(delete(CorreoSalida).where(CorreoSalida.caso_id == identificador))
        sesion.execute(delete(Caso).where(Caso.id == identificador))


def test_escritura_concurrente_da_stale_data(motor: Engine, ahora: datetime, caso_id: int) -> None:
    with Session(motor) as una, Session(motor, expire_on_commit=False) as otra:
        caso_a, caso_b = una.get(Caso, caso_id), otra.get(Caso, caso_id)
        assert caso_a is not None and caso_b is not None
        version = caso_a.version
        assert caso_b.version == version  # both pages loaded the same version
        caso_b.eventos  # noqa: B018 - loaded now, as the page did
        otra.commit()  # its read ends (SQLite would refuse to upgrade a stale snapshot)
        despues = ahora + timedelta(minutes=5)
        ejecutar(una, caso_a, Comando(Accion.NOTA_INTERNA, "Primero.", version), YO, despues)
        una.commit()
        with pytest.raises(StaleDataError):
            ejecutar(otra, caso_b, Comando(Accion.RESPONDER, "Segundo.", version), OTRA, despues)
        otra.rollback()
    with Session(motor) as sesion:
        caso = sesion.get(Caso, caso_id)
        assert caso is not None and [e.nota for e in caso.eventos][-1] == "Primero."
        assert caso.version > version
