"""*Vías de Contacto* over HTTP: each type's form, every error in one round next to its field,
files checked by content, one case per form, the folio and the acknowledgement."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from casos import limites
from casos.adjuntos import Adjunto
from casos.correo import CorreoSalida
from casos.modelos import Caso
from casos.semilla import TIPOS
from tests.casos.archivos_gestion import EXE, PDF, imagen, multipart, pdf_grande
from tests.soporte.clientes import cliente_con_historial, entrar
from tests.soporte.formularios import token_csrf

PUBLICOS = [t.clave for t in TIPOS if t.es_publico]
CAMPOS_POR_TIPO = {
    "consulta_general": ["contrato"],
    "pagos_no_aplicados": ["contrato", "periodo_factura", "fecha_pago", "monto_pago", "banco"],
    "altos_consumos": ["contrato", "periodo_factura"],
    "recibo_no_entregado": ["contrato", "periodo_factura"],
    "sugerencia": ["contrato"],
    "incidencia_ov": ["contrato"],
    "reporte_servicio": ["direccion", "colonia", "contrato"],
    "compartenos_lectura": ["contrato", "lectura", "fecha_lectura"],
}


def _formulario(cliente: Any, tipo: str) -> dict[str, str]:
    html = cliente.get(f"/contacto/{tipo}").get_data(as_text=True)
    clave = re.search(r'name="clave_envio"[^>]*value="([^"]+)"', html)
    assert clave is not None
    return {"csrf_token": token_csrf(html), "clave_envio": clave.group(1)}


def _casos(bd: Any) -> int:
    return bd.session.scalar(select(func.count()).select_from(Caso)) or 0


def _enviar(cliente: Any, tipo: str, datos: dict[str, Any]) -> Any:
    return cliente.post(f"/contacto/{tipo}", **multipart(datos))


def _pago(cliente: Any, email: str = "rosa.pago@correo.mx", **cambios: Any) -> dict[str, Any]:
    return {
        **_formulario(cliente, "pagos_no_aplicados"),
        "solicitante_nombre": "Rosa Ibarra",
        "solicitante_email": email,
        "contrato": "001234567",
        "periodo_factura": "10/2026",
        "fecha_pago": "2026-11-02",
        "monto_pago": "1,234.50",
        "banco": "BBVA",
        "descripcion": "Pagué en ventanilla y no aparece.",
        "comprobante": (PDF, "comprobante.pdf"),
        **cambios,
    }


def test_lista_muestra_los_tipos_publicos_y_el_telefono(cliente: Any) -> None:
    html = cliente.get("/contacto").get_data(as_text=True)
    assert "Consulta general" in html and "Incidencia Oficina Virtual" in html
    assert "Baja de cuenta" not in html  # only from a signed-in account
    assert 'href="tel:+524422110066"' in html and "442 211 00 66" in html
    assert 'href="/seguimiento/"' in html


def test_tipo_no_publico_o_desconocido_es_404(cliente: Any) -> None:
    assert cliente.get("/contacto/baja_cuenta").status_code == 404
    assert cliente.get("/contacto/no-existe").status_code == 404


@pytest.mark.parametrize("tipo", PUBLICOS)
def test_cada_tipo_pide_lo_suyo(cliente: Any, tipo: str) -> None:
    html = cliente.get(f"/contacto/{tipo}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    for nombre in ["solicitante_nombre", "solicitante_email", "solicitante_telefono"]:
        assert f'name="{nombre}"' in html
    for nombre in [*CAMPOS_POR_TIPO[tipo], "descripcion", "adjuntos"]:
        assert f'name="{nombre}"' in html, nombre
    assert ('name="comprobante"' in html) == (tipo == "pagos_no_aplicados")
    assert ("centro de atención telefónica las 24 horas" in html) == (tipo == "reporte_servicio")


def test_todos_los_errores_en_una_ronda_sin_perder_lo_escrito(cliente: Any, bd: Any) -> None:
    antes = _casos(bd)
    datos = {
        **_formulario(cliente, "pagos_no_aplicados"),
        "solicitante_nombre": "",
        "solicitante_email": "rosa@",
        "contrato": "001234567",
        "periodo_factura": "octubre",
        "fecha_pago": "31/02/2026",
        "monto_pago": "mil",
        "descripcion": "Pagué <b>en el banco</b> y no aparece.",
        "adjuntos": (EXE, "recibo.pdf"),
    }
    respuesta = _enviar(cliente, "pagos_no_aplicados", datos)
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 200
    for mensaje in (
        "Nombre: este dato es obligatorio.",
        "Correo electrónico: escriba una dirección válida",
        "Mes de la factura: escríbalo como mm/aaaa",
        "Fecha del pago: escriba la fecha como dd/mm/aaaa.",
        "Monto pagado: escriba una cantidad",
        "Banco o lugar de pago: este dato es obligatorio.",
        "Comprobante de pago: adjunte la foto o el PDF",
        "«recibo.pdf» no es un archivo PDF, JPEG o PNG válido.",
    ):
        assert mensaje in html, mensaje
    assert "Pagué &lt;b&gt;en el banco&lt;/b&gt; y no aparece." in html  # kept, escaped
    assert 'value="001234567"' in html and 'value="mil"' in html
    assert html.count('aria-invalid="true"') == 8
    assert 'href="#solicitante_nombre"' in html  # the summary links to each field
    assert "vuelva a elegirlos" in html
    assert _casos(bd) == antes


def test_sin_nombre_ni_forma_de_contacto_se_dice_de_una_vez(cliente: Any) -> None:
    datos = {**_formulario(cliente, "consulta_general"), "descripcion": "¿Horario?"}
    html = _enviar(cliente, "consulta_general", datos).get_data(as_text=True)
    assert "Nombre: este dato es obligatorio." in html
    assert "Indique un correo electrónico o un teléfono para poder responderle." in html


def test_envio_valido_da_folio_acuse_y_seguimiento(cliente: Any, bd: Any) -> None:
    datos = _pago(cliente, adjuntos=[(imagen("PNG"), "foto.jpg")])
    respuesta = _enviar(cliente, "pagos_no_aplicados", datos)
    assert respuesta.status_code == 302
    caso = bd.session.scalar(select(Caso).where(Caso.clave_envio == datos["clave_envio"]))
    assert caso.canal == "contacto" and caso.cuenta_id is None
    assert caso.datos["periodo_factura"] == "10/2026" and caso.datos["monto_pago"] == "1234.50"
    adjuntos = bd.session.scalars(select(Adjunto).where(Adjunto.caso_id == caso.id)).all()
    assert sorted((a.nombre, a.tipo_mime) for a in adjuntos) == [
        ("comprobante.pdf", "application/pdf"),
        ("foto.png", "image/png"),
    ]
    html = cliente.get(respuesta.headers["Location"]).get_data(as_text=True)
    assert caso.folio in html and "Le responderemos a más tardar" in html
    assert "rosa.pago@correo.mx" in html and "lunes a viernes de 8:00 a 17:00" in html
    assert f'href="/seguimiento/?folio={caso.folio}"' in html
    [acuse] = bd.session.scalars(
        select(CorreoSalida).where(CorreoSalida.para == "rosa.pago@correo.mx")
    ).all()
    assert caso.folio in acuse.asunto and "Le responderemos a más tardar el " in acuse.texto
    assert f"http://ov.pruebas/seguimiento/?folio={caso.folio}" in acuse.texto
    # Whoever filed it may open it from this browser.
    assert caso.folio in cliente.get("/seguimiento/caso").get_data(as_text=True)


def test_doble_envio_presenta_un_caso(cliente: Any, bd: Any) -> None:
    datos = _pago(cliente, email="doble@correo.mx")
    antes = _casos(bd)
    primera = _enviar(cliente, "pagos_no_aplicados", datos)
    segunda = _enviar(cliente, "pagos_no_aplicados", {**datos, "comprobante": (PDF, "c.pdf")})
    assert primera.status_code == segunda.status_code == 302
    assert _casos(bd) == antes + 1
    caso = bd.session.scalar(select(Caso).where(Caso.clave_envio == datos["clave_envio"]))
    total = select(func.count()).select_from(Adjunto).where(Adjunto.caso_id == caso.id)
    assert bd.session.scalar(total) == 1


@pytest.mark.parametrize(
    ("archivo", "mensaje"),
    [
        ((EXE, "programa.pdf"), "«programa.pdf» no es un archivo PDF, JPEG o PNG válido."),
        ((pdf_grande(), "grande.pdf"), "«grande.pdf» pesa más de 5 MB"),
        ((b"", "vacio.png"), "«vacio.png» está vacío."),
        ((b"", ""), None),  # an input left empty is no file at all
    ],
)
def test_archivos_malos(cliente: Any, bd: Any, archivo: tuple[bytes, str], mensaje: str) -> None:
    antes = _casos(bd)
    datos = {
        **_formulario(cliente, "incidencia_ov"),
        "solicitante_nombre": "Luis",
        "solicitante_telefono": "442 123 45 67",
        "descripcion": "No carga la página.",
        "adjuntos": (archivo[0], archivo[1]),
    }
    respuesta = _enviar(cliente, "incidencia_ov", datos)
    if mensaje is None:
        assert respuesta.status_code == 302
        return
    assert respuesta.status_code == 200 and mensaje in respuesta.get_data(as_text=True)
    assert _casos(bd) == antes


def test_sin_csrf_se_rechaza(cliente: Any, bd: Any) -> None:
    antes = _casos(bd)
    respuesta = cliente.post(
        "/contacto/consulta_general",
        data={"solicitante_nombre": "X", "solicitante_email": "x@x.mx", "descripcion": "y"},
    )
    assert respuesta.status_code == 400
    assert _casos(bd) == antes


def test_clave_de_envio_alterada_no_da_500(cliente: Any, bd: Any) -> None:
    datos = {**_pago(cliente), "clave_envio": "no valida!"}
    respuesta = _enviar(cliente, "pagos_no_aplicados", datos)
    assert respuesta.status_code == 400
    assert "recargue la página" in respuesta.get_data(as_text=True)


def test_limite_por_conexion(cliente: Any, bd: Any) -> None:
    from app.portal.contacto import LIMITE_CONTACTO_IP

    ahora = datetime.now(UTC)
    for _ in range(LIMITE_CONTACTO_IP.maximo):
        limites.contar(bd.session, LIMITE_CONTACTO_IP, "127.0.0.1", ahora)
    antes = _casos(bd)
    respuesta = _enviar(cliente, "pagos_no_aplicados", _pago(cliente))
    assert respuesta.status_code == 429 and "Retry-After" in respuesta.headers
    assert "Intente de nuevo en" in respuesta.get_data(as_text=True)
    assert _casos(bd) == antes


def test_recibido_sin_folio_vuelve_a_la_lista(cliente: Any) -> None:
    respuesta = cliente.get("/contacto/recibido")
    assert respuesta.status_code == 302
    assert respuesta.headers["Location"].endswith("/contacto")


def test_cliente_con_sesion_lo_ve_en_mis_gestiones(cliente: Any, bd: Any) -> None:
    historial = cliente_con_historial(bd.session, meses=1)
    bd.session.commit()
    entrar(cliente, historial.cuenta)
    html = cliente.get("/contacto/consulta_general").get_data(as_text=True)
    assert 'href="/mi-cuenta/gestiones/nueva/consulta_general"' in html
    datos = {
        **_formulario(cliente, "consulta_general"),
        "solicitante_nombre": "Titular",
        "solicitante_email": "titular@correo.mx",
        "descripcion": "Pregunta.",
    }
    assert _enviar(cliente, "consulta_general", datos).status_code == 302
    caso = bd.session.scalar(select(Caso).where(Caso.clave_envio == datos["clave_envio"]))
    assert caso.cuenta_id == historial.cuenta.id
    assert caso.folio in cliente.get("/mi-cuenta/gestiones/").get_data(as_text=True)
