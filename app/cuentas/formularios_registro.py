"""Forms of the registration: Fase 1 (Datos del Cliente), Fase 2 (Datos del usuario) and the
activation page (Generar contraseña). The rules live in casos.cuentas; these forms only bound
lengths and mark what is mandatory — the domain's field errors are mapped back onto them."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from casos.cuentas.contrasenas import LARGO_MAXIMO, LARGO_MINIMO
from casos.cuentas.registro import USUARIO_MAXIMO, USUARIO_MINIMO
from casos.cuentas.verificacion import PruebaContrato, errores_formato

SIN_AUTOCORRECCION = {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}


def _texto(etiqueta: str, maximo: int, requerido: str | None = None, **extra: Any) -> StringField:
    """A text field; `requerido` is the message shown when a mandatory field is left empty."""
    validadores: list[Any] = [InputRequired(requerido)] if requerido else [Optional()]
    validadores.append(Length(max=maximo, message=f"{etiqueta}: es demasiado largo."))
    return StringField(etiqueta, validadores, render_kw=extra or None)


class FormularioCliente(FlaskForm):
    """*Fase 1 – Datos del Cliente*: the proof of the contract, as printed on the bill."""

    referencia = _texto(
        "Referencia",
        20,
        "Escriba la referencia (número de contrato) de su recibo.",
        inputmode="numeric",
        autocomplete="off",
        **SIN_AUTOCORRECCION,
    )
    numero_medidor = _texto("Número de medidor", 30, autocomplete="off", **SIN_AUTOCORRECCION)
    sin_medidor = BooleanField("Mi contrato no tiene medidor")
    importe_ultima_factura = _texto(
        "Total de su último recibo", 20, inputmode="decimal", autocomplete="off"
    )

    #: Fields the customer types, in order, for the session copy (back/forward keeps them).
    CAMPOS: tuple[str, ...] = (
        "referencia",
        "numero_medidor",
        "sin_medidor",
        "importe_ultima_factura",
    )


class FormularioParticular(FormularioCliente):
    """*Registro particular*: Referencia, Apellido Paterno, Apellido Materno, Número de medidor."""

    apellido_paterno = _texto(
        "Apellido Paterno",
        80,
        "Escriba el apellido paterno del titular.",
        autocomplete="family-name",
    )
    apellido_materno = _texto("Apellido Materno", 80, autocomplete="additional-name")

    CAMPOS = ("referencia", "apellido_paterno", "apellido_materno", *FormularioCliente.CAMPOS[1:])


class FormularioEmpresa(FormularioCliente):
    """*Registro empresa*: Referencia, Nombre de la empresa, Número de medidor."""

    nombre_empresa = _texto(
        "Nombre de la empresa",
        200,
        "Escriba el nombre de la empresa como aparece en su recibo.",
        autocomplete="organization",
    )

    CAMPOS = ("referencia", "nombre_empresa", *FormularioCliente.CAMPOS[1:])


class FormularioUsuario(FlaskForm):
    """*Fase 2 – Datos del usuario*: Usuario, Email, Confirmar email and the consents."""

    usuario = StringField(
        "Usuario",
        [
            InputRequired("Escriba un nombre de usuario."),
            Length(max=40, message="Usuario: es demasiado largo."),
        ],
        render_kw={
            "autocomplete": "username",
            "maxlength": USUARIO_MAXIMO,
            "minlength": USUARIO_MINIMO,
            **SIN_AUTOCORRECCION,
        },
    )
    email = EmailField(
        "Email",
        [
            InputRequired("Escriba su correo electrónico."),
            Length(max=254, message="Email: es demasiado largo."),
        ],
        render_kw={"autocomplete": "email", **SIN_AUTOCORRECCION},
    )
    email_confirmacion = EmailField(
        "Confirmar email",
        [
            InputRequired("Escriba otra vez su correo electrónico."),
            Length(max=254, message="Confirmar email: es demasiado largo."),
        ],
        render_kw={"autocomplete": "off", **SIN_AUTOCORRECCION},
    )
    acepto_terminos = BooleanField("He leído y acepto el Aviso Legal y las Condiciones de uso")
    declaro_datos = BooleanField("Manifiesto que los datos capturados son correctos")

    CAMPOS: tuple[str, ...] = (
        "usuario",
        "email",
        "email_confirmacion",
        "acepto_terminos",
        "declaro_datos",
    )


class FormularioReenvio(FlaskForm):
    """*Reenviar correo de activación* (a button: the account comes from the session or link)."""


class FormularioCorreccion(FlaskForm):
    """Fase 3: fix a mistyped email before activating (a new link goes to the new address)."""

    email = EmailField(
        "Email correcto",
        [
            InputRequired("Escriba su correo electrónico."),
            Length(max=254, message="Email: es demasiado largo."),
        ],
        render_kw={"autocomplete": "email", **SIN_AUTOCORRECCION},
    )
    email_confirmacion = EmailField(
        "Confirmar email",
        [
            InputRequired("Escriba otra vez su correo electrónico."),
            Length(max=254, message="Confirmar email: es demasiado largo."),
        ],
        render_kw={"autocomplete": "off", **SIN_AUTOCORRECCION},
    )


class FormularioContrasena(FlaskForm):
    """The activation page: *Generar contraseña* and *Confirmar contraseña*."""

    contrasena = PasswordField(
        "Generar contraseña",
        [
            InputRequired("Escriba su contraseña."),
            Length(
                min=LARGO_MINIMO,
                message=f"La contraseña debe tener al menos {LARGO_MINIMO} caracteres.",
            ),
            Length(
                max=LARGO_MAXIMO,
                message=f"La contraseña puede tener hasta {LARGO_MAXIMO} caracteres.",
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirmacion = PasswordField(
        "Confirmar contraseña",
        [
            InputRequired("Escriba otra vez su contraseña."),
            EqualTo("contrasena", "Las dos contraseñas no son iguales."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def prueba_valida(form: FormularioParticular | FormularioEmpresa, prueba: PruebaContrato) -> bool:
    """Fase 1's checks (registration and linking a contract): every format error at once, next
    to its field — the form's, the meter rule, and the domain's for the proof."""
    valido = form.validate()
    if not form.sin_medidor.data and not (form.numero_medidor.data or "").strip():
        form.numero_medidor.errors = [
            *form.numero_medidor.errors,
            "Escriba el número de medidor o marque «Mi contrato no tiene medidor».",
        ]
        valido = False
    for nombre, razon in errores_formato(prueba).items():
        if nombre == "importe_ultima_factura" and not form.sin_medidor.data:
            continue  # the meter's own message already says what to do
        if nombre in form and not form[nombre].errors:
            form[nombre].errors = [razon]
            valido = False
    return valido
