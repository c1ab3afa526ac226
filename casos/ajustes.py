"""Switches the administrators flip at run time (maintenance mode), kept in a table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from casos.actores import Actor
from casos.base import Base, exigir_zona

CLAVE_MANTENIMIENTO = "mantenimiento"
MENSAJE_MANTENIMIENTO = (
    "La Oficina Virtual está en mantenimiento. Mientras tanto puede enviarnos su lectura en "
    "«Compártenos tu lectura» o hacer su solicitud en «Contacto»; el folio y la respuesta le "
    "llegarán por correo como siempre."
)


class Ajuste(Base):
    """A named setting with a JSON value and who changed it last."""

    __tablename__ = "ajustes"

    clave: Mapped[str] = mapped_column(String(60), primary_key=True)
    valor: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actualizado_en: Mapped[datetime]
    actualizado_por: Mapped[str] = mapped_column(String(200))


@dataclass(frozen=True)
class Mantenimiento:
    """Whether the portal is in maintenance and what it tells the customer."""

    activo: bool
    mensaje: str = MENSAJE_MANTENIMIENTO
    desde: datetime | None = None


def mantenimiento(sesion: Session) -> Mantenimiento:
    """The current maintenance switch (off when never set)."""
    ajuste = sesion.get(Ajuste, CLAVE_MANTENIMIENTO)
    if ajuste is None or not ajuste.valor.get("activo"):
        return Mantenimiento(activo=False)
    return Mantenimiento(
        activo=True,
        mensaje=ajuste.valor.get("mensaje") or MENSAJE_MANTENIMIENTO,
        desde=ajuste.actualizado_en,
    )


def cambiar_mantenimiento(
    sesion: Session, activo: bool, actor: Actor, ahora: datetime, mensaje: str | None = None
) -> Mantenimiento:
    """Turn maintenance mode on or off (rule 5 of *Funcionamiento*); flushes."""
    ahora = exigir_zona(ahora)
    mensaje = (mensaje or "").strip()[:1000] or None
    ajuste = sesion.get(Ajuste, CLAVE_MANTENIMIENTO)
    if ajuste is None:
        ajuste = Ajuste(clave=CLAVE_MANTENIMIENTO)
        sesion.add(ajuste)
    ajuste.valor = {"activo": activo, "mensaje": mensaje}
    ajuste.actualizado_en = ahora
    ajuste.actualizado_por = actor.nombre
    sesion.flush()
    return mantenimiento(sesion)
