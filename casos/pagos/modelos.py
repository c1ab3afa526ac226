"""An online payment attempt: from the customer's click to the provider's signed confirmation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casos.base import Base, Centavos, enum_texto
from casos.comercial.modelos import Contrato, Factura, Pago


class EstadoPago(StrEnum):
    """What the customer sees: *pendiente* until the provider confirms, then one of the others."""

    PENDIENTE = "pendiente"
    APLICADO = "aplicado"
    RECHAZADO = "rechazado"

    @property
    def etiqueta(self) -> str:
        """How it reads to a person."""
        return {"pendiente": "Pendiente", "aplicado": "Aplicado", "rechazado": "Rechazado"}[self]


class IntentoPago(Base):
    """One try at paying a bill online; `referencia` is what we send the provider and get back."""

    __tablename__ = "intentos_pago"
    __table_args__ = (
        CheckConstraint("importe > 0", name="importe_positivo"),
        CheckConstraint("(estado = 'aplicado') = (pago_id IS NOT NULL)", name="aplicado_con_pago"),
        CheckConstraint(
            "(estado = 'pendiente') = (resuelto_en IS NULL)", name="resuelto_con_fecha"
        ),
        Index("ix_intentos_pago_cuenta", "cuenta_id", "creado_en"),
        Index("ix_intentos_pago_factura", "factura_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referencia: Mapped[str] = mapped_column(String(40), unique=True)  # random, not guessable
    proveedor: Mapped[str] = mapped_column(String(30))
    cuenta_id: Mapped[int | None] = mapped_column(ForeignKey("cuentas.id", ondelete="SET NULL"))
    contrato_id: Mapped[int] = mapped_column(ForeignKey("contratos.id", ondelete="RESTRICT"))
    factura_id: Mapped[int] = mapped_column(ForeignKey("facturas.id", ondelete="RESTRICT"))
    importe: Mapped[Decimal] = mapped_column(Centavos())
    estado: Mapped[EstadoPago] = mapped_column(enum_texto(EstadoPago, "estado_pago", 12))
    creado_en: Mapped[datetime]
    resuelto_en: Mapped[datetime | None]
    # What the provider told us: its own operation id, authorization code, reason for a refusal.
    operacion_proveedor: Mapped[str | None] = mapped_column(String(80))
    motivo: Mapped[str | None] = mapped_column(String(300))
    pago_id: Mapped[int | None] = mapped_column(ForeignKey("pagos.id", ondelete="RESTRICT"))
    # Every confirmation received (replays included), for the audit trail.
    confirmaciones: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    contrato: Mapped[Contrato] = relationship()
    factura: Mapped[Factura] = relationship()
    pago: Mapped[Pago | None] = relationship()
