"""Applying a provider's confirmation: once, checked, and with its effects at once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.comercial.modelos import EstatusFactura, Pago
from casos.correo import CorreoSalida
from casos.cuentas.bloqueos import bloqueos_vigentes, revisar_cuentas
from casos.cuentas.modelos import Cuenta, EventoCuenta
from casos.pagos.confirmacion import CANAL, YA_PAGADA, Efecto, confirmar_pago
from casos.pagos.modelos import EstadoPago, IntentoPago
from casos.pagos.protocolo import ConfirmacionCaducada, ConfirmacionInvalida, ResultadoBanco
from casos.pagos.sandbox import ProveedorSandbox
from tests.casos.cuentas import fabricas_bloqueos as fb
from tests.casos.pagos import fabricas_pagos as fp


def _pagos(sesion: Session, intento: IntentoPago) -> list[Pago]:
    return list(sesion.scalars(select(Pago).where(Pago.factura_id == intento.factura_id)))


def _correos(sesion: Session, cuenta: Cuenta, plantilla: str) -> list[CorreoSalida]:
    consulta = select(CorreoSalida).where(
        CorreoSalida.para == cuenta.email, CorreoSalida.plantilla == plantilla
    )
    return list(sesion.scalars(consulta))


def _confirmar(
    sesion: Session, intento: IntentoPago, ahora: datetime, **opciones: object
) -> Efecto:
    confirmacion = fp.confirmacion(intento, opciones.pop("firmada_en", ahora), **opciones)
    return confirmar_pago(sesion, confirmacion, fp.BANCO, ahora).efecto


def test_aprobado_registra_el_pago_y_salda_la_factura(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora, saldo="345.60")
    intento = fp.intento(sesion, cuenta, factura, ahora)
    despues = ahora + timedelta(minutes=2)

    assert _confirmar(sesion, intento, despues, operacion="SBX-AB12") is Efecto.APLICADA

    [pago] = _pagos(sesion, intento)
    assert pago.canal == CANAL == "en_linea" and pago.referencia == "SBX-AB12"
    assert pago.importe == Decimal("345.60") and pago.contrato_id == factura.contrato_id
    assert pago.fecha == date(2026, 11, 24) and pago.registrado_en == despues
    assert factura.saldo == 0 and factura.estatus is EstatusFactura.PAGADA
    assert intento.estado is EstadoPago.APLICADO and intento.pago_id == pago.id
    assert intento.resuelto_en == despues and intento.operacion_proveedor == "SBX-AB12"
    assert intento.motivo is None
    [registro] = intento.confirmaciones
    assert registro["efecto"] == "aplicada" and registro["operacion"] == "SBX-AB12"
    [correo] = _correos(sesion, cuenta, "pago_aplicado")
    assert correo.asunto == (
        f"Comprobante de pago SBX-AB12: recibimos $345.60 del contrato {factura.contrato.numero}"
    )
    assert "La factura de 10/2026 quedó pagada." in correo.texto
    assert f"/mi-cuenta/pagos/{intento.referencia}" in correo.texto and "SBX-AB12" in correo.html
    eventos = sesion.scalars(select(EventoCuenta).where(EventoCuenta.cuenta_id == cuenta.id))
    assert [e.accion for e in eventos] == ["pago_en_linea"]


def test_rechazado_no_toca_la_factura(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    intento = fp.intento(sesion, cuenta, factura, ahora)

    efecto = _confirmar(
        sesion, intento, ahora, resultado=ResultadoBanco.RECHAZADO, motivo="Fondos insuficientes"
    )

    assert efecto is Efecto.RECHAZADA
    assert intento.estado is EstadoPago.RECHAZADO and intento.motivo == "Fondos insuficientes"
    assert intento.pago_id is None and intento.resuelto_en == ahora
    assert _pagos(sesion, intento) == [] and factura.saldo == Decimal("345.60")
    assert factura.estatus is EstatusFactura.VENCIDA
    assert _correos(sesion, cuenta, "pago_aplicado") == []


def test_rechazado_sin_motivo_dice_que_el_banco_no_lo_aprobo(
    sesion: Session, ahora: datetime
) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    intento = fp.intento(sesion, cuenta, factura, ahora)
    _confirmar(sesion, intento, ahora, resultado=ResultadoBanco.RECHAZADO)
    assert intento.motivo == "El banco no aprobó el pago."


def test_la_misma_confirmacion_dos_veces_paga_una(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    intento = fp.intento(sesion, cuenta, factura, ahora)

    assert _confirmar(sesion, intento, ahora) is Efecto.APLICADA
    # The bank retries (new delivery time) and an attacker replays the captured message late.
    otra_vez = ahora + timedelta(minutes=1)
    assert _confirmar(sesion, intento, otra_vez, firmada_en=otra_vez) is Efecto.REPETIDA
    assert _confirmar(sesion, intento, ahora + timedelta(days=3), firmada_en=ahora) is (
        Efecto.REPETIDA
    )

    assert len(_pagos(sesion, intento)) == 1 and factura.saldo == 0
    assert [r["efecto"] for r in intento.confirmaciones] == ["aplicada", "repetida", "repetida"]
    assert len(_correos(sesion, cuenta, "pago_aplicado")) == 1


def test_otra_confirmacion_para_un_intento_resuelto_se_registra_y_se_ignora(
    sesion: Session, ahora: datetime
) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    intento = fp.intento(sesion, cuenta, factura, ahora)
    _confirmar(sesion, intento, ahora, operacion="OP-1")

    efecto = _confirmar(
        sesion, intento, ahora, resultado=ResultadoBanco.RECHAZADO, operacion="OP-2"
    )

    assert efecto is Efecto.IGNORADA
    assert intento.estado is EstadoPago.APLICADO and intento.operacion_proveedor == "OP-1"
    assert [r["efecto"] for r in intento.confirmaciones] == ["aplicada", "ignorada"]
    with pytest.raises(ConfirmacionCaducada):  # and a stale different one is not even recorded
        _confirmar(sesion, intento, ahora + timedelta(hours=1), firmada_en=ahora, operacion="OP-3")
    assert len(intento.confirmaciones) == 2


def test_una_aprobacion_tras_un_rechazo_no_se_aplica(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    intento = fp.intento(sesion, cuenta, factura, ahora)
    _confirmar(sesion, intento, ahora, resultado=ResultadoBanco.RECHAZADO, operacion="OP-1")

    assert _confirmar(sesion, intento, ahora, operacion="OP-2") is Efecto.IGNORADA
    assert intento.estado is EstadoPago.RECHAZADO and _pagos(sesion, intento) == []


@pytest.mark.parametrize("desfase", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_una_confirmacion_vieja_o_futura_no_se_toma_como_nueva(
    sesion: Session, ahora: datetime, desfase: timedelta
) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    intento = fp.intento(sesion, cuenta, factura, ahora)

    with pytest.raises(ConfirmacionCaducada):
        _confirmar(sesion, intento, ahora, firmada_en=ahora + desfase)

    assert intento.estado is EstadoPago.PENDIENTE and intento.confirmaciones == []
    assert _pagos(sesion, intento) == [] and factura.saldo > 0


def test_firma_falsificada_no_llega_al_servicio(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    intento = fp.intento(sesion, cuenta, factura, ahora)
    cuerpo, cabeceras = fp.firmada(intento, ahora, secreto="adivinado")

    with pytest.raises(ConfirmacionInvalida, match="firma"):
        ProveedorSandbox(fp.SECRETO).leer_confirmacion(cuerpo, cabeceras)


def test_importe_distinto_se_rechaza_con_motivo(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora, saldo="345.60")
    intento = fp.intento(sesion, cuenta, factura, ahora)

    assert _confirmar(sesion, intento, ahora, importe=Decimal("1.00")) is Efecto.RECHAZADA

    assert intento.estado is EstadoPago.RECHAZADO
    assert intento.motivo == (
        "El importe que confirmó el banco ($1.00) no coincide con el del pago ($345.60): "
        "no se aplicó."
    )
    assert _pagos(sesion, intento) == [] and factura.saldo == Decimal("345.60")


def test_referencia_desconocida_o_de_otro_proveedor(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    intento = fp.intento(sesion, cuenta, factura, ahora)

    with pytest.raises(ConfirmacionInvalida, match="No hay un intento"):
        _confirmar(sesion, intento, ahora, referencia="OV" + "0" * 32)
    intento.proveedor = "otro-banco"
    with pytest.raises(ConfirmacionInvalida, match="No hay un intento"):
        _confirmar(sesion, intento, ahora)
    assert intento.confirmaciones == [] and _pagos(sesion, intento) == []


def test_factura_pagada_mientras_tanto_queda_a_favor(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    intento = fp.intento(sesion, cuenta, factura, ahora)
    fb.pagar(sesion, factura)  # paid at the bank; the import posted it before the bank confirmed

    assert _confirmar(sesion, intento, ahora) is Efecto.APLICADA

    [pago] = _pagos(sesion, intento)
    assert pago.importe == intento.importe and factura.saldo == 0
    assert intento.estado is EstadoPago.APLICADO and intento.motivo == YA_PAGADA
    [correo] = _correos(sesion, cuenta, "pago_aplicado")
    assert "saldo a\nfavor" in correo.texto or "saldo a favor" in correo.texto


def test_si_la_importacion_ya_registro_la_operacion_no_se_descuenta_dos_veces(
    sesion: Session, ahora: datetime
) -> None:
    cuenta, factura = fp.cliente(sesion, ahora, saldo="345.60")
    intento = fp.intento(sesion, cuenta, factura, ahora)
    importado = Pago(
        contrato_id=factura.contrato_id,
        factura_id=factura.id,
        fecha=date(2026, 11, 24),
        importe=Decimal("345.60"),
        canal=CANAL,
        referencia="SBX-IMPORTADO",
        registrado_en=ahora,
    )
    sesion.add(importado)
    fb.pagar(sesion, factura)

    assert _confirmar(sesion, intento, ahora, operacion="SBX-IMPORTADO") is Efecto.APLICADA

    assert intento.pago_id == importado.id and _pagos(sesion, intento) == [importado]
    assert intento.motivo is None and factura.saldo == 0


def test_una_operacion_ya_usada_en_otro_pago_no_se_aplica(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    primero = fp.intento(sesion, cuenta, factura, ahora)
    _confirmar(sesion, primero, ahora, operacion="OP-DUPLICADA")
    otra_cuenta, otra_factura = fp.cliente(sesion, ahora)
    segundo = fp.intento(sesion, otra_cuenta, otra_factura, ahora)

    assert _confirmar(sesion, segundo, ahora, operacion="OP-DUPLICADA") is Efecto.RECHAZADA
    assert segundo.motivo == "La operación OP-DUPLICADA ya estaba registrada en otro pago."
    assert otra_factura.saldo > 0


def test_el_pago_levanta_el_bloqueo_por_adeudo_al_momento(sesion: Session, ahora: datetime) -> None:
    contrato = fb.contrato(sesion, ahora)
    vieja = fb.factura(sesion, contrato, date(2026, 3, 10), "300.00", ahora)
    reciente = fb.factura(sesion, contrato, date(2026, 10, 10), "290.00", ahora)
    cuenta = fb.cuenta(sesion, ahora, contrato)
    revisar_cuentas(sesion, [cuenta.id], ahora, fp.BANCO)
    assert cuenta.es_bloqueada

    intento = fp.intento(sesion, cuenta, vieja, ahora)
    _confirmar(sesion, intento, ahora)

    assert not cuenta.es_bloqueada and bloqueos_vigentes(sesion, cuenta) == []
    assert reciente.saldo == Decimal("290.00")  # still owed, but not six months overdue
    [aviso] = _correos(sesion, cuenta, "bloqueo_levantado")
    assert "ya no está bloqueada" in aviso.asunto
    [recibo] = _correos(sesion, cuenta, "pago_aplicado")
    assert "sigue bloqueada" not in recibo.texto


def test_pagar_una_de_dos_facturas_viejas_no_desbloquea(sesion: Session, ahora: datetime) -> None:
    contrato = fb.contrato(sesion, ahora)
    una = fb.factura(sesion, contrato, date(2026, 3, 10), "300.00", ahora)
    fb.factura(sesion, contrato, date(2026, 4, 10), "310.50", ahora)
    cuenta = fb.cuenta(sesion, ahora, contrato)
    revisar_cuentas(sesion, [cuenta.id], ahora, fp.BANCO)

    _confirmar(sesion, fp.intento(sesion, cuenta, una, ahora), ahora)

    assert cuenta.es_bloqueada
    [bloqueo] = bloqueos_vigentes(sesion, cuenta)
    assert bloqueo.adeudo == Decimal("310.50")  # the block now shows what is left
    [recibo] = _correos(sesion, cuenta, "pago_aplicado")
    assert "sigue bloqueada" in recibo.texto


def test_sin_cuenta_activa_no_hay_correo(sesion: Session, ahora: datetime) -> None:
    cuenta, factura = fp.cliente(sesion, ahora)
    intento = fp.intento(sesion, cuenta, factura, ahora)
    intento.cuenta_id = None  # the account was deleted meanwhile (ON DELETE SET NULL)

    assert _confirmar(sesion, intento, ahora) is Efecto.APLICADA
    assert factura.saldo == 0 and _correos(sesion, cuenta, "pago_aplicado") == []
