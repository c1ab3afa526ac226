"""The signed confirmation: HMAC over the raw body, strict reading, nothing trusted unsigned."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from casos.pagos.protocolo import (
    CABECERA_FECHA,
    CABECERA_FIRMA,
    LARGO_MAXIMO_CUERPO,
    Confirmacion,
    ConfirmacionInvalida,
    ResultadoBanco,
    UrlsPago,
    cabeceras_firmadas,
    cuerpo_confirmacion,
    firmar,
    leer_firmada,
)
from casos.pagos.proveedores import crear_proveedor, registrar_proveedor
from casos.pagos.sandbox import ProveedorSandbox, cumple_luhn
from tests.casos.pagos.fabricas_pagos import SECRETO

AHORA = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
REFERENCIA = "OV0123456789ABCDEF0123456789ABCDEF"


def _cuerpo(**cambios: object) -> bytes:
    datos: dict[str, object] = {
        "version": 1,
        "referencia": REFERENCIA,
        "importe": "345.60",
        "moneda": "MXN",
        "resultado": "aprobado",
        "operacion": "BBVA-1118-7790544",
        "motivo": None,
    }
    datos.update(cambios)
    return json.dumps(datos).encode()


def _leer(cuerpo: bytes, cabeceras: dict[str, str] | None = None) -> Confirmacion:
    cabeceras = cabeceras if cabeceras is not None else cabeceras_firmadas(SECRETO, cuerpo, AHORA)
    return leer_firmada("sandbox", SECRETO, cuerpo, cabeceras)


def test_una_confirmacion_bien_firmada_se_lee() -> None:
    cuerpo = cuerpo_confirmacion(
        REFERENCIA, Decimal("345.60"), ResultadoBanco.RECHAZADO, "OP-1", "  Fondos\n insuficientes "
    )
    leida = leer_firmada("sandbox", SECRETO, cuerpo, cabeceras_firmadas(SECRETO, cuerpo, AHORA))

    assert leida.proveedor == "sandbox" and leida.referencia == REFERENCIA
    assert leida.importe == Decimal("345.60") and leida.moneda == "MXN"
    assert leida.resultado is ResultadoBanco.RECHAZADO and leida.operacion == "OP-1"
    assert leida.motivo == "Fondos insuficientes"
    assert leida.firmada_en == AHORA


def test_la_firma_es_hmac_sha256_de_fecha_punto_cuerpo() -> None:
    cuerpo = b'{"version":1}'
    esperada = hmac.new(b"secreto", b"1795622400." + cuerpo, hashlib.sha256).hexdigest()
    assert firmar("secreto", cuerpo, 1795622400) == "v1=" + esperada


def test_las_cabeceras_no_distinguen_mayusculas() -> None:
    cuerpo = _cuerpo()
    cabeceras = {k.lower(): v for k, v in cabeceras_firmadas(SECRETO, cuerpo, AHORA).items()}
    assert _leer(cuerpo, cabeceras)


def test_firma_con_otro_secreto_se_rechaza() -> None:
    cuerpo = _cuerpo()
    with pytest.raises(ConfirmacionInvalida, match="firma no corresponde"):
        _leer(cuerpo, cabeceras_firmadas("otro-secreto", cuerpo, AHORA))


def test_cuerpo_alterado_despues_de_firmar_se_rechaza() -> None:
    cabeceras = cabeceras_firmadas(SECRETO, _cuerpo(), AHORA)
    with pytest.raises(ConfirmacionInvalida, match="firma no corresponde"):
        _leer(_cuerpo(importe="1.00"), cabeceras)


def test_cambiar_la_fecha_invalida_la_firma() -> None:
    cuerpo = _cuerpo()
    cabeceras = cabeceras_firmadas(SECRETO, cuerpo, AHORA - timedelta(hours=1))
    cabeceras[CABECERA_FECHA] = str(int(AHORA.timestamp()))  # "refresh" a captured message
    with pytest.raises(ConfirmacionInvalida, match="firma no corresponde"):
        _leer(cuerpo, cabeceras)


@pytest.mark.parametrize(
    "cabeceras",
    [
        {},
        {CABECERA_FECHA: "1795622400"},
        {CABECERA_FIRMA: "v1=" + "0" * 64},
        {CABECERA_FECHA: "ayer", CABECERA_FIRMA: "v1=" + "0" * 64},
        {CABECERA_FECHA: "1795622400", CABECERA_FIRMA: "sha256=" + "0" * 64},
        {CABECERA_FECHA: "1795622400", CABECERA_FIRMA: "v1=xyz"},
        {CABECERA_FECHA: "999999999999", CABECERA_FIRMA: "v1=" + "0" * 64},
    ],
)
def test_cabeceras_faltantes_o_mal_formadas(cabeceras: dict[str, str]) -> None:
    with pytest.raises(ConfirmacionInvalida):
        _leer(_cuerpo(), cabeceras)


@pytest.mark.parametrize(
    "cuerpo",
    [
        b"no es json",
        b"\xff\xfe",
        b"[]",
        _cuerpo(version=2),
        _cuerpo(referencia="corta"),
        _cuerpo(referencia="OV../../etc/passwd-0000"),
        _cuerpo(importe=345.6),
        _cuerpo(importe="1e3"),
        _cuerpo(importe="-5.00"),
        _cuerpo(moneda="pesos"),
        _cuerpo(resultado="quizá"),
        _cuerpo(operacion=""),
        _cuerpo(operacion="con espacios"),
        _cuerpo(motivo=7),
        _cuerpo(motivo="x" * 301),
    ],
)
def test_cuerpos_invalidos_aunque_esten_firmados(cuerpo: bytes) -> None:
    with pytest.raises(ConfirmacionInvalida):
        _leer(cuerpo)


def test_cuerpo_demasiado_grande() -> None:
    cuerpo = _cuerpo(motivo=None, relleno="x" * LARGO_MAXIMO_CUERPO)
    with pytest.raises(ConfirmacionInvalida, match="demasiado grande"):
        _leer(cuerpo)


def test_la_huella_es_del_veredicto_no_de_la_entrega() -> None:
    cuerpo = _cuerpo()
    primera = _leer(cuerpo, cabeceras_firmadas(SECRETO, cuerpo, AHORA))
    segunda = _leer(cuerpo, cabeceras_firmadas(SECRETO, cuerpo, AHORA + timedelta(minutes=3)))
    otra = _leer(_cuerpo(resultado="rechazado"))
    assert primera.huella() == segunda.huella() != otra.huella()


def test_vigencia_de_cinco_minutos_en_ambos_sentidos() -> None:
    leida = _leer(_cuerpo())
    assert leida.es_vigente(AHORA + timedelta(minutes=5))
    assert not leida.es_vigente(AHORA + timedelta(minutes=5, seconds=1))
    assert not leida.es_vigente(AHORA - timedelta(minutes=6))


def test_registro_de_proveedores() -> None:
    proveedor = crear_proveedor("sandbox", SECRETO)
    assert isinstance(proveedor, ProveedorSandbox) and proveedor.nombre == "Banco de pruebas"
    urls = UrlsPago("https://ov/regreso", "https://ov/confirmacion", "/pagos/sandbox/x")
    assert proveedor.url_pago(None, urls) == "/pagos/sandbox/x"  # type: ignore[arg-type]
    with pytest.raises(Exception, match="No hay un proveedor"):
        crear_proveedor("banco-inexistente", SECRETO)
    with pytest.raises(ValueError, match="secreto"):
        crear_proveedor("sandbox", None)
    with pytest.raises(ValueError):
        registrar_proveedor("con espacio", ProveedorSandbox)


def test_tarjetas_de_prueba_cumplen_luhn() -> None:
    assert cumple_luhn("4242424242424242") and cumple_luhn("4000000000000002")
    assert not cumple_luhn("4242424242424241") and not cumple_luhn("42")
