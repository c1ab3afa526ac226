"""Customer accounts, their linked contracts, blocks, one-time links and their log."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casos.base import Base, Centavos, enum_texto
from casos.comercial.modelos import Contrato


class TipoCuenta(StrEnum):
    """*Registro particular* or *Registro empresa*."""

    PARTICULAR = "particular"
    EMPRESA = "empresa"


class EstadoCuenta(StrEnum):
    """Life of an account. Blocks are separate (Bloqueo rows) and can apply to an active one."""

    PENDIENTE = "pendiente"  # registered, activation email sent, no password yet
    ACTIVA = "activa"
    CERRADA = "cerrada"  # cancelled (rule 6): personal data anonymised


class MotivoBloqueo(StrEnum):
    """Why an account is blocked."""

    ADEUDO = "adeudo"  # rule 7: debt older than six months; lifted when paid
    MAL_USO = "mal_uso"  # rule 8: for a set period, then until staff reactivate it


class PropositoEnlace(StrEnum):
    """What a one-time emailed link is for."""

    ACTIVACION = "activacion"
    RESTABLECER = "restablecer"
    CAMBIO_EMAIL = "cambio_email"


class Cuenta(Base):
    """A customer's Oficina Virtual account (persona física or empresa)."""

    __tablename__ = "cuentas"
    __table_args__ = (
        CheckConstraint(
            "estado <> 'activa' OR (contrasena_hash IS NOT NULL AND activada_en IS NOT NULL)",
            name="activa_con_contrasena",
        ),
        CheckConstraint(
            "(estado = 'cerrada') = (cerrada_en IS NOT NULL)", name="cerrada_con_fecha"
        ),
        CheckConstraint(
            "estado = 'cerrada' OR (usuario IS NOT NULL AND email IS NOT NULL)",
            name="datos_mientras_abierta",
        ),
        Index("ix_cuentas_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Up to eight alphanumeric characters (rule 2e), stored lower-case: unique ignoring case.
    usuario: Mapped[str | None] = mapped_column(String(8), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    telefono: Mapped[str | None] = mapped_column(String(20))
    tipo: Mapped[TipoCuenta] = mapped_column(enum_texto(TipoCuenta, "tipo_cuenta", 12))
    estado: Mapped[EstadoCuenta] = mapped_column(enum_texto(EstadoCuenta, "estado_cuenta", 12))
    contrasena_hash: Mapped[str | None] = mapped_column(String(200))
    es_bloqueada: Mapped[bool] = mapped_column(default=False)  # an unlifted Bloqueo exists
    creada_en: Mapped[datetime]
    terminos_aceptados_en: Mapped[datetime]  # Aviso Legal y Condiciones de uso
    datos_declarados_en: Mapped[datetime]  # rule 3: "los datos capturados son correctos"
    aviso_privacidad_version: Mapped[str] = mapped_column(String(20))
    activada_en: Mapped[datetime | None]
    contrasena_cambiada_en: Mapped[datetime | None]
    ultimo_acceso_en: Mapped[datetime | None]
    baja_solicitada_en: Mapped[datetime | None]
    baja_caso_id: Mapped[int | None] = mapped_column(ForeignKey("casos.id", ondelete="SET NULL"))
    cerrada_en: Mapped[datetime | None]

    vinculos: Mapped[list[CuentaContrato]] = relationship(
        back_populates="cuenta", cascade="all, delete-orphan", order_by="CuentaContrato.id"
    )

    @property
    def contratos(self) -> list[Contrato]:
        """Linked contracts, in the order they were linked."""
        return [v.contrato for v in self.vinculos]

    def __str__(self) -> str:
        return self.usuario or f"cuenta {self.id}"


class CuentaContrato(Base):
    """A contract linked to an account. A contract belongs to at most one account."""

    __tablename__ = "cuentas_contratos"

    id: Mapped[int] = mapped_column(primary_key=True)
    cuenta_id: Mapped[int] = mapped_column(ForeignKey("cuentas.id", ondelete="CASCADE"), index=True)
    contrato_id: Mapped[int] = mapped_column(
        ForeignKey("contratos.id", ondelete="RESTRICT"), unique=True
    )
    vinculado_en: Mapped[datetime]

    cuenta: Mapped[Cuenta] = relationship(back_populates="vinculos")
    contrato: Mapped[Contrato] = relationship()


class Bloqueo(Base):
    """A block on an account (rules 7–8); lifted by payment (debt) or by staff (misuse)."""

    __tablename__ = "bloqueos_cuenta"
    __table_args__ = (
        CheckConstraint(
            "motivo <> 'mal_uso' OR fin_periodo_en IS NOT NULL", name="mal_uso_con_periodo"
        ),
        CheckConstraint(
            "(levantado_en IS NULL) = (levantado_por IS NULL)", name="levantado_con_autor"
        ),
        Index("ix_bloqueos_cuenta_vigentes", "cuenta_id", "levantado_en"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cuenta_id: Mapped[int] = mapped_column(ForeignKey("cuentas.id", ondelete="CASCADE"))
    motivo: Mapped[MotivoBloqueo] = mapped_column(enum_texto(MotivoBloqueo, "motivo_bloqueo", 10))
    detalle: Mapped[str] = mapped_column(Text)  # why, in words, as staff or the job wrote it
    adeudo: Mapped[Decimal | None] = mapped_column(Centavos())  # debt when blocked (rule 7)
    inicio_en: Mapped[datetime]
    fin_periodo_en: Mapped[datetime | None]  # rule 8: end of the set period
    creado_por: Mapped[str] = mapped_column(String(120))
    levantado_en: Mapped[datetime | None]
    levantado_por: Mapped[str | None] = mapped_column(String(120))
    motivo_levantamiento: Mapped[str | None] = mapped_column(Text)

    cuenta: Mapped[Cuenta] = relationship()


class EnlaceCuenta(Base):
    """A single-use emailed link (activation, password reset, email change).

    Only a SHA-256 of the link's secret is stored: a database reader cannot use the link."""

    __tablename__ = "enlaces_cuenta"

    id: Mapped[int] = mapped_column(primary_key=True)
    cuenta_id: Mapped[int] = mapped_column(ForeignKey("cuentas.id", ondelete="CASCADE"), index=True)
    proposito: Mapped[PropositoEnlace] = mapped_column(
        enum_texto(PropositoEnlace, "proposito_enlace", 20)
    )
    huella: Mapped[str] = mapped_column(String(64), unique=True)
    dato: Mapped[str | None] = mapped_column(String(254))  # e.g. the new email to confirm
    creado_en: Mapped[datetime]
    expira_en: Mapped[datetime]
    usado_en: Mapped[datetime | None]


class EventoCuenta(Base):
    """The account's audit log: registration, activation, sign-in, blocks, changes, closure."""

    __tablename__ = "eventos_cuenta"
    __table_args__ = (Index("ix_eventos_cuenta_cuenta_en", "cuenta_id", "en"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cuenta_id: Mapped[int] = mapped_column(ForeignKey("cuentas.id", ondelete="CASCADE"))
    en: Mapped[datetime]
    accion: Mapped[str] = mapped_column(String(40))
    actor_tipo: Mapped[str] = mapped_column(String(20))
    actor_nombre: Mapped[str] = mapped_column(String(120))
    actor_id: Mapped[int | None]
    origen: Mapped[str | None] = mapped_column(String(64))  # IP address of a web action
    detalle: Mapped[dict[str, Any]] = mapped_column(default=dict)
