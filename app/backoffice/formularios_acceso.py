"""The staff sign-in form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired, Length


class FormularioAccesoPersonal(FlaskForm):
    """User name and password of a CEA staff member."""

    usuario = StringField(
        "Usuario",
        [
            InputRequired("Usuario: escriba su usuario."),
            Length(max=40, message="Usuario: use como máximo 40 caracteres."),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    contrasena = PasswordField(
        "Contraseña",
        [
            InputRequired("Contraseña: escriba su contraseña."),
            Length(max=256, message="Contraseña: es demasiado larga."),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    siguiente = HiddenField()


class FormularioSalirPersonal(FlaskForm):
    """Sign out (POST with CSRF)."""
