"""Bearer-token authentication of the API: only `Authorization: Bearer <token>` counts.

A signed-in browser's cookies never authenticate here. The token's last use is written by the
request's own commit (writes) or committed right away (reads, which otherwise write nothing).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import g, request
from sqlalchemy.exc import OperationalError

from app.api.errores import ErrorApi
from app.auth import ip_cliente
from app.extensiones import db
from casos.actores import Actor
from casos.integraciones import autenticar_token

METODOS_LECTURA = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLICOS = frozenset({"api.openapi"})


def ahora() -> datetime:
    """The request's instant (UTC), taken once per request."""
    if "api_ahora" not in g:
        g.api_ahora = datetime.now(UTC)
    return g.api_ahora  # type: ignore[no-any-return]


def token_presentado() -> str | None:
    """The bearer secret of the Authorization header, if well formed."""
    cabecera = request.headers.get("Authorization", "")
    esquema, _, secreto = cabecera.partition(" ")
    if esquema.lower() != "bearer" or not secreto.strip():
        return None
    return secreto.strip()


def exigir_token() -> None:
    """before_request: authenticate every endpoint but the public OpenAPI document."""
    if request.endpoint in PUBLICOS:
        return
    actor = autenticar_token(db.session, token_presentado(), ahora(), origen=ip_cliente())
    if actor is None:
        raise ErrorApi(
            401, "no_autenticado", "Falta el token de la integración o no es válido o fue revocado."
        )
    g.actor_api = actor
    if request.method in METODOS_LECTURA and db.session.dirty:
        _guardar_ultimo_uso()


def _guardar_ultimo_uso() -> None:
    try:
        db.session.commit()
    except OperationalError:
        # SQLite busy under a burst of writers: the last-use mark waits for the next request.
        db.session.rollback()


def actor_api() -> Actor:
    """The integration behind the current request."""
    return g.actor_api  # type: ignore[no-any-return]
