"""CEA staff as the case engine needs them: who holds a case, who supervises an area.

Staff accounts are separate from customer accounts (casos.cuentas) and are created by the
`flask personal crear` command; the back office signs them in.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, Table, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from casos.base import Base, enum_texto
from casos.catalogo import Area


class RolPersonal(StrEnum):
    """What a staff member may do."""

    AGENTE = "agente"
    SUPERVISOR = "supervisor"
    ADMINISTRADOR = "administrador"


personal_areas = Table(
    "personal_areas",
    Base.metadata,
    Column("personal_id", ForeignKey("personal.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class Personal(Base):
    """A staff account: agents answer their areas' cases, supervisors watch their areas."""

    __tablename__ = "personal"

    id: Mapped[int] = mapped_column(primary_key=True)
    usuario: Mapped[str] = mapped_column(String(40), unique=True)
    nombre: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    rol: Mapped[RolPersonal] = mapped_column(enum_texto(RolPersonal, "rol_personal", 20))
    es_activo: Mapped[bool] = mapped_column(default=True)
    contrasena_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id
    ultimo_acceso_en: Mapped[datetime | None]

    areas: Mapped[list[Area]] = relationship(secondary=personal_areas)

    def __str__(self) -> str:
        return self.nombre


def supervisores_de(sesion: Session, area_id: int) -> list[Personal]:
    """Active supervisors of an area (they receive its SLA warnings)."""
    consulta = (
        select(Personal)
        .join(personal_areas)
        .where(
            personal_areas.c.area_id == area_id,
            Personal.rol == RolPersonal.SUPERVISOR,
            Personal.es_activo,
        )
        .order_by(Personal.id)
    )
    return list(sesion.scalars(consulta))
