"""Domain errors that carry reasons a view can map back onto form fields."""

from __future__ import annotations


class ErrorDominio(Exception):
    """A refused command: `mensaje` for the page, `campos` maps field name -> Spanish reason."""

    def __init__(self, mensaje: str, campos: dict[str, str] | None = None) -> None:
        super().__init__(mensaje)
        self.mensaje = mensaje
        self.campos: dict[str, str] = dict(campos or {})

    def __str__(self) -> str:
        if not self.campos:
            return self.mensaje
        detalle = "; ".join(f"{campo}: {razon}" for campo, razon in self.campos.items())
        return f"{self.mensaje} ({detalle})"


class DatosInvalidos(ErrorDominio):
    """The data of a command do not pass validation."""


class TransicionInvalida(ErrorDominio):
    """The requested action is not allowed from the case's current state."""


class NoEncontrado(ErrorDominio):
    """A referenced catalog entry or case does not exist."""


class ConflictoEdicion(ErrorDominio):
    """Someone else changed the case since the page was loaded (optimistic locking)."""
