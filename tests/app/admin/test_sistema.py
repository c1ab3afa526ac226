"""Maintenance switch, integration tokens, email templates (override, preview, restore) and
the read-only logs."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from casos.ajustes import mantenimiento
from casos.auditoria import RegistroAuditoria
from casos.correo import encolar_correo
from casos.integraciones import TokenIntegracion, autenticar_token
from casos.plantillas_correo import PlantillaCorreo
from tests.app.admin.apoyo import enviar_admin, ocultos, texto
from tests.casos.fabricas import caso


def test_modo_mantenimiento(cliente: Any, bd: Any, administrador: Any) -> None:
    assert "en servicio normal" in texto(cliente.get("/admin/mantenimiento/"))
    datos = {"activo": "y", "mensaje": "Volvemos a las 14:00."}
    assert enviar_admin(cliente, "/admin/mantenimiento/", datos).status_code == 302
    estado = mantenimiento(bd.session)
    assert estado.activo and estado.mensaje == "Volvemos a las 14:00."
    assert "en mantenimiento" in texto(cliente.get("/admin/mantenimiento/"))
    assert enviar_admin(cliente, "/admin/mantenimiento/", {"mensaje": ""}).status_code == 302
    assert not mantenimiento(bd.session).activo
    acciones = bd.session.scalars(
        select(RegistroAuditoria.accion).where(RegistroAuditoria.objeto == "mantenimiento")
    ).all()
    assert sorted(acciones) == ["activar", "desactivar"]


def test_token_se_muestra_una_vez_y_se_revoca(cliente: Any, bd: Any, administrador: Any) -> None:
    vacio = enviar_admin(cliente, "/admin/tokens/nuevo/", {"nombre": "  "})
    assert "Escriba el nombre de la integración." in texto(vacio)
    respuesta = enviar_admin(cliente, "/admin/tokens/nuevo/", {"nombre": "Centro de llamadas"})
    assert respuesta.status_code == 200 and respuesta.headers["Cache-Control"] == "no-store"
    secreto = re.search(r'value="(ovt_[^"]+)"', respuesta.get_data(as_text=True)).group(1)
    ahora = datetime.now(UTC)
    assert autenticar_token(bd.session, secreto, ahora) is not None
    lista = texto(cliente.get("/admin/tokens/"))
    assert "Centro de llamadas" in lista and secreto[:12] in lista and secreto not in lista
    token = bd.session.scalar(
        select(TokenIntegracion).where(TokenIntegracion.nombre == "Centro de llamadas")
    )
    datos = {**ocultos(lista), "action": "revocar", "rowid": str(token.id)}
    assert cliente.post("/admin/tokens/action/", data=datos).status_code == 302
    bd.session.expire_all()
    assert autenticar_token(bd.session, secreto, ahora) is None
    assert "Revocado" in texto(cliente.get("/admin/tokens/"))


def test_plantilla_editada_se_usa_y_se_restaura(cliente: Any, bd: Any, administrador: Any) -> None:
    url = "/admin/plantillas/editar/?nombre=acuse_caso"
    pagina = texto(cliente.get(url))
    assert "recibimos su solicitud" in pagina  # the file's version, pre-filled
    datos = {
        "asunto": "Folio {{ caso.folio }}: ¡recibido!",
        "texto": '{% extends "correo/_base.txt" %}'
        "{% block cuerpo %}Hola {{ caso.solicitante_nombre }}.{% endblock %}",
        "html": "",
    }
    previa = enviar_admin(cliente, url, {**datos, "accion": "vista_previa"})
    assert "Folio CEA-2026-000123: ¡recibido!" in texto(previa)
    assert "Hola María López." in texto(previa)
    assert bd.session.get(PlantillaCorreo, "acuse_caso") is None  # a preview saves nothing
    roto = enviar_admin(cliente, url, {**datos, "texto": "{% if %}", "accion": "guardar"})
    assert "Error de plantilla en la línea 1" in texto(roto)
    assert enviar_admin(cliente, url, {**datos, "accion": "guardar"}).status_code == 302
    ahora = datetime.now(UTC)
    nuevo = caso(bd.session, ahora)
    correo = encolar_correo(
        bd.session,
        para="x@ejemplo.mx",
        plantilla="acuse_caso",
        contexto={"caso": nuevo},
        ahora=ahora,
    )
    assert correo.asunto == f"Folio {nuevo.folio}: ¡recibido!"
    assert "Hola Jorge Pérez." in correo.texto and "no recibe respuestas" in correo.texto
    assert "editada por" in texto(cliente.get("/admin/plantillas/")).lower()
    lista = cliente.get("/admin/plantillas/").get_data(as_text=True)
    restaurar = cliente.post(
        "/admin/plantillas/restaurar/?nombre=acuse_caso",
        data={"csrf_token": ocultos(lista)["csrf_token"]},
    )
    assert restaurar.status_code == 302
    assert bd.session.get(PlantillaCorreo, "acuse_caso") is None


def test_bitacoras_de_solo_lectura(cliente: Any, bd: Any, administrador: Any) -> None:
    caso(bd.session, datetime.now(UTC))
    for url in (
        "/admin/auditoria/",
        "/admin/eventos-caso/",
        "/admin/eventos-cuenta/",
        "/admin/recalculos/",
    ):
        respuesta = cliente.get(url)
        assert respuesta.status_code == 200, url
        assert "Crear" not in texto(respuesta) or url == "/admin/recalculos/"
    assert "entrar" in texto(cliente.get("/admin/auditoria/"))  # the administrator's sign-in
    assert cliente.get("/admin/auditoria/new/").status_code == 302
    exportado = cliente.get("/admin/auditoria/export/csv/")
    assert exportado.status_code == 200 and "Quién" in exportado.get_data(as_text=True)
    exportado.close()
