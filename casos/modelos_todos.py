"""Import every model module so Base.metadata knows every table (migrations, create_all)."""

from casos import catalogo, correo, folios, limites, modelos, personal, sesiones, tareas
from casos.comercial import modelos as comercial
from casos.cuentas import modelos as cuentas

__all__ = [
    "catalogo",
    "comercial",
    "correo",
    "cuentas",
    "folios",
    "limites",
    "modelos",
    "personal",
    "sesiones",
    "tareas",
]
