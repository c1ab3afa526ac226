"""The audit log, read-only: admin changes, sign-ins, tokens, exports (RegistroAuditoria),
case events (EventoCaso) and account events (EventoCuenta). Nothing is created, edited or
deleted here; the CSV export neutralises spreadsheet formulas."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.model.filters import BaseDateFilter
from markupsafe import Markup, escape

from app.admin.base import VistaSoloLectura
from casos.auditoria import RegistroAuditoria
from casos.cuentas.modelos import EventoCuenta
from casos.exportar import neutralizar
from casos.modelos import EventoCaso
from casos.sla import ZONA_CEA

ETIQUETAS_ACTOR = {
    "en": "Cuándo",
    "actor_tipo": "Tipo de actor",
    "actor_nombre": "Quién",
    "actor_id": "Id del actor",
    "origen": "Desde (IP)",
    "actor_origen": "Desde (IP)",
    "accion": "Acción",
}


def _inicio_del_dia(dia: date) -> datetime:
    return datetime.combine(dia, time(), ZONA_CEA)


class DesdeDia(BaseSQLAFilter, BaseDateFilter):
    """From a local (Querétaro) day on."""

    def apply(self, query: Any, value: date, alias: Any = None) -> Any:
        return query.filter(self.get_column(alias) >= _inicio_del_dia(value))

    def operation(self) -> str:
        return "desde el día"


class HastaDia(BaseSQLAFilter, BaseDateFilter):
    """Up to a local day, inclusive."""

    def apply(self, query: Any, value: date, alias: Any = None) -> Any:
        return query.filter(self.get_column(alias) < _inicio_del_dia(value + timedelta(days=1)))

    def operation(self) -> str:
        return "hasta el día"


def filtros_dia(columna: Any, nombre: str = "Cuándo") -> list[BaseSQLAFilter]:
    """A from/to pair of day filters on an aware datetime column."""
    return [DesdeDia(columna, nombre), HastaDia(columna, nombre)]


def _json(_v: Any, _c: Any, modelo: Any, nombre: str) -> Markup:
    valor = getattr(modelo, nombre)
    texto = json.dumps(valor, ensure_ascii=False, indent=1, default=str) if valor else ""
    return Markup('<span class="ov-pre small">{}</span>').format(escape(texto[:2000]))


class VistaBitacora(VistaSoloLectura):
    """Common settings of the three logs."""

    column_default_sort = ("id", True)
    can_export = True
    export_types = ["csv"]
    export_max_rows = 50000

    def get_export_value(self, model: Any, name: str) -> Any:
        valor = super().get_export_value(model, name)
        return neutralizar(str(valor)) if valor is not None else ""


class VistaAuditoria(VistaBitacora):
    """RegistroAuditoria: everything outside a case."""

    column_list = ["en", "actor_nombre", "origen", "accion", "objeto", "objeto_id", "detalle"]
    column_filters = [
        *filtros_dia(RegistroAuditoria.en),
        "actor_nombre",
        "accion",
        "objeto",
        "objeto_id",
        "origen",
    ]
    column_searchable_list = ["actor_nombre", "objeto", "objeto_id"]
    column_labels = {**ETIQUETAS_ACTOR, "objeto": "Objeto", "objeto_id": "Id", "detalle": "Detalle"}
    column_formatters = {"detalle": _json}


class VistaEventosCaso(VistaBitacora):
    """Case history: every action on every case."""

    column_list = [
        "en",
        "caso",
        "accion",
        "estado_desde",
        "estado_hacia",
        "actor_nombre",
        "actor_origen",
        "es_publico",
    ]
    column_filters = [
        *filtros_dia(EventoCaso.en),
        "accion",
        "actor_tipo",
        "actor_nombre",
        "caso.folio",
        "es_publico",
    ]
    column_searchable_list = ["actor_nombre", "nota"]
    column_labels = {
        **ETIQUETAS_ACTOR,
        "caso": "Caso",
        "caso.folio": "Folio",
        "estado_desde": "Estado anterior",
        "estado_hacia": "Estado nuevo",
        "es_publico": "Visible al cliente",
        "nota": "Nota",
        "datos": "Datos",
    }
    column_formatters = {"datos": _json, "caso": lambda _v, _c, m, _n: m.caso.folio}
    column_details_list = [
        "en",
        "caso",
        "accion",
        "estado_desde",
        "estado_hacia",
        "actor_tipo",
        "actor_nombre",
        "actor_origen",
        "nota",
        "es_publico",
        "datos",
    ]


class VistaEventosCuenta(VistaBitacora):
    """Account history: registration, sign-ins, blocks, changes, closure."""

    column_list = ["en", "cuenta_id", "accion", "actor_nombre", "origen", "detalle"]
    column_filters = [
        *filtros_dia(EventoCuenta.en),
        "accion",
        "actor_tipo",
        "actor_nombre",
        "cuenta_id",
    ]
    column_searchable_list = ["actor_nombre", "accion"]
    column_labels = {**ETIQUETAS_ACTOR, "cuenta_id": "Cuenta (id)", "detalle": "Detalle"}
    column_formatters = {"detalle": _json}
