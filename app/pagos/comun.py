"""What both sides of *Pagos en línea* share: the configured provider and the confirmation
handler that the provider's endpoint and the sandbox's page both go through."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import current_app, render_template, url_for

from app.auth import ip_cliente
from app.extensiones import db
from casos.actores import Actor, TipoActor
from casos.errores import NoEncontrado
from casos.pagos.confirmacion import confirmar_pago
from casos.pagos.intentos import es_sin_confirmar
from casos.pagos.modelos import EstadoPago, IntentoPago
from casos.pagos.protocolo import ConfirmacionInvalida, Proveedor, UrlsPago
from casos.pagos.proveedores import crear_proveedor
from casos.pagos.sandbox import CLAVE_SANDBOX


def ahora() -> datetime:
    """The request's clock (tests freeze it with time-machine)."""
    return datetime.now(UTC)


def proveedor_activo() -> Proveedor | None:
    """The configured provider, or None: online payment is off (`PAGOS_PROVEEDOR` empty)."""
    clave = (current_app.config.get("PAGOS_PROVEEDOR") or "").strip().lower()
    if not clave:
        return None
    if clave == CLAVE_SANDBOX and current_app.config.get("NOMBRE_ENTORNO") == "produccion":
        # The test bank approves any bill for free: never in production.
        current_app.logger.error("PAGOS_PROVEEDOR=sandbox en producción: pago en línea apagado.")
        return None
    try:
        return crear_proveedor(clave, current_app.config.get("PAGOS_SECRETO"))
    except (NoEncontrado, ValueError) as error:
        current_app.logger.error("Pago en línea apagado: %s", error)
        return None


def proveedor_por_clave(clave: str) -> Proveedor | None:
    """The configured provider if its key is `clave` (confirmations name it in the URL)."""
    proveedor = proveedor_activo()
    return proveedor if proveedor is not None and proveedor.clave == clave else None


def urls_de(intento: IntentoPago) -> UrlsPago:
    """The absolute addresses a provider needs for this attempt."""
    return UrlsPago(
        regreso=url_for("pasarela.regreso", referencia=intento.referencia, _external=True),
        confirmacion=url_for("pasarela.confirmacion", proveedor=intento.proveedor, _external=True),
        pagina_local=url_for("pasarela.sandbox", referencia=intento.referencia),
    )


def actor_pasarela(proveedor: Proveedor) -> Actor:
    """Who confirms: the provider, as an integration, from the address that called."""
    return Actor(TipoActor.INTEGRACION, f"Pago en línea ({proveedor.nombre})", None, ip_cliente())


def procesar_confirmacion(
    proveedor: Proveedor, cuerpo: bytes, cabeceras: Mapping[str, str]
) -> tuple[dict[str, Any], int]:
    """Verify, apply and commit one delivery; (answer, HTTP status). Never raises for bad
    input: an untrustworthy delivery is logged and answered 400 with nothing written."""
    try:
        confirmacion = proveedor.leer_confirmacion(cuerpo, cabeceras)
        resultado = confirmar_pago(db.session, confirmacion, actor_pasarela(proveedor), ahora())
    except ConfirmacionInvalida as error:
        db.session.rollback()
        current_app.logger.warning(
            "Confirmación de pago descartada (%s, desde %s): %s",
            proveedor.clave,
            ip_cliente(),
            error.mensaje,
        )
        return {"aceptada": False, "error": error.mensaje}, 400
    db.session.commit()
    intento = resultado.intento
    respuesta = {"aceptada": True, "efecto": resultado.efecto.value}
    return {**respuesta, "referencia": intento.referencia, "estado": intento.estado.value}, 200


def pagina_estado(intento: IntentoPago, es_regreso: bool) -> str:
    """The page of one payment: on return from the bank (`es_regreso`) or looked up later."""
    proveedor = proveedor_activo()
    factura = intento.factura
    return render_template(
        "portal/pagos/estado.html",
        intento=intento,
        factura=factura,
        es_regreso=es_regreso,
        sin_confirmar=es_sin_confirmar(intento, ahora()),
        puede_reintentar=(
            intento.estado is EstadoPago.RECHAZADO and factura.saldo > 0 and proveedor is not None
        ),
        seccion_actual="pagos",
    )
