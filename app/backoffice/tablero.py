"""Supervisor dashboard. OWNED BY THE DASHBOARD HELPER: replace this placeholder."""

from __future__ import annotations

from flask import render_template

from app.backoffice import bp
from app.backoffice.permisos import SUPERVISION, personal_requerido


@bp.route("/tablero")
@personal_requerido(*SUPERVISION)
def tablero() -> str:
    """Service levels of the supervisor's areas."""
    return render_template("backoffice/base.html")
