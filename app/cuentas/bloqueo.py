"""What a blocked customer sees after signing in: why, how much and how to pay, or until when.

Only reads: the blocks are decided in casos.cuentas.bloqueos (nightly job, imports, staff).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.auth import cuenta_actual, cuenta_requerida
from app.extensiones import db
from casos.cuentas.adeudos import adeudos_vencidos
from casos.cuentas.bloqueos import bloqueos_vigentes
from casos.cuentas.modelos import MotivoBloqueo

bp = Blueprint("bloqueo", __name__)

# The online payment page arrives with the portal issue; until its endpoint exists the page
# says it is coming instead of linking to nothing.
ENDPOINT_PAGO_EN_LINEA = "pagos.inicio"


@bp.get("/")
@cuenta_requerida(permite_bloqueada=True)
def aviso() -> str | Response:
    """The blocked account's page (rules 7 and 8); an account not blocked goes to Mi cuenta."""
    cuenta = cuenta_actual()
    assert cuenta is not None  # guaranteed by cuenta_requerida
    if not cuenta.es_bloqueada:
        return redirect(url_for("cuenta.inicio"))
    ahora = datetime.now(UTC)
    vigentes = bloqueos_vigentes(db.session, cuenta)
    adeudo = next((b for b in vigentes if b.motivo is MotivoBloqueo.ADEUDO), None)
    mal_uso = next((b for b in vigentes if b.motivo is MotivoBloqueo.MAL_USO), None)
    contratos = adeudos_vencidos(db.session, cuenta, ahora) if adeudo else []
    return render_template(
        "portal/cuentas/bloqueo_aviso.html",
        cuenta=cuenta,
        adeudo=adeudo,
        mal_uso=mal_uso,
        contratos=contratos,
        total=sum(c.total for c in contratos),
        total_bloquea=sum(c.total_bloquea for c in contratos),
        periodo_terminado=bool(
            mal_uso and mal_uso.fin_periodo_en and mal_uso.fin_periodo_en <= ahora
        ),
        url_pago=_url_pago(),
    )


def _url_pago() -> str | None:
    if ENDPOINT_PAGO_EN_LINEA in current_app.view_functions:
        return url_for(ENDPOINT_PAGO_EN_LINEA)
    return None
