"""The one declarative Base, shared column types and time helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Enum, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

CONVENCION_NOMBRES = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class FechaHoraUTC(TypeDecorator[datetime]):
    """Aware datetimes in, UTC-aware datetimes out, on SQLite (naive storage) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"Se intentó guardar una fecha sin zona horaria: {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


CENTAVO = Decimal("0.01")


class Centavos(TypeDecorator[Decimal]):
    """Money as exact pesos (Decimal, two places) stored as whole centavos in a BIGINT.

    Exact on SQLite (which has no decimal type), compact, and fast to sum."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise ValueError("Los importes se manejan como Decimal, nunca como float.")
        return int((Decimal(value) * 100).to_integral_value(ROUND_HALF_UP))

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(CENTAVO)


def pesos(valor: str | int | Decimal) -> Decimal:
    """A peso amount rounded to the centavo."""
    return Decimal(valor).quantize(CENTAVO, ROUND_HALF_UP)


class Base(DeclarativeBase):
    """Every model of every domain package inherits from this Base."""

    registry = registry(
        metadata=MetaData(naming_convention=CONVENCION_NOMBRES),
        type_annotation_map={datetime: FechaHoraUTC(), dict[str, Any]: JSON()},
    )


def exigir_zona(instante: datetime, nombre: str = "fecha") -> datetime:
    """Return the instant in UTC, refusing naive datetimes with a clear message."""
    if instante.tzinfo is None or instante.utcoffset() is None:
        raise ValueError(f"La {nombre} {instante.isoformat()} no tiene zona horaria.")
    return instante.astimezone(UTC)


def enum_texto(clase: type[StrEnum], nombre: str, largo: int = 30) -> Enum:
    """A StrEnum stored as its value in a VARCHAR with a CHECK (no native enum to migrate)."""
    return Enum(
        clase,
        name=nombre,
        native_enum=False,
        create_constraint=True,
        values_callable=lambda e: [m.value for m in e],
        length=largo,
    )
