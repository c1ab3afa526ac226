"""Starting an online payment: the bill's balance, an unguessable reference, one at a time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from casos.errores import NoEncontrado, TransicionInvalida
from casos.pagos.intentos import (
    es_sin_confirmar,
    facturas_por_pagar,
    iniciar_pago,
    intento_de_cuenta,
    intentos_de_cuenta,
)
from casos.pagos.modelos import EstadoPago
from tests.casos.cuentas import fabricas_bloqueos as fb
from tests.casos.pagos import fabricas_pagos as fp


def test_inicia_un_intento_pendiente_por_el_saldo(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora, saldo="345.60")

    intento = fp.intento(sesion, cuenta, factura, ahora)

    assert intento.estado is EstadoPago.PENDIENTE and intento.resuelto_en is None
    assert intento.importe == Decimal("345.60") and intento.proveedor == "sandbox"
    assert intento.cuenta_id == cuenta.id and intento.contrato_id == factura.contrato_id
    assert intento.referencia.startswith("OV") and len(intento.referencia) == 34
    assert intento.confirmaciones == [] and intento.pago_id is None


def test_las_referencias_no_se_repiten_ni_se_adivinan(sesion: Session, ahora: datetime) -> None:
    referencias = set()
    for _ in range(5):
        cuenta, factura = fp.cliente(sesion, ahora)
        referencias.add(fp.intento(sesion, cuenta, factura, ahora).referencia)
    assert len(referencias) == 5
    assert len({r[:10] for r in referencias}) == 5  # random, not a counter


def test_un_segundo_clic_reutiliza_el_intento_reciente(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    primero = fp.intento(sesion, cuenta, factura, ahora)

    assert fp.intento(sesion, cuenta, factura, ahora + timedelta(minutes=29)).id == primero.id
    tarde = fp.intento(sesion, cuenta, factura, ahora + timedelta(minutes=31))
    assert tarde.id != primero.id


def test_si_cambio_el_saldo_es_otro_intento(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora, saldo="345.60")
    primero = fp.intento(sesion, cuenta, factura, ahora)
    factura.saldo = Decimal("100.00")  # a partial payment at the bank was imported meanwhile

    segundo = fp.intento(sesion, cuenta, factura, ahora + timedelta(minutes=1))

    assert segundo.id != primero.id and segundo.importe == Decimal("100.00")


def test_una_factura_pagada_no_se_paga(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    fb.pagar(sesion, factura)

    with pytest.raises(TransicionInvalida, match="ya está pagada"):
        fp.intento(sesion, cuenta, factura, ahora)


def test_la_factura_de_un_contrato_no_vinculado_no_existe(sesion: Session, ahora: datetime) -> None:
    cuenta, _ = fp.cliente(sesion, ahora)
    _, ajena = fp.cliente(sesion, ahora)  # same holder's name, another account's contract

    with pytest.raises(NoEncontrado):
        fp.intento(sesion, cuenta, ajena, ahora)
    with pytest.raises(NoEncontrado):
        iniciar_pago(sesion, cuenta, 999_999_999, "sandbox", fp.BANCO, ahora)


def test_consultas_de_la_cuenta(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    pagada = fb.factura(sesion, factura.contrato, date(2026, 10, 30), "0", ahora, total="90")
    intento = fp.intento(sesion, cuenta, factura, ahora)
    otra_cuenta, otra_factura = fp.cliente(sesion, ahora)
    ajeno = fp.intento(sesion, otra_cuenta, otra_factura, ahora)

    assert facturas_por_pagar(sesion, cuenta) == [factura]
    assert pagada not in facturas_por_pagar(sesion, cuenta)
    assert intentos_de_cuenta(sesion, cuenta) == [intento]
    assert intento_de_cuenta(sesion, cuenta, intento.referencia) is intento
    with pytest.raises(NoEncontrado):
        intento_de_cuenta(sesion, cuenta, ajeno.referencia)


def test_pendiente_por_horas_es_sin_confirmar(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    intento = fp.intento(sesion, cuenta, factura, ahora)

    assert not es_sin_confirmar(intento, ahora + timedelta(hours=2))
    assert es_sin_confirmar(intento, ahora + timedelta(hours=2, minutes=1))
