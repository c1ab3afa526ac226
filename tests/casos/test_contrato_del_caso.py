"""The contract beside the case: holder, bills, payments, earlier cases, in few queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session

from casos.contrato_del_caso import contrato_del_caso
from tests.casos import fabricas
from tests.soporte.clientes import cliente_con_historial


@contextmanager
def _contar(sesion: Session) -> Iterator[list[str]]:
    sentencias: list[str] = []
    conexion = sesion.connection()

    def anotar(*args: object) -> None:
        sentencias.append(str(args[2]))

    event.listen(conexion, "before_cursor_execute", anotar)
    try:
        yield sentencias
    finally:
        event.remove(conexion, "before_cursor_execute", anotar)


def test_contrato_con_historial(sesion: Session, ahora: datetime) -> None:
    historial = cliente_con_historial(sesion, meses=26)
    numero = historial.contrato.numero
    anterior = fabricas.caso(sesion, ahora, tipo="altos_consumos", contrato=numero)
    caso = fabricas.caso(sesion, ahora, tipo="altos_consumos", contrato=numero)
    sesion.flush()
    with _contar(sesion) as sentencias:
        vista = contrato_del_caso(sesion, caso)
    assert len(sentencias) == 4
    assert vista.contrato is not None and vista.contrato.titular == historial.contrato.titular
    assert len(vista.facturas) == 12 and vista.facturas[0].periodo > vista.facturas[-1].periodo
    assert vista.saldo == historial.facturas[-1].total  # one unpaid bill
    assert [c.folio for c in vista.casos_previos] == [anterior.folio]
    assert len(vista.serie) == 12 and vista.serie[-1].destacado
    assert vista.pagos and vista.pagos[0].canal == "Banco"
    assert vista.mensaje is None


def test_mismas_consultas_con_poco_historial(sesion: Session, ahora: datetime) -> None:
    historial = cliente_con_historial(sesion, meses=2)
    caso = fabricas.caso(sesion, ahora, tipo="altos_consumos", contrato=historial.contrato.numero)
    sesion.flush()
    with _contar(sesion) as sentencias:
        contrato_del_caso(sesion, caso)
    assert len(sentencias) == 4


def test_sin_contrato_o_desconocido(sesion: Session, ahora: datetime) -> None:
    caso = fabricas.caso(sesion, ahora, contrato="")
    assert contrato_del_caso(sesion, caso).mensaje == "La solicitud no indica número de contrato."
    caso = fabricas.caso(sesion, ahora, contrato="999999")
    vista = contrato_del_caso(sesion, caso)
    assert vista.contrato is None and "no existe en el sistema comercial" in (vista.mensaje or "")
