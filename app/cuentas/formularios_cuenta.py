"""Forms of *Mi cuenta*: link a contract, unlink, Baja de cuenta, and personal data (ARCO).

Linking reuses registration's Fase 1 forms, so the labels are the same by construction. Only
presence and length are checked by the forms; formats and the proof itself are the domain's
(its errors are put back next to these fields, named as its attributes).
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, TelField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.cuentas.formularios_registro import FormularioEmpresa, FormularioParticular
from casos.cuentas.modelos import TipoCuenta
from casos.cuentas.verificacion import PruebaContrato


def _largo(maximo: int) -> Length:
    return Length(max=maximo, message=f"Use como máximo {maximo:,} caracteres.")


def _requerido(etiqueta: str) -> InputRequired:
    return InputRequired(f"{etiqueta}: este dato es obligatorio.")


def formulario_vinculo(tipo: TipoCuenta) -> FormularioParticular | FormularioEmpresa:
    """The link form: registration's *Fase 1 – Datos del Cliente* form for the account's type
    (same fields, labels and "no meter" option)."""
    if tipo is TipoCuenta.EMPRESA:
        return FormularioEmpresa()
    return FormularioParticular()


def prueba_del_formulario(
    tipo: TipoCuenta, form: FormularioParticular | FormularioEmpresa
) -> PruebaContrato:
    """The proof typed in the link form (ticking "no meter" sets the meter number aside)."""

    def dato(nombre: str) -> str:
        valor = form[nombre].data if nombre in form else None
        return valor if isinstance(valor, str) else ""

    medidor = "" if form.sin_medidor.data else dato("numero_medidor")
    return PruebaContrato(
        tipo=tipo,
        referencia=dato("referencia"),
        apellido_paterno=dato("apellido_paterno"),
        apellido_materno=dato("apellido_materno"),
        nombre_empresa=dato("nombre_empresa"),
        numero_medidor=medidor,
        importe_ultima_factura="" if medidor.strip() else dato("importe_ultima_factura"),
    )


class FormConfirmar(FlaskForm):
    """A bare confirmation (unlink a contract, confirm a new email): only the CSRF token."""


class FormBaja(FlaskForm):
    """*Solicitar la baja de mi cuenta*: an optional reason and the current password."""

    clave_envio = HiddenField()
    motivo = TextAreaField("Motivo (opcional)", [Optional(), _largo(2000)])
    contrasena = PasswordField(
        "Contraseña", [_requerido("Contraseña")], render_kw={"autocomplete": "current-password"}
    )


class FormCambioEmail(FlaskForm):
    """Rectify the contact email: the new one twice and the current password."""

    email = EmailField(
        "Nuevo correo electrónico",
        [_requerido("Nuevo correo electrónico"), _largo(254)],
        render_kw={"autocomplete": "email"},
    )
    confirmacion = EmailField(
        "Confirmar nuevo correo electrónico",
        [_requerido("Confirmar nuevo correo electrónico"), _largo(254)],
        render_kw={"autocomplete": "email"},
    )
    contrasena = PasswordField(
        "Contraseña actual",
        [_requerido("Contraseña actual")],
        render_kw={"autocomplete": "current-password"},
    )


class FormTelefono(FlaskForm):
    """Rectify (or remove) the contact phone."""

    telefono = TelField("Teléfono", [Optional(), _largo(30)], render_kw={"autocomplete": "tel"})
