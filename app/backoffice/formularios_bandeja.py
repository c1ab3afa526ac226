"""The Bandeja's forms: the filters (GET, no token needed) and the actions (POST, CSRF)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice as _C
from wtforms.validators import Length, Optional

from casos.bandeja import FiltrosBandeja
from casos.catalogo import Area, TipoCaso
from casos.estados import ABIERTOS, EstadoCaso
from casos.modelos import EstadoSLA
from casos.personal import Personal
from casos.sla import ZONA_CEA

_FORMATOS_FECHA = ("%Y-%m-%d", "%d/%m/%Y")
ESTADOS = [_C("", "Abiertos (todos)")] + [_C(e.value, e.etiqueta) for e in EstadoCaso]
PLAZOS = [_C("", "Todos")] + [_C(s.value, s.etiqueta) for s in EstadoSLA]
ASIGNACIONES = [
    _C("", "Cualquiera"),
    _C("mios", "Asignados a mí"),
    _C("sin_asignar", "Sin asignar"),
]


def _fecha(texto: str) -> date:
    for formato in _FORMATOS_FECHA:
        try:
            dia = datetime.strptime(texto.strip(), formato).replace(tzinfo=ZONA_CEA).date()
        except ValueError:
            continue
        if 2000 <= dia.year <= 2100:
            return dia
    raise ValueError("Escriba la fecha como dd/mm/aaaa.")


class FormularioFiltros(FlaskForm):
    """What the agent narrows the queue to; every value is checked on the server."""

    class Meta:
        csrf = False  # a GET search: bookmarkable, changes nothing

    q = StringField(
        "Buscar", [Optional(), Length(max=254, message="Use como máximo 254 caracteres.")]
    )
    tipo_id = SelectField("Tipo de solicitud", validate_choice=False)
    estado = SelectField("Estado", choices=ESTADOS, validate_choice=False)
    sla_estado = SelectField("Plazo", choices=PLAZOS, validate_choice=False)
    area_id = SelectField("Área", validate_choice=False)
    asignacion = SelectField("Asignación", choices=ASIGNACIONES, validate_choice=False)
    creado_desde = StringField("Recibido desde", render_kw={"type": "date"})
    creado_hasta = StringField("Recibido hasta", render_kw={"type": "date"})
    colonia = StringField(
        "Colonia", [Optional(), Length(max=120, message="Use como máximo 120 caracteres.")]
    )

    def poblar(self, tipos: list[TipoCaso], areas: list[Area]) -> None:
        """Offer the types and the person's areas."""
        self.tipo_id.choices = [_C("", "Todos")] + [_C(str(t.id), t.nombre) for t in tipos]
        self.area_id.choices = [_C("", "Todas mis áreas")] + [
            _C(str(a.id), a.nombre) for a in areas
        ]

    def a_filtros(self) -> FiltrosBandeja | None:
        """The validated filters, or None with a Spanish message next to each bad field."""
        self.validate()
        valores: dict[str, Any] = {}
        for nombre in ("tipo_id", "area_id", "estado", "sla_estado", "asignacion"):
            campo = self[nombre]
            if campo.data and campo.data not in {c.value for c in campo.choices}:
                campo.errors = [*campo.errors, "Elija una opción de la lista."]
        for nombre in ("creado_desde", "creado_hasta"):
            if self[nombre].data:
                try:
                    valores[nombre] = _fecha(self[nombre].data)
                except ValueError as error:
                    self[nombre].errors = [*self[nombre].errors, str(error)]
        if self.errors:
            return None
        return FiltrosBandeja(**valores, **self._opciones())

    def _opciones(self) -> dict[str, Any]:
        estado = self.estado.data
        return {
            "tipo_id": int(self.tipo_id.data) if self.tipo_id.data else None,
            "area_id": int(self.area_id.data) if self.area_id.data else None,
            "estado": frozenset({EstadoCaso(estado)}) if estado else ABIERTOS,
            "sla_estado": EstadoSLA(self.sla_estado.data) if self.sla_estado.data else None,
            "asignacion": self.asignacion.data or None,
            "colonia": (self.colonia.data or "").strip() or None,
            "q": (self.q.data or "").strip() or None,
        }


class FormularioLote(FlaskForm):
    """Actions on the selected cases (the take buttons of each row share its token)."""

    area_destino = SelectField("Turnar a", validate_choice=False)
    motivo = TextAreaField(
        "Motivo del turno",
        [Length(max=2000, message="Use como máximo 2,000 caracteres.")],
        render_kw={"rows": 2},
    )
    personal_id = SelectField("Asignar a", validate_choice=False)

    def poblar(self, areas: list[Area], personas: list[Personal]) -> None:
        """Offer every active area and the staff of the person's areas."""
        self.area_destino.choices = [_C("", "Elija el área")] + [
            _C(str(a.id), a.nombre) for a in areas
        ]
        self.personal_id.choices = [_C("", "Elija a la persona")] + [
            _C(str(p.id), f"{p.nombre} ({p.rol.value})") for p in personas
        ]

    def entero(self, nombre: str) -> int:
        """A select's value as an id (0 when empty or forged: the service refuses it)."""
        valor = self[nombre].data or ""
        return int(valor) if valor.isdigit() else 0
