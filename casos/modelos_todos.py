"""Import every model module so Base.metadata knows every table (migrations, create_all)."""

from casos import catalogo, correo, folios, modelos, personal, tareas

__all__ = ["catalogo", "correo", "folios", "modelos", "personal", "tareas"]
