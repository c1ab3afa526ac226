"""Dev-only pages: caught emails with clickable links, demo contracts to register with."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from app.desarrollo import buzon
from app.extensiones import db
from casos.comercial.generador import contratos_de_ejemplo
from casos.demo_cuentas import CONTRASENA_DEMO, USUARIO_DEMO

bp = Blueprint("desarrollo", __name__)


@bp.get("/correos")
def correos() -> str:
    """Every email the local catcher received, newest first."""
    lista = buzon.listar(current_app.config["BUZON_DESARROLLO"])
    return render_template("desarrollo/correos.html", correos=lista)


@bp.get("/correos/<clave>")
def correo(clave: str) -> str:
    """One caught email: text with clickable links and the HTML as the customer sees it."""
    encontrado = buzon.obtener(current_app.config["BUZON_DESARROLLO"], clave)
    if encontrado is None:
        abort(404)
    return render_template(
        "desarrollo/correo.html", correo=encontrado, piezas=buzon.partir_enlaces(encontrado.texto)
    )


@bp.get("/contratos")
def contratos() -> str:
    """Unregistered demo contracts, one of each kind, with the data the registration asks."""
    return render_template(
        "desarrollo/contratos.html",
        ejemplos=contratos_de_ejemplo(db.session),
        usuario_demo=USUARIO_DEMO,
        contrasena_demo=CONTRASENA_DEMO,
    )
