"""The account audit log: every service that changes an account writes one event here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.base import exigir_zona
from casos.cuentas.modelos import Cuenta, EventoCuenta


def registrar_evento(
    sesion: Session,
    cuenta: Cuenta,
    accion: str,
    actor: Actor,
    ahora: datetime,
    **detalle: Any,
) -> EventoCuenta:
    """Record who did what to the account, when and from where (detalle: JSON-safe values)."""
    evento = EventoCuenta(
        cuenta_id=cuenta.id,
        en=exigir_zona(ahora),
        accion=accion,
        actor_tipo=actor.tipo.value,
        actor_nombre=actor.nombre[:120],
        actor_id=actor.id,
        origen=actor.origen,
        detalle=detalle,
    )
    sesion.add(evento)
    return evento
