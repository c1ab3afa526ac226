"""*Accede a tu cuenta*, sign-out, *¿Olvidaste tu contraseña?*, *¿Olvidaste tu usuario?* and the
password reset page. The logic is in casos.cuentas.acceso; these views map it onto pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.auth import (
    cerrar_sesion_actual,
    cuenta_actual,
    destino_seguro,
    iniciar_sesion_cuenta,
    ip_cliente,
    ruta_opcional,
)
from app.cuentas.formularios_acceso import (
    FormularioAcceso,
    FormularioOlvidoContrasena,
    FormularioOlvidoUsuario,
    FormularioRestablecer,
    FormularioSalir,
)
from app.extensiones import db
from casos.cuentas import acceso
from casos.cuentas.enlaces import EstadoEnlace
from casos.cuentas.registro import contexto_contrasena
from casos.errores import DatosInvalidos

bp = Blueprint("acceso", __name__)

Pagina = str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]
ESTADO_ENLACE = {EstadoEnlace.VENCIDO: 410, EstadoEnlace.USADO: 410}


def _ahora() -> datetime:
    return datetime.now(UTC)


def _ruta(endpoint: str, defecto: str, **valores: str) -> str:
    """url_for, tolerant of a page another blueprint has not published yet."""
    return ruta_opcional(endpoint, defecto, **valores) or defecto


def _inicio_cuenta() -> str:
    return _ruta("cuenta.inicio", "/mi-cuenta/")


def _rutas_correo() -> acceso.RutasCorreo:
    """Paths of the emailed links; the email prefixes them with BASE_URL (never the Host)."""
    return acceso.RutasCorreo(
        restablecer=lambda token: url_for("acceso.restablecer", token=token),
        activacion=lambda token: _ruta(
            "registro.activar", f"/registro/activar/{token}", token=token
        ),
        acceso=url_for("acceso.entrar"),
        olvido_contrasena=url_for("acceso.olvido_contrasena"),
    )


def _demasiados(plantilla: str, error: acceso.DemasiadosIntentos, **contexto: object) -> Pagina:
    db.session.commit()  # the counts and the lock event are kept
    html = render_template(plantilla, error=error.mensaje, **contexto)
    return html, 429, {"Retry-After": str(error.segundos)}


@bp.route("/acceso", methods=["GET", "POST"])
def entrar() -> Pagina:
    """*Accede a tu cuenta*: Usuario, Contraseña, *Acceder*."""
    form = FormularioAcceso()
    siguiente = form.siguiente.data or request.args.get("siguiente")
    if cuenta_actual() is not None:
        return redirect(destino_seguro(siguiente, _inicio_cuenta()))
    form.siguiente.data = destino_seguro(siguiente, "")
    contexto = {"form": form}
    if not form.validate_on_submit():
        return render_template("portal/cuentas/acceso_entrar.html", **contexto)
    try:
        cuenta = acceso.autenticar(
            db.session, form.usuario.data or "", form.contrasena.data or "", ip_cliente(), _ahora()
        )
    except acceso.DemasiadosIntentos as error:
        return _demasiados("portal/cuentas/acceso_entrar.html", error, **contexto)
    except acceso.CredencialesInvalidas as error:
        db.session.commit()  # the failure counts
        return render_template("portal/cuentas/acceso_entrar.html", error=error.mensaje, **contexto)
    iniciar_sesion_cuenta(cuenta)
    db.session.commit()
    if cuenta.es_bloqueada:
        return redirect(_ruta("bloqueo.aviso", _inicio_cuenta()))
    return redirect(destino_seguro(siguiente, _inicio_cuenta()))


@bp.route("/salir", methods=["GET", "POST"])
def salir() -> Pagina:
    """Sign out: POST (with CSRF) ends the server-side session; GET shows a confirm button."""
    form = FormularioSalir()
    if request.method == "GET":
        if cuenta_actual() is None:
            return redirect(url_for("portal.inicio"))
        return render_template("portal/cuentas/acceso_salir.html", form=form)
    cerrar_sesion_actual()
    db.session.commit()
    flash("Cerró su sesión. Gracias por usar la Oficina Virtual.", "success")
    return redirect(url_for("portal.inicio"))


@bp.route("/olvide-contrasena", methods=["GET", "POST"])
def olvido_contrasena() -> Pagina:
    """*¿Olvidaste tu contraseña?*: the same answer whether or not the account exists."""
    form = FormularioOlvidoContrasena()
    return _olvido(form, form.usuario_o_email.data, acceso.olvido_contrasena, "contrasena")


@bp.route("/olvide-usuario", methods=["GET", "POST"])
def olvido_usuario() -> Pagina:
    """*¿Olvidaste tu usuario?*: the same answer whether or not anything matches."""
    form = FormularioOlvidoUsuario()
    return _olvido(form, form.email_o_referencia.data, acceso.olvido_usuario, "usuario")


def _olvido(form: FlaskForm, dato: str | None, servicio: Callable[..., object], que: str) -> Pagina:
    """Both forgot pages: validate, ask the service (it emails only on a match), same answer."""
    plantilla = f"portal/cuentas/acceso_olvido_{que}.html"
    if not form.validate_on_submit():
        return render_template(plantilla, form=form)
    try:
        servicio(
            db.session, dato or "", origen_ip=ip_cliente(), ahora=_ahora(), rutas=_rutas_correo()
        )
    except acceso.DemasiadosIntentos as error:
        return _demasiados(plantilla, error, form=form)
    db.session.commit()
    return render_template("portal/cuentas/acceso_olvido_enviado.html", que=que)


@bp.route("/restablecer/<token>", methods=["GET", "POST"])
def restablecer(token: str) -> Pagina:
    """Choose a new password through the emailed link (2 h, single use)."""
    try:
        cuenta = acceso.cuenta_del_enlace(db.session, token, _ahora())
    except acceso.EnlaceNoValido as error:
        html = render_template("portal/cuentas/acceso_enlace_invalido.html", error=error.mensaje)
        return html, ESTADO_ENLACE.get(error.estado, 404), {"Referrer-Policy": "no-referrer"}
    form = FormularioRestablecer()
    plantilla = "portal/cuentas/acceso_restablecer.html"
    contexto = {"form": form, "cuenta": cuenta, "datos": contexto_contrasena(cuenta)}
    if form.validate_on_submit():
        try:
            acceso.restablecer_contrasena(
                db.session,
                token,
                form.contrasena.data or "",
                origen_ip=ip_cliente(),
                ahora=_ahora(),
                rutas=_rutas_correo(),
            )
        except acceso.DemasiadosIntentos as error:
            return _demasiados(plantilla, error, **contexto)
        except DatosInvalidos as error:
            form.contrasena.errors = [*form.contrasena.errors, error.campos.get("contrasena", "")]
        else:
            db.session.commit()
            return render_template("portal/cuentas/acceso_restablecida.html")
    return render_template(plantilla, **contexto), 200, {"Referrer-Policy": "no-referrer"}
