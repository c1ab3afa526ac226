"""Maintenance mode (rule 5 of *Funcionamiento*): the portal shows a notice; only *Compártenos
tu lectura* and *Contacto* keep working, and what they file reaches the same queues."""

from __future__ import annotations

import time

from flask import Flask, current_app, g, render_template, request

from app.extensiones import db
from casos.ajustes import Mantenimiento, mantenimiento

# The customer-facing blueprints that close during maintenance. The back office, the API,
# the payment provider's confirmations and the dev pages keep running.
BLUEPRINTS_PORTAL = frozenset(
    {
        "portal",
        "registro",
        "acceso",
        "cuenta",
        "bloqueo",
        "contratos",
        "consumos",
        "pagos",
        "gestiones",
        "seguimiento",
    }
)
# What stays open: the contact forms (Compártenos tu lectura is one of them), their receipt,
# the health probe, and signing out.
ABIERTOS_EN_MANTENIMIENTO = frozenset(
    {
        "portal.salud",
        "portal.vias_de_contacto",
        "portal.contacto",
        "portal.contacto_recibido",
        "consumos.lectura",  # a customer already signed in shares the reading from their page
        "consumos.lectura_recibida",
        "acceso.salir",
    }
)


_memoria: dict[str, tuple[float, Mantenimiento]] = {}


def estado_mantenimiento() -> Mantenimiento:
    """The switch, read at most once per request and, per worker, once every few seconds
    (MANTENIMIENTO_SEGUNDOS_CACHE): a query on every page costed as much as the page's own."""
    if "mantenimiento" not in g:
        vigencia = float(current_app.config.get("MANTENIMIENTO_SEGUNDOS_CACHE", 5))
        ahora = time.monotonic()
        guardado = _memoria.get("estado")
        if guardado is None or ahora - guardado[0] >= vigencia:
            guardado = (ahora, mantenimiento(db.session))
            _memoria["estado"] = guardado
        g.mantenimiento = guardado[1]
    return g.mantenimiento  # type: ignore[no-any-return]


def _cerrar_si_mantenimiento() -> tuple[str, int, dict[str, str]] | None:
    if request.blueprint not in BLUEPRINTS_PORTAL:
        return None
    if request.endpoint in ABIERTOS_EN_MANTENIMIENTO:
        return None
    estado = estado_mantenimiento()
    if not estado.activo:
        return None
    pagina = render_template("portal/mantenimiento.html", mantenimiento=estado)
    return pagina, 503, {"Retry-After": "3600"}


def aviso_mantenimiento() -> bool:
    """Whether this page stays open during maintenance and should say so."""
    return request.endpoint in ABIERTOS_EN_MANTENIMIENTO and estado_mantenimiento().activo


def registrar(app: Flask) -> None:
    """Install the check before every request and expose the notice to templates."""
    app.before_request(_cerrar_si_mantenimiento)
    app.jinja_env.globals["aviso_mantenimiento"] = aviso_mantenimiento
