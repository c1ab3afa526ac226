"""The follow-up grant: after folio + email (or a one-time link), this browser may see that
one case for a while. Kept in the signed session cookie; a new grant replaces the old one."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import session
from sqlalchemy import select

from app.extensiones import db
from casos.modelos import Caso

CLAVE = "seguimiento"
DURACION = timedelta(hours=2)


def conceder(caso: Caso, ahora: datetime) -> None:
    """Let this browser see `caso` (and only it) until the grant expires."""
    session[CLAVE] = {"folio": caso.folio, "hasta": int((ahora + DURACION).timestamp())}


def caso_concedido(ahora: datetime) -> Caso | None:
    """The case this browser may see now, if any."""
    acceso = session.get(CLAVE)
    if not isinstance(acceso, dict):
        return None
    folio, hasta = acceso.get("folio"), acceso.get("hasta")
    if not isinstance(folio, str) or not isinstance(hasta, int) or hasta <= ahora.timestamp():
        session.pop(CLAVE, None)
        return None
    return db.session.scalar(select(Caso).where(Caso.folio == folio))


def retirar() -> None:
    """End the grant (*Terminar consulta*)."""
    session.pop(CLAVE, None)
