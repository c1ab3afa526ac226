"""Helpers shared by the portal's forms."""

from __future__ import annotations

from flask_wtf import FlaskForm

from casos.errores import ErrorDominio


def marcar_errores(form: FlaskForm, error: ErrorDominio) -> str | None:
    """Put each domain error next to its field; return what has no field of its own."""
    sueltos = []
    for campo, mensaje in error.campos.items():
        if campo in form._fields and campo not in ("csrf_token", "clave_envio"):
            form[campo].errors = [*form[campo].errors, mensaje]
        else:
            sueltos.append(mensaje)
    return " ".join(sueltos) or (None if error.campos else error.mensaje)
