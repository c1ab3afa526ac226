"""REST API /api/v1 for integrations. OWNED BY THE API HELPER: replace this placeholder."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__)
