"""Portal pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from app.extensiones import db
from casos.catalogo import TipoCaso

bp = Blueprint("portal", __name__)


@bp.get("/")
def inicio() -> str:
    """Home page: what the Oficina Virtual offers and how to reach the CEA."""
    tipos = db.session.scalars(
        select(TipoCaso).where(TipoCaso.es_activo, TipoCaso.es_publico).order_by(TipoCaso.orden)
    ).all()
    return render_template("portal/inicio.html", tipos=tipos)


@bp.get("/salud")
def salud() -> dict[str, str]:
    """Liveness probe for the proxy: answers without touching anything but the database."""
    db.session.execute(select(1))
    return {"estado": "ok"}
