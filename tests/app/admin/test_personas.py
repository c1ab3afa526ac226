"""Staff accounts (password field, never the hash; deactivation ends sessions) and customer
accounts (block / reactivate through the accounts service)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from casos.auditoria import RegistroAuditoria
from casos.cuentas.contrasenas import verificar
from casos.cuentas.modelos import Bloqueo, EventoCuenta
from casos.personal import Personal, RolPersonal
from casos.sesiones import SesionWeb, abrir_sesion
from tests.app.admin.apoyo import enviar_admin, texto
from tests.soporte.clientes import cliente_con_historial
from tests.soporte.personal import crear_personal

NUEVA = "girasol-tejado-marea-39"


def _datos_persona(persona: Personal, **cambios: Any) -> dict[str, Any]:
    datos = {
        "usuario": persona.usuario,
        "nombre": persona.nombre,
        "email": persona.email,
        "rol": persona.rol.value,
        "areas": [str(a.id) for a in persona.areas],
        "es_activo": "y" if persona.es_activo else "",
    }
    datos.update(cambios)
    return {k: v for k, v in datos.items() if v != ""}


def test_alta_de_personal_con_contrasena_cifrada(cliente: Any, bd: Any, administrador: Any) -> None:
    datos = {
        "usuario": "Beto",
        "nombre": "Beto Agente",
        "email": "beto@cea.localhost",
        "rol": "agente",
        "es_activo": "y",
        "nueva_contrasena": "corta",
    }
    respuesta = enviar_admin(cliente, "/admin/personal/new/", datos)
    assert respuesta.status_code == 200 and "al menos" in texto(respuesta)
    sin_contrasena = enviar_admin(
        cliente, "/admin/personal/new/", {**datos, "nueva_contrasena": ""}
    )
    assert "Asigne una contraseña inicial." in texto(sin_contrasena)
    assert (
        enviar_admin(
            cliente, "/admin/personal/new/", {**datos, "nueva_contrasena": NUEVA}
        ).status_code
        == 302
    )
    beto = bd.session.scalar(select(Personal).where(Personal.usuario == "beto"))
    assert beto is not None and verificar(beto.contrasena_hash, NUEVA)
    pagina = texto(cliente.get(f"/admin/personal/edit/?id={beto.id}"))
    assert "argon2" not in pagina and "contrasena_hash" not in pagina
    registro = bd.session.scalar(
        select(RegistroAuditoria).where(
            RegistroAuditoria.objeto == "personal", RegistroAuditoria.accion == "crear"
        )
    )
    assert registro is not None and registro.detalle["cambios"]["contrasena_hash"] == [
        None,
        "(cambiada)",
    ]


def test_desactivar_cierra_sus_sesiones(cliente: Any, bd: Any, administrador: Any) -> None:
    ana = crear_personal(bd.session, "ana", RolPersonal.AGENTE, "atencion")
    abrir_sesion(
        bd.session, personal_id=ana.id, origen="10.0.0.1", agente="x", ahora=datetime.now(UTC)
    )
    url = f"/admin/personal/edit/?id={ana.id}"
    assert enviar_admin(cliente, url, _datos_persona(ana, es_activo="")).status_code == 302
    abiertas = bd.session.scalars(
        select(SesionWeb).where(SesionWeb.personal_id == ana.id, SesionWeb.cerrada_en.is_(None))
    ).all()
    assert abiertas == []


def test_no_puede_quitarse_el_rol(cliente: Any, bd: Any, administrador: Personal) -> None:
    url = f"/admin/personal/edit/?id={administrador.id}"
    respuesta = enviar_admin(cliente, url, _datos_persona(administrador, rol="agente"))
    assert respuesta.status_code == 200
    assert "No puede quitarse el rol de administrador" in texto(respuesta)


def test_bloquear_y_reactivar_cuenta_por_el_servicio(
    cliente: Any, bd: Any, administrador: Any
) -> None:
    cuenta = cliente_con_historial(bd.session).cuenta
    url = f"/admin/cuentas/bloqueo/?id={cuenta.id}"
    corto = enviar_admin(cliente, url, {"accion": "bloquear", "dias": "3", "motivo": "x"})
    assert corto.status_code == 200 and "al menos 10 caracteres" in texto(corto)
    datos = {"accion": "bloquear", "dias": "3", "motivo": "Reportes falsos repetidos de fugas."}
    assert enviar_admin(cliente, url, datos).status_code == 302
    bd.session.refresh(cuenta)
    assert cuenta.es_bloqueada
    evento = bd.session.scalar(select(EventoCuenta).where(EventoCuenta.accion == "bloqueo_mal_uso"))
    assert evento is not None and evento.actor_nombre == "Adriana Admin"
    auditoria = bd.session.scalar(
        select(RegistroAuditoria).where(RegistroAuditoria.objeto == "cuenta")
    )
    assert auditoria is not None and auditoria.detalle["dias"] == 3
    reactivar = {"accion": "reactivar", "motivo": "Llamada con folio TEL-2026-001."}
    antes = enviar_admin(cliente, url, reactivar)
    assert antes.status_code == 200 and "todavía no termina" in texto(antes)
    bloqueo = bd.session.scalar(select(Bloqueo).where(Bloqueo.cuenta_id == cuenta.id))
    bloqueo.fin_periodo_en = datetime.now(UTC) - timedelta(minutes=1)  # the period is over
    assert enviar_admin(cliente, url, reactivar).status_code == 302
    bd.session.refresh(cuenta)
    assert not cuenta.es_bloqueada
    lista = texto(cliente.get("/admin/cuentas/?search=" + (cuenta.usuario or "")))
    assert cuenta.usuario in lista and "contrasena_hash" not in lista
