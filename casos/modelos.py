"""The case aggregate: the case row (current state, due times) and its events (history)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casos.base import Base, enum_texto
from casos.catalogo import Area, TipoCaso
from casos.estados import Accion, EstadoCaso
from casos.personal import Personal

# Sorts after every real due time: an open case with no running clock (waiting on the citizen).
SIN_PLAZO = datetime(9999, 12, 31, tzinfo=UTC)


class EstadoSLA(StrEnum):
    """How a case stands against its targets."""

    EN_TIEMPO = "en_tiempo"
    EN_RIESGO = "en_riesgo"
    VENCIDO = "vencido"

    @property
    def etiqueta(self) -> str:
        """How it reads to a person."""
        return {"en_tiempo": "En tiempo", "en_riesgo": "En riesgo", "vencido": "Vencido"}[self]


class Caso(Base):
    """A numbered request routed to an area, with its clocks' due times stored for the sweep."""

    __tablename__ = "casos"
    __table_args__ = (
        CheckConstraint(
            "(estado = 'cerrado' AND cerrado_en IS NOT NULL)"
            " OR (estado <> 'cerrado' AND cerrado_en IS NULL)",
            name="cerrado_con_fecha",
        ),
        CheckConstraint(
            "(estado IN ('resuelto', 'cerrado') AND resuelto_en IS NOT NULL)"
            " OR (estado NOT IN ('resuelto', 'cerrado') AND resuelto_en IS NULL)",
            name="resuelto_con_fecha",
        ),
        CheckConstraint(
            "(estado = 'cancelado' AND cancelado_en IS NOT NULL)"
            " OR (estado <> 'cancelado' AND cancelado_en IS NULL)",
            name="cancelado_con_fecha",
        ),
        CheckConstraint(
            "estado <> 'asignado' OR asignado_a_id IS NOT NULL", name="asignado_con_persona"
        ),
        Index("ix_casos_sla_proximo_en", "sla_proximo_en"),
        Index("ix_casos_area_estado_vence", "area_id", "estado", "vence_resolucion_en"),
        Index("ix_casos_contrato", "contrato"),
        Index("ix_casos_solicitante_email", "solicitante_email"),
        Index("ix_casos_cuenta_creado", "cuenta_id", "creado_en"),
        # The Bandeja: keyset pages over (prioridad_en, id); closed cases have NULL and fall
        # outside every seek, so 900,000 closed cases cost nothing to a queue of open ones.
        Index("ix_casos_prioridad", "prioridad_en", "id"),
        Index("ix_casos_area_prioridad", "area_id", "prioridad_en", "id"),
        Index("ix_casos_asignado_prioridad", "asignado_a_id", "prioridad_en", "id"),
        # The Bandeja's "en riesgo" / "vencidos" tabs: a seek per area, not a scan of the queue.
        Index("ix_casos_area_sla_prioridad", "area_id", "sla_estado", "prioridad_en", "id"),
        Index("ix_casos_creado_en", "creado_en"),
        # The dashboard's daily compliance (casos/cumplimiento.py) counts one day by range.
        Index("ix_casos_primera_respuesta_en", "primera_respuesta_en"),
        Index("ix_casos_resuelto_en", "resuelto_en"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    folio: Mapped[str] = mapped_column(String(20), unique=True)
    clave_envio: Mapped[str | None] = mapped_column(String(64), unique=True)
    canal: Mapped[str] = mapped_column(String(30), default="portal")
    tipo_id: Mapped[int] = mapped_column(ForeignKey("tipos_caso.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    estado: Mapped[EstadoCaso] = mapped_column(enum_texto(EstadoCaso, "estado_caso"))
    asignado_a_id: Mapped[int | None] = mapped_column(ForeignKey("personal.id"))

    descripcion: Mapped[str] = mapped_column(Text, default="")
    datos: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contrato: Mapped[str | None] = mapped_column(String(30))
    colonia: Mapped[str | None] = mapped_column(String(120))
    uso_contrato: Mapped[str | None] = mapped_column(String(60))
    solicitante_nombre: Mapped[str] = mapped_column(String(200), default="")
    solicitante_email: Mapped[str | None] = mapped_column(String(254))
    solicitante_telefono: Mapped[str | None] = mapped_column(String(30))
    # The Oficina Virtual account that filed it (None: Vías de Contacto, API, back office).
    cuenta_id: Mapped[int | None] = mapped_column(
        ForeignKey("cuentas.id", ondelete="SET NULL", use_alter=True)
    )

    creado_en: Mapped[datetime]
    actualizado_en: Mapped[datetime]
    primera_respuesta_en: Mapped[datetime | None]
    resuelto_en: Mapped[datetime | None]
    cerrado_en: Mapped[datetime | None]
    cancelado_en: Mapped[datetime | None]

    # Clocks, recomputed from the events on every change (see casos/reloj.py).
    vence_respuesta_en: Mapped[datetime | None]
    vence_resolucion_en: Mapped[datetime | None]
    vence_turno_en: Mapped[datetime | None]
    sla_estado: Mapped[EstadoSLA] = mapped_column(
        enum_texto(EstadoSLA, "estado_sla"), default=EstadoSLA.EN_TIEMPO
    )
    # The next instant at which the sweep must look at this case; NULL when nothing is pending.
    sla_proximo_en: Mapped[datetime | None]
    sla_explicacion: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Sort key of the Bandeja: the earliest due time of a running clock; SIN_PLAZO for an open
    # case whose clocks are all paused or stopped; NULL once the case is no longer open.
    prioridad_en: Mapped[datetime | None]

    version: Mapped[int] = mapped_column(default=1)

    tipo: Mapped[TipoCaso] = relationship(lazy="joined")
    area: Mapped[Area] = relationship(lazy="joined")
    asignado_a: Mapped[Personal | None] = relationship()
    eventos: Mapped[list[EventoCaso]] = relationship(
        back_populates="caso", order_by="EventoCaso.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.folio


class EventoCaso(Base):
    """One thing that happened to a case: the history the citizen sees and the audit trail."""

    __tablename__ = "eventos_caso"
    __table_args__ = (Index("ix_eventos_caso_caso_id_id", "caso_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    caso_id: Mapped[int] = mapped_column(ForeignKey("casos.id", ondelete="CASCADE"))
    en: Mapped[datetime]
    accion: Mapped[Accion] = mapped_column(enum_texto(Accion, "accion_caso"))
    estado_desde: Mapped[EstadoCaso | None] = mapped_column(enum_texto(EstadoCaso, "estado_desde"))
    estado_hacia: Mapped[EstadoCaso | None] = mapped_column(enum_texto(EstadoCaso, "estado_hacia"))
    actor_tipo: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None]
    actor_nombre: Mapped[str] = mapped_column(String(200))
    actor_origen: Mapped[str | None] = mapped_column(String(64))
    nota: Mapped[str] = mapped_column(Text, default="")
    es_publico: Mapped[bool] = mapped_column(default=False)
    datos: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    caso: Mapped[Caso] = relationship(back_populates="eventos")
