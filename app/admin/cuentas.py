"""Customer accounts: searchable, read-only list; blocking for misuse and reactivating go
through casos.cuentas.bloqueos (reason and period, account event, customer email) — never by
editing columns."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.model.template import EndpointLinkRowAction
from werkzeug.wrappers import Response
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, NumberRange

from app.admin.base import VistaSoloLectura
from app.admin.seguridad import FormularioAdmin, actor_admin, ahora_admin
from app.extensiones import db
from app.formularios import marcar_errores
from casos.auditoria import registrar_auditoria
from casos.cuentas.bloqueos import DIAS_MAXIMOS, bloquear_por_mal_uso, bloqueos_vigentes, reactivar
from casos.cuentas.modelos import Cuenta
from casos.errores import ErrorDominio


class FormularioBloqueo(FormularioAdmin):
    """Block for misuse: a period and the reason shown to the customer."""

    dias = IntegerField(
        "Días de bloqueo",
        validators=[
            InputRequired("Indique los días."),
            NumberRange(1, DIAS_MAXIMOS, f"Indique de 1 a {DIAS_MAXIMOS} días."),
        ],
    )
    motivo = TextAreaField(
        "Motivo (lo verá el cliente)", validators=[InputRequired("Escriba el motivo.")]
    )


class FormularioReactivar(FormularioAdmin):
    """Lift a misuse block after its period (the customer asked by phone)."""

    motivo = TextAreaField(
        "Motivo de la reactivación (p. ej., folio de la llamada)",
        validators=[InputRequired("Escriba el motivo.")],
    )


class VistaCuentas(VistaSoloLectura):
    """Customer accounts with block / reactivate."""

    column_list = [
        "usuario",
        "email",
        "tipo",
        "estado",
        "es_bloqueada",
        "creada_en",
        "ultimo_acceso_en",
    ]
    column_searchable_list = ["usuario", "email", "telefono"]
    column_filters = ["estado", "tipo", "es_bloqueada"]
    column_default_sort = ("id", True)
    column_details_exclude_list = ["contrasena_hash"]
    column_exclude_list = ["contrasena_hash"]
    column_labels = {
        "usuario": "Usuario",
        "email": "Correo electrónico",
        "telefono": "Teléfono",
        "tipo": "Tipo",
        "estado": "Estado",
        "es_bloqueada": "Bloqueada",
        "creada_en": "Creada",
        "ultimo_acceso_en": "Último acceso",
    }
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-ban", ".bloqueo", title="Bloquear o reactivar")
    ]

    @expose("/bloqueo/", methods=("GET", "POST"))
    def bloqueo(self) -> Response | str:
        """The account's blocks and the two forms (block for misuse, reactivate)."""
        cuenta = db.session.get(Cuenta, request.args.get("id", type=int) or 0)
        if cuenta is None:
            flash("La cuenta no existe.", "error")
            return redirect(url_for(".index_view"))
        bloquear = FormularioBloqueo(
            request.form if request.form.get("accion") == "bloquear" else None
        )
        reactivar_form = FormularioReactivar(
            request.form if request.form.get("accion") == "reactivar" else None
        )
        if request.method == "POST":
            respuesta = self._aplicar(cuenta, bloquear, reactivar_form)
            if respuesta is not None:
                return respuesta
        return self.render(
            "admin/ov_bloqueo.html",
            cuenta=cuenta,
            bloqueos=bloqueos_vigentes(db.session, cuenta),
            bloquear=bloquear,
            reactivar=reactivar_form,
        )

    def _aplicar(
        self, cuenta: Cuenta, bloquear: FormularioBloqueo, reactivar_form: FormularioReactivar
    ) -> Response | None:
        accion = request.form.get("accion")
        form: Any = bloquear if accion == "bloquear" else reactivar_form
        if not form.validate():
            return None
        actor, ahora = actor_admin(), ahora_admin()
        try:
            if accion == "bloquear":
                bloquear_por_mal_uso(
                    db.session, cuenta, form.dias.data, form.motivo.data, actor, ahora
                )
            else:
                reactivar(db.session, cuenta, form.motivo.data, actor, ahora)
        except ErrorDominio as error:
            db.session.rollback()
            suelto = marcar_errores(form, error)
            if suelto:
                flash(suelto, "error")
            return None
        detalle = {"motivo": form.motivo.data.strip()[:500]}
        if accion == "bloquear":
            detalle["dias"] = form.dias.data
        registrar_auditoria(db.session, actor, accion, "cuenta", ahora, cuenta.id, **detalle)
        db.session.commit()
        flash("Cuenta bloqueada." if accion == "bloquear" else "Cuenta reactivada.", "success")
        return redirect(url_for(".bloqueo", id=cuenta.id))
