"""*Gestiones Online* and *Mis gestiones* for a signed-in customer."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("gestiones", __name__)
