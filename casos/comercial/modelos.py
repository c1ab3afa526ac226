"""Contracts, bills (with their CFDI), meter readings and payments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casos.base import Base, Centavos, enum_texto


class TipoPersona(StrEnum):
    """The contract holder: a person (persona física) or a company (persona moral)."""

    FISICA = "fisica"
    MORAL = "moral"


class UsoContrato(StrEnum):
    """Use of the supply, which sets the tariff family."""

    DOMESTICO = "domestico"
    COMERCIAL = "comercial"
    INDUSTRIAL = "industrial"
    PUBLICO = "publico"


class EstatusContrato(StrEnum):
    """Commercial status of a contract."""

    ACTIVO = "activo"
    SUSPENDIDO = "suspendido"
    BAJA = "baja"


class TipoLectura(StrEnum):
    """Whether a reading was taken from the meter or estimated (no access, no meter, …)."""

    REAL = "real"
    ESTIMADA = "estimada"


class OrigenLectura(StrEnum):
    """Who took a reading."""

    CEA = "cea"
    CLIENTE = "cliente"


class EstatusFactura(StrEnum):
    """A bill's status as the billing system reports it (see Factura.estatus_al)."""

    PAGADA = "pagada"
    PENDIENTE = "pendiente"
    VENCIDA = "vencida"


USOS_ETIQUETA = {
    UsoContrato.DOMESTICO: "Doméstico",
    UsoContrato.COMERCIAL: "Comercial",
    UsoContrato.INDUSTRIAL: "Industrial",
    UsoContrato.PUBLICO: "Servicios públicos",
}


