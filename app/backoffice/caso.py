"""Case workspace. OWNED BY THE WORKSPACE HELPER: replace this placeholder."""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select

from app.backoffice import bp
from app.backoffice.permisos import persona_actual, personal_requerido
from app.extensiones import db
from casos.modelos import Caso
from casos.permisos import puede_ver_caso


@bp.route("/casos/<folio>")
@personal_requerido()
def caso(folio: str) -> str:
    """Everything about one case, with the customer's contract beside it."""
    encontrado = db.session.scalar(select(Caso).where(Caso.folio == folio.upper()))
    if encontrado is None or not puede_ver_caso(persona_actual(), encontrado):
        abort(404)
    return render_template("backoffice/base.html")
