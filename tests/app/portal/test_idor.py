"""No customer sees another's data: every portal URL with an id, built from the URL map, answers
404 to another signed-in customer (and works for the owner).

The matrix is generated from `app.url_map`, so a new route with an id is tested the day it is
added; a route with a parameter this file does not know how to fill fails the test until it is
added below.
"""

from __future__ import annotations

import io
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import url_for
from PIL import Image
from werkzeug.routing import Rule

from casos.actores import Actor
from casos.adjuntos import ArchivoRecibido, guardar_adjunto, limpiar_archivo
from casos.comercial.modelos import CfdiFactura, Lectura, OrigenLectura, TipoLectura
from casos.pagos.modelos import EstadoPago, IntentoPago
from casos.registro import DatosCaso, registrar_caso
from casos.sla import ZONA_CEA
from tests.soporte.clientes import Historial, cliente_con_historial, entrar
from tests.soporte.formularios import token_csrf

BLUEPRINTS_CLIENTE = {
    "cuenta",
    "bloqueo",
    "contratos",
    "consumos",
    "gestiones",
    "pagos",
    "pasarela",
    "seguimiento",
}
# Parameters that name something a customer owns: filled with the OTHER customer's value.
IDS = {"contrato_id", "factura_id", "lectura_id", "folio", "clave", "referencia"}
# Parameters that are not ownership (a type, a file format): any valid value.
OTROS = {"tipo": "consulta_general", "formato": "csv"}
# Routes outside the matrix, and why.
EXCLUIDAS = {
    # The provider's side: the bank's hosted page and its server-to-server confirmation know no
    # customer; the reference is random and the confirmation is signed (tests/app/pagos).
    "pasarela.sandbox": "página del proveedor",
    "pasarela.confirmacion": "llamada firmada del proveedor",
    # A one-time emailed link is a capability, not an id (tests/app/portal/test_seguimiento_http).
    "seguimiento.enlace": "enlace de un solo uso",
}


@dataclass
class Datos:
    """Everything customer A owns that has an id in some URL."""

    historial: Historial
    lectura_id: int
    folio: str
    clave: str
    referencia: str

    def valor(self, parametro: str) -> Any:
        h = self.historial
        valores = {
            "contrato_id": h.contrato.id,
            "factura_id": h.facturas[-1].id,
            "lectura_id": self.lectura_id,
            "folio": self.folio,
            "clave": self.clave,
            "referencia": self.referencia,
        }
        return valores[parametro] if parametro in valores else OTROS[parametro]


def _png() -> bytes:
    salida = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 170)).save(salida, "PNG")
    return salida.getvalue()


def _datos_de(bd: Any, app: Any) -> Datos:
    ahora = datetime.now(UTC)
    h = cliente_con_historial(bd.session, meses=3)
    actor = Actor.ciudadano(str(h.cuenta.usuario), h.cuenta.id)
    caso = registrar_caso(
        bd.session,
        DatosCaso(
            tipo="compartenos_lectura",
            solicitante_nombre="Titular",
            solicitante_email=h.cuenta.email,
            contrato=h.contrato.numero,
            campos={
                "lectura": "1100",
                "fecha_lectura": ahora.astimezone(ZONA_CEA).date().isoformat(),
            },
            cuenta_id=h.cuenta.id,
        ),
        actor,
        ahora,
    )
    lectura = Lectura(
        contrato_id=h.contrato.id,
        fecha=date(2026, 11, 20),
        valor=1100,
        consumo=10,
        tipo=TipoLectura.REAL,
        origen=OrigenLectura.CLIENTE,
        registrada_en=ahora,
        caso_id=caso.id,
    )
    bd.session.add(lectura)
    limpio = limpiar_archivo(ArchivoRecibido("medidor.png", _png()), solo_imagenes=True)
    carpeta = app.config["CARPETA_ADJUNTOS"]
    adjunto = guardar_adjunto(bd.session, Path(carpeta), caso.id, limpio, ahora)
    intento = IntentoPago(
        referencia=secrets.token_urlsafe(16),
        proveedor="sandbox",
        cuenta_id=h.cuenta.id,
        contrato_id=h.contrato.id,
        factura_id=h.facturas[-1].id,
        importe=Decimal(h.facturas[-1].saldo),
        estado=EstadoPago.PENDIENTE,
        creado_en=ahora,
        confirmaciones=[],
    )
    bd.session.add(intento)
    ultima = h.facturas[-1]
    ultima.uuid_cfdi = str(uuid.uuid4()).upper()
    bd.session.add(CfdiFactura(factura_id=ultima.id, xml="<cfdi:Comprobante/>"))
    bd.session.flush()
    return Datos(h, lectura.id, caso.folio, adjunto.clave, intento.referencia)


