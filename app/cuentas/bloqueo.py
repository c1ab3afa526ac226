"""What a blocked customer sees after signing in: why, how much and how to pay, or until when.

Only reads: the blocks are decided in casos.cuentas.bloqueos (nightly job, imports, staff). A
debt block is paid from here: each overdue bill has *Pagar* (Pagos en línea, which lifts the
block as soon as the bank confirms).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.auth import cuenta_actual, cuenta_requerida
from app.extensiones import db
from app.pagos.comun import proveedor_activo
from casos.cuentas.adeudos import adeudos_vencidos
from casos.cuentas.bloqueos import bloqueos_vigentes
from casos.cuentas.modelos import Cuenta, MotivoBloqueo
from casos.pagos.intentos import facturas_por_pagar

bp = Blueprint("bloqueo", __name__)


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
        pago_en_linea=proveedor_activo() is not None,
        por_pagar=_facturas_por_pagar(cuenta) if adeudo else {},
    )


def _facturas_por_pagar(cuenta: Cuenta) -> dict[tuple[str, str], int]:
    """Bill ids by (contract number, mm/aaaa), so each overdue bill listed gets *Pagar*."""
    facturas = facturas_por_pagar(db.session, cuenta)
    return {(f.contrato.numero, f"{f.periodo:%m/%Y}"): f.id for f in facturas}
