"""The provider's signed confirmation through the real endpoint: replayed, forged, malformed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from casos.actores import Actor
from casos.comercial.modelos import Pago
from casos.pagos.intentos import iniciar_pago
from casos.pagos.modelos import EstadoPago, IntentoPago
from casos.pagos.protocolo import ResultadoBanco, cabeceras_firmadas, cuerpo_confirmacion
from tests.app.pagos.ayudas import reloj
from tests.soporte.clientes import cliente_con_historial

__all__ = ["reloj"]  # the fixture, imported for these tests
URL = "/pagos/confirmacion/sandbox"


@pytest.fixture
def intento(bd: Any, reloj: Any, ahora: datetime) -> IntentoPago:
    """A pending sandbox attempt for a customer's unpaid bill (committed)."""
    h = cliente_con_historial(bd.session, meses=2)
    actor = Actor.ciudadano(str(h.cuenta.usuario), h.cuenta.id)
    nuevo = iniciar_pago(bd.session, h.cuenta, h.facturas[-1].id, "sandbox", actor, ahora)
    bd.session.commit()
    return nuevo


def _entregar(
    cliente: Any,
    app: Any,
    intento: IntentoPago,
    firmada_en: datetime,
    *,
    importe: Decimal | None = None,
    referencia: str | None = None,
    secreto: str | None = None,
    operacion: str = "SBX-HTTP-1",
) -> Any:
    cuerpo = cuerpo_confirmacion(
        referencia or intento.referencia,
        intento.importe if importe is None else importe,
        ResultadoBanco.APROBADO,
        operacion,
    )
    cabeceras = cabeceras_firmadas(secreto or app.config["PAGOS_SECRETO"], cuerpo, firmada_en)
    return cliente.post(URL, data=cuerpo, headers=cabeceras, content_type="application/json")


def _pagos(bd: Any, intento: IntentoPago) -> int:
    consulta = select(func.count()).select_from(Pago).where(Pago.factura_id == intento.factura_id)
    return int(bd.session.scalar(consulta))


def _estado(bd: Any, intento: IntentoPago) -> EstadoPago:
    bd.session.refresh(intento)
    return intento.estado


def test_confirmacion_repetida_paga_una_vez(
    bd: Any, cliente: Any, app: Any, intento: IntentoPago, ahora: datetime
) -> None:
    primera = _entregar(cliente, app, intento, ahora)
    assert primera.status_code == 200  # no CSRF token: the signature authenticates the bank
    assert primera.get_json() == {
        "aceptada": True,
        "efecto": "aplicada",
        "referencia": intento.referencia,
        "estado": "aplicado",
    }
    segunda = _entregar(cliente, app, intento, ahora)
    assert segunda.status_code == 200 and segunda.get_json()["efecto"] == "repetida"

    assert _pagos(bd, intento) == 1 and _estado(bd, intento) is EstadoPago.APLICADO
    assert [r["efecto"] for r in intento.confirmaciones] == ["aplicada", "repetida"]


def test_confirmacion_falsificada_se_rechaza_y_se_registra_en_el_log(
    bd: Any,
    cliente: Any,
    app: Any,
    intento: IntentoPago,
    ahora: datetime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        respuesta = _entregar(cliente, app, intento, ahora, secreto="lo-adivine")

    assert respuesta.status_code == 400
    assert respuesta.get_json() == {
        "aceptada": False,
        "error": "La firma no corresponde al cuerpo.",
    }
    assert _estado(bd, intento) is EstadoPago.PENDIENTE and _pagos(bd, intento) == 0
    assert intento.confirmaciones == []
    assert "Confirmación de pago descartada (sandbox" in caplog.text


def test_confirmacion_vieja_se_rechaza(
    bd: Any, cliente: Any, app: Any, intento: IntentoPago, ahora: datetime
) -> None:
    respuesta = _entregar(cliente, app, intento, ahora - timedelta(minutes=10))
    assert respuesta.status_code == 400
    assert _estado(bd, intento) is EstadoPago.PENDIENTE and _pagos(bd, intento) == 0


def test_importe_distinto_se_responde_pero_no_se_aplica(
    bd: Any, cliente: Any, app: Any, intento: IntentoPago, ahora: datetime
) -> None:
    respuesta = _entregar(cliente, app, intento, ahora, importe=Decimal("1.00"))

    assert respuesta.status_code == 200 and respuesta.get_json()["estado"] == "rechazado"
    assert _estado(bd, intento) is EstadoPago.RECHAZADO and _pagos(bd, intento) == 0
    assert "no coincide" in (intento.motivo or "")


def test_referencia_desconocida(
    bd: Any, cliente: Any, app: Any, intento: IntentoPago, ahora: datetime
) -> None:
    respuesta = _entregar(cliente, app, intento, ahora, referencia="OV" + "F" * 32)
    assert respuesta.status_code == 400 and "No hay un intento" in respuesta.get_json()["error"]
    assert _estado(bd, intento) is EstadoPago.PENDIENTE


@pytest.mark.parametrize(
    ("cuerpo", "cabeceras"),
    [
        (b"", {}),
        (b"no es json", {}),
        (b'{"version":1}', {"OV-Pago-Fecha": "x", "OV-Pago-Firma": "v1=zz"}),
        (b"\x00" * 9000, {}),
    ],
)
def test_entradas_basura_responden_400(
    cliente: Any, intento: IntentoPago, cuerpo: bytes, cabeceras: dict[str, str]
) -> None:
    respuesta = cliente.post(URL, data=cuerpo, headers=cabeceras)
    assert respuesta.status_code == 400 and respuesta.get_json()["aceptada"] is False


def test_cuerpo_invalido_bien_firmado_responde_400(
    cliente: Any, app: Any, intento: IntentoPago, ahora: datetime
) -> None:
    cuerpo = b'{"version":1,"referencia":"x"}'
    cabeceras = cabeceras_firmadas(app.config["PAGOS_SECRETO"], cuerpo, ahora)
    assert cliente.post(URL, data=cuerpo, headers=cabeceras).status_code == 400


def test_proveedor_desconocido_y_metodo_incorrecto(cliente: Any, reloj: Any) -> None:
    assert cliente.post("/pagos/confirmacion/otro-banco", data=b"{}").status_code == 404
    assert cliente.get(URL).status_code == 405
