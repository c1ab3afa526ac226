"""*Mi cuenta*: the signed-in customer's landing page, linked contracts, Baja and ARCO pages."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.auth import actor_actual, cuenta_actual, cuenta_requerida, ip_cliente
from app.cuentas.formularios_cuenta import (
    FormBaja,
    FormCambioEmail,
    FormConfirmar,
    FormTelefono,
    formulario_vinculo,
    prueba_del_formulario,
)
from app.cuentas.formularios_registro import prueba_valida
from app.extensiones import db
from app.formularios import marcar_errores
from casos.comercial.consultas import contratos_de_cuenta
from casos.cuentas import arco
from casos.cuentas.baja import baja_pendiente, solicitar_baja
from casos.cuentas.modelos import Cuenta
from casos.cuentas.verificacion import (
    ContratoYaVinculado,
    PruebaNoDisponible,
    contar_intento,
)
from casos.cuentas.vinculos import desvincular_contrato, vincular_contrato, vinculo_de
from casos.errores import ErrorDominio
from casos.sla import ZONA_CEA

bp = Blueprint("cuenta", __name__)
PAGINA = "portal/cuentas/cuenta_{}.html"


def _ahora() -> datetime:
    return datetime.now(UTC)


def _cuenta() -> Cuenta:
    cuenta = cuenta_actual()
    assert cuenta is not None  # guaranteed by cuenta_requerida
    return cuenta


@bp.get("/")
@cuenta_requerida
def inicio() -> str:
    """Where a customer lands after signing in: their contracts and what they can do."""
    cuenta = _cuenta()
    hoy = _ahora().astimezone(ZONA_CEA).date()
    return render_template(
        PAGINA.format("inicio"),
        cuenta=cuenta,
        resumenes=contratos_de_cuenta(db.session, cuenta.id),
        hoy=hoy,
        baja=baja_pendiente(db.session, cuenta),
    )


# --- linked contracts --------------------------------------------------------------------


@bp.route("/contratos/vincular", methods=["GET", "POST"])
@cuenta_requerida
def vincular() -> str | Response | tuple[str, int, dict[str, str]]:
    """*Vincular otro contrato*: prove it as in registration's Fase 1."""
    cuenta = _cuenta()
    form = formulario_vinculo(cuenta.tipo)
    prueba = prueba_del_formulario(cuenta.tipo, form)
    if not (form.is_submitted() and prueba_valida(form, prueba)):
        return _pagina_vincular(cuenta, form)
    ahora = _ahora()
    estado = contar_intento(db.session, prueba.referencia, ip_cliente(), ahora)
    if not estado.permitido:
        db.session.commit()  # the lock is kept
        minutos = estado.minutos_restantes(ahora)
        error = f"Hizo demasiados intentos. Espere {minutos} minutos y vuelva a intentarlo."
        cabeceras = {"Retry-After": str(estado.segundos_restantes(ahora))}
        return _pagina_vincular(cuenta, form, error), 429, cabeceras
    try:
        with db.session.begin_nested():  # a refusal undoes the link, not the count
            vinculo = vincular_contrato(db.session, cuenta, prueba, actor_actual(), ahora)
    except ErrorDominio as fallo:
        db.session.commit()  # the attempt counts
        incidencia = isinstance(fallo, ContratoYaVinculado | PruebaNoDisponible)
        return _pagina_vincular(cuenta, form, marcar_errores(form, fallo), incidencia)
    db.session.commit()
    flash(f"El contrato {vinculo.contrato.numero} quedó vinculado a su cuenta.", "success")
    return redirect(url_for("cuenta.inicio"))


def _pagina_vincular(
    cuenta: Cuenta, form: FlaskForm, error: str | None = None, incidencia: bool = False
) -> str:
    return render_template(
        PAGINA.format("vincular"), cuenta=cuenta, form=form, error=error, incidencia=incidencia
    )


@bp.route("/contratos/<int:contrato_id>/desvincular", methods=["GET", "POST"])
@cuenta_requerida
def desvincular(contrato_id: int) -> str | Response:
    """Unlink a contract after a confirmation step; never the last one."""
    cuenta = _cuenta()
    vinculo = vinculo_de(cuenta, contrato_id)
    if vinculo is None:
        abort(404)
    form, error = FormConfirmar(), None
    if form.validate_on_submit():
        try:
            contrato = desvincular_contrato(
                db.session, cuenta, contrato_id, actor_actual(), _ahora()
            )
        except ErrorDominio as fallo:
            db.session.rollback()
            error = fallo.mensaje
        else:
            db.session.commit()
            flash(f"El contrato {contrato.numero} ya no está vinculado a su cuenta.", "success")
            return redirect(url_for("cuenta.inicio"))
    return render_template(
        PAGINA.format("desvincular"),
        form=form,
        contrato=vinculo.contrato,
        es_ultimo=len(cuenta.vinculos) <= 1,
        error=error,
    )


# --- Baja de cuenta (rule 6) -------------------------------------------------------------


@bp.route("/baja", methods=["GET", "POST"])
@cuenta_requerida(permite_bloqueada=True)
def baja() -> str | Response:
    """*Solicitar la baja de mi cuenta*: confirmed with the password; files a case."""
    cuenta = _cuenta()
    pendiente = baja_pendiente(db.session, cuenta)
    if pendiente is not None:
        return render_template(PAGINA.format("baja"), caso=pendiente, form=None, error=None)
    form, error = FormBaja(), None
    if not form.is_submitted():
        form.clave_envio.data = secrets.token_urlsafe(16)
    if form.validate_on_submit():
        ahora = _ahora()
        try:
            arco.confirmar_contrasena(db.session, cuenta, form.contrasena.data, ahora)
            with db.session.begin_nested():
                solicitar_baja(
                    db.session,
                    cuenta,
                    form.motivo.data or "",
                    actor_actual(),
                    ahora,
                    clave_envio=form.clave_envio.data or None,
                )
        except ErrorDominio as fallo:
            db.session.commit()  # a wrong password counts
            error = marcar_errores(form, fallo)
        else:
            db.session.commit()
            return redirect(url_for("cuenta.baja"))
    return render_template(PAGINA.format("baja"), caso=None, form=form, error=error)


