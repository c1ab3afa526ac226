"""The supervisor dashboard in a real Chromium: sign in, change the period, download a list."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import delete

from casos.cumplimiento import dia_local, recalcular_dias, recalcular_pendientes
from casos.modelos import EstadoSLA
from casos.personal import RolPersonal
from casos.resumen import ResumenBandeja
from tests.casos import fabricas
from tests.soporte.navegador import capturar
from tests.soporte.personal import CONTRASENA_PERSONAL, crear_personal

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.navegador


def _datos(app: Any) -> dict[str, Any]:
    """Commit a supervisor of atención, a few cases and the summaries the jobs would write."""
    from app.extensiones import db

    ahora = datetime.now(UTC)
    sufijo = uuid.uuid4().hex[:6]
    with app.app_context():
        s = db.session
        sup = crear_personal(s, f"sup{sufijo}", RolPersonal.SUPERVISOR, "atencion",
                             nombre="Sofía Supervisora")  # fmt: skip
        agente = crear_personal(s, f"age{sufijo}", RolPersonal.AGENTE, "atencion",
                                nombre="Ana Agente")  # fmt: skip
        casos = []
        for dias in (1, 3, 9, 20):
            caso = fabricas.caso(s, ahora - timedelta(days=dias), descripcion="Sin agua")
            casos.append(caso)
        urgente = casos[0]
        urgente.vence_respuesta_en = urgente.prioridad_en = ahora + timedelta(minutes=90)
        urgente.sla_estado = EstadoSLA.EN_RIESGO
        s.flush()
        for sla, n, asignado in (
            ("en_riesgo", 3, agente.id),
            ("vencido", 1, None),
            ("en_tiempo", 5, agente.id),
        ):
            fila = ResumenBandeja(area_id=urgente.area_id, tipo_id=urgente.tipo_id, casos=n)
            fila.estado, fila.sla_estado, fila.asignado_a_id = "asignado", sla, asignado
            s.add(fila)
            fila.calculado_en = ahora
        recalcular_dias(s, dia_local(ahora) - timedelta(days=30), dia_local(ahora), ahora)
        recalcular_pendientes(s, ahora)
        s.commit()
        return {"usuario": sup.usuario, "folio": urgente.folio, "area_id": urgente.area_id}


def _limpiar(app: Any, area_id: int) -> None:
    from app.extensiones import db

    with app.app_context():
        db.session.execute(delete(ResumenBandeja).where(ResumenBandeja.area_id == area_id))
        db.session.commit()


def test_tablero_del_supervisor(
    app: Any, nueva_pagina: Callable[..., Page], tmp_path: Path
) -> None:
    datos = _datos(app)
    try:
        _recorrido(nueva_pagina(), datos, tmp_path)
    finally:
        _limpiar(app, datos["area_id"])


def _recorrido(pagina: Page, datos: dict[str, Any], tmp_path: Path) -> None:
    pagina.goto("/backoffice/entrar")
    pagina.get_by_role("textbox", name="Usuario").fill(datos["usuario"])
    pagina.get_by_label("Contraseña").fill(CONTRASENA_PERSONAL)
    pagina.get_by_role("button", name="Entrar").click()
    expect(pagina.get_by_role("heading", name="Tablero de supervisión", level=1)).to_be_visible()
    por_vencer = pagina.get_by_role("region", name="Casos por vencer")
    expect(por_vencer.get_by_role("link", name=datos["folio"])).to_be_visible()
    expect(pagina.get_by_role("region", name="Carga de trabajo por persona")).to_contain_text(
        "Ana Agente"
    )
    capturar(pagina, "tablero_1_supervisor")

    # A wrong period: the reason is next to the field, what was typed stays.
    pagina.get_by_label("Desde").fill("31/12/2026")
    pagina.get_by_label("Hasta").fill("01/01/2026")
    pagina.get_by_role("button", name="Aplicar periodo").click()
    expect(pagina.locator("#desde-error")).to_contain_text("anterior o igual")
    expect(pagina.get_by_label("Desde")).to_have_value("31/12/2026")
    capturar(pagina, "tablero_2_periodo_invalido")

    hoy = dia_local(datetime.now(UTC))
    desde = hoy - timedelta(days=59)
    pagina.get_by_label("Desde").fill(desde.strftime("%d/%m/%Y"))
    pagina.get_by_label("Hasta").fill(hoy.strftime("%d/%m/%Y"))
    pagina.get_by_label("Hasta").press("Enter")
    expect(pagina.locator("#calculado")).to_contain_text("(60 días")
    expect(pagina.get_by_role("heading", name="Recibidos y resueltos por semana")).to_be_visible()
    pagina.get_by_text("Ver los datos de la gráfica en una tabla").first.click()
    capturar(pagina, "tablero_3_sesenta_dias")

    with pagina.expect_download() as descarga:
        pagina.get_by_role("link", name="Descargar Cumplimiento por área en Excel").click()
    archivo = tmp_path / descarga.value.suggested_filename
    descarga.value.save_as(archivo)
    assert re.fullmatch(r"tablero-cumplimiento-\d{8}-\d{8}\.xlsx", archivo.name)
    filas = list(load_workbook(archivo).active.iter_rows(values_only=True))
    total = next(f for f in filas if f[0] == "Total")
    assert isinstance(total[2], int) and total[2] >= 4
