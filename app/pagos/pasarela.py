"""The provider's side: signed confirmations, the return page and the sandbox's hosted page."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from werkzeug.wrappers import Response

from app.auth import cuenta_actual, cuenta_requerida
from app.extensiones import csrf, db
from app.pagos import sandbox
from app.pagos.comun import pagina_estado, procesar_confirmacion, proveedor_por_clave
from casos.errores import NoEncontrado
from casos.pagos.intentos import intento_de_cuenta
from casos.pagos.protocolo import LARGO_MAXIMO_CUERPO

bp = Blueprint("pasarela", __name__)
bp.add_url_rule("/sandbox/<referencia>", "sandbox", sandbox.pagina, methods=["GET", "POST"])


@bp.post("/confirmacion/<proveedor>")
@csrf.exempt  # the bank cannot carry our CSRF token: the HMAC signature authenticates it
def confirmacion(proveedor: str) -> tuple[Response, int]:
    """The provider's server-to-server confirmation: 200 applied or repeated, 400 refused."""
    elegido = proveedor_por_clave(proveedor)
    if elegido is None:
        abort(404)
    if (request.content_length or 0) > LARGO_MAXIMO_CUERPO:
        return jsonify({"aceptada": False, "error": "Cuerpo demasiado grande."}), 400
    respuesta, codigo = procesar_confirmacion(elegido, request.get_data(), request.headers)
    return jsonify(respuesta), codigo


@bp.get("/regreso/<referencia>")
@cuenta_requerida(permite_bloqueada=True)
def regreso(referencia: str) -> str:
    """Where the bank sends the customer back; the confirmation may not have arrived yet."""
    cuenta = cuenta_actual()
    assert cuenta is not None  # guaranteed by cuenta_requerida
    try:
        intento = intento_de_cuenta(db.session, cuenta, referencia)
    except NoEncontrado:
        abort(404)
    return pagina_estado(intento, es_regreso=True)
