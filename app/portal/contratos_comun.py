"""What the *Mis contratos* / *Mis Facturas* views share: the account, today, ownership."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import abort

from app.auth import cuenta_actual
from app.extensiones import db
from casos.comercial.consultas import contrato_de_cuenta
from casos.comercial.modelos import Contrato
from casos.cuentas.modelos import Cuenta
from casos.sla import ZONA_CEA

PAGINA = "portal/contratos/{}.html"


def cuenta() -> Cuenta:
    """The signed-in account (guaranteed by cuenta_requerida)."""
    actual = cuenta_actual()
    assert actual is not None
    return actual


def hoy() -> date:
    """Today in Querétaro: what decides whether an unpaid bill is *vencida*."""
    return datetime.now(UTC).astimezone(ZONA_CEA).date()


def contrato_propio(contrato_id: int) -> tuple[Contrato, int]:
    """The contract if it is linked to the signed-in account (and how many it has); else 404."""
    encontrado = contrato_de_cuenta(db.session, cuenta().id, contrato_id)
    if encontrado is None:
        abort(404)
    return encontrado
