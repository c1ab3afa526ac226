"""Email templates edited by administrators: a row overrides the file of the same name in
plantillas/correo/ (subject, text and HTML bodies); deleting the row restores the file's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casos.base import Base


class PlantillaCorreo(Base):
    """An administrator's version of an email template (rendered in a sandbox)."""

    __tablename__ = "plantillas_correo"

    nombre: Mapped[str] = mapped_column(String(60), primary_key=True)  # e.g. "respuesta_caso"
    asunto: Mapped[str] = mapped_column(String(300))
    texto: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)  # None: built from the text body
    actualizado_en: Mapped[datetime]
    actualizado_por: Mapped[str] = mapped_column(String(200))

    def __str__(self) -> str:
        return self.nombre
