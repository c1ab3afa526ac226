"""ARCO: access (the data export) and rectification (email with confirmation, phone)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.correo import CorreoSalida
from casos.cuentas import arco
from casos.cuentas.bitacora import registrar_evento
from casos.cuentas.modelos import EventoCuenta
from casos.errores import DatosInvalidos, ErrorDominio
from casos.registro import DatosCaso, registrar_caso
from casos.sesiones import abrir_sesion
from tests.casos.cuentas import fabricas_cuenta as f

RE_TOKEN = re.compile(r"https://ov\.ejemplo/confirmar/(\S+)")


def _enlace(token: str) -> str:
    return f"https://ov.ejemplo/confirmar/{token}"


def _caso(sesion: Session, ahora: datetime, actor: Actor, email: str, texto: str) -> str:
    datos = DatosCaso(
        tipo="consulta_general",
        descripcion=texto,
        solicitante_nombre="Alguien",
        solicitante_email=email,
    )
    return registrar_caso(sesion, datos, actor, ahora).folio


def _correos(sesion: Session, plantilla: str) -> list[CorreoSalida]:
    consulta = select(CorreoSalida).where(CorreoSalida.plantilla == plantilla)
    return list(sesion.scalars(consulta.order_by(CorreoSalida.id)))


def test_exporta_los_datos_de_la_cuenta_y_nada_ajeno(sesion: Session, ahora: datetime) -> None:
    mio, ajeno = f.contrato(sesion), f.contrato(sesion)
    cuenta = f.cuenta(sesion, mio, telefono="442 111 22 33")
    otra = f.cuenta(sesion, ajeno)
    yo, ella = f.actor_de(cuenta), f.actor_de(otra, "10.0.0.99")
    registrar_evento(sesion, cuenta, "acceso", yo, ahora)
    registrar_evento(sesion, otra, "acceso", ella, ahora)
    abrir_sesion(sesion, cuenta_id=cuenta.id, origen="10.9.8.7", agente="Firefox", ahora=ahora)
    abrir_sesion(sesion, cuenta_id=otra.id, origen="10.0.0.99", agente="Chrome", ahora=ahora)
    desde_cuenta = _caso(sesion, ahora, yo, "otro@correo.mx", "Desde mi cuenta")
    con_su_correo = _caso(sesion, ahora, Actor.ciudadano("Visitante"), cuenta.email or "", "Anon")
    de_ella = _caso(sesion, ahora, ella, otra.email or "", "Ajeno")

    datos = arco.datos_personales(sesion, cuenta, ahora)
    texto = arco.exportar_json(datos)

    assert json.loads(texto) == datos
    assert datos["cuenta"]["usuario"] == cuenta.usuario
    assert datos["cuenta"]["email"] == cuenta.email
    assert datos["cuenta"]["telefono"] == "442 111 22 33"
    assert datos["cuenta"]["aviso_legal_y_condiciones_aceptados_en"].startswith("2026-10-01T09:00")
    assert [c["numero"] for c in datos["contratos_vinculados"]] == [mio.numero]
    assert [e["accion"] for e in datos["bitacora"]] == ["acceso"]
    assert datos["bitacora"][0]["origen"] == "10.9.8.7"
    assert [s["navegador"] for s in datos["sesiones"]] == ["Firefox"]
    assert {s["folio"] for s in datos["solicitudes"]} == {desde_cuenta, con_su_correo}
    for ajeno_dato in (otra.usuario, otra.email, ajeno.numero, de_ella, "10.0.0.99", "Chrome"):
        assert str(ajeno_dato) not in texto


def test_la_bitacora_no_nombra_al_personal(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    personal = Actor.personal("Rosa Martínez", 7, origen="10.50.0.1")
    registrar_evento(sesion, cuenta, "bloqueo_mal_uso", personal, ahora, dias=30)
    [evento] = arco.datos_personales(sesion, cuenta, ahora)["bitacora"]
    assert evento["quien"] == "Personal de la CEA" and evento["origen"] is None
    assert evento["detalle"] == {"dias": 30}


def test_descarga_queda_en_la_bitacora(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    arco.registrar_descarga(sesion, cuenta, f.actor_de(cuenta), ahora)
    acciones = [e["accion"] for e in arco.datos_personales(sesion, cuenta, ahora)["bitacora"]]
    assert acciones == ["datos_descargados"]


def test_cambio_de_email_se_confirma_desde_el_correo_nuevo(
    sesion: Session, ahora: datetime
) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    anterior = cuenta.email
    arco.solicitar_cambio_email(
        sesion, cuenta, " Nuevo@Correo.MX ", "nuevo@correo.mx", f.actor_de(cuenta), ahora, _enlace
    )
    assert cuenta.email == anterior  # nothing changes until the link is followed
    [correo] = _correos(sesion, "cambio_email")
    assert correo.para == "nuevo@correo.mx" and cuenta.usuario in correo.asunto
    token = RE_TOKEN.search(correo.texto)
    assert token is not None and "aquí</a>" in correo.html
    assert arco.leer_cambio_email(sesion, token.group(1), ahora) is cuenta

    despues = ahora + timedelta(hours=5)
    arco.confirmar_cambio_email(sesion, token.group(1), Actor.ciudadano("Visitante"), despues)

    assert cuenta.email == "nuevo@correo.mx"
    [aviso] = _correos(sesion, "cambio_email_aviso")
    assert aviso.para == anterior and "n****@correo.mx" in aviso.texto
    assert "442 211 00 66" in aviso.texto
    eventos = sesion.scalars(select(EventoCuenta).where(EventoCuenta.cuenta_id == cuenta.id))
    cambio = [e for e in eventos if e.accion == "email_cambiado"]
    assert len(cambio) == 1 and cambio[0].actor_id == cuenta.id
    assert "correo.mx" not in json.dumps(cambio[0].detalle)
    with pytest.raises(ErrorDominio, match="ya se usó"):
        arco.confirmar_cambio_email(sesion, token.group(1), f.actor_de(cuenta), despues)


def test_enlace_de_cambio_vencido_o_alterado(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    actor = f.actor_de(cuenta)
    arco.solicitar_cambio_email(sesion, cuenta, "a@b.mx", "a@b.mx", actor, ahora, _enlace)
    token = RE_TOKEN.search(_correos(sesion, "cambio_email")[0].texto)
    assert token is not None
    with pytest.raises(ErrorDominio, match="venció"):
        arco.confirmar_cambio_email(sesion, token.group(1), actor, ahora + timedelta(hours=49))
    with pytest.raises(ErrorDominio, match="no es válido"):
        arco.confirmar_cambio_email(sesion, token.group(1) + "x", actor, ahora)
    assert cuenta.email != "a@b.mx"


@pytest.mark.parametrize(
    ("nuevo", "confirmacion", "campo"),
    [
        ("no-es-correo", "no-es-correo", "email"),
        ("nuevo@correo.mx", "otro@correo.mx", "confirmacion"),
        ("", "", "email"),
    ],
)
def test_cambio_de_email_valida(
    sesion: Session, ahora: datetime, nuevo: str, confirmacion: str, campo: str
) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    with pytest.raises(DatosInvalidos) as error:
        arco.solicitar_cambio_email(
            sesion, cuenta, nuevo, confirmacion, f.actor_de(cuenta), ahora, _enlace
        )
    assert campo in error.value.campos
    assert _correos(sesion, "cambio_email") == []


def test_el_mismo_email_no_es_un_cambio(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    actual = (cuenta.email or "").upper()
    with pytest.raises(DatosInvalidos) as error:
        arco.solicitar_cambio_email(
            sesion, cuenta, actual, actual, f.actor_de(cuenta), ahora, _enlace
        )
    assert error.value.campos == {"email": "Ese ya es el correo de su cuenta."}


def test_contrasena_incorrecta_cuenta_y_bloquea(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    arco.confirmar_contrasena(sesion, cuenta, f.CONTRASENA, ahora)
    for _ in range(arco.LIMITE_CONTRASENA.maximo):
        with pytest.raises(DatosInvalidos, match="no es correcta"):
            arco.confirmar_contrasena(sesion, cuenta, "equivocada", ahora)
    with pytest.raises(DatosInvalidos, match="Demasiados intentos"):
        arco.confirmar_contrasena(sesion, cuenta, "equivocada", ahora)
    with pytest.raises(DatosInvalidos, match="Espere 15 minutos"):
        arco.confirmar_contrasena(sesion, cuenta, f.CONTRASENA, ahora)  # even the right one
    arco.confirmar_contrasena(sesion, cuenta, f.CONTRASENA, ahora + timedelta(minutes=16))


@pytest.mark.parametrize(
    ("escrito", "guardado"),
    [("4421234567", "442 123 45 67"), ("+52 (442) 123-4567", "442 123 45 67"), ("", None)],
)
def test_cambiar_telefono(
    sesion: Session, ahora: datetime, escrito: str, guardado: str | None
) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion), telefono="442 000 00 00")
    arco.cambiar_telefono(sesion, cuenta, escrito, f.actor_de(cuenta), ahora)
    assert cuenta.telefono == guardado


def test_telefono_invalido(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    with pytest.raises(DatosInvalidos) as error:
        arco.cambiar_telefono(sesion, cuenta, "12345", f.actor_de(cuenta), ahora)
    assert "10 dígitos" in error.value.campos["telefono"] and cuenta.telefono is None
