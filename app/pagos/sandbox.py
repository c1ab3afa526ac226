"""*Banco de pruebas*: the sandbox provider's hosted page, served here (dev, tests, demos).

On *Pagar* it signs the confirmation a bank would send and hands it to the very handler the
provider endpoint uses (in-process: a single-threaded worker cannot call itself over HTTP),
then sends the browser back to the return page, as a bank does. Only when the configured
provider is the sandbox; and only for the signed-in owner of the attempt, since here the
"bank" writes real rows.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.auth import cuenta_actual, cuenta_requerida
from app.extensiones import db
from app.pagos.comun import ahora, procesar_confirmacion, proveedor_por_clave
from app.pagos.formularios import FormSandbox
from casos.errores import NoEncontrado
from casos.pagos.intentos import intento_de_cuenta
from casos.pagos.modelos import EstadoPago, IntentoPago
from casos.pagos.sandbox import CLAVE_SANDBOX, TARJETA_APROBADA, TARJETA_RECHAZADA, ProveedorSandbox


@cuenta_requerida(permite_bloqueada=True)
def pagina(referencia: str) -> str | Response:
    """The test bank's card page (GET) and its verdict (POST)."""
    proveedor = proveedor_por_clave(CLAVE_SANDBOX)
    if not isinstance(proveedor, ProveedorSandbox):
        abort(404)
    intento = _intento(referencia)
    regreso = url_for("pasarela.regreso", referencia=intento.referencia)
    if intento.estado is not EstadoPago.PENDIENTE:
        return redirect(regreso)  # back button after paying: nothing to pay twice
    form = FormSandbox()
    if form.is_submitted() and form.cancelar.data:
        cuerpo, cabeceras = proveedor.cancelar(intento, ahora())
    elif form.validate_on_submit():
        cuerpo, cabeceras = proveedor.cobrar(intento, form.tarjeta.data or "", ahora())
    else:
        return render_template(
            "portal/pagos/sandbox.html",
            form=form,
            intento=intento,
            tarjeta_aprobada=TARJETA_APROBADA,
            tarjeta_rechazada=TARJETA_RECHAZADA,
        )
    _, codigo = procesar_confirmacion(proveedor, cuerpo, cabeceras)
    if codigo != 200:
        flash("El banco de pruebas no pudo confirmar el pago; no se aplicó nada.", "error")
    return redirect(regreso)


def _intento(referencia: str) -> IntentoPago:
    cuenta = cuenta_actual()
    assert cuenta is not None  # guaranteed by cuenta_requerida
    try:
        intento = intento_de_cuenta(db.session, cuenta, referencia)
    except NoEncontrado:
        abort(404)
    if intento.proveedor != CLAVE_SANDBOX:
        abort(404)
    return intento
