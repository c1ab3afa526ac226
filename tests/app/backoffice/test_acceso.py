"""Staff sign-in: landing per role, neutral failures, lockout, customers kept out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from casos.auditoria import RegistroAuditoria
from casos.personal import RolPersonal
from tests.soporte.clientes import cliente_con_historial, entrar
from tests.soporte.formularios import token_csrf
from tests.soporte.personal import crear_personal, entrar_personal


def test_agente_entra_y_llega_a_la_bandeja(cliente: Any, bd: Any) -> None:
    crear_personal(bd.session, "ana", RolPersonal.AGENTE, "atencion")
    respuesta = entrar_personal(cliente, "ana")
    assert respuesta.status_code == 302
    assert respuesta.headers["Location"] == "/backoffice/"
    assert cliente.get("/backoffice/").status_code == 200
    registro = bd.session.scalar(
        select(RegistroAuditoria).where(RegistroAuditoria.accion == "entrar")
    )
    assert registro is not None and registro.origen == "127.0.0.1"


def test_cada_rol_llega_a_su_inicio(cliente: Any, bd: Any) -> None:
    crear_personal(bd.session, "sup", RolPersonal.SUPERVISOR, "atencion")
    assert entrar_personal(cliente, "sup").headers["Location"] == "/backoffice/tablero"


def test_contrasena_mala_da_mensaje_neutral_y_no_entra(cliente: Any, bd: Any) -> None:
    crear_personal(bd.session, "ana", RolPersonal.AGENTE, "atencion")
    respuesta = entrar_personal(cliente, "ana", "otra-cosa-distinta-1")
    assert respuesta.status_code == 401
    assert "El usuario o la contraseña no son correctos." in respuesta.get_data(as_text=True)
    assert 'value="ana"' in respuesta.get_data(as_text=True)  # what was typed stays
    assert cliente.get("/backoffice/").status_code == 302


def test_quinto_fallo_bloquea_quince_minutos(cliente: Any, bd: Any) -> None:
    crear_personal(bd.session, "ana", RolPersonal.AGENTE, "atencion")
    codigos = [entrar_personal(cliente, "ana", "mala-contrasena-x").status_code for _ in range(5)]
    assert codigos == [401, 401, 401, 401, 429]
    respuesta = entrar_personal(cliente, "ana")  # even the right password waits
    assert respuesta.status_code == 429
    assert int(respuesta.headers["Retry-After"]) > 800


def test_personal_inactivo_no_entra(cliente: Any, bd: Any) -> None:
    crear_personal(bd.session, "ido", RolPersonal.AGENTE, "atencion", activo=False)
    assert entrar_personal(cliente, "ido").status_code == 401


def test_anonimo_va_a_entrar_con_siguiente(cliente: Any) -> None:
    respuesta = cliente.get("/backoffice/tablero")
    assert respuesta.status_code == 302
    assert respuesta.headers["Location"] == "/backoffice/entrar?siguiente=/backoffice/tablero"


def test_cliente_del_portal_no_ve_nada_del_backoffice(cliente: Any, bd: Any) -> None:
    historial = cliente_con_historial(bd.session, meses=1)
    entrar(cliente, historial.cuenta)
    assert cliente.get("/backoffice/").status_code == 404
    assert cliente.get("/backoffice/tablero").status_code == 404


def test_agente_no_ve_el_tablero(cliente: Any, bd: Any) -> None:
    crear_personal(bd.session, "ana", RolPersonal.AGENTE, "atencion")
    entrar_personal(cliente, "ana")
    assert cliente.get("/backoffice/tablero").status_code == 403


def test_salir_cierra_la_sesion(cliente: Any, bd: Any) -> None:
    crear_personal(bd.session, "ana", RolPersonal.AGENTE, "atencion")
    entrar_personal(cliente, "ana")
    html = cliente.get("/backoffice/").get_data(as_text=True)
    salida = cliente.post("/backoffice/salir", data={"csrf_token": token_csrf(html)})
    assert salida.status_code == 302
    assert cliente.get("/backoffice/").status_code == 302


def test_intento_fallido_queda_en_la_bitacora_con_su_origen(cliente: Any, bd: Any) -> None:
    entrar_personal(cliente, "nadie", "cualquier-cosa-123")
    registro = bd.session.scalar(
        select(RegistroAuditoria).where(RegistroAuditoria.accion == "acceso_fallido")
    )
    assert registro is not None
    assert (registro.actor_nombre, registro.origen, registro.actor_id) == (
        "nadie",
        "127.0.0.1",
        None,
    )
