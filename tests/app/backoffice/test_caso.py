"""Case workspace over HTTP: the page, each action through its form (CSRF + version), errors
next to the fields, 409 on a stale page, 404 for another area's case."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from casos.atencion_catalogos import CodigoResolucion, Oficina
from casos.catalogo import Area
from casos.correo import CorreoSalida
from casos.estados import Accion, EstadoCaso
from casos.modelos import Caso
from casos.personal import RolPersonal
from tests.casos import fabricas
from tests.soporte.clientes import cliente_con_historial, entrar
from tests.soporte.formularios import token_csrf
from tests.soporte.personal import crear_personal, entrar_personal

URL = "/backoffice/casos/{}"


def _preparar(bd: Any, cliente: Any, **extra: object) -> Caso:
    crear_personal(
        bd.session, "ana", RolPersonal.AGENTE, "atencion", "facturacion", nombre="Ana López"
    )
    caso = fabricas.caso(bd.session, datetime.now(UTC) - timedelta(hours=1), **extra)
    bd.session.commit()
    assert entrar_personal(cliente, "ana").status_code == 302
    return caso


def _post(
    cliente: Any, caso: Caso, clave: str, datos: dict[str, Any], version: int | None = None
) -> Any:
    html = cliente.get(URL.format(caso.folio)).get_data(as_text=True)
    if version is None:
        version = int(re.search(rf'id="{clave}-version"[^>]*value="(\d+)"', html).group(1))  # type: ignore[union-attr]
    datos = {"csrf_token": token_csrf(html), "version": version, **datos}
    return cliente.post(f"{URL.format(caso.folio)}/acciones/{clave}", data=datos)


def test_pagina_muestra_solicitud_plazos_y_acciones(cliente: Any, bd: Any) -> None:
    caso = _preparar(bd, cliente)
    respuesta = cliente.get(URL.format(caso.folio.lower()))
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 200
    assert caso.folio in html and "Mi recibo viene muy alto." in html
    assert "Primera respuesta" in html and "Resolución" in html
    assert "Cómo se calcularon los plazos" in html
    assert 'id="accion-atender"' in html and 'id="accion-cerrar"' not in html
    assert "El contrato 100234 no existe en el sistema comercial" in html


def _recargar(bd: Any, caso: Caso) -> Caso:
    bd.session.expire_all()
    return bd.session.get(Caso, caso.id)


def _correo(bd: Any, caso: Caso, plantilla: str) -> CorreoSalida | None:
    return bd.session.scalar(
        select(CorreoSalida).where(
            CorreoSalida.caso_id == caso.id, CorreoSalida.plantilla == plantilla
        )
    )


def test_atender_tomar_y_nota_interna(cliente: Any, bd: Any) -> None:
    caso = _preparar(bd, cliente)
    assert _post(cliente, caso, "tomar", {}).status_code == 302
    assert _post(cliente, caso, "atender", {}).status_code == 302
    respuesta = _post(cliente, caso, "nota_interna", {"nota": "Llamé; no contestó."})
    assert respuesta.status_code == 302 and respuesta.headers["Location"].endswith("#historial")
    caso = _recargar(bd, caso)
    assert caso.estado is EstadoCaso.EN_PROCESO and caso.asignado_a is not None
    assert caso.eventos[-1].accion is Accion.NOTA_INTERNA
    assert caso.eventos[-1].actor_origen == "127.0.0.1"
    html = cliente.get(URL.format(caso.folio)).get_data(as_text=True)
    assert "Llamé; no contestó." in html and "bo-evento-interno" in html


def test_respuesta_publica_escapa_y_envia_correo(cliente: Any, bd: Any) -> None:
    caso = _preparar(bd, cliente)
    texto = "<script>alert('x')</script>\nSegunda línea"
    assert _post(cliente, caso, "responder", {"nota": texto}).status_code == 302
    html = cliente.get(URL.format(caso.folio)).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(" in html
    correo = _correo(bd, caso, "respuesta_caso")
    assert correo is not None and caso.folio in correo.asunto
    assert "<script>" not in correo.html


def test_plantilla_llena_la_respuesta_sin_js(cliente: Any, bd: Any) -> None:
    caso = _preparar(bd, cliente)
    html = cliente.get(URL.format(caso.folio)).get_data(as_text=True)
    plantilla = re.search(r'<option value="(\d+)" data-texto="[^"]*Recibimos su solicitud', html)
    assert plantilla is not None
    html = cliente.get(f"{URL.format(caso.folio)}?plantilla={plantilla.group(1)}").get_data(
        as_text=True
    )
    caja = re.search(r'<textarea[^>]*id="responder-nota"[^>]*>(.*?)</textarea>', html, re.S)
    assert caja is not None and f"con folio {caso.folio}" in caja.group(1)
    assert "Estimado(a) Jorge Pérez" in caja.group(1)


def test_texto_vacio_marca_el_campo_sin_500(cliente: Any, bd: Any) -> None:
    caso = _preparar(bd, cliente)
    respuesta = _post(cliente, caso, "responder", {"nota": "   "})
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 422
    assert 'id="responder-nota-error"' in html and "Escriba el mensaje" in html


def test_pedir_informacion_pausa(cliente: Any, bd: Any) -> None:
    caso = _preparar(bd, cliente)
    datos = {"nota": "Envíe una foto del medidor."}
    assert _post(cliente, caso, "solicitar_informacion", datos).status_code == 302
    caso = _recargar(bd, caso)
    assert caso.estado is EstadoCaso.EN_ESPERA
    assert _correo(bd, caso, "solicitud_informacion") is not None
    html = cliente.get(URL.format(caso.folio)).get_data(as_text=True)
    assert "En pausa" in html and 'id="accion-reanudar"' in html


def _proximo_lunes() -> str:
    hoy = datetime.now(UTC).date() + timedelta(days=7)
    while hoy.weekday() != 0:
        hoy += timedelta(days=1)
    return hoy.isoformat()


def test_cita_presencial(cliente: Any, bd: Any) -> None:
    caso = _preparar(bd, cliente)
    oficina = bd.session.scalars(select(Oficina)).first()
    datos = {
        "oficina_id": oficina.id,
        "fecha": _proximo_lunes(),
        "hora": "10:30",
        "nota": "Traiga su identificación y su último recibo.",
    }
    assert _post(cliente, caso, "cita", datos).status_code == 302
    evento = _recargar(bd, caso).eventos[-1]
    assert evento.accion is Accion.RESPONDER and evento.datos["oficina_id"] == oficina.id
    assert (
        evento.datos["cita_en"].endswith("+00:00") and oficina.nombre in evento.datos["cita_lugar"]
    )
    correo = _correo(bd, caso, "cita_presencial")
    assert correo is not None and oficina.direccion in correo.texto


def test_cita_fuera_de_horario_conserva_lo_escrito(cliente: Any, bd: Any) -> None:
    caso = _preparar(bd, cliente)
    oficina = bd.session.scalars(select(Oficina)).first()
    datos = {
        "oficina_id": oficina.id,
        "fecha": "2020-01-06",
        "hora": "10:00",
        "nota": "Traiga INE.",
    }
    respuesta = _post(cliente, caso, "cita", datos)
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 422
    assert 'id="cita-fecha-error"' in html and "ya pasaron" in html
    assert "Traiga INE." in html and 'value="2020-01-06"' in html
    respuesta = _post(cliente, caso, "cita", {**datos, "fecha": "no-es-fecha"})
    assert respuesta.status_code == 422 and "Indique la fecha" in respuesta.get_data(as_text=True)


def test_turnar_a_otra_area_deja_de_verse(cliente: Any, bd: Any) -> None:
    caso = _preparar(bd, cliente)
    area = bd.session.scalar(select(Area).where(Area.clave == "medicion"))
    datos = {"area_id": area.id, "nota": "Es de medición."}
    assert _post(cliente, caso, "turnar", datos).status_code == 302
    assert _recargar(bd, caso).area_id == area.id
    assert cliente.get(URL.format(caso.folio)).status_code == 404


def test_resolver_exige_codigo_y_luego_cerrar(cliente: Any, bd: Any) -> None:
    caso = _preparar(bd, cliente)
    respuesta = _post(cliente, caso, "resolver", {"nota": "Se ajustó su consumo."})
    assert respuesta.status_code == 422
    assert "Elija el código de resolución." in respuesta.get_data(as_text=True)
    assert "Se ajustó su consumo." in respuesta.get_data(as_text=True)
    codigo = bd.session.scalars(select(CodigoResolucion)).first()
    datos = {"codigo_resolucion_id": codigo.id, "nota": "Se ajustó su consumo."}
    assert _post(cliente, caso, "resolver", datos).status_code == 302
    assert _correo(bd, caso, "caso_resuelto") is not None
    assert _post(cliente, caso, "cerrar", {}).status_code == 302
    assert _recargar(bd, caso).estado is EstadoCaso.CERRADO
    assert _post(cliente, caso, "reabrir", {"nota": "No está de acuerdo."}).status_code == 302
    assert _post(cliente, caso, "cancelar", {"nota": "Duplicado."}).status_code == 302
    assert _recargar(bd, caso).estado is EstadoCaso.CANCELADO


def test_version_vieja_da_409_y_conserva_el_texto(cliente: Any, bd: Any) -> None:
    caso = _preparar(bd, cliente)
    vieja = caso.version
    assert _post(cliente, caso, "nota_interna", {"nota": "Primero."}).status_code == 302
    respuesta = _post(cliente, caso, "responder", {"nota": "Mi respuesta larga."}, version=vieja)
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 409
    assert "Otra persona modificó este caso" in html and "Mi respuesta larga." in html
    assert _recargar(bd, caso).eventos[-1].nota == "Primero."


def test_csrf_es_obligatorio(cliente: Any, bd: Any) -> None:
    caso = _preparar(bd, cliente)
    url = f"{URL.format(caso.folio)}/acciones/nota_interna"
    respuesta = cliente.post(url, data={"version": caso.version, "nota": "x"})
    assert respuesta.status_code == 400


def test_accion_desconocida_404(cliente: Any, bd: Any) -> None:
    caso = _preparar(bd, cliente)
    html = cliente.get(URL.format(caso.folio)).get_data(as_text=True)
    url = f"{URL.format(caso.folio)}/acciones/borrar"
    assert cliente.post(url, data={"csrf_token": token_csrf(html)}).status_code == 404


def test_caso_de_otra_area_es_404(cliente: Any, bd: Any) -> None:
    crear_personal(bd.session, "luis", RolPersonal.AGENTE, "medicion")
    caso = fabricas.caso(bd.session, datetime.now(UTC) - timedelta(hours=1))
    bd.session.commit()
    entrar_personal(cliente, "luis")
    assert cliente.get(URL.format(caso.folio)).status_code == 404
    assert cliente.get(URL.format("NO-EXISTE")).status_code == 404


def test_anonimo_a_entrar_y_supervisor_de_su_area(cliente: Any, bd: Any) -> None:
    caso = fabricas.caso(bd.session, datetime.now(UTC) - timedelta(hours=1))
    crear_personal(bd.session, "sup", RolPersonal.SUPERVISOR, "atencion")
    crear_personal(bd.session, "adm", RolPersonal.ADMINISTRADOR)
    bd.session.commit()
    assert cliente.get(URL.format(caso.folio)).status_code == 302  # to the sign-in
    entrar_personal(cliente, "sup")
    assert cliente.get(URL.format(caso.folio)).status_code == 200


def test_administrador_ve_todo_y_ciudadano_nada(cliente: Any, bd: Any) -> None:
    caso = fabricas.caso(bd.session, datetime.now(UTC) - timedelta(hours=1))
    crear_personal(bd.session, "adm", RolPersonal.ADMINISTRADOR)
    historial = cliente_con_historial(bd.session, meses=3)
    bd.session.commit()
    entrar(cliente, historial.cuenta)
    assert cliente.get(URL.format(caso.folio)).status_code == 404
    otro = cliente.application.test_client()
    entrar_personal(otro, "adm")
    assert otro.get(URL.format(caso.folio)).status_code == 200


def test_contrato_al_lado(cliente: Any, bd: Any) -> None:
    historial = cliente_con_historial(bd.session, meses=14)
    caso = _preparar(bd, cliente, contrato=historial.contrato.numero, tipo="altos_consumos")
    html = cliente.get(URL.format(caso.folio)).get_data(as_text=True)
    assert historial.contrato.titular in html and "Últimas facturas" in html
    assert html.count('class="badge text-bg-light border">Real<') == 12
    assert "Consumo facturado, últimos 12 meses" in html and "<svg" in html
    assert "Es el primer caso de este contrato." in html


def test_adjunto_con_permiso(cliente: Any, bd: Any, app: Any) -> None:
    from pathlib import Path

    from casos.adjuntos import ArchivoLimpio, guardar_adjunto

    caso = _preparar(bd, cliente)
    carpeta = Path(app.config["CARPETA_ADJUNTOS"])
    adjunto = guardar_adjunto(
        bd.session,
        carpeta,
        caso.id,
        ArchivoLimpio("recibo.pdf", "application/pdf", b"%PDF-1.4 x"),
        datetime.now(UTC),
        evento_id=caso.eventos[0].id,
    )
    bd.session.commit()
    url = f"{URL.format(caso.folio)}/adjuntos/{adjunto.clave}"
    assert url in cliente.get(URL.format(caso.folio)).get_data(as_text=True)
    respuesta = cliente.get(url)
    assert respuesta.status_code == 200 and respuesta.data.startswith(b"%PDF")
    respuesta.close()
    assert cliente.get(f"{URL.format(caso.folio)}/adjuntos/otra-clave").status_code == 404


def test_escritura_concurrente_da_409(cliente: Any, bd: Any, monkeypatch: Any) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    import app.backoffice.caso as vista

    caso = _preparar(bd, cliente)

    def choca(*_args: object) -> None:
        raise StaleDataError("UPDATE statement on table 'casos' expected to update 1 row(s)")

    monkeypatch.setattr(vista, "ejecutar", choca)
    respuesta = _post(cliente, caso, "responder", {"nota": "Texto que no se pierde."})
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 409
    assert "Otra persona modificó este caso" in html and "Texto que no se pierde." in html
