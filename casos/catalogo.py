"""Catalogs the administrators edit: areas, case types with their SLA policy, routing, calendar."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from casos.base import Base, enum_texto
from casos.sla import CalendarioLaboral

# Fields a case type may require; the label is what forms and error messages show.
CAMPOS: dict[str, str] = {
    "descripcion": "Descripción",
    "solicitante_nombre": "Nombre",
    "solicitante_email": "Correo electrónico",
    "solicitante_telefono": "Teléfono",
    "contrato": "Número de contrato",
    "colonia": "Colonia",
    "direccion": "Dirección",
    "periodo_factura": "Mes de la factura",
    "fecha_pago": "Fecha del pago",
    "monto_pago": "Monto pagado",
    "banco": "Banco o lugar de pago",
    "lectura": "Lectura del medidor",
    "fecha_lectura": "Fecha de la lectura",
    "factura_id": "Factura",
    "comprobante": "Comprobante de pago",
    "adjuntos": "Archivos adjuntos",
}


class TipoCalendario(StrEnum):
    """Which clock a case type runs on."""

    LABORAL = "laboral"  # 08:00–17:00 Mon–Fri minus holidays and the area's non-working days
    CONTINUO = "continuo"  # 24x7: service reports attended by the 24-hour center


class Area(Base):
    """A CEA area that answers cases."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    clave: Mapped[str] = mapped_column(String(40), unique=True)
    nombre: Mapped[str] = mapped_column(String(120), unique=True)
    es_activa: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.nombre


class TipoCaso(Base):
    """A kind of request with its default area, required fields and SLA targets."""

    __tablename__ = "tipos_caso"
    __table_args__ = (
        CheckConstraint("horas_respuesta > 0 AND horas_resolucion > 0", name="objetivos_positivos"),
        CheckConstraint("horas_respuesta <= horas_resolucion", name="respuesta_antes_resolucion"),
        CheckConstraint("umbral_riesgo_pct BETWEEN 1 AND 99", name="umbral_riesgo"),
        CheckConstraint("dias_reapertura >= 0", name="dias_reapertura"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clave: Mapped[str] = mapped_column(String(40), unique=True)
    nombre: Mapped[str] = mapped_column(String(120), unique=True)
    descripcion: Mapped[str] = mapped_column(String(500), default="")
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    horas_respuesta: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    horas_resolucion: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    calendario: Mapped[TipoCalendario] = mapped_column(
        enum_texto(TipoCalendario, "tipo_calendario", 20),
        default=TipoCalendario.LABORAL,
    )
    umbral_riesgo_pct: Mapped[int] = mapped_column(default=75)
    dias_reapertura: Mapped[int] = mapped_column(default=10)
    campos_requeridos: Mapped[list[str]] = mapped_column(JSON, default=list)
    es_publico: Mapped[bool] = mapped_column(default=True)
    es_activo: Mapped[bool] = mapped_column(default=True)
    orden: Mapped[int] = mapped_column(default=0)

    area: Mapped[Area] = relationship(lazy="joined")

    def __str__(self) -> str:
        return self.nombre

    @property
    def objetivo_respuesta(self) -> timedelta:
        """First-response target as a duration of (business) time."""
        return timedelta(hours=float(self.horas_respuesta))

    @property
    def objetivo_resolucion(self) -> timedelta:
        """Resolution target as a duration of (business) time."""
        return timedelta(hours=float(self.horas_resolucion))


class ReglaRuteo(Base):
    """Route a case type to an area, optionally only for a colonia or a contract use."""

    __tablename__ = "reglas_ruteo"

    id: Mapped[int] = mapped_column(primary_key=True)
    tipo_id: Mapped[int] = mapped_column(ForeignKey("tipos_caso.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    colonia: Mapped[str | None] = mapped_column(String(120))
    uso_contrato: Mapped[str | None] = mapped_column(String(60))
    prioridad: Mapped[int] = mapped_column(default=100)
    es_activa: Mapped[bool] = mapped_column(default=True)
    descripcion: Mapped[str] = mapped_column(String(300), default="")

    tipo: Mapped[TipoCaso] = relationship()
    area: Mapped[Area] = relationship()


class DiaInhabil(Base):
    """A state or CEA non-working day (federal holidays come from the calendar rules)."""

    __tablename__ = "dias_inhabiles"
    __table_args__ = (UniqueConstraint("fecha", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fecha: Mapped[date]
    motivo: Mapped[str] = mapped_column(String(120))
    # NULL: applies to every area; otherwise only to that area's calendar.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))

    area: Mapped[Area | None] = relationship()


class Calendarios:
    """Builds and caches the calendar of each (calendar kind, area) for one unit of work."""

    def __init__(self, sesion: Session) -> None:
        self._sesion = sesion
        self._cache: dict[tuple[TipoCalendario, int | None], CalendarioLaboral] = {}
        self._dias: list[DiaInhabil] | None = None

    def para(self, tipo: TipoCaso, area_id: int | None) -> CalendarioLaboral:
        """The calendar a case of `tipo` held by `area_id` runs on."""
        clave = (tipo.calendario, area_id)
        if clave not in self._cache:
            self._cache[clave] = self._construir(tipo.calendario, area_id)
        return self._cache[clave]

    def _construir(self, clase: TipoCalendario, area_id: int | None) -> CalendarioLaboral:
        if clase is TipoCalendario.CONTINUO:
            return CalendarioLaboral.continuo()
        if self._dias is None:
            self._dias = list(self._sesion.scalars(select(DiaInhabil)))
        dias = tuple(
            sorted((d.fecha, d.motivo) for d in self._dias if d.area_id in (None, area_id))
        )
        return calendario_cea(dias)


# Calendars are values (same non-working days, same calendar); keeping them per process keeps
# their yearly caches warm across requests. Bounded: a few areas times a few edits.
_CALENDARIOS_CEA: dict[tuple[tuple[date, str], ...], CalendarioLaboral] = {}
_MAXIMO_CALENDARIOS = 64


def calendario_cea(dias: tuple[tuple[date, str], ...]) -> CalendarioLaboral:
    """The CEA calendar minus `dias`, shared by every unit of work of this process."""
    calendario = _CALENDARIOS_CEA.get(dias)
    if calendario is None:
        if len(_CALENDARIOS_CEA) >= _MAXIMO_CALENDARIOS:
            _CALENDARIOS_CEA.clear()
        calendario = _CALENDARIOS_CEA[dias] = CalendarioLaboral.cea(dias_inhabiles=dias)
    return calendario


def tipo_por_clave(sesion: Session, clave: str) -> TipoCaso | None:
    """The active case type with that key, if any."""
    return sesion.scalar(select(TipoCaso).where(TipoCaso.clave == clave, TipoCaso.es_activo))


def etiqueta_campo(campo: str) -> str:
    """Spanish label of a case field."""
    return CAMPOS.get(campo, campo)