class Contrato(Base):
    """A water contract. `numero` is the *Referencia* printed on the bill."""

    __tablename__ = "contratos"
    __table_args__ = (
        CheckConstraint(
            "(tipo_persona = 'fisica' AND nombre IS NOT NULL AND apellido_paterno IS NOT NULL)"
            " OR (tipo_persona = 'moral' AND razon_social IS NOT NULL)",
            name="titular_completo",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    numero: Mapped[str] = mapped_column(String(20), unique=True)
    tipo_persona: Mapped[TipoPersona] = mapped_column(enum_texto(TipoPersona, "tipo_persona", 10))
    nombre: Mapped[str | None] = mapped_column(String(120))
    apellido_paterno: Mapped[str | None] = mapped_column(String(80))
    apellido_materno: Mapped[str | None] = mapped_column(String(80))  # may be empty
    razon_social: Mapped[str | None] = mapped_column(String(200))
    direccion: Mapped[str] = mapped_column(String(300))  # calle y número del suministro
    colonia: Mapped[str] = mapped_column(String(120))
    municipio: Mapped[str] = mapped_column(String(80))
    codigo_postal: Mapped[str | None] = mapped_column(String(5))
    uso: Mapped[UsoContrato] = mapped_column(enum_texto(UsoContrato, "uso_contrato", 20))
    tarifa: Mapped[str] = mapped_column(String(40))
    numero_medidor: Mapped[str | None] = mapped_column(String(20))  # None: fixed-fee colonia
    estatus: Mapped[EstatusContrato] = mapped_column(
        enum_texto(EstatusContrato, "estatus_contrato", 20)
    )
    actualizado_en: Mapped[datetime]

    @property
    def titular(self) -> str:
        """The holder's name as printed on the bill."""
        if self.tipo_persona is TipoPersona.MORAL:
            return self.razon_social or ""
        partes = (self.nombre, self.apellido_paterno, self.apellido_materno)
        return " ".join(p for p in partes if p)

    @property
    def domicilio(self) -> str:
        """Supply address on one line."""
        cp = f", C.P. {self.codigo_postal}" if self.codigo_postal else ""
        return f"{self.direccion}, {self.colonia}, {self.municipio}{cp}"

    def __str__(self) -> str:
        return self.numero


class Factura(Base):
    """A monthly bill. Amounts by concept add up to `total`; `saldo` is what is still owed."""

    __tablename__ = "facturas"
    __table_args__ = (
        UniqueConstraint("contrato_id", "periodo"),
        CheckConstraint("saldo >= 0 AND saldo <= total", name="saldo_valido"),
        CheckConstraint(
            "total = agua + alcantarillado + saneamiento + recargos + otros + iva",
            name="total_por_conceptos",
        ),
        CheckConstraint(
            "(estatus = 'pagada' AND saldo = 0) OR (estatus <> 'pagada' AND saldo > 0)",
            name="estatus_segun_saldo",
        ),
        # Only unpaid bills are indexed: the nightly debt check and the blocked page read this.
        Index(
            "ix_facturas_adeudo",
            "contrato_id",
            "vence_el",
            sqlite_where=text("saldo > 0"),
            postgresql_where=text("saldo > 0"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contrato_id: Mapped[int] = mapped_column(ForeignKey("contratos.id", ondelete="RESTRICT"))
    periodo: Mapped[date]  # first day of the billed month
    emitida_el: Mapped[date]
    vence_el: Mapped[date]
    lectura_anterior: Mapped[int | None]
    lectura_actual: Mapped[int | None]
    m3: Mapped[int]
    tipo_lectura: Mapped[TipoLectura] = mapped_column(enum_texto(TipoLectura, "tipo_lectura", 10))
    agua: Mapped[Decimal] = mapped_column(Centavos())
    alcantarillado: Mapped[Decimal] = mapped_column(Centavos())
    saneamiento: Mapped[Decimal] = mapped_column(Centavos())
    recargos: Mapped[Decimal] = mapped_column(Centavos())
    otros: Mapped[Decimal] = mapped_column(Centavos())
    iva: Mapped[Decimal] = mapped_column(Centavos())
    total: Mapped[Decimal] = mapped_column(Centavos())
    saldo: Mapped[Decimal] = mapped_column(Centavos())
    estatus: Mapped[EstatusFactura] = mapped_column(
        enum_texto(EstatusFactura, "estatus_factura", 10)
    )
    uuid_cfdi: Mapped[str | None] = mapped_column(String(36), unique=True)
    actualizado_en: Mapped[datetime]

    contrato: Mapped[Contrato] = relationship()

    def estatus_al(self, hoy: date) -> EstatusFactura:
        """The status on a given day: an unpaid bill past its due date is *vencida*."""
        if self.saldo == 0:
            return EstatusFactura.PAGADA
        return EstatusFactura.VENCIDA if hoy > self.vence_el else EstatusFactura.PENDIENTE


class CfdiFactura(Base):
    """The CFDI 4.0 XML of a bill, kept apart so listing bills never loads it."""

    __tablename__ = "cfdis"

    factura_id: Mapped[int] = mapped_column(
        ForeignKey("facturas.id", ondelete="CASCADE"), primary_key=True
    )
    xml: Mapped[str] = mapped_column(Text)


class Lectura(Base):
    """A meter reading: value on the dial, consumption since the previous one."""

    __tablename__ = "lecturas"
    __table_args__ = (UniqueConstraint("contrato_id", "fecha", "origen"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contrato_id: Mapped[int] = mapped_column(ForeignKey("contratos.id", ondelete="RESTRICT"))
    fecha: Mapped[date]
    valor: Mapped[int]
    consumo: Mapped[int | None]  # m³ since the previous reading
    tipo: Mapped[TipoLectura] = mapped_column(enum_texto(TipoLectura, "tipo_lectura_l", 10))
    origen: Mapped[OrigenLectura] = mapped_column(enum_texto(OrigenLectura, "origen_lectura", 10))
    registrada_en: Mapped[datetime]
    # A reading the customer shared (*Compártenos tu lectura*) is also a case for the meter area.
    caso_id: Mapped[int | None] = mapped_column(ForeignKey("casos.id", ondelete="SET NULL"))


class Pago(Base):
    """A payment received by any channel, applied to a bill when known."""

    __tablename__ = "pagos"
    __table_args__ = (
        UniqueConstraint("canal", "referencia"),
        CheckConstraint("importe > 0", name="importe_positivo"),
        Index("ix_pagos_contrato_fecha", "contrato_id", "fecha"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contrato_id: Mapped[int] = mapped_column(ForeignKey("contratos.id", ondelete="RESTRICT"))
    factura_id: Mapped[int | None] = mapped_column(
        ForeignKey("facturas.id", ondelete="SET NULL"), index=True
    )
    fecha: Mapped[date]
    importe: Mapped[Decimal] = mapped_column(Centavos())
    canal: Mapped[str] = mapped_column(String(30))
    referencia: Mapped[str] = mapped_column(String(60))
    registrado_en: Mapped[datetime]
