"""REST API /api/v1 for integrations (call center, commercial system).

Bearer tokens only (casos.integraciones); JSON in and out; every failure is a JSON error with a
4xx status. Routes live in rutas_casos and rutas_eventos; the OpenAPI document in openapi.py.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

bp = Blueprint("api", __name__)

from app.api import rutas_casos, rutas_eventos  # noqa: E402,F401  (route modules)
from app.api.autenticacion import exigir_token  # noqa: E402
from app.api.errores import registrar_errores  # noqa: E402
from app.api.openapi import DOCUMENTO  # noqa: E402

bp.before_request(exigir_token)
registrar_errores(bp)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI document (public: integrators fetch it without a token)."""
    return jsonify(DOCUMENTO)
