"""Forms of the sign-in pages: *Accede a tu cuenta*, sign-out, forgotten password/user, reset."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from casos.cuentas.contrasenas import LARGO_MAXIMO


class FormularioAcceso(FlaskForm):
    """*Accede a tu cuenta*: Usuario, Contraseña, *Acceder*."""

    usuario = StringField(
        "Usuario",
        [
            InputRequired("Usuario: escriba su usuario."),
            Length(max=40, message="Usuario: es de hasta ocho letras o números."),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    contrasena = PasswordField(
        "Contraseña",
        [
            InputRequired("Contraseña: escriba su contraseña."),
            Length(max=LARGO_MAXIMO, message="Contraseña: es demasiado larga."),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    siguiente = HiddenField()


class FormularioSalir(FlaskForm):
    """Sign out (a POST with its CSRF token, so another site cannot sign a customer out)."""


class FormularioOlvidoContrasena(FlaskForm):
    """*¿Olvidaste tu contraseña?*: user name or email."""

    usuario_o_email = StringField(
        "Usuario o correo electrónico",
        [
            InputRequired("Usuario o correo electrónico: escriba uno de los dos."),
            Length(max=254, message="Usuario o correo electrónico: es demasiado largo."),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )


class FormularioOlvidoUsuario(FlaskForm):
    """*¿Olvidaste tu usuario?*: email or the contract's Referencia."""

    email_o_referencia = StringField(
        "Correo electrónico o Referencia del contrato",
        [
            InputRequired("Correo electrónico o Referencia: escriba uno de los dos."),
            Length(max=254, message="Correo electrónico o Referencia: es demasiado largo."),
        ],
        render_kw={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"},
    )


class FormularioRestablecer(FlaskForm):
    """A new password through the emailed link."""

    contrasena = PasswordField(
        "Nueva contraseña",
        [
            InputRequired("Nueva contraseña: escriba su contraseña nueva."),
            Length(max=LARGO_MAXIMO, message="Nueva contraseña: es demasiado larga."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirmacion = PasswordField(
        "Confirmar contraseña",
        [
            InputRequired("Confirmar contraseña: escríbala otra vez."),
            EqualTo("contrasena", "Confirmar contraseña: no coincide con la contraseña nueva."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
