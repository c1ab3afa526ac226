"""The Bandeja over HTTP: list and filters, take, assign, bulk re-route, CSRF, exports."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from casos.auditoria import RegistroAuditoria
from casos.modelos import Caso
from casos.personal import RolPersonal
from casos.resumen_bandeja import recalcular_resumen
from tests.casos import fabricas as f
from tests.soporte.formularios import token_csrf
from tests.soporte.personal import crear_personal, entrar_personal

URL = "/backoffice/"
ACCIONES = "/backoffice/bandeja/acciones"


def _ahora() -> datetime:
    return datetime.now(UTC)


def _preparar(bd: Any, cliente: Any, rol: RolPersonal = RolPersonal.AGENTE) -> dict[str, Any]:
    persona = crear_personal(bd.session, "ana", rol, "atencion")
    mio = f.caso(bd.session, _ahora() - timedelta(hours=2), colonia="Centro")
    otro = f.caso(bd.session, _ahora() - timedelta(hours=1), colonia="Jurica")
    ajeno = f.caso(bd.session, _ahora() - timedelta(hours=1), tipo="sugerencia")
    recalcular_resumen(bd.session, _ahora())
    entrar_personal(cliente, "ana")
    return {"persona": persona, "mio": mio, "otro": otro, "ajeno": ajeno}


def _post(cliente: Any, datos: dict[str, Any], url: str = ACCIONES) -> Any:
    token = token_csrf(cliente.get(URL).get_data(as_text=True))
    return cliente.post(url, data={"csrf_token": token, **datos})


def test_agente_ve_sus_areas_con_plazo_y_conteos(cliente: Any, bd: Any) -> None:
    d = _preparar(bd, cliente)
    html = cliente.get(URL).get_data(as_text=True)
    assert d["mio"].folio in html and d["otro"].folio in html
    assert d["ajeno"].folio not in html
    assert html.index(d["mio"].folio) < html.index(d["otro"].folio)  # due first, shown first
    assert 'aria-label="Seleccionar ' + d["mio"].folio + '"' in html
    assert "bo-sla bo-sla-en_tiempo" in html and "hábiles" in html
    assert "actualizado hace" in html and f'href="/backoffice/casos/{d["mio"].folio}"' in html
    assert "Exportar" not in html  # agents do not export


def test_filtros_y_busqueda(cliente: Any, bd: Any) -> None:
    d = _preparar(bd, cliente)
    html = cliente.get(URL, query_string={"colonia": "jur"}).get_data(as_text=True)
    assert d["otro"].folio in html and d["mio"].folio not in html
    html = cliente.get(URL, query_string={"q": d["mio"].folio.lower()}).get_data(as_text=True)
    assert d["mio"].folio in html and d["otro"].folio not in html
    html = cliente.get(URL, query_string={"q": d["ajeno"].folio}).get_data(as_text=True)
    assert "No hay casos con estos filtros." in html


def test_filtros_malos_dan_mensaje_junto_al_campo(cliente: Any, bd: Any) -> None:
    _preparar(bd, cliente)
    respuesta = cliente.get(
        URL, query_string={"creado_desde": "31/02/2026", "tipo_id": "x9", "creado_hasta": "ayer"}
    )
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 200
    assert html.count("Escriba la fecha como dd/mm/aaaa.") == 2
    assert "Elija una opción de la lista." in html and 'value="ayer"' in html
    respuesta = cliente.get(
        URL, query_string={"creado_desde": "2026-05-02", "creado_hasta": "2026-05-01"}
    )
    assert "La fecha final es anterior a la inicial." in respuesta.get_data(as_text=True)


def test_cursor_alterado_no_es_error(cliente: Any, bd: Any) -> None:
    d = _preparar(bd, cliente)
    respuesta = cliente.get(URL, query_string={"pagina": "%%%basura"})
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 200 and d["mio"].folio in html
    assert "ya no es válido" in html


def test_paginas_siguiente_y_primera(cliente: Any, bd: Any) -> None:
    d = _preparar(bd, cliente)
    assert "Página siguiente" not in cliente.get(URL).get_data(as_text=True)
    casos = [f.caso(bd.session, _ahora() - timedelta(hours=3)) for _ in range(50)]
    html = cliente.get(URL).get_data(as_text=True)
    assert "Página siguiente" in html and "Primera página" not in html
    siguiente = html.split('href="/backoffice/?pagina=')[1].split('"')[0]
    segunda = cliente.get(f"{URL}?pagina={siguiente}").get_data(as_text=True)
    assert "Primera página" in segunda and "Página siguiente" not in segunda
    folios = [c.folio for c in [d["mio"], d["otro"], *casos]]
    en_primera = [x for x in folios if f">{x}</a>" in html]
    en_segunda = [x for x in folios if f">{x}</a>" in segunda]
    assert len(en_primera) == 50 and len(en_segunda) == 2
    assert set(en_primera) | set(en_segunda) == set(folios)


def test_tomar_un_caso(cliente: Any, bd: Any) -> None:
    d = _preparar(bd, cliente)
    caso = d["mio"]
    respuesta = _post(cliente, {"tomar": f"{caso.id}:{caso.version}"})
    assert respuesta.status_code == 302
    bd.session.expire_all()
    assert caso.asignado_a_id == d["persona"].id
    assert "quedó asignado a usted" in cliente.get(URL).get_data(as_text=True)


def test_csrf_obligatorio(cliente: Any, bd: Any) -> None:
    d = _preparar(bd, cliente)
    respuesta = cliente.post(ACCIONES, data={"tomar": f"{d['mio'].id}:{d['mio'].version}"})
    assert respuesta.status_code == 400
    bd.session.expire_all()
    assert d["mio"].asignado_a_id is None


def test_turnar_en_lote_exige_motivo(cliente: Any, bd: Any) -> None:
    d = _preparar(bd, cliente)
    destino = f.area(bd.session, "facturacion")
    seleccion = [f"{d['mio'].id}:{d['mio'].version}", f"{d['otro'].id}:{d['otro'].version}"]
    datos = {"accion": "turnar", "casos": seleccion, "area_destino": str(destino.id)}
    respuesta = _post(cliente, {**datos, "motivo": ""})
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 400 and "Escriba el motivo del turno" in html
    assert html.count("checked") == 2  # the selection stays
    respuesta = _post(cliente, {**datos, "motivo": "Son de facturación."})
    assert respuesta.status_code == 302
    bd.session.expire_all()
    assert {d["mio"].area_id, d["otro"].area_id} == {destino.id}
    assert d["mio"].eventos[-1].nota == "Son de facturación."


def test_turnar_en_lote_todo_o_nada(cliente: Any, bd: Any) -> None:
    d = _preparar(bd, cliente)
    destino = f.area(bd.session, "atencion")  # the cases are already there
    seleccion = [f"{d['mio'].id}:{d['mio'].version}"]
    datos = {"accion": "turnar", "casos": seleccion, "area_destino": str(destino.id)}
    respuesta = _post(cliente, {**datos, "motivo": "Prueba"})
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 400 and "No se aplicó ningún cambio" in html
    assert d["mio"].folio + ": Elija un área distinta de la actual." in html


def test_asignar_solo_supervision(cliente: Any, bd: Any) -> None:
    d = _preparar(bd, cliente)
    otra = crear_personal(bd.session, "beto", RolPersonal.AGENTE, "atencion")
    datos = {"accion": "asignar", "casos": [f"{d['mio'].id}:{d['mio'].version}"]}
    assert _post(cliente, {**datos, "personal_id": str(otra.id)}).status_code == 403


def test_supervisor_asigna_a_un_agente_del_area(cliente: Any, bd: Any) -> None:
    d = _preparar(bd, cliente, RolPersonal.SUPERVISOR)
    otra = crear_personal(bd.session, "beto", RolPersonal.AGENTE, "atencion")
    html = cliente.get(URL).get_data(as_text=True)
    assert "Asignar seleccionados" in html and otra.nombre in html
    datos = {"accion": "asignar", "casos": [f"{d['mio'].id}:{d['mio'].version}"]}
    assert _post(cliente, {**datos, "personal_id": str(otra.id)}).status_code == 302
    bd.session.expire_all()
    assert d["mio"].asignado_a_id == otra.id


def test_exportar_csv_neutraliza_formulas_y_audita(cliente: Any, bd: Any) -> None:
    d = _preparar(bd, cliente, RolPersonal.SUPERVISOR)
    d["mio"].solicitante_nombre = '=HYPERLINK("http://malo","clic")'
    bd.session.flush()
    respuesta = cliente.get("/backoffice/bandeja/exportar", query_string={"formato": "csv"})
    texto = respuesta.get_data(as_text=True)
    respuesta.close()
    assert respuesta.status_code == 200 and respuesta.mimetype == "text/csv"
    assert "attachment" in respuesta.headers["Content-Disposition"]
    assert "'=HYPERLINK" in texto and d["otro"].folio in texto and d["ajeno"].folio not in texto
    registro = bd.session.scalar(
        select(RegistroAuditoria).where(RegistroAuditoria.objeto == "bandeja")
    )
    assert registro is not None and registro.detalle["formato"] == "csv"


def test_exportar_xlsx(cliente: Any, bd: Any) -> None:
    d = _preparar(bd, cliente, RolPersonal.SUPERVISOR)
    d["mio"].solicitante_nombre = "+SUMA(A1)"
    bd.session.flush()
    respuesta = cliente.get("/backoffice/bandeja/exportar", query_string={"formato": "xlsx"})
    libro = load_workbook(io.BytesIO(respuesta.get_data()))
    filas = list(libro.active.iter_rows(values_only=True))
    respuesta.close()
    assert filas[0][0] == "Folio" and len(filas) == 3
    assert "'+SUMA(A1)" in [fila[5] for fila in filas]


def test_agente_no_exporta(cliente: Any, bd: Any) -> None:
    _preparar(bd, cliente)
    respuesta = cliente.get("/backoffice/bandeja/exportar", query_string={"formato": "csv"})
    assert respuesta.status_code == 403


def test_caso_de_la_bandeja_existe(cliente: Any, bd: Any) -> None:
    d = _preparar(bd, cliente)
    assert bd.session.get(Caso, d["mio"].id) is not None
