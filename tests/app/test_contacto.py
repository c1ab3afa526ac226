"""*Vías de Contacto*: filing without an account, errors next to the field, one case per form."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from casos.modelos import Caso
from tests.soporte.formularios import token_csrf


def _formulario(cliente: Any, tipo: str) -> tuple[str, str]:
    html = cliente.get(f"/contacto/{tipo}").get_data(as_text=True)
    clave = re.search(r'name="clave_envio"[^>]*value="([^"]+)"', html)
    assert clave is not None
    return token_csrf(html), clave.group(1)


def _casos(bd: Any) -> int:
    return bd.session.scalar(select(func.count()).select_from(Caso))


def test_lista_muestra_los_tipos_publicos_y_el_telefono(cliente: Any) -> None:
    html = cliente.get("/contacto").get_data(as_text=True)
    assert "Consulta general" in html
    assert "Incidencia Oficina Virtual" in html
    assert "Baja de cuenta" not in html  # only from a signed-in account
    assert "442 211 00 66" in html


def test_tipo_no_publico_o_desconocido_es_404(cliente: Any) -> None:
    assert cliente.get("/contacto/baja_cuenta").status_code == 404
    assert cliente.get("/contacto/no-existe").status_code == 404


def test_errores_junto_al_campo_sin_perder_lo_escrito(cliente: Any, bd: Any) -> None:
    csrf, clave = _formulario(cliente, "pagos_no_aplicados")
    antes = _casos(bd)
    respuesta = cliente.post(
        "/contacto/pagos_no_aplicados",
        data={
            "csrf_token": csrf,
            "clave_envio": clave,
            "solicitante_nombre": "Rosa Ángeles <b>",
            "solicitante_email": "rosa@",
            "contrato": "001234567",
            "fecha_pago": "31/02/2026",
            "monto_pago": "mil",
            "descripcion": "Pagué en el banco y no aparece.",
        },
    )
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 200
    assert "Correo electrónico: escriba una dirección válida" in html
    assert "Fecha del pago: escriba la fecha como dd/mm/aaaa." in html
    assert "Monto pagado: escriba una cantidad" in html
    assert 'value="Rosa Ángeles &lt;b&gt;"' in html  # kept, and escaped
    assert "Pagué en el banco y no aparece." in html
    assert 'aria-invalid="true"' in html
    assert _casos(bd) == antes


def test_envio_valido_da_folio_y_un_doble_envio_presenta_un_caso(cliente: Any, bd: Any) -> None:
    csrf, clave = _formulario(cliente, "incidencia_ov")
    datos = {
        "csrf_token": csrf,
        "clave_envio": clave,
        "solicitante_nombre": "Pedro Salinas",
        "solicitante_email": "pedro@example.mx",
        "descripcion": "No puedo registrar mi contrato.",
    }
    antes = _casos(bd)
    primera = cliente.post("/contacto/incidencia_ov", data=datos)
    segunda = cliente.post("/contacto/incidencia_ov", data=datos)
    assert primera.status_code == segunda.status_code == 302
    assert _casos(bd) == antes + 1
    html = cliente.get(primera.headers["Location"]).get_data(as_text=True)
    caso = bd.session.scalar(select(Caso).order_by(Caso.id.desc()))
    assert caso.folio in html and caso.canal == "contacto"
    assert "Le responderemos a más tardar" in html
    assert "pedro@example.mx" in html


def test_sin_csrf_se_rechaza(cliente: Any, bd: Any) -> None:
    antes = _casos(bd)
    respuesta = cliente.post(
        "/contacto/consulta_general",
        data={"solicitante_nombre": "X", "solicitante_email": "x@x.mx", "descripcion": "y"},
    )
    assert respuesta.status_code == 400
    assert _casos(bd) == antes


def test_recibido_sin_folio_vuelve_a_la_lista(cliente: Any) -> None:
    respuesta = cliente.get("/contacto/recibido")
    assert respuesta.status_code == 302
    assert respuesta.headers["Location"].endswith("/contacto")
