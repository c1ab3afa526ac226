"""Registration, Fase 3 – Enviar (Activación) and the emailed link: the page saying the email
left (with *Reenviar correo de activación* and a way to fix a mistyped address), then
*Generar contraseña* / *Confirmar contraseña* → *Cuenta activada*. An expired link offers a
resend; a used one points to *Accede a tu cuenta*."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, session, url_for

from app.auth import actor_actual
from app.cuentas.formularios_registro import (
    FormularioContrasena,
    FormularioCorreccion,
    FormularioReenvio,
)
from app.cuentas.registro_fases import (
    CLAVE_ENVIADO,
    Pagina,
    enmascarar,
    instante,
    marcar_errores,
    url_activacion,
)
from app.extensiones import db
from casos.cuentas import registro as servicio
from casos.cuentas.enlaces import EstadoEnlace
from casos.cuentas.modelos import Cuenta, EstadoCuenta
from casos.errores import DatosInvalidos, ErrorDominio

CLAVE_ACTIVADA = "registro_activada"  # the activated user name, for the last page
SIN_REFERENCIA = {"Referrer-Policy": "no-referrer"}  # keep link tokens out of Referer headers
ESTADO_ENLACE = {EstadoEnlace.VENCIDO: 410, EstadoEnlace.USADO: 410, EstadoEnlace.INVALIDO: 404}


def _cuenta_enviada() -> Cuenta | None:
    """The pending account this browser registered (Fase 3), if any."""
    enviado = session.get(CLAVE_ENVIADO)
    if not isinstance(enviado, dict) or not isinstance(enviado.get("cuenta"), int):
        return None
    return db.session.get(Cuenta, enviado["cuenta"])


def _pagina_enviado(correccion: FormularioCorreccion | None = None, **extra: Any) -> str:
    enviado = session.get(CLAVE_ENVIADO) or {}
    return render_template(
        "portal/cuentas/registro_enviado.html",
        email=enviado.get("email", ""),
        form=FormularioReenvio(),
        correccion=correccion or FormularioCorreccion(formdata=None),
        fase=3,
        **extra,
    )


def enviado() -> Pagina:
    """*Fase 3 – Enviar (Activación)*: the email is on its way; it can be sent again."""
    if not isinstance(session.get(CLAVE_ENVIADO), dict):
        return redirect(url_for("registro.inicio"))
    return _pagina_enviado()


def reenviar() -> Pagina:
    """*Reenviar correo de activación* from the Fase 3 page."""
    cuenta = _cuenta_enviada()
    if cuenta is None:
        return redirect(url_for("registro.inicio"))
    return _reenviar(cuenta)


def corregir_email() -> Pagina:
    """Fase 3: the customer mistyped the email; the activation goes to the corrected one."""
    cuenta = _cuenta_enviada()
    if cuenta is None:
        return redirect(url_for("registro.inicio"))
    form = FormularioCorreccion()
    if not form.validate():
        return _pagina_enviado(form, abrir_correccion=True)
    try:
        servicio.corregir_email(
            db.session,
            cuenta,
            form.email.data or "",
            form.email_confirmacion.data or "",
            actor_actual(),
            instante(),
            url_activacion,
        )
    except servicio.DemasiadosIntentos as error:
        db.session.commit()  # the counter is kept
        return _pagina_enviado(form, abrir_correccion=True, error=error.mensaje), 429
    except DatosInvalidos as error:
        db.session.rollback()
        return _pagina_enviado(form, abrir_correccion=True, error=marcar_errores(form, error))
    except ErrorDominio as error:
        db.session.rollback()
        flash(error.mensaje, "warning")
        return redirect(url_for("registro.inicio"))
    db.session.commit()
    session[CLAVE_ENVIADO] = {"cuenta": cuenta.id, "email": enmascarar(cuenta.email or "")}
    flash("Corregimos su correo y le enviamos ahí un enlace nuevo.", "success")
    return redirect(url_for("registro.enviado"))


def _reenviar(cuenta: Cuenta) -> Pagina:
    form = FormularioReenvio()
    if not form.validate_on_submit():
        abort(400)
    session[CLAVE_ENVIADO] = {"cuenta": cuenta.id, "email": enmascarar(cuenta.email or "")}
    try:
        servicio.reenviar_activacion(db.session, cuenta, actor_actual(), instante(), url_activacion)
    except servicio.DemasiadosIntentos as error:
        db.session.commit()  # the counter is kept
        flash(error.mensaje, "warning")
        return redirect(url_for("registro.enviado"))
    except ErrorDominio as error:
        db.session.rollback()
        session.pop(CLAVE_ENVIADO, None)
        flash(error.mensaje, "warning")
        return redirect(url_for("registro.inicio"))
    db.session.commit()
    flash("Le enviamos un correo nuevo. El enlace anterior ya no funciona.", "success")
    return redirect(url_for("registro.enviado"))


# --- the emailed link ---------------------------------------------------------------------


def activar(token: str) -> Pagina:
    """The activation link: *Generar contraseña* / *Confirmar contraseña* → *Cuenta activada*."""
    ahora = instante()
    estado, cuenta = servicio.cuenta_de_enlace(db.session, token, ahora)
    if estado is not EstadoEnlace.VALIDO or cuenta is None:
        return _enlace_no_valido(estado, token, cuenta)
    form = FormularioContrasena()
    plantilla = "portal/cuentas/registro_activar.html"
    contexto = {"form": form, "cuenta": cuenta, "datos": servicio.contexto_contrasena(cuenta)}
    if form.validate_on_submit():
        try:
            servicio.activar_cuenta(
                db.session, token, form.contrasena.data or "", actor_actual(), ahora
            )
        except DatosInvalidos as error:
            db.session.rollback()
            marcar_errores(form, error)
        else:
            db.session.commit()
            session[CLAVE_ACTIVADA] = cuenta.usuario
            session.pop(CLAVE_ENVIADO, None)
            return redirect(url_for("registro.activada"))
    return render_template(plantilla, **contexto), 200, SIN_REFERENCIA


def _enlace_no_valido(estado: EstadoEnlace, token: str, cuenta: Cuenta | None) -> Pagina:
    mensaje = servicio.MENSAJES_ENLACE.get(estado, servicio.MENSAJES_ENLACE[EstadoEnlace.INVALIDO])
    vigente = (
        cuenta is not None and cuenta.estado is EstadoCuenta.PENDIENTE and bool(cuenta.vinculos)
    )
    html = render_template(
        "portal/cuentas/registro_enlace.html",
        estado=estado.value,
        mensaje=mensaje
        if estado is not EstadoEnlace.VENCIDO or vigente
        else servicio.MENSAJE_NO_VIGENTE,
        puede_reenviar=estado is EstadoEnlace.VENCIDO and vigente,
        token=token,
        form=FormularioReenvio(),
    )
    return html, ESTADO_ENLACE.get(estado, 404), SIN_REFERENCIA


def reenviar_vencido(token: str) -> Pagina:
    """*Reenviar correo de activación* from an expired link (it proves the mailbox)."""
    estado, cuenta = servicio.cuenta_de_enlace(db.session, token, instante())
    if estado is not EstadoEnlace.VENCIDO or cuenta is None:
        return redirect(url_for("registro.activar", token=token))
    return _reenviar(cuenta)


def activada() -> str:
    """*Cuenta activada*, with the way to *Accede a tu cuenta*."""
    usuario_activado = session.pop(CLAVE_ACTIVADA, None)
    return render_template(
        "portal/cuentas/registro_activada.html",
        usuario=usuario_activado if isinstance(usuario_activado, str) else None,
    )


# --- legal pages ---------------------------------------------------------------------------
