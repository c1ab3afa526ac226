"""The customer's payments: pay a bill, see each payment's state (blocked accounts too: paying
is how a debt block is lifted)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.auth import actor_actual, cuenta_actual, cuenta_requerida
from app.extensiones import db
from app.pagos.comun import ahora, pagina_estado, proveedor_activo, urls_de
from casos.cuentas.modelos import Cuenta
from casos.errores import NoEncontrado, TransicionInvalida
from casos.pagos.intentos import (
    es_sin_confirmar,
    factura_de_cuenta,
    facturas_por_pagar,
    iniciar_pago,
    intento_de_cuenta,
    intentos_de_cuenta,
)
from casos.pagos.modelos import EstadoPago
from casos.pagos.protocolo import ProveedorNoDisponible
from casos.sla import ZONA_CEA

bp = Blueprint("pagos", __name__)


@bp.app_context_processor
def _pago_en_linea() -> dict[str, Callable[[], bool]]:
    """`pago_en_linea_activo()` for any template (Mis Facturas hides *Pagar* when it is off)."""
    return {"pago_en_linea_activo": lambda: proveedor_activo() is not None}


def _cuenta() -> Cuenta:
    cuenta = cuenta_actual()
    assert cuenta is not None  # guaranteed by cuenta_requerida
    return cuenta


@bp.get("/")
@cuenta_requerida(permite_bloqueada=True)
def inicio() -> str:
    """Bills with a balance, each with *Pagar*, and the account's online payments."""
    cuenta, momento = _cuenta(), ahora()
    intentos = intentos_de_cuenta(db.session, cuenta)
    en_proceso = {
        i.factura_id
        for i in intentos
        if i.estado is EstadoPago.PENDIENTE and not es_sin_confirmar(i, momento)
    }
    return render_template(
        "portal/pagos/inicio.html",
        cuenta=cuenta,
        facturas=facturas_por_pagar(db.session, cuenta),
        intentos=intentos,
        en_proceso=en_proceso,
        sin_confirmar={i.id for i in intentos if es_sin_confirmar(i, momento)},
        hoy=momento.astimezone(ZONA_CEA).date(),
        proveedor=proveedor_activo(),
        seccion_actual="pagos",
    )


@bp.post("/facturas/<int:factura_id>")
@cuenta_requerida(permite_bloqueada=True)
def pagar(factura_id: int) -> Response:
    """*Pagar*: start (or resume) an attempt and send the browser to the provider's page."""
    cuenta, proveedor = _cuenta(), proveedor_activo()
    try:
        if proveedor is None:
            factura_de_cuenta(db.session, cuenta, factura_id)  # someone else's bill: 404
            flash(
                "El pago en línea no está disponible por ahora; vea abajo dónde pagar.", "warning"
            )
            return redirect(url_for("pagos.inicio"))
        intento = iniciar_pago(
            db.session, cuenta, factura_id, proveedor.clave, actor_actual(), ahora()
        )
        destino = proveedor.url_pago(intento, urls_de(intento))
    except NoEncontrado:
        abort(404)
    except TransicionInvalida as error:  # e.g. the bill is already paid
        db.session.rollback()
        flash(error.mensaje, "info")
        return redirect(url_for("pagos.inicio"))
    except ProveedorNoDisponible as error:
        db.session.rollback()
        current_app.logger.warning("El proveedor de pagos no respondió: %s", error)
        flash(
            "El banco no responde en este momento. No se hizo ningún cargo; intente más tarde.",
            "error",
        )
        return redirect(url_for("pagos.inicio"))
    db.session.commit()
    return redirect(destino)


@bp.get("/<referencia>")
@cuenta_requerida(permite_bloqueada=True)
def estado(referencia: str) -> str:
    """One payment's state (only its owner sees it)."""
    try:
        intento = intento_de_cuenta(db.session, _cuenta(), referencia)
    except NoEncontrado:
        abort(404)
    return pagina_estado(intento, es_regreso=False)
