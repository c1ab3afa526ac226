"""Import every model module so Base.metadata knows every table (migrations, create_all)."""

from casos import (
    adjuntos,
    ajustes,
    catalogo,
    correo,
    folios,
    limites,
    modelos,
    personal,
    sesiones,
    tareas,
)
from casos.comercial import modelos as comercial
from casos.cuentas import modelos as cuentas
from casos.pagos import modelos as pagos

__all__ = [
    "adjuntos",
    "ajustes",
    "catalogo",
    "comercial",
    "correo",
    "cuentas",
    "folios",
    "limites",
    "modelos",
    "pagos",
    "personal",
    "sesiones",
    "tareas",
]
