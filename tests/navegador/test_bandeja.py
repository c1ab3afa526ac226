"""The Bandeja in a real Chromium on a laptop: an agent signs in, filters by colonia, takes a
case with the row's button, and re-routes two cases (selected with the keyboard and the mouse)
to another area, first without the reason (refused, selection kept) and then with it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from casos.modelos import Caso
from casos.personal import RolPersonal
from casos.resumen_bandeja import recalcular_resumen
from tests.casos import fabricas as f
from tests.soporte.navegador import capturar
from tests.soporte.personal import CONTRASENA_PERSONAL, crear_personal

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.navegador
LAPTOP = {"width": 1366, "height": 768}


def _datos(app: Any) -> dict[str, Any]:
    from app.extensiones import db

    with app.app_context():
        sufijo = uuid.uuid4().hex[:6]
        usuario = f"bandeja_{sufijo}"
        crear_personal(db.session, usuario, RolPersonal.AGENTE, "atencion", nombre="Ana López")
        colonia = f"Jardines {sufijo}"
        ahora = datetime.now(UTC)
        folios = [
            f.caso(db.session, ahora - timedelta(hours=h), colonia=colonia).folio for h in (3, 2, 1)
        ]
        recalcular_resumen(db.session, ahora)
        db.session.commit()
    return {"usuario": usuario, "colonia": colonia, "folios": folios}


def _caso(app: Any, folio: str) -> tuple[str, str | None]:
    from app.extensiones import db

    with app.app_context():
        caso = db.session.scalar(select(Caso).where(Caso.folio == folio))
        assert caso is not None
        resultado = (caso.area.clave, caso.asignado_a.usuario if caso.asignado_a else None)
        db.session.rollback()
    return resultado


def test_agente_filtra_toma_y_turna(app: Any, nueva_pagina: Callable[..., Page]) -> None:
    datos = _datos(app)
    primero, segundo, tercero = datos["folios"]
    pagina = nueva_pagina(LAPTOP)
    pagina.goto("/backoffice/entrar")
    pagina.get_by_role("textbox", name="Usuario").fill(datos["usuario"])
    pagina.get_by_label("Contraseña").fill(CONTRASENA_PERSONAL)
    pagina.get_by_role("button", name="Entrar").click()
    expect(pagina.get_by_role("heading", name="Bandeja", level=1)).to_be_visible()

    pagina.get_by_label("Colonia").fill(datos["colonia"])
    pagina.get_by_label("Colonia").press("Enter")  # the filters submit from the keyboard
    filas = pagina.locator("table tbody tr")
    expect(filas).to_have_count(3)
    expect(filas.first).to_contain_text(primero)
    expect(filas.first.locator(".bo-sla")).to_have_text("En tiempo")
    expect(pagina.get_by_role("link", name="Míos")).to_be_visible()
    capturar(pagina, "bandeja_1_filtrada")

    pagina.get_by_role("button", name=f"Tomar {primero}").click()
    expect(pagina.get_by_role("alert")).to_contain_text(
        f"El caso {primero} quedó asignado a usted."
    )
    expect(filas.first).to_contain_text("Ana López")
    assert _caso(app, primero) == ("atencion", datos["usuario"])
    capturar(pagina, "bandeja_2_tomado")

    pagina.get_by_label(f"Seleccionar {segundo}").focus()
    pagina.keyboard.press("Space")
    pagina.get_by_label(f"Seleccionar {tercero}").check()
    pagina.get_by_label("Turnar a").select_option(label="Facturación")
    pagina.get_by_role("button", name="Turnar seleccionados").click()
    expect(pagina.get_by_text("Escriba el motivo del turno")).to_be_visible()
    expect(pagina.get_by_label(f"Seleccionar {segundo}")).to_be_checked()
    capturar(pagina, "bandeja_3_falta_motivo")

    pagina.get_by_label("Motivo del turno").fill("Son aclaraciones de consumo.")
    pagina.get_by_role("button", name="Turnar seleccionados").click()
    expect(pagina.get_by_role("alert")).to_contain_text("Se turnaron 2 caso(s)")
    expect(filas).to_have_count(1)  # the re-routed cases left this agent's areas
    assert _caso(app, segundo) == ("facturacion", None)
    assert _caso(app, tercero) == ("facturacion", None)
    capturar(pagina, "bandeja_4_turnados")


def _datos_supervision(app: Any) -> dict[str, Any]:
    from app.extensiones import db
    from casos.actores import Actor
    from casos.ciclo import aplicar_accion, recalcular_sla
    from casos.estados import Accion

    with app.app_context():
        sufijo = uuid.uuid4().hex[:6]
        usuario = f"super_{sufijo}"
        jefa = crear_personal(db.session, usuario, RolPersonal.SUPERVISOR, "atencion")
        colonia = f"Alamos {sufijo}"
        ahora = datetime.now(UTC)
        vencido = f.caso(db.session, ahora - timedelta(days=12), colonia=colonia)
        recalcular_sla(db.session, vencido, ahora)
        espera = f.caso(db.session, ahora - timedelta(hours=5), colonia=colonia)
        actor = Actor.personal(jefa.nombre, jefa.id)
        aplicar_accion(
            db.session, espera, Accion.SOLICITAR_INFORMACION, actor, ahora, nota="¿Su recibo?"
        )
        f.caso(db.session, ahora - timedelta(hours=1), colonia=colonia)
        resultado = {"usuario": usuario, "colonia": colonia, "vencido": vencido.folio}
        db.session.commit()
    return resultado


def test_supervision_ve_vencidos_pausas_y_exporta(
    app: Any, nueva_pagina: Callable[..., Page]
) -> None:
    datos = _datos_supervision(app)
    pagina = nueva_pagina(LAPTOP)
    pagina.goto("/backoffice/entrar")
    pagina.get_by_role("textbox", name="Usuario").fill(datos["usuario"])
    pagina.get_by_label("Contraseña").fill(CONTRASENA_PERSONAL)
    pagina.get_by_role("button", name="Entrar").click()
    pagina.wait_for_url("**/backoffice/**")
    pagina.goto(f"/backoffice/?colonia={datos['colonia']}")
    filas = pagina.locator("table tbody tr")
    expect(filas).to_have_count(3)
    expect(filas.first).to_contain_text(datos["vencido"])
    expect(filas.first.locator(".bo-sla")).to_have_text("Vencido")
    expect(filas.first).to_contain_text("vencido hace")
    expect(filas.last).to_contain_text("en pausa (espera del ciudadano)")
    expect(pagina.get_by_role("button", name="Asignar seleccionados")).to_be_visible()
    expect(pagina.get_by_role("link", name="CSV")).to_be_visible()
    capturar(pagina, "bandeja_5_supervision")
