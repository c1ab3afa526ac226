"""Concurrent filing from several processes: every folio once, no gaps, no "database is locked".

Eight worker processes (spawned, like separate gunicorn workers) each file 250 cases through
their own engine, one transaction per filing, on a fresh file database (SQLite in WAL mode,
or the test PostgreSQL server).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import casos.modelos_todos  # noqa: F401
from casos.actores import Actor
from casos.bd import crear_motor, iniciar_escritura
from casos.folios import ContadorFolio
from casos.modelos import Caso
from casos.registro import DatosCaso, registrar_caso
from tests.conftest import preparar_esquema

PROCESOS = 8
POR_PROCESO = 250
TOTAL = PROCESOS * POR_PROCESO
AHORA = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)


def registrar_lote(url: str, proceso: int, cantidad: int) -> tuple[list[str], list[str]]:
    """Worker: file `cantidad` cases, each in its own transaction; return folios and errors."""
    motor = crear_motor(url)
    folios: list[str] = []
    errores: list[str] = []
    actor = Actor.ciudadano(f"Vecino {proceso}")
    try:
        for numero in range(cantidad):
            datos = DatosCaso(
                tipo="consulta_general",
                descripcion=f"Solicitud {numero} del proceso {proceso}.",
                solicitante_nombre=f"Vecino {proceso}",
                solicitante_email=f"vecino{proceso}.{numero}@ejemplo.mx",
            )
            try:
                with Session(motor) as sesion, sesion.begin():
                    iniciar_escritura(sesion)
                    folios.append(registrar_caso(sesion, datos, actor, AHORA).folio)
            except Exception as error:
                errores.append(f"proceso {proceso}, solicitud {numero}: {error!r}")
    finally:
        motor.dispose()
    return folios, errores


@pytest.mark.lenta
def test_registro_concurrente_en_varios_procesos(nueva_bd: Callable[[str], str]) -> None:
    url = nueva_bd("concurrencia")
    assert ":memory:" not in url
    motor = preparar_esquema(url)
    try:
        contexto = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=PROCESOS, mp_context=contexto) as grupo:
            futuros = [
                grupo.submit(registrar_lote, url, proceso, POR_PROCESO)
                for proceso in range(PROCESOS)
            ]
            resultados = [futuro.result(timeout=600) for futuro in futuros]

        errores = [error for _, errores_proceso in resultados for error in errores_proceso]
        assert errores == []
        assert not any("database is locked" in error for error in errores)
        folios = [folio for folios_proceso, _ in resultados for folio in folios_proceso]
        assert all(len(folios_proceso) == POR_PROCESO for folios_proceso, _ in resultados)
        assert len(folios) == TOTAL and len(set(folios)) == TOTAL
        assert all(folio.startswith("OV-2026-") for folio in folios)
        assert sorted(int(folio.rsplit("-", 1)[1]) for folio in folios) == list(range(1, TOTAL + 1))

        with Session(motor) as sesion:
            assert sesion.scalar(select(func.count()).select_from(Caso)) == TOTAL
            assert set(sesion.scalars(select(Caso.folio))) == set(folios)
            contador = sesion.get_one(ContadorFolio, ("OV", 2026))
            assert contador.ultimo == TOTAL
    finally:
        motor.dispose()
