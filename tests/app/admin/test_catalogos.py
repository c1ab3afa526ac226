"""Catalog edits: Spanish errors instead of CHECK failures, audit rows in the same commit,
recompute requests, the optimistic lock."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from casos.auditoria import RegistroAuditoria
from casos.catalogo import Area, DiaInhabil, TipoCaso
from casos.recalculo import SolicitudRecalculo
from tests.app.admin.apoyo import enviar_admin, ocultos, texto


def _tipo(bd: Any, clave: str = "consulta_general") -> TipoCaso:
    tipo = bd.session.scalar(select(TipoCaso).where(TipoCaso.clave == clave))
    assert tipo is not None
    return tipo


def _datos_tipo(tipo: TipoCaso, **cambios: Any) -> dict[str, Any]:
    datos: dict[str, Any] = {
        "clave": tipo.clave,
        "nombre": tipo.nombre,
        "descripcion": tipo.descripcion,
        "area": str(tipo.area_id),
        "horas_respuesta": str(tipo.horas_respuesta),
        "horas_resolucion": str(tipo.horas_resolucion),
        "calendario": tipo.calendario.value,
        "umbral_riesgo_pct": str(tipo.umbral_riesgo_pct),
        "dias_reapertura": str(tipo.dias_reapertura),
        "campos_requeridos": list(tipo.campos_requeridos),
        "es_publico": "y" if tipo.es_publico else "",
        "es_activo": "y" if tipo.es_activo else "",
        "orden": str(tipo.orden),
    }
    datos.update(cambios)
    return {k: v for k, v in datos.items() if v != ""}


def test_tipo_con_valores_invalidos_muestra_errores_en_espanol(
    cliente: Any, bd: Any, administrador: Any
) -> None:
    tipo = _tipo(bd)
    url = f"/admin/tipos-caso/edit/?id={tipo.id}"
    malos = _datos_tipo(
        tipo,
        horas_respuesta="50",
        horas_resolucion="10",
        umbral_riesgo_pct="150",
        dias_reapertura="-1",
    )
    respuesta = enviar_admin(cliente, url, malos)
    assert respuesta.status_code == 200
    pagina = texto(respuesta)
    assert "No puede ser menor que las horas para responder." in pagina
    assert "Escriba un porcentaje entre 1 y 99." in pagina
    assert "No puede ser negativo." in pagina
    assert 'value="150"' in pagina  # what was typed stays
    bd.session.expire_all()
    assert _tipo(bd).umbral_riesgo_pct != 150
    nuevo = _datos_tipo(tipo, clave="nuevo_x", nombre="Nuevo X", horas_respuesta="0")
    respuesta = enviar_admin(cliente, "/admin/tipos-caso/new/", nuevo)
    assert respuesta.status_code == 200 and "Debe ser mayor que cero." in texto(respuesta)
    no_numero = enviar_admin(cliente, url, _datos_tipo(tipo, horas_respuesta="mucho"))
    assert no_numero.status_code == 200 and "Not a valid" not in texto(no_numero)


def test_cambiar_objetivos_audita_y_pide_recalculo(
    cliente: Any, bd: Any, administrador: Any
) -> None:
    tipo = _tipo(bd)
    umbral_antes = tipo.umbral_riesgo_pct
    url = f"/admin/tipos-caso/edit/?id={tipo.id}"
    respuesta = enviar_admin(cliente, url, _datos_tipo(tipo, umbral_riesgo_pct="60"))
    assert respuesta.status_code == 302, texto(respuesta)
    registro = bd.session.scalar(
        select(RegistroAuditoria).where(
            RegistroAuditoria.objeto == "tipos_caso", RegistroAuditoria.accion == "editar"
        )
    )
    assert registro is not None
    assert registro.actor_nombre == "Adriana Admin" and registro.origen == "127.0.0.1"
    assert registro.objeto_id == str(tipo.id)
    assert registro.detalle["cambios"]["umbral_riesgo_pct"] == [umbral_antes, 60]
    solicitud = bd.session.scalar(
        select(SolicitudRecalculo).where(SolicitudRecalculo.tipo_id == tipo.id)
    )
    assert solicitud is not None and solicitud.terminada_en is None
    # Changing only the description does not recompute anything.
    antes = len(bd.session.scalars(select(SolicitudRecalculo)).all())
    enviar_admin(cliente, url, _datos_tipo(_tipo(bd), descripcion="Otra descripción"))
    assert len(bd.session.scalars(select(SolicitudRecalculo)).all()) == antes


def test_dos_administradores_no_se_pisan(
    app: Any, cliente: Any, bd: Any, administrador: Any
) -> None:
    tipo = _tipo(bd)
    url = f"/admin/tipos-caso/edit/?id={tipo.id}"
    formulario_viejo = ocultos(cliente.get(url).get_data(as_text=True))
    # Another administrator saves first.
    assert enviar_admin(cliente, url, _datos_tipo(tipo, umbral_riesgo_pct="55")).status_code == 302
    respuesta = cliente.post(
        url, data={**formulario_viejo, **_datos_tipo(_tipo(bd), umbral_riesgo_pct="90")}
    )
    assert respuesta.status_code == 200
    pagina = texto(respuesta)
    assert "Otro administrador modificó este registro mientras usted lo editaba" in pagina
    assert 'value="90"' in pagina
    bd.session.expire_all()
    assert _tipo(bd).umbral_riesgo_pct == 55
    # Saving again after reading the warning keeps this administrator's values.
    segunda = cliente.post(
        url,
        data={
            **ocultos(respuesta.get_data(as_text=True)),
            **_datos_tipo(_tipo(bd), umbral_riesgo_pct="90"),
        },
    )
    assert segunda.status_code == 302
    bd.session.expire_all()
    assert _tipo(bd).umbral_riesgo_pct == 90


def test_dia_inhabil_por_area_pide_recalculo_y_no_se_duplica(
    cliente: Any, bd: Any, administrador: Any
) -> None:
    area = bd.session.scalar(select(Area).order_by(Area.id))
    datos = {"fecha": "2026-12-11", "motivo": "Día del empleado CEA", "area": str(area.id)}
    assert enviar_admin(cliente, "/admin/dias-inhabiles/new/", datos).status_code == 302
    dia = bd.session.scalar(select(DiaInhabil).where(DiaInhabil.fecha == date(2026, 12, 11)))
    assert dia is not None and dia.area_id == area.id
    solicitud = bd.session.scalar(
        select(SolicitudRecalculo).where(SolicitudRecalculo.area_id == area.id)
    )
    assert solicitud is not None
    repetido = enviar_admin(cliente, "/admin/dias-inhabiles/new/", datos)
    assert repetido.status_code == 200 and "Ese día ya está registrado para esa área." in texto(
        repetido
    )
    todas = {"fecha": "2026-12-14", "motivo": "Asueto estatal", "area": "__None"}
    assert enviar_admin(cliente, "/admin/dias-inhabiles/new/", todas).status_code == 302
    assert enviar_admin(cliente, "/admin/dias-inhabiles/new/", todas).status_code == 200
    lista = texto(cliente.get("/admin/dias-inhabiles/"))
    assert "Todas las áreas" in lista


def test_clave_repetida_y_borrado_imposible_en_espanol(
    cliente: Any, bd: Any, administrador: Any
) -> None:
    area = bd.session.scalar(select(Area).order_by(Area.id))
    datos = {"clave": area.clave, "nombre": "Otra área", "es_activa": "y"}
    respuesta = enviar_admin(cliente, "/admin/areas/new/", datos)
    assert respuesta.status_code == 200
    assert "Ya existe." in texto(respuesta)
    assert "No se pudo crear el registro." in texto(respuesta)


def test_feriados_oficiales_de_este_anio_y_el_siguiente(cliente: Any, administrador: Any) -> None:
    pagina = texto(cliente.get("/admin/feriados/"))
    assert "Feriados oficiales de" in pagina and "Año Nuevo" in pagina
    assert "Día de la Independencia" in pagina