# --- personal data (ARCO) ----------------------------------------------------------------


@bp.get("/datos")
@cuenta_requerida(permite_bloqueada=True)
def datos() -> str:
    """*Mis datos personales*: what the portal holds and how to exercise ARCO rights."""
    cuenta = _cuenta()
    return render_template(
        PAGINA.format("datos"),
        cuenta=cuenta,
        form=FormConfirmar(),
        solicitudes=arco.solicitudes_de(db.session, cuenta),
        plazo=arco.PLAZO_RESPUESTA_DIAS_HABILES,
        prorroga=arco.PRORROGA_DIAS_HABILES,
        baja=baja_pendiente(db.session, cuenta),
    )


@bp.post("/datos/descargar")
@cuenta_requerida(permite_bloqueada=True)
def descargar_datos() -> Response:
    """*Descargar mis datos*: the access data as a JSON attachment, never cached."""
    form = FormConfirmar()
    if not form.validate_on_submit():
        abort(400)
    cuenta, ahora = _cuenta(), _ahora()
    arco.registrar_descarga(db.session, cuenta, actor_actual(), ahora)
    contenido = arco.exportar_json(arco.datos_personales(db.session, cuenta, ahora))
    db.session.commit()
    nombre = f"mis-datos-oficina-virtual-{ahora.astimezone(ZONA_CEA):%Y%m%d-%H%M}.json"
    respuesta = Response(contenido, mimetype="application/json")
    respuesta.headers["Content-Disposition"] = f'attachment; filename="{nombre}"'
    respuesta.headers["Cache-Control"] = "no-store, max-age=0"
    respuesta.headers["Pragma"] = "no-cache"
    respuesta.headers["X-Content-Type-Options"] = "nosniff"
    return respuesta


@bp.route("/datos/email", methods=["GET", "POST"])
@cuenta_requerida(permite_bloqueada=True)
def cambiar_email() -> str | Response:
    """Rectify the email: a confirmation link goes to the new address."""
    cuenta, form, error = _cuenta(), FormCambioEmail(), None
    if form.validate_on_submit():
        ahora = _ahora()
        try:
            arco.confirmar_contrasena(db.session, cuenta, form.contrasena.data, ahora)
            with db.session.begin_nested():
                arco.solicitar_cambio_email(
                    db.session,
                    cuenta,
                    form.email.data,
                    form.confirmacion.data,
                    actor_actual(),
                    ahora,
                    _url_confirmacion,
                )
        except ErrorDominio as fallo:
            db.session.commit()  # a wrong password counts
            error = marcar_errores(form, fallo)
        else:
            db.session.commit()
            nuevo = arco.normalizar_email(form.email.data)
            flash(
                f"Le enviamos un enlace a {nuevo}. Su correo cambiará cuando lo abra "
                "(vence en 48 horas).",
                "success",
            )
            return redirect(url_for("cuenta.datos"))
    return render_template(PAGINA.format("email"), cuenta=cuenta, form=form, error=error)


def _url_confirmacion(token: str) -> str:
    return current_app.config["BASE_URL"] + url_for("cuenta.confirmar_email", token=token)


@bp.route("/datos/email/confirmar/<token>", methods=["GET", "POST"])
def confirmar_email(token: str) -> Response:
    """The link from the new address: shows a button (mail scanners only GET), then changes."""
    form, error, cuenta = FormConfirmar(), None, None
    try:
        cuenta = arco.leer_cambio_email(db.session, token, _ahora())
    except ErrorDominio as fallo:
        error = fallo.mensaje
    if cuenta is not None and form.validate_on_submit():
        try:
            arco.confirmar_cambio_email(db.session, token, actor_actual(), _ahora())
        except ErrorDominio as fallo:
            db.session.rollback()
            error, cuenta = fallo.mensaje, None
        else:
            db.session.commit()
            flash("Listo: su correo de contacto quedó cambiado.", "success")
            propia = (actual := cuenta_actual()) is not None and actual.id == cuenta.id
            return redirect(url_for("cuenta.datos" if propia else "acceso.entrar"))
    pagina = render_template(
        PAGINA.format("email_confirmar"), form=form, error=error, cuenta=cuenta, token=token
    )
    respuesta = Response(pagina, status=200 if cuenta is not None else 400)
    respuesta.headers["Referrer-Policy"] = "no-referrer"  # the token is in this URL
    return respuesta


@bp.route("/datos/telefono", methods=["GET", "POST"])
@cuenta_requerida(permite_bloqueada=True)
def cambiar_telefono() -> str | Response:
    """Rectify (or remove) the contact phone."""
    cuenta, form, error = _cuenta(), FormTelefono(), None
    if not form.is_submitted():
        form.telefono.data = cuenta.telefono
    if form.validate_on_submit():
        try:
            arco.cambiar_telefono(
                db.session, cuenta, form.telefono.data or "", actor_actual(), _ahora()
            )
        except ErrorDominio as fallo:
            db.session.rollback()
            error = marcar_errores(form, fallo)
        else:
            db.session.commit()
            flash("Su teléfono de contacto quedó actualizado.", "success")
            return redirect(url_for("cuenta.datos"))
    return render_template(PAGINA.format("telefono"), form=form, error=error)
