"""Maintenance mode (rule 5): the portal shows the notice; only Compártenos tu lectura and
Contacto keep working, and what they file reaches the same queues."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from casos.actores import Actor
from casos.ajustes import cambiar_mantenimiento, mantenimiento
from casos.modelos import Caso
from tests.soporte.clientes import cliente_con_historial, entrar
from tests.soporte.formularios import token_csrf


@pytest.fixture
def en_mantenimiento(bd: Any) -> Iterator[None]:
    cambiar_mantenimiento(bd.session, True, Actor.sistema(), datetime.now(UTC), None)
    bd.session.commit()
    yield


def test_paginas_del_portal_muestran_el_aviso(cliente: Any, en_mantenimiento: None) -> None:
    for url in ("/", "/acceso", "/registro", "/mi-cuenta/", "/seguimiento/"):
        respuesta = cliente.get(url)
        html = respuesta.get_data(as_text=True)
        assert respuesta.status_code == 503, url
        assert respuesta.headers["Retry-After"] == "3600"
        assert "La Oficina Virtual está en mantenimiento" in html
        assert 'href="/contacto/compartenos_lectura"' in html and 'href="/contacto"' in html


def test_cliente_con_sesion_tambien_ve_el_aviso(cliente: Any, bd: Any) -> None:
    historial = cliente_con_historial(bd.session, meses=2)
    bd.session.commit()
    entrar(cliente, historial.cuenta)
    cambiar_mantenimiento(bd.session, True, Actor.sistema(), datetime.now(UTC), "Hasta las 14 h.")
    bd.session.commit()
    respuesta = cliente.get(f"/mi-cuenta/contratos/{historial.contrato.id}")
    assert respuesta.status_code == 503
    assert "Hasta las 14 h." in respuesta.get_data(as_text=True)


def test_contacto_y_lectura_siguen_abiertos(cliente: Any, en_mantenimiento: None) -> None:
    for url in ("/contacto", "/contacto/compartenos_lectura", "/contacto/consulta_general"):
        respuesta = cliente.get(url)
        assert respuesta.status_code == 200, url
        assert "este formulario sigue disponible" in respuesta.get_data(as_text=True)
    assert cliente.get("/salud").status_code == 200


def test_lo_presentado_en_mantenimiento_llega_a_la_misma_cola(
    cliente: Any, bd: Any, en_mantenimiento: None
) -> None:
    html = cliente.get("/contacto/consulta_general").get_data(as_text=True)
    clave = re.search(r'name="clave_envio"[^>]*value="([^"]+)"', html)
    assert clave is not None
    respuesta = cliente.post(
        "/contacto/consulta_general",
        data={
            "csrf_token": token_csrf(html),
            "clave_envio": clave.group(1),
            "solicitante_nombre": "Rosa Ibarra",
            "solicitante_email": "rosa.mantenimiento@correo.mx",
            "descripcion": "¿Cuándo vuelve la Oficina Virtual?",
        },
    )
    assert respuesta.status_code == 302
    caso = bd.session.scalar(select(Caso).where(Caso.clave_envio == clave.group(1)))
    assert caso is not None and caso.tipo.clave == "consulta_general"
    assert caso.area.clave == caso.tipo.area.clave  # routed as on any other day
    recibido = cliente.get(respuesta.headers["Location"])
    assert recibido.status_code == 200 and caso.folio in recibido.get_data(as_text=True)


def test_apagado_el_portal_vuelve(cliente: Any, bd: Any, en_mantenimiento: None) -> None:
    cambiar_mantenimiento(bd.session, False, Actor.sistema(), datetime.now(UTC))
    bd.session.commit()
    respuesta = cliente.get("/")
    assert respuesta.status_code == 200
    assert "en mantenimiento" not in respuesta.get_data(as_text=True)


def test_cli_activa_y_desactiva(app: Any, bd: Any) -> None:
    cli = app.test_cli_runner()

    def correr(*argumentos: str) -> str:
        bd.session.commit()  # each command is its own process in real life: its own transaction
        resultado = cli.invoke(args=["mantenimiento", *argumentos])
        assert resultado.exit_code == 0, resultado.output
        return str(resultado.output).strip()

    assert correr("activar", "--mensaje", "Volvemos pronto.") == "Modo mantenimiento activado."
    assert mantenimiento(bd.session).mensaje == "Volvemos pronto."
    assert correr("estado") == "activo"
    assert correr("desactivar") == "Modo mantenimiento desactivado."
    assert correr("estado") == "inactivo"


def test_cada_worker_relee_el_interruptor_cada_pocos_segundos(
    app: Any, cliente: Any, bd: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.portal import mantenimiento as modulo

    monkeypatch.setitem(app.config, "MANTENIMIENTO_SEGUNDOS_CACHE", 60)
    monkeypatch.setattr(modulo, "_memoria", {})
    assert cliente.get("/").status_code == 200  # read: off, remembered for 60 s
    cambiar_mantenimiento(bd.session, True, Actor.sistema(), datetime.now(UTC))
    bd.session.commit()
    assert cliente.get("/").status_code == 200  # still the remembered state
    monkeypatch.setitem(app.config, "MANTENIMIENTO_SEGUNDOS_CACHE", 0)
    assert cliente.get("/").status_code == 503  # past its life: read again
