"""The back office: agents' Bandeja and case workspace, supervisors' dashboard.

One blueprint under /backoffice; each page family lives in its own module (acceso, bandeja,
caso, tablero) and registers its routes on `bp` when imported below.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("backoffice", __name__)

from app.backoffice import acceso, bandeja, caso, tablero  # noqa: E402,F401  (route modules)
