"""*Mis Consumos*, read side: monthly m³ from the bills, the readings, the high-consumption
notice (the downloads are in casos.comercial.consumos_exportar).

A page costs two index range scans besides loading the contract: the last bills through
UNIQUE(contrato_id, periodo) and the newest readings through UNIQUE(contrato_id, fecha, origen),
both read backwards with a LIMIT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from casos.adjuntos import Adjunto
from casos.comercial.consultas import nombre_periodo
from casos.comercial.modelos import Contrato, Factura, Lectura, OrigenLectura, TipoLectura
from casos.cuentas.modelos import CuentaContrato
from casos.modelos import Caso

MESES_GRAFICA = 24  # bills read per page: the chart, the same month last year, the notice
LECTURAS_EN_PAGINA = 60  # five years of monthly readings; the downloads carry them all
MESES_PREVIOS_AVISO = 6
MINIMO_MESES_PREVIOS = 3  # with fewer billed months there is no "usual" consumption to compare
M3_MINIMO_AVISO = 10  # 2 → 5 m³ is more than double, but no sign of a leak
_NUMEROS = {3: "tres", 4: "cuatro", 5: "cinco", 6: "seis"}


def contrato_de_cuenta(
    sesion: Session, cuenta_id: int, contrato_id: int
) -> tuple[Contrato, int] | None:
    """The contract if it is linked to the account, and how many the account has; None for
    anyone else's (the view answers 404)."""
    otros = aliased(CuentaContrato)
    total = select(func.count()).where(otros.cuenta_id == cuenta_id).scalar_subquery()
    fila = sesion.execute(
        select(Contrato, total)
        .join(CuentaContrato, CuentaContrato.contrato_id == Contrato.id)
        .where(CuentaContrato.cuenta_id == cuenta_id, Contrato.id == contrato_id)
    ).first()
    return None if fila is None else (fila[0], int(fila[1]))


def contratos_de_cuenta(sesion: Session, cuenta_id: int) -> list[Contrato]:
    """The account's contracts in the order they were linked, in one query."""
    consulta = (
        select(Contrato)
        .join(CuentaContrato, CuentaContrato.contrato_id == Contrato.id)
        .where(CuentaContrato.cuenta_id == cuenta_id)
        .order_by(CuentaContrato.id)
    )
    return list(sesion.scalars(consulta))


