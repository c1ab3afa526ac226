"""The calendar pages: federal holidays (read-only, from the same rules the SLA clock uses)
and the SLA recompute requests the scheduler works through."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import holidays
from flask_admin import BaseView, expose

from app.admin.base import VistaSoloLectura
from app.admin.seguridad import AccesoAdministrador
from app.extensiones import db
from casos.catalogo import Area, TipoCaso
from casos.recalculo import SolicitudRecalculo
from casos.sla import ZONA_CEA

DIAS_SEMANA = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


def feriados(anio: int) -> list[tuple[date, str, bool]]:
    """Official Mexican holidays of a year: (day, name, falls on a working day)."""
    dias = holidays.Mexico(years=anio, language="es")
    return [(dia, nombre, dia.weekday() < 5) for dia, nombre in sorted(dias.items())]


class VistaFeriados(AccesoAdministrador, BaseView):
    """Federal holidays of this year and the next: not editable, they come from the law."""

    @expose("/")
    def index(self) -> str:
        anio = datetime.now(ZONA_CEA).year
        anios = [(a, feriados(a)) for a in (anio, anio + 1)]
        return self.render("admin/ov_feriados.html", anios=anios, dias_semana=DIAS_SEMANA)


def _alcance(_v: Any, _c: Any, solicitud: SolicitudRecalculo, _n: str) -> str:
    if solicitud.tipo_id is not None:
        tipo = db.session.get(TipoCaso, solicitud.tipo_id)
        return f"Tipo: {tipo.nombre if tipo else solicitud.tipo_id}"
    if solicitud.area_id is not None:
        area = db.session.get(Area, solicitud.area_id)
        return f"Área: {area.nombre if area else solicitud.area_id}"
    return "Todos los casos abiertos"


def _estado(_v: Any, _c: Any, solicitud: SolicitudRecalculo, _n: str) -> str:
    return "Terminado" if solicitud.terminada_en is not None else "En curso"


class VistaRecalculos(VistaSoloLectura):
    """Pending and finished recomputations of open cases' due times."""

    column_list = [
        "solicitada_en",
        "motivo",
        "solicitada_por",
        "alcance",
        "casos",
        "estado",
        "terminada_en",
    ]
    column_default_sort = ("id", True)
    column_labels = {
        "solicitada_en": "Solicitado",
        "motivo": "Motivo",
        "solicitada_por": "Por",
        "alcance": "Alcance",
        "casos": "Casos recalculados",
        "estado": "Estado",
        "terminada_en": "Terminado",
    }
    column_formatters = {"alcance": _alcance, "estado": _estado}
    can_view_details = False
