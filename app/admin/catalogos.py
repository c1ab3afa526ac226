"""Catalog views: areas, case types (SLA policy), routing rules, non-working days, and the
catalogs agents pick from (canned answers, resolution codes, offices).

Changing a type's targets or any non-working day asks the scheduler to recompute the open
cases' due times (casos.recalculo): never in the request.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from wtforms import Form, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from app.admin.base import VistaModelo, opciones
from app.admin.seguridad import actor_admin, ahora_admin
from app.extensiones import db
from casos.catalogo import CAMPOS, DiaInhabil, TipoCalendario
from casos.recalculo import solicitar_recalculo

CALENDARIOS = {
    TipoCalendario.LABORAL.value: "Laboral (lunes a viernes, 8 a 17 h)",
    TipoCalendario.CONTINUO.value: "Continuo (24 × 7)",
}
CAMPOS_SLA = frozenset({"horas_respuesta", "horas_resolucion", "calendario", "umbral_riesgo_pct"})
ETIQUETAS_COMUNES = {
    "clave": "Clave",
    "nombre": "Nombre",
    "descripcion": "Descripción",
    "area": "Área",
    "tipo": "Tipo de caso",
    "es_activa": "Activa",
    "es_activo": "Activo",
    "orden": "Orden",
}


class CasillasMultiples(SelectMultipleField):
    """Several choices shown as check boxes (keyboard friendly, no JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VistaAreas(VistaModelo):
    """Areas that answer cases."""

    column_list = ["clave", "nombre", "es_activa"]
    column_searchable_list = ["clave", "nombre"]
    column_labels = ETIQUETAS_COMUNES
    form_columns = ["clave", "nombre", "es_activa"]
    can_delete = False  # cases and staff point at areas: deactivate instead


def _horas(valor: Any) -> Decimal | None:
    return valor if isinstance(valor, Decimal) else None


class VistaTiposCaso(VistaModelo):
    """Case types with their SLA policy."""

    column_list = [
        "clave",
        "nombre",
        "area",
        "horas_respuesta",
        "horas_resolucion",
        "calendario",
        "umbral_riesgo_pct",
        "es_publico",
        "es_activo",
    ]
    column_searchable_list = ["clave", "nombre"]
    column_filters = ["area", "calendario", "es_publico", "es_activo"]
    column_labels = {
        **ETIQUETAS_COMUNES,
        "horas_respuesta": "Horas para responder",
        "horas_resolucion": "Horas para resolver",
        "calendario": "Calendario",
        "umbral_riesgo_pct": "Umbral de riesgo (%)",
        "dias_reapertura": "Días para reabrir",
        "campos_requeridos": "Campos requeridos",
        "es_publico": "Público (en el portal)",
    }
    column_descriptions = {
        "horas_respuesta": "Horas hábiles (o corridas, si el calendario es continuo).",
        "umbral_riesgo_pct": "Porcentaje del plazo consumido a partir del cual está en riesgo.",
    }
    form_columns = [
        "clave",
        "nombre",
        "descripcion",
        "area",
        "horas_respuesta",
        "horas_resolucion",
        "calendario",
        "umbral_riesgo_pct",
        "dias_reapertura",
        "campos_requeridos",
        "es_publico",
        "es_activo",
        "orden",
    ]
    form_overrides = {"campos_requeridos": CasillasMultiples, "calendario": SelectField}
    form_args = {
        "campos_requeridos": {
            "choices": [SelectChoice(clave, etiqueta) for clave, etiqueta in CAMPOS.items()],
            "label": "Campos requeridos",
        },
        "calendario": opciones(TipoCalendario, CALENDARIOS),
    }
    can_delete = False  # cases point at their type: deactivate instead

    def validar_datos(self, form: Form) -> dict[str, str]:
        """The CHECK constraints of tipos_caso, as Spanish messages next to the fields."""
        errores: dict[str, str] = {}
        respuesta, resolucion = (
            _horas(form.horas_respuesta.data),
            _horas(form.horas_resolucion.data),
        )
        if respuesta is not None and respuesta <= 0:
            errores["horas_respuesta"] = "Debe ser mayor que cero."
        if resolucion is not None and resolucion <= 0:
            errores["horas_resolucion"] = "Debe ser mayor que cero."
        if respuesta and resolucion and 0 < resolucion < respuesta:
            errores["horas_resolucion"] = "No puede ser menor que las horas para responder."
        for campo, maximo in (("horas_respuesta", 99999), ("horas_resolucion", 99999)):
            valor = _horas(form[campo].data)
            if valor is not None and valor >= maximo:
                errores[campo] = "Use un número menor (máximo 99 998 horas)."
        umbral = form.umbral_riesgo_pct.data
        if umbral is not None and not 1 <= umbral <= 99:
            errores["umbral_riesgo_pct"] = "Escriba un porcentaje entre 1 y 99."
        if form.dias_reapertura.data is not None and form.dias_reapertura.data < 0:
            errores["dias_reapertura"] = "No puede ser negativo."
        return errores

    def despues_de_guardar(self, modelo: Any, creado: bool, cambios: dict[str, Any]) -> None:
        """A change of targets, calendar or threshold recomputes the type's open cases."""
        if not creado and CAMPOS_SLA & cambios.keys():
            motivo = f"Cambio de la política de «{modelo.nombre}»: {', '.join(sorted(cambios))}"
            solicitar_recalculo(db.session, motivo, actor_admin(), ahora_admin(), tipo_id=modelo.id)


class VistaReglasRuteo(VistaModelo):
    """Routing rules: a type (and optionally a colonia or a contract use) to an area."""

    column_list = ["tipo", "colonia", "uso_contrato", "area", "prioridad", "es_activa"]
    column_filters = ["tipo", "area", "es_activa"]
    column_searchable_list = ["colonia", "uso_contrato"]
    column_labels = {
        **ETIQUETAS_COMUNES,
        "area": "Área destino",
        "colonia": "Colonia",
        "uso_contrato": "Uso del contrato",
        "prioridad": "Prioridad (menor gana)",
    }
    form_columns = [
        "tipo",
        "colonia",
        "uso_contrato",
        "area",
        "prioridad",
        "es_activa",
        "descripcion",
    ]


def _area_o_todas(_vista: Any, _contexto: Any, modelo: DiaInhabil, _nombre: str) -> str:
    return modelo.area.nombre if modelo.area is not None else "Todas las áreas"


class VistaDiasInhabiles(VistaModelo):
    """CEA and state non-working days, for every area or for one."""

    column_list = ["fecha", "motivo", "area"]
    column_default_sort = ("fecha", True)
    column_filters = ["fecha", "area"]
    column_searchable_list = ["motivo"]
    column_labels = {"fecha": "Fecha", "motivo": "Motivo", "area": "Área"}
    column_formatters = {"area": _area_o_todas}
    column_descriptions = {"area": "Déjela vacía para que aplique a todas las áreas."}
    form_columns = ["fecha", "motivo", "area"]
    form_args = {"area": {"blank_text": "Todas las áreas"}}

    def validar_datos(self, form: Form) -> dict[str, str]:
        """One entry per day and area (NULL areas are not covered by the UNIQUE)."""
        area = form.area.data
        consulta = select(DiaInhabil.id).where(
            DiaInhabil.fecha == form.fecha.data,
            DiaInhabil.area_id.is_(None) if area is None else DiaInhabil.area_id == area.id,
        )
        propio = getattr(form, "_obj", None)
        if propio is not None:
            consulta = consulta.where(DiaInhabil.id != propio.id)
        if form.fecha.data and db.session.scalar(consulta) is not None:
            return {"fecha": "Ese día ya está registrado para esa área."}
        return {}

    def despues_de_guardar(self, modelo: Any, creado: bool, cambios: dict[str, Any]) -> None:
        """Every change of the calendar recomputes the open cases it may touch."""
        area_id = None if "area" in cambios and not creado else modelo.area_id
        motivo = f"Día inhábil {modelo.fecha:%d/%m/%Y} ({modelo.motivo})"
        solicitar_recalculo(db.session, motivo, actor_admin(), ahora_admin(), area_id=area_id)


class VistaRespuestas(VistaModelo):
    """Canned answers per case type (empty type: every type)."""

    column_list = ["titulo", "tipo", "es_activa", "orden"]
    column_searchable_list = ["titulo", "texto"]
    column_filters = ["tipo", "es_activa"]
    column_labels = {**ETIQUETAS_COMUNES, "titulo": "Título", "texto": "Texto"}
    form_columns = ["titulo", "tipo", "texto", "es_activa", "orden"]
    form_args = {"tipo": {"blank_text": "Todos los tipos"}}
    form_widget_args = {"texto": {"rows": 10}}


class VistaCodigos(VistaModelo):
    """Resolution codes."""

    column_list = ["clave", "nombre", "es_activo", "orden"]
    column_searchable_list = ["clave", "nombre"]
    column_labels = ETIQUETAS_COMUNES
    form_columns = ["clave", "nombre", "descripcion", "es_activo", "orden"]


class VistaOficinas(VistaModelo):
    """Customer-service offices for in-person visits."""

    column_list = ["nombre", "direccion", "horario", "es_activa"]
    column_searchable_list = ["nombre", "direccion"]
    column_labels = {**ETIQUETAS_COMUNES, "direccion": "Dirección", "horario": "Horario"}
    form_columns = ["nombre", "direccion", "horario", "es_activa"]