def sumar_meses(periodo: date, meses: int) -> date:
    """First day of the month `meses` months after (or before) `periodo`."""
    total = periodo.year * 12 + periodo.month - 1 + meses
    return date(total // 12, total % 12 + 1, 1)


def _m3(valor: Decimal) -> str:
    """`14 m³`, `14.5 m³`: one decimal only when the value has one."""
    redondo = valor.quantize(Decimal("0.1"), ROUND_HALF_UP)
    texto = f"{redondo:,.1f}".removesuffix(".0")
    return f"{texto} m³"


@dataclass(frozen=True)
class ConsumoMensual:
    """A billed month: what the chart draws (etiqueta, valor, nota, destacado)."""

    factura_id: int
    periodo: date
    m3: int
    es_estimada: bool
    destacado: bool = False

    @property
    def etiqueta(self) -> str:
        """`10/26`: short enough for the chart's axis."""
        return f"{self.periodo:%m/%y}"

    @property
    def valor(self) -> int:
        """The bar's height."""
        return self.m3

    @property
    def nota(self) -> str | None:
        """Estimated months say so in the chart and its table."""
        return "estimada" if self.es_estimada else None

    @property
    def mes(self) -> str:
        """`octubre de 2026`."""
        return nombre_periodo(self.periodo)


@dataclass(frozen=True)
class Comparativo:
    """The last billed month beside the same month of the year before."""

    actual: ConsumoMensual
    anterior: ConsumoMensual | None

    @property
    def mes_anterior(self) -> str:
        """The month it is compared with, even when it was not billed."""
        return nombre_periodo(sumar_meses(self.actual.periodo, -12))

    @property
    def diferencia(self) -> int | None:
        """m³ more (positive) or less (negative) than a year ago."""
        return None if self.anterior is None else self.actual.m3 - self.anterior.m3

    @property
    def porcentaje(self) -> Decimal | None:
        """The change in percent, one decimal; None when there is nothing to divide by."""
        if self.anterior is None or self.anterior.m3 == 0:
            return None
        cambio = Decimal(self.actual.m3 - self.anterior.m3) * 100 / self.anterior.m3
        return cambio.quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class AvisoAltoConsumo:
    """The last month is at least twice the average of the months before it."""

    mes: ConsumoMensual
    total_previo: int
    meses_previos: int

    @property
    def promedio(self) -> Decimal:
        """Average m³ of the previous billed months, one decimal."""
        exacto = Decimal(self.total_previo) / self.meses_previos
        return exacto.quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def texto(self) -> str:
        """The notice in plain words."""
        meses = f"{_NUMEROS[self.meses_previos]} meses anteriores"
        if self.meses_previos < MESES_PREVIOS_AVISO:
            meses += " facturados"
        if self.total_previo == 0:
            return (
                f"En los {meses} no se registró consumo y en {self.mes.mes} "
                f"se registraron {_m3(Decimal(self.mes.m3))}."
            )
        cuanto = "más del doble" if self.mes.m3 > 2 * self.promedio else "el doble"
        return (
            f"Su consumo de {self.mes.mes} ({_m3(Decimal(self.mes.m3))}) es {cuanto} de su "
            f"promedio de los {meses} ({_m3(self.promedio)})."
        )


def aviso_alto_consumo(serie: Sequence[ConsumoMensual]) -> AvisoAltoConsumo | None:
    """The rule: last month ≥ 2 × the average of the billed months among the six calendar
    months before it, with at least three of them billed and the last month ≥ 10 m³.

    A zero average therefore warns from 10 m³ on; `serie` is oldest first."""
    if not serie:
        return None
    ultimo = serie[-1]
    desde = sumar_meses(ultimo.periodo, -MESES_PREVIOS_AVISO)
    previos = [m for m in serie[:-1] if desde <= m.periodo < ultimo.periodo]
    if len(previos) < MINIMO_MESES_PREVIOS or ultimo.m3 < M3_MINIMO_AVISO:
        return None
    total = sum(m.m3 for m in previos)
    # Integers on both sides: no rounding decides whether a customer is warned.
    if ultimo.m3 * len(previos) < 2 * total:
        return None
    return AvisoAltoConsumo(ultimo, total, len(previos))


@dataclass(frozen=True)
class FilaLectura:
    """One row of *Detalle de consumo*."""

    id: int
    fecha: date
    valor: int
    consumo: int | None
    tipo: TipoLectura
    origen: OrigenLectura
    folio: str | None = None  # the case of a reading this account shared
    tiene_foto: bool = False

    @property
    def tipo_texto(self) -> str:
        """`Real` or `Estimada`."""
        return "Real" if self.tipo is TipoLectura.REAL else "Estimada"

    @property
    def origen_texto(self) -> str:
        """Who took it, as the downloads say it."""
        return "CEA" if self.origen is OrigenLectura.CEA else "Cliente"


@dataclass(frozen=True)
class ResumenConsumos:
    """Everything the *Mis Consumos* page of one contract shows."""

    serie: list[ConsumoMensual]  # oldest first, at most MESES_GRAFICA
    comparativo: Comparativo | None
    aviso: AvisoAltoConsumo | None
    lecturas: list[FilaLectura]  # newest first
    hay_mas_lecturas: bool

    @property
    def ultimo(self) -> ConsumoMensual | None:
        """The last billed month."""
        return self.serie[-1] if self.serie else None


def serie_mensual(
    sesion: Session, contrato_id: int, meses: int = MESES_GRAFICA
) -> list[ConsumoMensual]:
    """The last `meses` billed months, oldest first (the last one marked for the chart)."""
    filas = sesion.execute(
        select(Factura.id, Factura.periodo, Factura.m3, Factura.tipo_lectura)
        .where(Factura.contrato_id == contrato_id)
        .order_by(Factura.periodo.desc())
        .limit(meses)
    ).all()
    serie = [
        ConsumoMensual(f.id, f.periodo, f.m3, f.tipo_lectura is TipoLectura.ESTIMADA, i == 0)
        for i, f in enumerate(filas)
    ]
    return serie[::-1]


def comparativo_anual(serie: Sequence[ConsumoMensual]) -> Comparativo | None:
    """The last month and, when it was billed, the same month a year before."""
    if not serie:
        return None
    ultimo = serie[-1]
    hace_un_anio = sumar_meses(ultimo.periodo, -12)
    anterior = next((m for m in serie if m.periodo == hace_un_anio), None)
    return Comparativo(ultimo, anterior)


def lecturas(
    sesion: Session, contrato_id: int, cuenta_id: int, limite: int | None = None
) -> list[FilaLectura]:
    """The contract's readings, newest first; folio and photo only for this account's cases."""
    caso_propio = and_(Caso.id == Lectura.caso_id, Caso.cuenta_id == cuenta_id)
    con_foto = exists().where(Adjunto.caso_id == Caso.id, Adjunto.tipo_mime.like("image/%"))
    consulta = (
        select(
            Lectura.id,
            Lectura.fecha,
            Lectura.valor,
            Lectura.consumo,
            Lectura.tipo,
            Lectura.origen,
            Caso.folio,
            con_foto.label("tiene_foto"),
        )
        .outerjoin(Caso, caso_propio)
        .where(Lectura.contrato_id == contrato_id)
        .order_by(Lectura.fecha.desc(), Lectura.origen.desc())
    )
    if limite is not None:
        consulta = consulta.limit(limite)
    return [FilaLectura(*fila) for fila in sesion.execute(consulta)]


def resumen_consumos(sesion: Session, contrato_id: int, cuenta_id: int) -> ResumenConsumos:
    """The page of one contract (already checked to belong to the account)."""
    serie = serie_mensual(sesion, contrato_id)
    filas = lecturas(sesion, contrato_id, cuenta_id, LECTURAS_EN_PAGINA + 1)
    return ResumenConsumos(
        serie=serie,
        comparativo=comparativo_anual(serie),
        aviso=aviso_alto_consumo(serie),
        lecturas=filas[:LECTURAS_EN_PAGINA],
        hay_mas_lecturas=len(filas) > LECTURAS_EN_PAGINA,
    )
