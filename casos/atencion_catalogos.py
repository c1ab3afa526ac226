"""Catalogs the agents work with, edited by administrators: canned answers per case type,
resolution codes, and the offices where a customer can be asked to come in person (rule 9)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from casos.base import Base
from casos.catalogo import TipoCaso


class RespuestaPredefinida(Base):
    """A canned answer the agent picks and edits before sending (NULL type: any type)."""

    __tablename__ = "respuestas_predefinidas"

    id: Mapped[int] = mapped_column(primary_key=True)
    tipo_id: Mapped[int | None] = mapped_column(ForeignKey("tipos_caso.id", ondelete="CASCADE"))
    titulo: Mapped[str] = mapped_column(String(120))
    texto: Mapped[str] = mapped_column(Text)
    es_activa: Mapped[bool] = mapped_column(default=True)
    orden: Mapped[int] = mapped_column(default=0)

    tipo: Mapped[TipoCaso | None] = relationship()

    def __str__(self) -> str:
        return self.titulo


class CodigoResolucion(Base):
    """How a case ended (procedente, improcedente, duplicado...): required to resolve."""

    __tablename__ = "codigos_resolucion"

    id: Mapped[int] = mapped_column(primary_key=True)
    clave: Mapped[str] = mapped_column(String(40), unique=True)
    nombre: Mapped[str] = mapped_column(String(120), unique=True)
    descripcion: Mapped[str] = mapped_column(String(300), default="")
    es_activo: Mapped[bool] = mapped_column(default=True)
    orden: Mapped[int] = mapped_column(default=0)

    def __str__(self) -> str:
        return self.nombre


class Oficina(Base):
    """A CEA customer-service office where an in-person visit can be scheduled."""

    __tablename__ = "oficinas"

    id: Mapped[int] = mapped_column(primary_key=True)
    nombre: Mapped[str] = mapped_column(String(120), unique=True)
    direccion: Mapped[str] = mapped_column(String(300))
    horario: Mapped[str] = mapped_column(String(120), default="Lunes a viernes de 8:00 a 17:00")
    es_activa: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.nombre


def respuestas_para(sesion: Session, tipo_id: int) -> list[RespuestaPredefinida]:
    """Active canned answers for a case type (its own first, then the general ones)."""
    consulta = (
        select(RespuestaPredefinida)
        .where(
            RespuestaPredefinida.es_activa,
            (RespuestaPredefinida.tipo_id == tipo_id) | RespuestaPredefinida.tipo_id.is_(None),
        )
        .order_by(
            RespuestaPredefinida.tipo_id.is_(None),
            RespuestaPredefinida.orden,
            RespuestaPredefinida.id,
        )
    )
    return list(sesion.scalars(consulta))


def codigos_activos(sesion: Session) -> list[CodigoResolucion]:
    """Resolution codes an agent can choose."""
    consulta = select(CodigoResolucion).where(CodigoResolucion.es_activo)
    return list(sesion.scalars(consulta.order_by(CodigoResolucion.orden, CodigoResolucion.id)))


def oficinas_activas(sesion: Session) -> list[Oficina]:
    """Offices an in-person visit can be scheduled at."""
    return list(sesion.scalars(select(Oficina).where(Oficina.es_activa).order_by(Oficina.nombre)))
