"""*Pagos en línea* over HTTP: the bills to pay, the sandbox bank, the state of each payment."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from casos.actores import Actor
from casos.comercial.modelos import EstatusFactura, Pago
from casos.correo import CorreoSalida
from casos.cuentas.bloqueos import revisar_cuentas
from casos.pagos.modelos import EstadoPago, IntentoPago
from casos.pagos.sandbox import TARJETA_RECHAZADA
from tests.app.pagos.ayudas import INICIO, en_el_banco, pagar, referencia_de, reloj, texto
from tests.casos.cuentas import fabricas_bloqueos as fb
from tests.soporte.clientes import Historial, cliente_con_historial, entrar
from tests.soporte.formularios import enviar

__all__ = ["reloj"]  # the fixture, imported for these tests


@pytest.fixture
def historial(bd: Any, cliente: Any, reloj: Any) -> Historial:
    """A signed-in customer with three months of bills, the last (10/2026) unpaid."""
    nuevo = cliente_con_historial(bd.session, meses=3)
    bd.session.commit()
    entrar(cliente, nuevo.cuenta)
    return nuevo


def _intento(bd: Any, referencia: str) -> IntentoPago:
    intento = bd.session.scalar(select(IntentoPago).where(IntentoPago.referencia == referencia))
    assert intento is not None
    bd.session.refresh(intento)
    return intento


def test_sin_sesion_pide_acceso(cliente: Any) -> None:
    respuesta = cliente.get(INICIO)
    assert respuesta.status_code == 302 and respuesta.headers["Location"].startswith("/acceso")


def test_inicio_muestra_lo_que_hay_por_pagar(cliente: Any, historial: Historial) -> None:
    ultima = historial.facturas[-1]
    respuesta = cliente.get(INICIO)

    assert respuesta.status_code == 200
    pagina = texto(respuesta)
    assert "Pagos en línea" in pagina and "Banco de pruebas" in pagina
    assert f"Factura de 10/2026 · Contrato {historial.contrato.numero}" in pagina
    assert "Vence el 22/11/2026 Vencida" in pagina
    assert f"Pagar ${ultima.saldo:,.2f}" in pagina
    assert "Todavía no ha hecho pagos en línea." in pagina
    assert "de 24 a 48 horas hábiles" in pagina and "SPEI" in pagina
    assert historial.contrato.numero in pagina
    html = respuesta.get_data(as_text=True)
    assert f'action="/mi-cuenta/pagos/facturas/{ultima.id}"' in html
    assert 'aria-current="page"' in html and ">Pagos en línea</a>" in html


def test_pago_completo_con_el_banco_de_pruebas(
    bd: Any, cliente: Any, historial: Historial, ahora: datetime
) -> None:
    factura = historial.facturas[-1]
    saldo = factura.saldo
    referencia = referencia_de(pagar(cliente, factura.id))

    banco = cliente.get(f"/pagos/sandbox/{referencia}")
    assert banco.status_code == 200
    pagina = texto(banco)
    assert "Banco de pruebas — no se cobra nada" in pagina
    assert f"Importe ${saldo:,.2f}" in pagina and "4242 4242 4242 4242" in pagina

    vuelta = en_el_banco(cliente, referencia)
    assert vuelta.status_code == 302
    assert vuelta.headers["Location"] == f"/pagos/regreso/{referencia}"
    final = texto(cliente.get(vuelta.headers["Location"]))
    assert "¡Gracias! Su pago fue aplicado" in final and "Estado Aplicado" in final
    assert f"Aplicamos ${saldo:,.2f} a la factura de 10/2026" in final
    assert "La factura quedó pagada" in final and "Saldo actual de la factura $0.00" in final

    intento = _intento(bd, referencia)
    bd.session.refresh(factura)
    assert intento.estado is EstadoPago.APLICADO and intento.resuelto_en == ahora
    assert factura.saldo == 0 and factura.estatus is EstatusFactura.PAGADA
    pago = bd.session.get(Pago, intento.pago_id)
    assert pago.canal == "en_linea" and pago.referencia == intento.operacion_proveedor
    assert pago.importe == saldo
    correos = bd.session.scalars(
        select(CorreoSalida).where(CorreoSalida.para == historial.cuenta.email)
    ).all()
    assert [c.plantilla for c in correos] == ["pago_aplicado"]

    lista = texto(cliente.get(INICIO))
    assert "No tiene facturas por pagar" in lista
    fila = f"Factura 10/2026 Contrato {historial.contrato.numero} · 24/11/2026 10:00 ${saldo:,.2f}"
    assert f"{fila} Aplicado" in lista
    assert texto(cliente.get(f"/mi-cuenta/pagos/{referencia}")).count("Su pago fue aplicado") == 1


def test_tarjeta_rechazada(bd: Any, cliente: Any, historial: Historial) -> None:
    factura = historial.facturas[-1]
    referencia = referencia_de(pagar(cliente, factura.id))

    vuelta = en_el_banco(cliente, referencia, tarjeta=TARJETA_RECHAZADA)

    pagina = texto(cliente.get(vuelta.headers["Location"]))
    assert "Su pago no se aplicó" in pagina and "fondos insuficientes" in pagina
    assert "Estado Rechazado" in pagina and "Aclaración de pagos no aplicados" in pagina
    assert f"Intentar de nuevo: pagar ${factura.saldo:,.2f}" in pagina
    bd.session.refresh(factura)
    assert factura.saldo > 0 and _intento(bd, referencia).pago_id is None
    # Trying again is a new attempt, not the declined one.
    assert referencia_de(pagar(cliente, factura.id)) != referencia


def test_cancelar_en_el_banco(bd: Any, cliente: Any, historial: Historial) -> None:
    referencia = referencia_de(pagar(cliente, historial.facturas[-1].id))

    vuelta = en_el_banco(cliente, referencia, tarjeta="", pagar="", cancelar="Cancelar")

    assert vuelta.status_code == 302
    assert "Usted canceló el pago" in texto(cliente.get(vuelta.headers["Location"]))
    assert _intento(bd, referencia).estado is EstadoPago.RECHAZADO


@pytest.mark.parametrize(
    ("datos", "error"),
    [
        ({"tarjeta": "4242 4242 4242 4241"}, "no es un número de tarjeta válido"),
        ({"tarjeta": "5555 5555 5555 4444"}, "solo acepta sus tarjetas de prueba"),
        ({"tarjeta": ""}, "Escriba el número de la tarjeta."),
        ({"vencimiento": "13/30"}, "Escriba el vencimiento como MM/AA"),
        ({"vencimiento": "10/26"}, "La tarjeta ya venció."),
        ({"cvv": "12"}, "El código de seguridad tiene 3 o 4 dígitos."),
        ({"cvv": "<b>1</b>"}, "Use como máximo 4 caracteres."),
    ],
)
def test_datos_de_tarjeta_invalidos(
    bd: Any, cliente: Any, historial: Historial, datos: dict[str, str], error: str
) -> None:
    referencia = referencia_de(pagar(cliente, historial.facturas[-1].id))
    enviados = {"tarjeta": "4242 4242 4242 4242", "vencimiento": "08/29", "cvv": "123", **datos}

    respuesta = en_el_banco(cliente, referencia, **enviados)

    assert respuesta.status_code == 200
    html = respuesta.get_data(as_text=True)
    assert error in html and "Revise los datos marcados." in html
    assert 'aria-invalid="true"' in html and "<b>1</b>" not in html
    for campo in ("tarjeta", "vencimiento"):  # what was typed stays (the CVV too, escaped)
        assert f'value="{enviados[campo]}"' in html
    assert _intento(bd, referencia).estado is EstadoPago.PENDIENTE


def test_volver_a_la_pagina_del_banco_despues_de_pagar(cliente: Any, historial: Historial) -> None:
    referencia = referencia_de(pagar(cliente, historial.facturas[-1].id))
    en_el_banco(cliente, referencia)

    respuesta = cliente.get(f"/pagos/sandbox/{referencia}")

    assert respuesta.status_code == 302
    assert respuesta.headers["Location"] == f"/pagos/regreso/{referencia}"


def test_regreso_antes_de_la_confirmacion(cliente: Any, historial: Historial) -> None:
    referencia = referencia_de(pagar(cliente, historial.facturas[-1].id))

    pagina = texto(cliente.get(f"/pagos/regreso/{referencia}"))

    assert "Su pago está pendiente" in pagina and "Estado Pendiente" in pagina
    assert "le avisaremos por correo" in pagina and "Consultar de nuevo" in pagina
    lista = texto(cliente.get(INICIO))
    assert "Ya inició un pago de esta factura" in lista and "Pendiente" in lista


def test_doble_clic_en_pagar_es_un_solo_intento(
    bd: Any, cliente: Any, historial: Historial
) -> None:
    factura = historial.facturas[-1]
    primera = referencia_de(pagar(cliente, factura.id))
    assert referencia_de(pagar(cliente, factura.id)) == primera
    intentos = bd.session.scalars(select(IntentoPago).where(IntentoPago.factura_id == factura.id))
    assert len(intentos.all()) == 1


def test_pagar_sin_csrf_no_hace_nada(bd: Any, cliente: Any, historial: Historial) -> None:
    factura = historial.facturas[-1]
    respuesta = cliente.post(f"/mi-cuenta/pagos/facturas/{factura.id}")
    assert respuesta.status_code == 400
    assert "El formulario caducó" in texto(respuesta)
    intentos = bd.session.scalars(select(IntentoPago).where(IntentoPago.factura_id == factura.id))
    assert intentos.all() == []


def test_una_factura_pagada_no_se_vuelve_a_pagar(cliente: Any, historial: Historial) -> None:
    pagada = historial.facturas[0]
    respuesta = pagar(cliente, pagada.id)
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == INICIO
    assert "La factura de 08/2026 ya está pagada" in texto(cliente.get(INICIO))


def test_lo_ajeno_no_existe(bd: Any, cliente: Any, app: Any, historial: Historial) -> None:
    otro = cliente_con_historial(bd.session, meses=2)
    bd.session.commit()
    dueno = app.test_client()
    entrar(dueno, otro.cuenta)
    ajena = referencia_de(pagar(dueno, otro.facturas[-1].id))

    assert pagar(cliente, otro.facturas[-1].id).status_code == 404
    assert pagar(cliente, 999_999_999).status_code == 404
    for url in (f"/mi-cuenta/pagos/{ajena}", f"/pagos/regreso/{ajena}", f"/pagos/sandbox/{ajena}"):
        assert cliente.get(url).status_code == 404, url
        assert dueno.get(url).status_code == 200, url
    assert cliente.get("/mi-cuenta/pagos/OV-NO-EXISTE").status_code == 404


def test_sin_proveedor_dice_donde_pagar(
    app: Any, cliente: Any, historial: Historial, monkeypatch: pytest.MonkeyPatch
) -> None:
    referencia = referencia_de(pagar(cliente, historial.facturas[-1].id))
    monkeypatch.setitem(app.config, "PAGOS_PROVEEDOR", "")

    pagina = texto(cliente.get(INICIO))
    assert "El pago en línea no está disponible por ahora" in pagina
    assert "Pagar $" not in pagina and "En bancos y tiendas de conveniencia" in pagina
    respuesta = pagar(cliente, historial.facturas[-1].id)
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == INICIO
    assert cliente.get(f"/pagos/sandbox/{referencia}").status_code == 404
    assert cliente.post("/pagos/confirmacion/sandbox", data=b"{}").status_code == 404
    assert cliente.get(f"/mi-cuenta/pagos/{referencia}").status_code == 200  # history stays


def test_el_banco_de_pruebas_nunca_en_produccion(
    app: Any, cliente: Any, historial: Historial, monkeypatch: pytest.MonkeyPatch
) -> None:
    referencia = referencia_de(pagar(cliente, historial.facturas[-1].id))
    monkeypatch.setitem(app.config, "NOMBRE_ENTORNO", "produccion")

    assert cliente.get(f"/pagos/sandbox/{referencia}").status_code == 404
    assert "no está disponible" in texto(cliente.get(INICIO))


def test_cuenta_bloqueada_paga_desde_el_aviso_y_se_desbloquea(
    bd: Any, cliente: Any, reloj: Any, ahora: datetime
) -> None:
    contrato = fb.contrato(bd.session, ahora)
    vieja = fb.factura(bd.session, contrato, date(2026, 3, 10), "300.00", ahora)
    fb.factura(bd.session, contrato, date(2026, 10, 10), "290.00", ahora)
    cuenta = fb.cuenta(bd.session, ahora, contrato)
    revisar_cuentas(bd.session, [cuenta.id], ahora, Actor.sistema("Revisión de adeudos"))
    bd.session.commit()
    respuesta = enviar(cliente, "/acceso", {"usuario": cuenta.usuario, "contrasena": fb.CONTRASENA})
    assert respuesta.headers["Location"] == "/mi-cuenta/bloqueo/"

    aviso = cliente.get("/mi-cuenta/bloqueo/").get_data(as_text=True)
    assert f'action="/mi-cuenta/pagos/facturas/{vieja.id}"' in aviso
    assert "muy pronto" not in aviso and 'href="/mi-cuenta/pagos/"' in aviso
    assert cliente.get(INICIO).status_code == 200  # blocked accounts reach Pagos en línea

    referencia = referencia_de(pagar(cliente, vieja.id, pagina="/mi-cuenta/bloqueo/"))
    vuelta = en_el_banco(cliente, referencia)
    pagina = texto(cliente.get(vuelta.headers["Location"]))

    assert "Su pago fue aplicado" in pagina and "Ver el estado de mi cuenta" not in pagina
    assert cliente.get("/mi-cuenta/").status_code == 200  # no longer sent to the notice
    bd.session.refresh(cuenta)
    assert not cuenta.es_bloqueada and vieja.saldo == Decimal("0.00")


def test_las_plantillas_saben_si_hay_pago_en_linea(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.test_request_context():
        activo = app.jinja_env.from_string("{{ pago_en_linea_activo() }}")
        contexto: dict[str, Any] = {}
        app.update_template_context(contexto)
        assert activo.render(contexto) == "True"
        monkeypatch.setitem(app.config, "PAGOS_PROVEEDOR", "")
        assert activo.render(contexto) == "False"
