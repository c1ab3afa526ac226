"""The general audit log: who did what, when and from where, for everything outside a case.

Case actions are audited by their events (casos.modelos.EventoCaso) and account changes by
casos.cuentas.modelos.EventoCuenta; this table holds the rest: staff sign-ins, catalog edits in
the admin, integration tokens, exports, maintenance switches, SLA recomputations.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from casos.actores import Actor
from casos.base import Base, exigir_zona


class RegistroAuditoria(Base):
    """One audited action."""

    __tablename__ = "auditoria"
    __table_args__ = (
        Index("ix_auditoria_en", "en"),
        Index("ix_auditoria_objeto", "objeto", "objeto_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    en: Mapped[datetime]
    actor_tipo: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None]
    actor_nombre: Mapped[str] = mapped_column(String(200))
    origen: Mapped[str | None] = mapped_column(String(64))
    accion: Mapped[str] = mapped_column(String(60))  # e.g. "crear", "editar", "entrar"
    objeto: Mapped[str] = mapped_column(String(60))  # e.g. "tipos_caso", "personal", "token"
    objeto_id: Mapped[str | None] = mapped_column(String(60))
    detalle: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def registrar_auditoria(
    sesion: Session,
    actor: Actor,
    accion: str,
    objeto: str,
    ahora: datetime,
    objeto_id: object = None,
    **detalle: Any,
) -> RegistroAuditoria:
    """Record an action in the audit log (detalle: JSON-safe values); the caller commits."""
    registro = RegistroAuditoria(
        en=exigir_zona(ahora),
        actor_tipo=actor.tipo.value,
        actor_id=actor.id,
        actor_nombre=actor.nombre[:200],
        origen=actor.origen,
        accion=accion[:60],
        objeto=objeto[:60],
        objeto_id=None if objeto_id is None else str(objeto_id)[:60],
        detalle=detalle,
    )
    sesion.add(registro)
    return registro
