"""The workspace's action forms: one small form per action, each with the case `version` the
page was loaded with (optimistic locking). The domain checks the texts, codes and dates; these
forms only carry them, so every reason arrives at once next to its field."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app.portal.formularios_gestion import Marca
from casos.atencion_visitas import horarios_cita
from casos.ciclo import LARGO_MAXIMO_NOTA

_TEXTO = {"rows": 6, "maxlength": LARGO_MAXIMO_NOTA, "class": "bo-texto"}
_MOTIVO = {"rows": 2, "maxlength": LARGO_MAXIMO_NOTA}


def _entero(valor: object) -> int | None:
    try:
        return int(str(valor))
    except (TypeError, ValueError):
        return None


class FormAccion(FlaskForm):
    """An action without data (start, close): only the version."""

    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class FormTexto(FormAccion):
    """Public reply, internal note, request for information, reopen, cancel."""

    nota = TextAreaField("Texto", [Marca()], render_kw=_TEXTO)


class FormMotivo(FormAccion):
    """Reopen, cancel: a short reason."""

    nota = TextAreaField("Motivo", [Marca()], render_kw=_MOTIVO)


class FormAsignar(FormAccion):
    """Assign the case to a staff member of its area."""

    personal_id = SelectField("Asignar a", [Marca()], coerce=_entero, validate_choice=False)


class FormTurnar(FormAccion):
    """Re-route to another area, with the reason."""

    area_id = SelectField("Área destino", [Marca()], coerce=_entero, validate_choice=False)
    nota = TextAreaField("Motivo del turno", [Marca()], render_kw=_MOTIVO)


class FormResolver(FormAccion):
    """Resolve: code and the public text the customer receives."""

    codigo_resolucion_id = SelectField(
        "Código de resolución", [Marca()], coerce=_entero, validate_choice=False
    )
    nota = TextAreaField("Respuesta final al ciudadano", [Marca()], render_kw=_TEXTO)


class FormCita(FormAccion):
    """An in-person visit: office, date, time and what to bring."""

    oficina_id = SelectField("Oficina", [Marca()], coerce=_entero, validate_choice=False)
    fecha = StringField("Fecha", [Marca()], render_kw={"type": "date"})
    hora = SelectField(
        "Hora",
        [Marca()],
        choices=[SelectChoice(h, h) for h in horarios_cita()],
        validate_choice=False,
    )
    nota = TextAreaField("Qué debe traer e indicaciones", [Marca()], render_kw=_MOTIVO)