def _reglas(app: Any) -> list[Rule]:
    reglas = []
    for regla in app.url_map.iter_rules():
        blueprint = regla.endpoint.split(".")[0]
        if blueprint not in BLUEPRINTS_CLIENTE or regla.endpoint in EXCLUIDAS:
            continue
        if regla.arguments & IDS:
            reglas.append(regla)
    return reglas


def _url(app: Any, regla: Rule, datos: Datos) -> str:
    desconocidos = regla.arguments - IDS - set(OTROS)
    assert not desconocidos, (
        f"{regla.endpoint}: parámetros {desconocidos} sin valor en la matriz IDOR; agréguelos"
    )
    valores = {p: datos.valor(p) for p in regla.arguments}
    with app.test_request_context():
        return url_for(regla.endpoint, **valores)


@pytest.fixture
def dos_clientes(app: Any, bd: Any, cliente: Any) -> tuple[Datos, Any, Any]:
    """Customer A's data; a client signed in as A and one signed in as B (who owns nothing of A)."""
    datos_a = _datos_de(bd, app)
    datos_b = cliente_con_historial(bd.session, meses=3)
    bd.session.commit()
    entrar(cliente, datos_b.cuenta)
    dueno = app.test_client()
    entrar(dueno, datos_a.historial.cuenta)
    return datos_a, cliente, dueno


def test_la_matriz_cubre_las_rutas_con_id(app: Any) -> None:
    endpoints = {r.endpoint for r in _reglas(app)}
    # The areas of issue 4 each expose ids; an empty matrix would make the test below vacuous.
    for esperado in ("contratos.detalle", "contratos.factura_pdf", "consumos.contrato"):
        assert esperado in endpoints
    assert any(e.startswith("gestiones.") for e in endpoints)
    assert any(e.startswith("pagos.") for e in endpoints)


def test_otro_cliente_recibe_404_en_cada_ruta_con_id(
    app: Any, dos_clientes: tuple[Datos, Any, Any]
) -> None:
    datos, ajeno, _ = dos_clientes
    csrf = token_csrf(ajeno.get("/mi-cuenta/datos").get_data(as_text=True))
    revisadas = []
    for regla in _reglas(app):
        url = _url(app, regla, datos)
        for metodo in sorted({"GET", "POST"} & set(regla.methods or ())):
            if metodo == "GET":
                respuesta = ajeno.get(url)
            else:
                respuesta = ajeno.post(url, data={"csrf_token": csrf})
            respuesta.close()
            estado = respuesta.status_code
            assert estado == 404, f"{metodo} {regla.endpoint} {url}: {estado}"
            revisadas.append(f"{metodo} {regla.endpoint}")
    assert len(revisadas) >= 17


def test_el_dueno_si_puede_abrirlas(app: Any, dos_clientes: tuple[Datos, Any, Any]) -> None:
    datos, _, dueno = dos_clientes
    for regla in _reglas(app):
        if "GET" not in regla.methods:
            continue
        url = _url(app, regla, datos)
        respuesta = dueno.get(url)
        respuesta.close()  # file downloads are streamed: release the file
        assert respuesta.status_code in (200, 302), f"{regla.endpoint} {url}"


def test_sin_sesion_no_se_ve_nada(app: Any, bd: Any, cliente: Any) -> None:
    datos = _datos_de(bd, app)
    bd.session.commit()
    for regla in _reglas(app):
        if "GET" not in regla.methods or regla.endpoint.startswith("seguimiento."):
            continue
        respuesta = cliente.get(_url(app, regla, datos))
        respuesta.close()
        assert respuesta.status_code in (302, 404), regla.endpoint
        if respuesta.status_code == 302:
            assert respuesta.headers["Location"].startswith("/acceso"), regla.endpoint
