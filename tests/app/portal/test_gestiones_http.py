"""*Gestiones Online* and *Mis gestiones* over HTTP: each type's form with the customer's own
contracts and bills, errors in one round, files, one case per form, the history, answering a
request for information, and 404 for anything that is not theirs."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from casos.adjuntos import Adjunto, ArchivoLimpio, guardar_adjunto
from casos.ciclo import aplicar_accion
from casos.correo import CorreoSalida
from casos.cuentas.modelos import CuentaContrato
from casos.estados import Accion, EstadoCaso
from casos.modelos import Caso
from casos.semilla import TIPOS
from tests.casos.archivos_gestion import EXE, PDF, imagen, multipart
from tests.casos.cuentas.fabricas_bloqueos import personal
from tests.soporte.clientes import REGISTRADA, Historial, cliente_con_historial, entrar
from tests.soporte.formularios import token_csrf

NUEVA = "/mi-cuenta/gestiones/nueva"
GENERICOS = [t.clave for t in TIPOS if t.es_publico and t.clave != "compartenos_lectura"]


@pytest.fixture
def historial(bd: Any, cliente: Any) -> Historial:
    """A signed-in customer with a contract and 14 months of bills."""
    creado = cliente_con_historial(bd.session, meses=14)
    bd.session.commit()
    entrar(cliente, creado.cuenta)
    return creado


def _formulario(cliente: Any, tipo: str, consulta: str = "") -> tuple[str, dict[str, str]]:
    html = cliente.get(f"{NUEVA}/{tipo}{consulta}").get_data(as_text=True)
    clave = re.search(r'name="clave_envio"[^>]*value="([^"]+)"', html)
    assert clave is not None
    return html, {"csrf_token": token_csrf(html), "clave_envio": clave.group(1)}


def _enviar(cliente: Any, url: str, datos: dict[str, Any]) -> Any:
    return cliente.post(url, **multipart(datos))


def _seleccionado(html: str, nombre: str) -> str | None:
    lista = re.search(rf'<select[^>]*name="{nombre}".*?</select>', html, re.S)
    assert lista is not None
    elegido = re.search(r'<option selected value="([^"]*)"', lista.group(0))
    return elegido.group(1) if elegido else None


def _pago(historial: Historial, datos: dict[str, str]) -> dict[str, Any]:
    return {
        **datos,
        "contrato_id": str(historial.contrato.id),
        "factura_id": str(historial.facturas[-1].id),
        "fecha_pago": "2026-11-02",
        "monto_pago": "345.60",
        "banco": "Banorte",
        "descripcion": "Pagué en OXXO y sigue pendiente.",
        "comprobante": (PDF, "ticket.pdf"),
    }


def test_sin_sesion_pide_acceso(cliente: Any) -> None:
    for url in (f"{NUEVA}", f"{NUEVA}/consulta_general", "/mi-cuenta/gestiones/"):
        respuesta = cliente.get(url)
        assert respuesta.status_code == 302 and respuesta.headers["Location"].startswith("/acceso")


def test_gestiones_online_lista_tipos_reporte_y_lectura(cliente: Any, historial: Historial) -> None:
    html = cliente.get(NUEVA).get_data(as_text=True)
    for tipo in GENERICOS:
        if tipo != "reporte_servicio":
            assert f'href="{NUEVA}/{tipo}"' in html
    assert "centro de atención telefónica las 24 horas" in html
    assert 'href="tel:+524422110066"' in html and f'href="{NUEVA}/reporte_servicio"' in html
    assert "Compártenos tu lectura" in html and "Baja de cuenta" not in html
    assert 'aria-current="page"' in html


@pytest.mark.parametrize("tipo", GENERICOS)
def test_cada_tipo_con_mis_contratos(cliente: Any, historial: Historial, tipo: str) -> None:
    html, _ = _formulario(cliente, tipo)
    assert 'enctype="multipart/form-data"' in html
    assert f'<option selected value="{historial.contrato.id}">' in html  # the only one
    assert 'name="solicitante_email"' not in html  # taken from the account
    assert historial.cuenta.email in html
    con_factura = tipo in ("pagos_no_aplicados", "altos_consumos", "recibo_no_entregado")
    assert ('name="factura_id"' in html) == con_factura
    assert ('name="comprobante"' in html) == (tipo == "pagos_no_aplicados")


def test_prellenado_con_contrato_y_factura(cliente: Any, historial: Historial) -> None:
    factura = historial.facturas[-3]
    consulta = f"?contrato={historial.contrato.id}&factura={factura.id}"
    html, _ = _formulario(cliente, "altos_consumos", consulta)
    assert _seleccionado(html, "factura_id") == str(factura.id)
    assert f"{factura.periodo:%m/%Y} — $" in html
    # Bills older than the list (12) come in when pre-filled.
    vieja = historial.facturas[0]
    html, _ = _formulario(cliente, "altos_consumos", f"?factura={vieja.id}")
    assert _seleccionado(html, "factura_id") == str(vieja.id)


def test_prellenado_ajeno_se_ignora(cliente: Any, bd: Any, historial: Historial) -> None:
    ajeno = cliente_con_historial(bd.session, meses=2)
    bd.session.commit()
    consulta = f"?contrato={ajeno.contrato.id}&factura={ajeno.facturas[-1].id}"
    html, _ = _formulario(cliente, "altos_consumos", consulta)
    assert ajeno.contrato.numero not in html
    assert _seleccionado(html, "factura_id") is None
    assert cliente.get(f"{NUEVA}/altos_consumos?contrato=x&factura=9999999999").status_code == 200


def test_presentar_pago_con_comprobante(cliente: Any, bd: Any, historial: Historial) -> None:
    _, datos = _formulario(cliente, "pagos_no_aplicados")
    respuesta = _enviar(cliente, f"{NUEVA}/pagos_no_aplicados", _pago(historial, datos))
    assert respuesta.status_code == 302 and respuesta.headers["Location"].endswith("/recibida")
    caso = bd.session.scalar(select(Caso).where(Caso.clave_envio == datos["clave_envio"]))
    factura = historial.facturas[-1]
    assert caso.cuenta_id == historial.cuenta.id and caso.contrato == historial.contrato.numero
    assert caso.datos["factura_id"] == str(factura.id)
    assert caso.datos["periodo_factura"] == f"{factura.periodo:%m/%Y}"
    assert caso.solicitante_email == historial.cuenta.email and caso.canal == "portal"
    [adjunto] = bd.session.scalars(select(Adjunto).where(Adjunto.caso_id == caso.id)).all()
    assert adjunto.nombre == "ticket.pdf"
    html = cliente.get(respuesta.headers["Location"]).get_data(as_text=True)
    assert caso.folio in html and "Le responderemos a más tardar" in html
    assert f'href="/mi-cuenta/gestiones/{caso.folio}"' in html
    [acuse] = bd.session.scalars(
        select(CorreoSalida).where(CorreoSalida.para == historial.cuenta.email)
    ).all()
    assert f"http://ov.pruebas/mi-cuenta/gestiones/{caso.folio}" in acuse.texto
    assert "Le responderemos a más tardar el " in acuse.texto and caso.folio in acuse.asunto


def test_errores_en_una_ronda(cliente: Any, bd: Any, historial: Historial) -> None:
    ajeno = cliente_con_historial(bd.session, meses=2)
    bd.session.commit()
    _, datos = _formulario(cliente, "pagos_no_aplicados")
    envio = {
        **_pago(historial, datos),
        "factura_id": str(ajeno.facturas[-1].id),
        "monto_pago": "-5",
        "fecha_pago": "2099-01-01",
        "banco": "",
        "comprobante": (EXE, "comprobante.pdf"),
        "adjuntos": [(PDF, f"{n}.pdf") for n in range(5)],
    }
    respuesta = _enviar(cliente, f"{NUEVA}/pagos_no_aplicados", envio)
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 200
    for mensaje in (
        "Mes de la factura: elija una factura de la lista.",
        "Monto pagado: escriba una cantidad mayor que cero.",
        "Fecha del pago: la fecha no puede ser futura.",
        "Banco o lugar de pago: este dato es obligatorio.",
        "Envíe como máximo 5 archivos en total.",
    ):
        assert mensaje in html, mensaje
    assert 'value="-5"' in html and "Pagué en OXXO y sigue pendiente." in html
    assert ajeno.contrato.numero not in html
    total = select(func.count()).select_from(Caso).where(Caso.cuenta_id == historial.cuenta.id)
    assert bd.session.scalar(total) == 0


def test_altos_consumos_exige_la_factura(cliente: Any, historial: Historial) -> None:
    _, datos = _formulario(cliente, "altos_consumos")
    envio = {**datos, "contrato_id": "", "factura_id": "", "descripcion": ""}
    html = _enviar(cliente, f"{NUEVA}/altos_consumos", envio).get_data(as_text=True)
    assert "Número de contrato: este dato es obligatorio." in html
    assert "Mes de la factura: este dato es obligatorio." in html
    assert "Descripción: este dato es obligatorio." in html
    assert 'id="contrato_id"' in html and 'href="#factura_id"' in html


def test_doble_envio_un_caso(cliente: Any, bd: Any, historial: Historial) -> None:
    _, datos = _formulario(cliente, "consulta_general")
    envio = {**datos, "contrato_id": "", "descripcion": "¿Horario de oficinas?"}
    primera = _enviar(cliente, f"{NUEVA}/consulta_general", envio)
    segunda = _enviar(cliente, f"{NUEVA}/consulta_general", envio)
    assert primera.status_code == segunda.status_code == 302
    total = select(func.count()).select_from(Caso).where(Caso.cuenta_id == historial.cuenta.id)
    assert bd.session.scalar(total) == 1


def test_tipos_especiales(cliente: Any, historial: Historial) -> None:
    assert cliente.get(f"{NUEVA}/baja_cuenta").status_code == 404
    assert cliente.get(f"{NUEVA}/no-existe").status_code == 404
    lectura = cliente.get(f"{NUEVA}/compartenos_lectura")
    assert lectura.status_code in (200, 302)  # the consumos page, or the form if not there yet


# --- Mis gestiones ----------------------------------------------------------------------------


def _caso_con_archivo(bd: Any, app: Any, historial: Historial, cliente: Any) -> Caso:
    _, datos = _formulario(cliente, "consulta_general")
    envio = {
        **datos,
        "contrato_id": str(historial.contrato.id),
        "descripcion": "Línea uno\n<script>alert(1)</script>",
        "adjuntos": (imagen("JPEG"), "foto.jpeg"),
    }
    assert _enviar(cliente, f"{NUEVA}/consulta_general", envio).status_code == 302
    return bd.session.scalar(select(Caso).where(Caso.clave_envio == datos["clave_envio"]))


def test_mis_gestiones_lista_y_detalle(
    app: Any, cliente: Any, bd: Any, historial: Historial
) -> None:
    caso = _caso_con_archivo(bd, app, historial, cliente)
    _, agente = personal(bd.session)
    ahora = datetime.now(UTC)
    aplicar_accion(bd.session, caso, Accion.NOTA_INTERNA, agente, ahora, nota="Nota secreta")
    aplicar_accion(bd.session, caso, Accion.RESPONDER, agente, ahora, nota="Ya lo revisamos.")
    bd.session.commit()
    html = cliente.get("/mi-cuenta/gestiones/").get_data(as_text=True)
    assert caso.folio in html and "Consulta general" in html and "Recibida" in html
    assert "Solución esperada:" in html
    detalle = cliente.get(f"/mi-cuenta/gestiones/{caso.folio}").get_data(as_text=True)
    assert "Ya lo revisamos." in detalle and "Nota secreta" not in detalle
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detalle and "<script>alert" not in detalle
    assert "Fecha esperada de solución" in detalle
    [adjunto] = bd.session.scalars(select(Adjunto).where(Adjunto.caso_id == caso.id)).all()
    url = f"/mi-cuenta/gestiones/{caso.folio}/adjuntos/{adjunto.clave}"
    assert f'href="{url}"' in detalle
    descarga = cliente.get(url)
    assert descarga.get_data()[:3] == b"\xff\xd8\xff"  # a JPEG, re-encoded
    descarga.close()
    assert descarga.status_code == 200 and descarga.mimetype == "image/jpeg"
    assert descarga.headers["Content-Disposition"].startswith("attachment;")
    assert descarga.headers["X-Content-Type-Options"] == "nosniff"


def test_responder_a_una_solicitud_de_informacion(
    app: Any, cliente: Any, bd: Any, historial: Historial
) -> None:
    caso = _caso_con_archivo(bd, app, historial, cliente)
    _, agente = personal(bd.session)
    aplicar_accion(
        bd.session,
        caso,
        Accion.SOLICITAR_INFORMACION,
        agente,
        datetime.now(UTC),
        nota="Envíe foto del medidor.",
    )
    bd.session.commit()
    url = f"/mi-cuenta/gestiones/{caso.folio}"
    html = cliente.get(url).get_data(as_text=True)
    assert "Esperamos su respuesta" in html and "Envíe foto del medidor." in html
    assert "Responda a la CEA" in html and "En pausa hasta que recibamos su respuesta." in html
    csrf = token_csrf(html)
    malo = {"csrf_token": csrf, "texto": "", "adjuntos": (EXE, "x.png")}
    error = _enviar(cliente, f"{url}/responder", malo).get_data(as_text=True)
    assert "Respuesta: escriba la información que le pedimos." in error
    assert "«x.png» no es un archivo PDF, JPEG o PNG válido." in error
    bueno = {"csrf_token": csrf, "texto": "Ahí va.", "adjuntos": (imagen(), "medidor.png")}
    respuesta = _enviar(cliente, f"{url}/responder", bueno)
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == url
    bd.session.refresh(caso)
    assert caso.estado is EstadoCaso.EN_PROCESO and caso.vence_resolucion_en is not None
    evento = caso.eventos[-1]
    assert evento.accion is Accion.RECIBIR_INFORMACION and evento.nota == "Ahí va."
    [nuevo] = bd.session.scalars(select(Adjunto).where(Adjunto.evento_id == evento.id)).all()
    assert nuevo.nombre == "medidor.png"
    pagina = cliente.get(url).get_data(as_text=True)
    assert "Recibimos su respuesta" in pagina and "Su respuesta" in pagina
    otra = _enviar(cliente, f"{url}/responder", {**bueno, "adjuntos": (imagen(), "b.png")})
    assert otra.status_code == 302
    assert "ya no espera su respuesta" in cliente.get(url).get_data(as_text=True)
    total = select(func.count()).select_from(Adjunto).where(Adjunto.caso_id == caso.id)
    assert bd.session.scalar(total) == 2


def test_404_para_lo_ajeno(app: Any, cliente: Any, bd: Any, historial: Historial) -> None:
    otro = app.test_client()
    ajeno = cliente_con_historial(bd.session, meses=1)
    bd.session.commit()
    entrar(otro, ajeno.cuenta)
    caso = _caso_con_archivo(bd, app, historial, cliente)
    [adjunto] = bd.session.scalars(select(Adjunto).where(Adjunto.caso_id == caso.id)).all()
    oculto = guardar_adjunto(
        bd.session,
        Path(app.config["CARPETA_ADJUNTOS"]),
        caso.id,
        ArchivoLimpio("interno.pdf", "application/pdf", PDF),
        datetime.now(UTC),
        es_publico=False,
    )
    bd.session.commit()
    base = f"/mi-cuenta/gestiones/{caso.folio}"
    csrf = token_csrf(otro.get("/mi-cuenta/gestiones/nueva/consulta_general").get_data(True))
    assert otro.get(base).status_code == 404
    assert otro.get(f"{base}/adjuntos/{adjunto.clave}").status_code == 404
    assert otro.post(f"{base}/responder", data={"csrf_token": csrf}).status_code == 404
    assert otro.get(f"/seguimiento/caso/adjuntos/{adjunto.clave}").status_code == 404
    assert cliente.get(f"{base}/adjuntos/{oculto.clave}").status_code == 404
    assert cliente.get(f"{base}/adjuntos/no-existe").status_code == 404
    assert cliente.get("/mi-cuenta/gestiones/OV-2026-999999").status_code == 404
    assert cliente.get(f"/mi-cuenta/gestiones/{'x' * 300}").status_code == 404
    assert cliente.get("/mi-cuenta/gestiones/OV%00").status_code == 404
    assert cliente.get(f"{base}/adjuntos/a%00b").status_code == 404
    assert cliente.get("/seguimiento/caso/adjuntos/a%00b").status_code == 404
    assert caso.folio not in otro.get("/mi-cuenta/gestiones/").get_data(as_text=True)


def test_varios_contratos_y_paginas(cliente: Any, bd: Any, historial: Historial) -> None:
    segundo = cliente_con_historial(bd.session, meses=2, cuenta=historial.cuenta)
    bd.session.add(
        CuentaContrato(
            cuenta_id=historial.cuenta.id, contrato_id=segundo.contrato.id, vinculado_en=REGISTRADA
        )
    )
    bd.session.commit()
    html, _ = _formulario(cliente, "recibo_no_entregado")
    assert _seleccionado(html, "contrato_id") is None  # two: the customer picks
    assert f'<optgroup label="Contrato {segundo.contrato.numero}">' in html
    vacia = cliente.get("/mi-cuenta/gestiones/?pagina=abc")
    assert vacia.status_code == 200 and "Aún no tiene gestiones" in vacia.get_data(as_text=True)


def test_cuenta_bloqueada_sigue_sus_gestiones(cliente: Any, bd: Any, historial: Historial) -> None:
    historial.cuenta.es_bloqueada = True
    bd.session.commit()
    assert cliente.get("/mi-cuenta/gestiones/").status_code == 200
    assert cliente.get(NUEVA).status_code == 302  # filing new ones: Vías de Contacto
