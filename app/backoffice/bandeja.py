"""Bandeja (the agents' queue). OWNED BY THE BANDEJA HELPER: replace this placeholder."""

from __future__ import annotations

from flask import render_template

from app.backoffice import bp
from app.backoffice.permisos import personal_requerido


@bp.route("/")
@personal_requerido()
def bandeja() -> str:
    """The queue of the signed-in staff member's areas."""
    return render_template("backoffice/base.html")
