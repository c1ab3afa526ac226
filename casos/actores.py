"""Who does something: every service receives its actor explicitly."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TipoActor(StrEnum):
    """Kinds of actor recorded in the case history and the audit trail."""

    CIUDADANO = "ciudadano"
    PERSONAL = "personal"
    SISTEMA = "sistema"
    INTEGRACION = "integracion"


@dataclass(frozen=True)
class Actor:
    """The person, integration or process behind a command."""

    tipo: TipoActor
    nombre: str
    id: int | None = None
    origen: str | None = None  # e.g. the IP address a web action came from

    @classmethod
    def sistema(cls, nombre: str = "Sistema") -> Actor:
        """The scheduler or a CLI command acting on its own."""
        return cls(TipoActor.SISTEMA, nombre)

    @classmethod
    def ciudadano(cls, nombre: str, id: int | None = None, origen: str | None = None) -> Actor:
        """A customer (registered or not) filing or answering."""
        return cls(TipoActor.CIUDADANO, nombre, id, origen)

    @classmethod
    def personal(cls, nombre: str, id: int, origen: str | None = None) -> Actor:
        """A CEA staff member (agent, supervisor, administrator)."""
        return cls(TipoActor.PERSONAL, nombre, id, origen)
