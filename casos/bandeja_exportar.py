"""The columns of a Bandeja export (CSV or XLSX through casos.exportar)."""

from __future__ import annotations

from casos.exportar import Columna
from casos.modelos import SIN_PLAZO, Caso


def _vence(caso: Caso) -> object:
    """The first running due time; empty when every clock is paused or the case is final."""
    if caso.prioridad_en is None or caso.prioridad_en >= SIN_PLAZO:
        return None
    return caso.prioridad_en


COLUMNAS_BANDEJA: tuple[Columna, ...] = (
    Columna("Folio", lambda c: c.folio),
    Columna("Tipo", lambda c: c.tipo.nombre),
    Columna("Área", lambda c: c.area.nombre),
    Columna("Estado", lambda c: c.estado.etiqueta),
    Columna("Asignado a", lambda c: c.asignado_a.nombre if c.asignado_a else ""),
    Columna("Solicitante", lambda c: c.solicitante_nombre),
    Columna("Correo", lambda c: c.solicitante_email),
    Columna("Contrato", lambda c: c.contrato),
    Columna("Colonia", lambda c: c.colonia),
    Columna("Recibido", lambda c: c.creado_en),
    Columna("Plazo", lambda c: c.sla_estado.etiqueta),
    Columna("Vence", _vence),
)
