"""*Mi cuenta* over HTTP: landing page, link / unlink, Baja, Mis datos personales (ARCO)."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from casos.comercial.modelos import Contrato
from casos.correo import CorreoSalida
from casos.cuentas.modelos import Cuenta, CuentaContrato, TipoCuenta
from casos.modelos import Caso
from tests.casos.cuentas import fabricas_cuenta as f
from tests.soporte.formularios import enviar, token_csrf

INICIO = "/mi-cuenta/"
RE_CONFIRMAR = re.compile(r"http://ov\.pruebas(/mi-cuenta/datos/email/confirmar/\S+)")


def entrar(cliente: Any, cuenta: Cuenta) -> None:
    """Sign in through *Accede a tu cuenta* (the real form, CSRF included)."""
    datos = {"usuario": cuenta.usuario, "contrasena": f.CONTRASENA}
    respuesta = enviar(cliente, "/acceso", datos)
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == INICIO


@pytest.fixture
def contratos(bd: Any) -> list[Contrato]:
    """Two contracts of the same holder, the first with a pending bill."""
    uno = f.contrato(bd.session, direccion="Calle Hidalgo 12")
    dos = f.contrato(bd.session, direccion="Calle Morelos 7")
    f.factura(bd.session, uno, date(2026, 10, 1), "345.60", pagada=False)
    return [uno, dos]


@pytest.fixture
def cuenta(bd: Any, cliente: Any, contratos: list[Contrato]) -> Cuenta:
    """A signed-in customer with the first contract linked."""
    nueva = f.cuenta(bd.session, contratos[0])
    bd.session.commit()  # requests share this session: keep the data past their rollbacks
    entrar(cliente, nueva)
    return nueva


def _email_guardado(bd: Any, cuenta: Cuenta) -> str | None:
    """The account's email as the requests left it; the test's own read transaction is ended
    (the requests share this session and must open their transactions themselves)."""
    bd.session.refresh(cuenta)
    email = cuenta.email
    bd.session.commit()
    return email


def _html(respuesta: Any) -> str:
    return str(respuesta.get_data(as_text=True))


# --- landing page ------------------------------------------------------------------------


def test_sin_sesion_pide_acceso(cliente: Any) -> None:
    respuesta = cliente.get(INICIO)
    assert respuesta.status_code == 302
    assert respuesta.headers["Location"].startswith("/acceso?siguiente=/mi-cuenta/")


def test_mi_cuenta_muestra_contratos_y_opciones(
    cliente: Any, cuenta: Cuenta, contratos: list[Contrato]
) -> None:
    html = _html(cliente.get(INICIO))
    assert f"Hola, <strong>{cuenta.usuario}</strong>" in html
    assert f"Número de contrato: {contratos[0].numero}" in html
    assert "Calle Hidalgo 12, Centro, Querétaro, C.P. 76000" in html
    assert "María Guadalupe Hernández López" in html
    assert "$345.60" in html and "Vencida" in html
    assert contratos[1].numero not in html
    assert (
        '<a class="btn btn-primary" href="/mi-cuenta/contratos/vincular">Vincular otro contrato</a>'
        in html
    )
    assert '<a href="/mi-cuenta/datos">Mis datos personales</a>' in html
    assert '<a href="/mi-cuenta/baja">Solicitar la baja de mi cuenta</a>' in html
    assert "Desvincular" not in html  # only one contract


# --- linking -----------------------------------------------------------------------------


def test_formulario_de_vinculo_con_las_etiquetas_del_registro(cliente: Any, cuenta: Cuenta) -> None:
    html = _html(cliente.get("/mi-cuenta/contratos/vincular"))
    for etiqueta in ("Referencia", "Apellido Paterno", "Apellido Materno", "Número de medidor"):
        assert f">{etiqueta}</label>" in html
    assert "Nombre de la empresa" not in html
    assert ">Mi contrato no tiene medidor</label>" in html
    assert 'src="/static/img/recibo-ayuda.svg"' in html


def test_empresa_ve_nombre_de_la_empresa(bd: Any, cliente: Any) -> None:
    contrato = f.contrato(bd.session, razon_social="Aceros del Bajío, S.A. de C.V.")
    empresa = f.cuenta(bd.session, contrato, tipo=TipoCuenta.EMPRESA)
    bd.session.commit()
    entrar(cliente, empresa)
    html = _html(cliente.get("/mi-cuenta/contratos/vincular"))
    assert ">Nombre de la empresa</label>" in html and "Apellido Paterno" not in html


def test_vincular_otro_contrato(cliente: Any, cuenta: Cuenta, contratos: list[Contrato]) -> None:
    datos = {
        "referencia": contratos[1].numero,
        "apellido_paterno": "Hernández",
        "apellido_materno": "López",
        "numero_medidor": "AB-123456",
    }
    respuesta = enviar(cliente, "/mi-cuenta/contratos/vincular", datos)
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == INICIO
    html = _html(cliente.get(INICIO))
    assert f"El contrato {contratos[1].numero} quedó vinculado a su cuenta." in html
    assert "Calle Morelos 7" in html and html.count("Desvincular<span") == 2


def test_datos_que_no_coinciden_conservan_lo_escrito(
    cliente: Any, cuenta: Cuenta, contratos: list[Contrato]
) -> None:
    datos = {
        "referencia": contratos[1].numero,
        "apellido_paterno": "Pérez",
        "apellido_materno": "",
        "numero_medidor": "ZZ-1",
    }
    html = _html(enviar(cliente, "/mi-cuenta/contratos/vincular", datos))
    assert "Los datos no coinciden con nuestros registros." in html
    assert f'value="{contratos[1].numero}"' in html and 'value="Pérez"' in html
    assert "incidencia_ov" not in html


def test_errores_de_formato_junto_al_campo(cliente: Any, cuenta: Cuenta) -> None:
    datos = {"referencia": "12-AB", "apellido_paterno": "", "numero_medidor": ""}
    html = _html(enviar(cliente, "/mi-cuenta/contratos/vincular", datos))
    for campo in ("referencia", "apellido_paterno", "numero_medidor"):
        assert f'id="{campo}-error"' in html  # every error at once, next to its field
    assert "Escriba el número de medidor o marque «Mi contrato no tiene medidor»." in html
    datos = {"referencia": "123", "apellido_paterno": "Pérez", "sin_medidor": "y"}
    html = _html(enviar(cliente, "/mi-cuenta/contratos/vincular", datos))
    assert 'id="importe_ultima_factura-error"' in html and 'id="referencia-error"' not in html


def test_contrato_de_otra_cuenta_lleva_a_incidencia(
    bd: Any, cliente: Any, cuenta: Cuenta, contratos: list[Contrato]
) -> None:
    f.cuenta(bd.session, contratos[1])
    bd.session.commit()
    datos = {
        "referencia": contratos[1].numero,
        "apellido_paterno": "Hernández",
        "apellido_materno": "López",
        "numero_medidor": "AB-123456",
    }
    html = _html(enviar(cliente, "/mi-cuenta/contratos/vincular", datos))
    assert "Este contrato ya está registrado en la Oficina Virtual." in html
    assert 'href="/contacto/incidencia_ov"' in html


def test_demasiados_intentos_de_vinculo(cliente: Any, cuenta: Cuenta) -> None:
    datos = {"referencia": "555000111", "apellido_paterno": "Pérez", "numero_medidor": "X-1"}
    for _ in range(8):
        assert enviar(cliente, "/mi-cuenta/contratos/vincular", datos).status_code == 200
    respuesta = enviar(cliente, "/mi-cuenta/contratos/vincular", datos)
    assert respuesta.status_code == 429 and int(respuesta.headers["Retry-After"]) > 3500
    assert "Hizo demasiados intentos. Espere 60 minutos" in _html(respuesta)


# --- unlinking ---------------------------------------------------------------------------


def test_desvincular_con_confirmacion(
    bd: Any, cliente: Any, cuenta: Cuenta, contratos: list[Contrato]
) -> None:
    cuenta.vinculos.append(CuentaContrato(contrato=contratos[1], vinculado_en=f.CREADA))
    bd.session.commit()
    url = f"/mi-cuenta/contratos/{contratos[1].id}/desvincular"
    html = _html(cliente.get(url))
    assert f"Sí, desvincular el contrato {contratos[1].numero}" in html
    assert contratos[1].numero in _html(cliente.get(INICIO))  # GET changes nothing
    respuesta = enviar(cliente, url, {})
    assert respuesta.status_code == 302
    html = _html(cliente.get(INICIO))
    assert f"El contrato {contratos[1].numero} ya no está vinculado" in html
    assert "Calle Morelos 7" not in html


def test_el_ultimo_contrato_no_se_desvincula(
    cliente: Any, cuenta: Cuenta, contratos: list[Contrato]
) -> None:
    url = f"/mi-cuenta/contratos/{contratos[0].id}/desvincular"
    html = _html(cliente.get(url))
    assert "Este es el único contrato de su cuenta" in html and 'href="/mi-cuenta/baja"' in html
    csrf = token_csrf(_html(cliente.get("/mi-cuenta/datos")))
    html = _html(cliente.post(url, data={"csrf_token": csrf}))
    assert "No es posible desvincular el único contrato" in html
    assert contratos[0].numero in _html(cliente.get(INICIO))


def test_contrato_de_otra_cuenta_da_404(
    bd: Any, cliente: Any, cuenta: Cuenta, contratos: list[Contrato]
) -> None:
    otra = f.cuenta(bd.session, contratos[1], f.contrato(bd.session))
    bd.session.commit()
    url = f"/mi-cuenta/contratos/{contratos[1].id}/desvincular"
    assert cliente.get(url).status_code == 404
    csrf = token_csrf(_html(cliente.get("/mi-cuenta/datos")))
    assert cliente.post(url, data={"csrf_token": csrf}).status_code == 404
    assert cliente.get("/mi-cuenta/contratos/999999999/desvincular").status_code == 404
    assert contratos[1] in otra.contratos


def test_sin_csrf_no_se_desvincula(
    bd: Any, cliente: Any, cuenta: Cuenta, contratos: list[Contrato]
) -> None:
    cuenta.vinculos.append(CuentaContrato(contrato=contratos[1], vinculado_en=f.CREADA))
    bd.session.commit()
    url = f"/mi-cuenta/contratos/{contratos[1].id}/desvincular"
    assert cliente.post(url, data={}).status_code == 400
    assert "Calle Morelos 7" in _html(cliente.get(INICIO))


# --- Baja de cuenta ----------------------------------------------------------------------


def test_baja_con_contrasena_y_folio(bd: Any, cliente: Any, cuenta: Cuenta) -> None:
    html = _html(cliente.get("/mi-cuenta/baja"))
    assert "Solicitar la baja de mi cuenta" in html and ">Contraseña</label>" in html
    html = _html(enviar(cliente, "/mi-cuenta/baja", {"motivo": "Ya no", "contrasena": "mala"}))
    assert 'id="contrasena-error"' in html and "La contraseña no es correcta." in html
    assert 'value="mala"' not in html and "Ya no</textarea>" in html
    assert bd.session.scalar(select(Caso).where(Caso.descripcion.contains(cuenta.usuario))) is None

    respuesta = enviar(cliente, "/mi-cuenta/baja", {"motivo": "Ya no", "contrasena": f.CONTRASENA})
    assert respuesta.status_code == 302
    caso = bd.session.get(Caso, cuenta.baja_caso_id)
    assert caso is not None and caso.tipo.clave == "baja_cuenta"
    html = _html(cliente.get("/mi-cuenta/baja"))
    assert "Su solicitud de baja está en trámite" in html and caso.folio in html
    assert caso.folio in _html(cliente.get(INICIO))
    # Asking again shows the same folio: the pending page has no form to resubmit.
    csrf = token_csrf(_html(cliente.get("/mi-cuenta/datos")))
    otra_vez = cliente.post("/mi-cuenta/baja", data={"csrf_token": csrf, "contrasena": "x"})
    assert otra_vez.status_code == 200 and caso.folio in _html(otra_vez)
    suyos = select(Caso).where(
        Caso.tipo_id == caso.tipo_id, Caso.solicitante_email == caso.solicitante_email
    )
    assert bd.session.scalars(suyos).all() == [caso]


# --- Mis datos personales (ARCO) ---------------------------------------------------------


def test_mis_datos_personales(cliente: Any, cuenta: Cuenta) -> None:
    html = _html(cliente.get("/mi-cuenta/datos"))
    assert cuenta.usuario in html and cuenta.email in html
    assert "Descargar mis datos" in html and "20 días hábiles" in html
    assert "LGPDPPSO" in html and 'href="/mi-cuenta/baja"' in html


def test_descargar_mis_datos_como_adjunto(
    bd: Any, cliente: Any, cuenta: Cuenta, contratos: list[Contrato]
) -> None:
    otra = f.cuenta(bd.session, contratos[1])
    bd.session.commit()
    assert cliente.get("/mi-cuenta/datos/descargar").status_code == 405
    respuesta = enviar(cliente, "/mi-cuenta/datos/descargar", {}, pagina="/mi-cuenta/datos")
    assert respuesta.status_code == 200 and respuesta.mimetype == "application/json"
    disposicion = respuesta.headers["Content-Disposition"]
    assert disposicion.startswith('attachment; filename="mis-datos-oficina-virtual-')
    assert "no-store" in respuesta.headers["Cache-Control"]
    datos = json.loads(respuesta.get_data(as_text=True))
    assert datos["cuenta"]["usuario"] == cuenta.usuario
    assert [c["numero"] for c in datos["contratos_vinculados"]] == [contratos[0].numero]
    assert "datos_descargados" in [e["accion"] for e in datos["bitacora"]]
    texto = respuesta.get_data(as_text=True)
    assert str(otra.usuario) not in texto and contratos[1].numero not in texto


def test_cambio_de_email_por_enlace(bd: Any, cliente: Any, app: Any, cuenta: Cuenta) -> None:
    anterior = cuenta.email
    datos = {"email": "nuevo@correo.mx", "confirmacion": "nuevo@correo.mx", "contrasena": "mala"}
    html = _html(enviar(cliente, "/mi-cuenta/datos/email", datos))
    assert "La contraseña no es correcta." in html and 'value="nuevo@correo.mx"' in html
    datos["contrasena"] = f.CONTRASENA
    assert enviar(cliente, "/mi-cuenta/datos/email", datos).status_code == 302
    assert "Le enviamos un enlace a nuevo@correo.mx" in _html(cliente.get("/mi-cuenta/datos"))
    correo = bd.session.scalar(select(CorreoSalida).where(CorreoSalida.plantilla == "cambio_email"))
    assert correo is not None and correo.para == "nuevo@correo.mx"
    enlace = RE_CONFIRMAR.search(correo.texto)
    assert enlace is not None

    otro = app.test_client()  # opened from the mailbox, perhaps on another device
    pagina = otro.get(enlace.group(1))
    assert pagina.status_code == 200 and pagina.headers["Referrer-Policy"] == "no-referrer"
    assert _email_guardado(bd, cuenta) == anterior  # a mail scanner's GET changes nothing
    respuesta = otro.post(enlace.group(1), data={"csrf_token": token_csrf(_html(pagina))})
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == "/acceso"
    assert _email_guardado(bd, cuenta) == "nuevo@correo.mx"
    aviso = bd.session.scalar(
        select(CorreoSalida).where(CorreoSalida.plantilla == "cambio_email_aviso")
    )
    assert aviso is not None and aviso.para == anterior
    assert otro.get(enlace.group(1)).status_code == 400  # single use


def test_enlace_de_cambio_alterado(cliente: Any) -> None:
    html = _html(cliente.get("/mi-cuenta/datos/email/confirmar/basura.xyz"))
    assert "El enlace no es válido" in html


def test_cambiar_telefono(cliente: Any, cuenta: Cuenta) -> None:
    html = _html(enviar(cliente, "/mi-cuenta/datos/telefono", {"telefono": "123"}))
    assert "Escriba 10 dígitos" in html and 'value="123"' in html
    respuesta = enviar(cliente, "/mi-cuenta/datos/telefono", {"telefono": "(442) 555 1234"})
    assert respuesta.status_code == 302
    assert "442 555 12 34" in _html(cliente.get("/mi-cuenta/datos"))


def test_cuenta_bloqueada_conserva_sus_derechos_arco(bd: Any, cliente: Any, cuenta: Cuenta) -> None:
    cuenta.es_bloqueada = True
    bd.session.commit()
    assert cliente.get(INICIO).headers["Location"] == "/mi-cuenta/bloqueo/"
    assert cliente.get("/mi-cuenta/contratos/vincular").status_code == 302
    assert cliente.get("/mi-cuenta/datos").status_code == 200
    assert cliente.get("/mi-cuenta/baja").status_code == 200
