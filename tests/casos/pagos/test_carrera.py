"""Two deliveries of the same confirmation racing in two connections apply the payment once.

A applies and holds its transaction open; B starts meanwhile and must wait on A's lock (the
attempt row FOR UPDATE on PostgreSQL, the write lock on SQLite), then find the attempt applied.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from casos.bd import es_sqlite, iniciar_escritura
from casos.comercial.modelos import Pago
from casos.pagos.confirmacion import Efecto, confirmar_pago
from casos.pagos.modelos import EstadoPago, IntentoPago
from casos.pagos.protocolo import Confirmacion
from tests.casos.pagos import fabricas_pagos as fp
from tests.conftest import preparar_esquema

ESPERA = 20  # seconds: a deadlock fails the test instead of hanging it


def _esperando_bloqueo(motor: Engine) -> bool:
    """PostgreSQL: some other connection of this database is waiting on a row lock."""
    consulta = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with motor.connect() as conexion:
        return bool(conexion.scalar(consulta))


def _hasta(condicion: Callable[[], bool]) -> bool:
    limite = time.monotonic() + ESPERA
    while time.monotonic() < limite:
        if condicion():
            return True
        time.sleep(0.02)
    return False


def test_dos_confirmaciones_simultaneas_aplican_una_vez(
    nueva_bd: Callable[[str], str], ahora: datetime
) -> None:
    motor = preparar_esquema(nueva_bd("pagos_carrera"))
    try:
        with Session(motor, expire_on_commit=False) as sesion, sesion.begin():
            cuenta, factura = fp.cliente(sesion, ahora)
            intento = fp.intento(sesion, cuenta, factura, ahora)
        confirmacion = fp.confirmacion(intento, ahora)
        efectos = _carrera(motor, confirmacion, ahora)

        assert efectos == {"a": Efecto.APLICADA, "b": Efecto.REPETIDA}
        with Session(motor) as sesion:
            pagos = sesion.scalar(
                select(func.count()).select_from(Pago).where(Pago.factura_id == factura.id)
            )
            final = sesion.get(IntentoPago, intento.id)
            assert pagos == 1 and final is not None and final.estado is EstadoPago.APLICADO
            assert [r["efecto"] for r in final.confirmaciones] == ["aplicada", "repetida"]
    finally:
        motor.dispose()


def _carrera(motor: Engine, confirmacion: Confirmacion, ahora: datetime) -> dict[str, Efecto]:
    efectos: dict[str, Efecto] = {}
    errores: list[str] = []
    aplicado, soltar = threading.Event(), threading.Event()

    def confirmar(nombre: str, retener: bool) -> None:
        try:
            with Session(motor) as sesion, sesion.begin():
                iniciar_escritura(sesion)
                efectos[nombre] = confirmar_pago(sesion, confirmacion, fp.BANCO, ahora).efecto
                if retener:
                    aplicado.set()
                    soltar.wait(ESPERA)
        except Exception as error:  # reported below: a thread's exception is otherwise lost
            errores.append(f"{nombre}: {error!r}")
            aplicado.set()

    a = threading.Thread(target=confirmar, args=("a", True))
    b = threading.Thread(target=confirmar, args=("b", False))
    a.start()
    assert aplicado.wait(ESPERA) and not errores, errores
    b.start()
    if not es_sqlite(motor):
        assert _hasta(lambda: _esperando_bloqueo(motor)), "B no esperó el bloqueo de A"
    b.join(timeout=0.3)
    assert b.is_alive(), "B terminó mientras A tenía la transacción abierta"
    soltar.set()
    a.join(ESPERA)
    b.join(ESPERA)
    assert errores == []
    return efectos
