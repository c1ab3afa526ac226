"""Staff accounts: username, name, email, role, areas, active; a new password is typed in a
field (hashed with argon2id, never shown). Deactivating someone or changing their password ends
their open sessions."""

from __future__ import annotations

from typing import Any

from flask import flash
from wtforms import Form, PasswordField, SelectField
from wtforms.validators import Length, Optional, Regexp

from app.admin.base import VistaModelo, opciones
from app.admin.seguridad import ahora_admin
from app.auth import personal_actual
from app.extensiones import db
from casos.cuentas.contrasenas import cifrar, problemas_contrasena
from casos.personal import RolPersonal
from casos.sesiones import cerrar_sesiones_de

CORREO = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"  # staff addresses may be internal (no DNS check)
ROLES = {
    RolPersonal.AGENTE.value: "Agente",
    RolPersonal.SUPERVISOR.value: "Supervisor(a)",
    RolPersonal.ADMINISTRADOR.value: "Administrador(a)",
}


def _areas(_v: Any, _c: Any, persona: Any, _n: str) -> str:
    return ", ".join(a.nombre for a in persona.areas) or "—"


class VistaPersonal(VistaModelo):
    """Staff users and their areas."""

    objeto = "personal"
    can_delete = False  # the history names them: deactivate instead
    column_list = ["usuario", "nombre", "email", "rol", "areas", "es_activo", "ultimo_acceso_en"]
    column_searchable_list = ["usuario", "nombre", "email"]
    column_filters = ["rol", "es_activo"]
    column_formatters = {"areas": _areas}
    column_labels = {
        "usuario": "Usuario",
        "nombre": "Nombre",
        "email": "Correo electrónico",
        "rol": "Rol",
        "areas": "Áreas",
        "es_activo": "Activo",
        "ultimo_acceso_en": "Último acceso",
    }
    form_columns = ["usuario", "nombre", "email", "rol", "areas", "es_activo", "nueva_contrasena"]
    form_excluded_columns = ["contrasena_hash"]
    form_overrides = {"rol": SelectField}
    form_args = {
        "rol": opciones(RolPersonal, ROLES),
        "email": {"validators": [Regexp(CORREO, message="Escriba un correo electrónico válido.")]},
        "usuario": {"validators": [Length(min=3, max=40, message="Use de 3 a 40 caracteres.")]},
    }
    form_extra_fields = {
        "nueva_contrasena": PasswordField(
            "Nueva contraseña",
            validators=[Optional()],
            description="Déjela vacía para no cambiarla. Al cambiarla se cierran sus sesiones.",
        )
    }

    def validar_datos(self, form: Form) -> dict[str, str]:
        """Password strength, a password for new staff, and no locking oneself out."""
        errores: dict[str, str] = {}
        contrasena = form.nueva_contrasena.data or ""
        propio = getattr(form, "_obj", None)
        if contrasena:
            contexto = [form.usuario.data, form.nombre.data, form.email.data]
            problemas = problemas_contrasena(contrasena, contexto)
            if problemas:
                errores["nueva_contrasena"] = problemas[0]
        elif propio is None:
            errores["nueva_contrasena"] = "Asigne una contraseña inicial."
        yo = personal_actual()
        es_uno_mismo = propio is not None and yo is not None and propio.id == yo.id
        deja_de_ser_admin = form.rol.data != RolPersonal.ADMINISTRADOR.value
        if es_uno_mismo and (not form.es_activo.data or deja_de_ser_admin):
            errores["rol"] = "No puede quitarse el rol de administrador ni desactivarse."
        return errores

    def on_model_change(self, form: Form, model: Any, is_created: bool) -> None:
        model.usuario = (model.usuario or "").strip().lower()
        model.email = (model.email or "").strip().lower()
        if form.nueva_contrasena.data:
            model.contrasena_hash = cifrar(form.nueva_contrasena.data)
        super().on_model_change(form, model, is_created)

    def despues_de_guardar(self, modelo: Any, creado: bool, cambios: dict[str, Any]) -> None:
        """Deactivation or a new password signs them out everywhere."""
        if creado:
            return
        if ("es_activo" in cambios and not modelo.es_activo) or "contrasena_hash" in cambios:
            cerradas = cerrar_sesiones_de(db.session, personal_id=modelo.id, ahora=ahora_admin())
            if cerradas:
                flash(f"Se cerraron {cerradas} sesión(es) abiertas de {modelo.nombre}.", "info")
