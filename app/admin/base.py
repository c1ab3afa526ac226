"""The model view every catalog uses: audit in the same commit, optimistic lock, Spanish errors.

Flask-Admin commits by itself after `on_model_change` / `on_model_delete`; the audit row (and
any recompute request) is added in those hooks, so it goes in that very commit or not at all.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import flash
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.fields import QuerySelectField, QuerySelectMultipleField
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import RelationshipProperty
from wtforms import Form, HiddenField
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.fields.core import UnboundField

from app.admin.seguridad import (
    AccesoAdministrador,
    FormularioAdmin,
    actor_admin,
    ahora_admin,
    traducir,
)
from app.extensiones import db
from casos.auditoria import registrar_auditoria
from casos.errores import ErrorDominio

MENSAJE_CONFLICTO = (
    "Otro administrador modificó este registro mientras usted lo editaba. Sus valores siguen "
    "en el formulario: revíselos contra los actuales (abra el registro en otra pestaña) y "
    "guarde de nuevo si quiere conservarlos."
)
OCULTOS = frozenset({"contrasena_hash", "huella"})  # never written to the audit log
MENSAJES_RESTRICCION = {
    "objetivos_positivos": "Las horas de respuesta y de resolución deben ser mayores que cero.",
    "respuesta_antes_resolucion": "Las horas de respuesta no pueden superar las de resolución.",
    "umbral_riesgo": "El umbral de riesgo debe estar entre 1 y 99 %.",
    "dias_reapertura": "Los días para reabrir no pueden ser negativos.",
    "unique": "Ya existe un registro con ese valor; use otro.",
    "foreign key": "Otros registros usan este; desactívelo en lugar de eliminarlo.",
}


def valor_json(valor: Any) -> Any:
    """A column value as the audit log and the fingerprint store it."""
    if isinstance(valor, Enum):
        return valor.value
    if isinstance(valor, datetime | date | Decimal):
        return str(valor)
    if isinstance(valor, list | tuple):
        return [valor_json(v) for v in valor]
    if hasattr(valor, "id") and hasattr(valor, "__tablename__"):
        return valor.id
    return valor


def huella_registro(modelo: Any) -> str:
    """Fingerprint of a row's values (columns and to-many ids) for the optimistic lock."""
    estado = inspect(modelo)
    valores = {a.key: valor_json(getattr(modelo, a.key)) for a in estado.mapper.column_attrs}
    for relacion in estado.mapper.relationships:
        if relacion.uselist:
            valores[relacion.key] = sorted(o.id for o in getattr(modelo, relacion.key))
    texto = json.dumps(valores, sort_keys=True, default=str)
    return hashlib.sha256(texto.encode()).hexdigest()[:32]


def cambios_de(modelo: Any) -> dict[str, Any]:
    """Changed attributes as {name: [before, after]}, hidden ones masked."""
    cambios: dict[str, Any] = {}
    for atributo in inspect(modelo).attrs:
        historia = atributo.history
        if not historia.has_changes():
            continue
        propiedad = getattr(type(modelo), atributo.key).property
        es_lista = isinstance(propiedad, RelationshipProperty) and bool(propiedad.uselist)
        antes: Any = list(historia.deleted) + list(historia.unchanged) if es_lista else None
        despues: Any = list(historia.added) + list(historia.unchanged) if es_lista else None
        if not es_lista:
            antes = historia.deleted[0] if historia.deleted else None
            despues = historia.added[0] if historia.added else None
        if antes == despues:
            continue
        if atributo.key in OCULTOS:
            cambios[atributo.key] = [None, "(cambiada)"]
        else:
            cambios[atributo.key] = [valor_json(antes), valor_json(despues)]
    return cambios


class _OpcionesModernas:
    """Flask-Admin 2.2 yields 4-tuples from iter_choices; WTForms 3.3 wants Choice objects."""

    def iter_choices(self) -> Any:
        for opcion in super().iter_choices():  # type: ignore[misc]
            yield (
                opcion if isinstance(opcion, Choice) else Choice(*opcion[:3], *opcion[3:4] or [{}])
            )


class SeleccionRelacion(_OpcionesModernas, QuerySelectField):
    """A many-to-one select (Flask-Admin's, rendering Choice objects)."""


class SeleccionVarias(_OpcionesModernas, QuerySelectMultipleField):
    """A many-to-many select (Flask-Admin's, rendering Choice objects)."""


REEMPLAZOS = {QuerySelectField: SeleccionRelacion, QuerySelectMultipleField: SeleccionVarias}


def modernizar(form_class: type[Form]) -> type[Form]:
    """Swap Flask-Admin's relation fields for the subclasses above (in place)."""
    for nombre in dir(form_class):
        campo = getattr(form_class, nombre, None)
        if isinstance(campo, UnboundField) and campo.field_class in REEMPLAZOS:
            campo.field_class = REEMPLAZOS[campo.field_class]
    return form_class


