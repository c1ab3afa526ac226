"""Signed, single-use, expiring emailed links (casos.cuentas.enlaces)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from casos.cuentas import enlaces
from casos.cuentas.enlaces import (
    VIGENCIAS,
    EstadoEnlace,
    emitir_enlace,
    leer_enlace,
    usar_enlace,
)
from casos.cuentas.modelos import Cuenta, EnlaceCuenta, PropositoEnlace
from tests.casos.cuentas import fabricas as f

ACTIVACION = PropositoEnlace.ACTIVACION


@pytest.fixture
def cuenta(sesion: Session, ahora: datetime) -> Cuenta:
    return f.registrar(sesion, f.contrato(sesion), ahora)


def test_valido_hasta_que_vence(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    token = emitir_enlace(sesion, cuenta, ACTIVACION, ahora)
    vence = ahora + VIGENCIAS[ACTIVACION]
    leido = leer_enlace(sesion, token, ACTIVACION, vence - timedelta(seconds=1))
    assert leido.estado is EstadoEnlace.VALIDO and leido.cuenta_id == cuenta.id
    assert leer_enlace(sesion, token, ACTIVACION, vence).estado is EstadoEnlace.VENCIDO
    assert VIGENCIAS[ACTIVACION] == timedelta(hours=48)


def test_un_solo_uso(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    token = emitir_enlace(sesion, cuenta, ACTIVACION, ahora)
    leido = leer_enlace(sesion, token, ACTIVACION, ahora)
    assert leido.enlace is not None
    usar_enlace(leido.enlace, ahora)
    usado = leer_enlace(sesion, token, ACTIVACION, ahora)
    assert usado.estado is EstadoEnlace.USADO and usado.cuenta_id == cuenta.id


def test_solo_guarda_la_huella(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    token = emitir_enlace(sesion, cuenta, ACTIVACION, ahora)
    enlace = leer_enlace(sesion, token, ACTIVACION, ahora).enlace
    assert enlace is not None and len(enlace.huella) == 64
    assert enlace.huella not in token


def test_el_nuevo_anula_al_anterior(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    primero = emitir_enlace(sesion, cuenta, ACTIVACION, ahora)
    segundo = emitir_enlace(sesion, cuenta, ACTIVACION, ahora + timedelta(minutes=5))
    despues = ahora + timedelta(minutes=6)
    assert leer_enlace(sesion, primero, ACTIVACION, despues).estado is EstadoEnlace.VENCIDO
    assert leer_enlace(sesion, segundo, ACTIVACION, despues).estado is EstadoEnlace.VALIDO


def test_otro_proposito_no_sirve(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    token = emitir_enlace(sesion, cuenta, ACTIVACION, ahora)
    otro = leer_enlace(sesion, token, PropositoEnlace.RESTABLECER, ahora)
    assert otro.estado is EstadoEnlace.INVALIDO and otro.enlace is None
    # A reset link does not cancel the activation link.
    emitir_enlace(sesion, cuenta, PropositoEnlace.RESTABLECER, ahora)
    assert leer_enlace(sesion, token, ACTIVACION, ahora).estado is EstadoEnlace.VALIDO


def test_falsificado_o_alterado(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    token = emitir_enlace(sesion, cuenta, ACTIVACION, ahora)
    enlace = leer_enlace(sesion, token, ACTIVACION, ahora).enlace
    assert enlace is not None
    serializador = enlaces._firmador(ACTIVACION)
    # Alter the signature's first character: the last one of a base64 string may carry only
    # padding bits, so changing it can leave the decoded signature intact.
    i = token.rindex(".") + 1
    falsos = [
        token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :],
        serializador.dumps([enlace.id, "otro-secreto"]),  # right key, wrong secret
        serializador.dumps([enlace.id + 10_000, "x"]),  # no such link
        serializador.dumps(["no-es-numero", "x"]),
        serializador.dumps("texto"),
        "",
        "....",
    ]
    for falso in falsos:
        assert leer_enlace(sesion, falso, ACTIVACION, ahora).estado is EstadoEnlace.INVALIDO


def test_firmado_con_otra_clave(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    original = enlaces.AJUSTES.clave
    enlaces.configurar_enlaces("otra-clave")
    try:
        token = emitir_enlace(sesion, cuenta, ACTIVACION, ahora)
    finally:
        enlaces.configurar_enlaces(original or "")
    assert leer_enlace(sesion, token, ACTIVACION, ahora).estado is EstadoEnlace.INVALIDO


def test_sin_clave_configurada_falla_claramente(
    sesion: Session, cuenta: Cuenta, ahora: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(enlaces.AJUSTES, "clave", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        emitir_enlace(sesion, cuenta, ACTIVACION, ahora)


def test_fecha_sin_zona_rechazada(sesion: Session, cuenta: Cuenta) -> None:
    with pytest.raises(ValueError, match="zona horaria"):
        emitir_enlace(sesion, cuenta, ACTIVACION, datetime(2026, 11, 24, 10, 0))


def test_dato_guardado(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    token = emitir_enlace(
        sesion, cuenta, PropositoEnlace.CAMBIO_EMAIL, ahora, dato="nuevo@ejemplo.mx"
    )
    leido = leer_enlace(sesion, token, PropositoEnlace.CAMBIO_EMAIL, ahora)
    assert isinstance(leido.enlace, EnlaceCuenta) and leido.enlace.dato == "nuevo@ejemplo.mx"
