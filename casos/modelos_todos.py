"""Import every model module so Base.metadata knows every table (migrations, create_all)."""

from casos import (
    adjuntos,
    ajustes,
    atencion_catalogos,
    auditoria,
    catalogo,
    correo,
    folios,
    integraciones,
    limites,
    modelos,
    personal,
    plantillas_correo,
    recalculo,
    resumen,
    sesiones,
    tareas,
)
from casos.comercial import modelos as comercial
from casos.cuentas import modelos as cuentas
from casos.pagos import modelos as pagos

__all__ = [
    "adjuntos",
    "ajustes",
    "atencion_catalogos",
    "auditoria",
    "catalogo",
    "comercial",
    "correo",
    "cuentas",
    "folios",
    "integraciones",
    "limites",
    "modelos",
    "pagos",
    "personal",
    "plantillas_correo",
    "recalculo",
    "resumen",
    "sesiones",
    "tareas",
]