def opciones(clase: type[Enum], etiquetas: dict[str, str]) -> dict[str, Any]:
    """form_args of a StrEnum column shown as a select with Spanish labels."""
    return {
        "choices": [SelectChoice(m.value, etiquetas.get(m.value, m.value)) for m in clase],
        "coerce": clase,
    }


def mensaje_integridad(error: IntegrityError) -> str:
    """A Spanish sentence for a refused row (CHECK, UNIQUE or FOREIGN KEY)."""
    texto = str(error.orig).lower()
    for clave, mensaje in MENSAJES_RESTRICCION.items():
        if clave in texto:
            return mensaje
    return "La base de datos rechazó los datos; revise los valores."


class VistaModelo(AccesoAdministrador, ModelView):
    """A catalog in the admin: audited, with an optimistic lock on edits."""

    form_base_class = FormularioAdmin
    can_view_details = False
    can_set_page_size = False
    page_size = 50
    objeto: str = ""  # audit log's object name; defaults to the table name

    # --- hooks the views override --------------------------------------------------------

    def validar_datos(self, form: Form) -> dict[str, str]:
        """Domain checks on the submitted form: {field: Spanish reason}."""
        return {}

    def despues_de_guardar(self, modelo: Any, creado: bool, cambios: dict[str, Any]) -> None:
        """Extra writes in the same transaction (e.g. an SLA recompute request)."""

    def scaffold_form(self) -> type[Form]:
        return modernizar(super().scaffold_form())

    # --- optimistic lock -------------------------------------------------------------------

    def get_edit_form(self) -> type[Form]:
        base = super().get_edit_form()
        return type(base.__name__, (base,), {"huella_registro": HiddenField()})

    def edit_form(self, obj: Any = None) -> Form:
        form = super().edit_form(obj)
        if obj is not None and not form.huella_registro.data:
            form.huella_registro.data = huella_registro(obj)
        return form

    def validate_form(self, form: Form) -> bool:
        if not super().validate_form(form):
            self._traducir_errores(form)
            return False
        if not hasattr(form, "huella_registro"):
            return self._validar_dominio(form)
        actual = huella_registro(form._obj)
        if form.huella_registro.data != actual:
            form.huella_registro.data = actual  # a second save keeps this administrator's values
            flash(MENSAJE_CONFLICTO, "warning")
            return False
        return self._validar_dominio(form)

    def _validar_dominio(self, form: Form) -> bool:
        campos = getattr(form, "_fields", {})
        auxiliar = isinstance(form, self._delete_form_class | self._action_form_class)
        if not form.errors and not auxiliar:
            for campo, mensaje in self.validar_datos(form).items():
                form[campo].errors = [*form[campo].errors, mensaje]
        self._traducir_errores(form)
        return not any(campo.errors for campo in campos.values())

    def _traducir_errores(self, form: Form) -> None:
        for campo in getattr(form, "_fields", {}).values():
            campo.errors = [traducir(str(e)) for e in campo.errors]

    # --- audit (same commit as the change) ----------------------------------------------------

    def nombre_objeto(self) -> str:
        """The audit log's name for this catalog."""
        return self.objeto or self.model.__tablename__

    def on_model_change(self, form: Form, model: Any, is_created: bool) -> None:
        cambios = cambios_de(model)
        db.session.flush()
        accion = "crear" if is_created else "editar"
        registrar_auditoria(
            db.session,
            actor_admin(),
            accion,
            self.nombre_objeto(),
            ahora_admin(),
            self.get_pk_value(model),
            cambios=cambios,
        )
        self.despues_de_guardar(model, is_created, cambios)

    def on_model_delete(self, model: Any) -> None:
        claves = [a.key for a in inspect(model).mapper.column_attrs if a.key not in OCULTOS]
        valores = {clave: valor_json(getattr(model, clave)) for clave in claves}
        registrar_auditoria(
            db.session,
            actor_admin(),
            "eliminar",
            self.nombre_objeto(),
            ahora_admin(),
            self.get_pk_value(model),
            valores=valores,
        )
        self.despues_de_guardar(model, False, {"eliminado": [valores, None]})

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, IntegrityError):
            flash(mensaje_integridad(exc), "error")
            return True
        if isinstance(exc, ErrorDominio):
            flash(exc.mensaje if not exc.campos else " ".join(exc.campos.values()), "error")
            return True
        return bool(super().handle_view_exception(exc))


class VistaSoloLectura(VistaModelo):
    """A list nobody edits in the admin (audit logs, events)."""

    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = True
    action_disallowed_list = ["delete"]
