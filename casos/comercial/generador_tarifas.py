"""A plausible, CEA-like tariff for the demo bills, in whole centavos.

Demo figures, not the utility's published tariff. Metered contracts pay a minimum charge for
the first 10 m³ and then a price per m³ that rises by consumption block; contracts in colonias
without meters pay a fixed fee, billed as a fixed volume of their use's tariff. Sewerage
(alcantarillado) and sanitation (saneamiento) are a percentage of the water charge. IVA (16 %)
applies to non-domestic uses only (domestic water is taxed at 0 %), per concept, on water,
alcantarillado, saneamiento and otros — never on recargos. Overdue balances bear a monthly
surcharge. Every amount is rounded half up to the centavo, concept by concept, so the bill's
total is exactly the sum of its concepts.

`tabla(codigo)` precomputes the concepts for every volume up to `TOPE_TABLA` m³: the generator
reads four list items per bill instead of walking the blocks 18 million times.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from casos.comercial.modelos import UsoContrato

M3_MINIMO = 10
PORCENTAJE_ALCANTARILLADO = 10
PORCENTAJE_SANEAMIENTO = 15
PORCENTAJE_IVA = 16
RECARGO_MENSUAL_DIEZMILESIMOS = 147  # 1.47 % of the overdue balance per bill
TOPE_TABLA = 4000


@dataclass(frozen=True)
class TarifaDemo:
    """One tariff: minimum charge, price per m³ by block, fixed volume if it is a fixed fee."""

    codigo: str
    uso: UsoContrato
    cuota_minima: int  # centavos for the first M3_MINIMO m³
    bloques: tuple[tuple[int | None, int], ...]  # (up to m³ inclusive or None, centavos/m³)
    m3_cuota_fija: int | None = None  # fixed-fee tariffs bill this volume every month

    @property
    def causa_iva(self) -> bool:
        """Whether IVA at 16 % applies (non-domestic uses)."""
        return self.uso is not UsoContrato.DOMESTICO


_DOMESTICO = ((20, 1240), (30, 1580), (50, 2260), (75, 3120), (None, 4290))
_COMERCIAL = ((30, 2450), (60, 2980), (100, 3540), (None, 4160))

TARIFAS: dict[str, TarifaDemo] = {
    t.codigo: t
    for t in (
        TarifaDemo("DOM-M", UsoContrato.DOMESTICO, 9850, _DOMESTICO),
        TarifaDemo("DOM-CF", UsoContrato.DOMESTICO, 9850, _DOMESTICO, m3_cuota_fija=15),
        TarifaDemo("COM-M", UsoContrato.COMERCIAL, 21500, _COMERCIAL),
        TarifaDemo("COM-CF", UsoContrato.COMERCIAL, 21500, _COMERCIAL, m3_cuota_fija=30),
        TarifaDemo(
            "IND-M", UsoContrato.INDUSTRIAL, 48000, ((100, 3390), (500, 3970), (None, 4620))
        ),
        TarifaDemo("PUB-M", UsoContrato.PUBLICO, 15000, ((None, 1850),)),
    )
}


def porcentaje(centavos: int, por_ciento: int) -> int:
    """A whole percentage of an amount, rounded half up to the centavo."""
    return (centavos * por_ciento + 50) // 100


def iva_de(centavos: int) -> int:
    """IVA at 16 % of one concept, rounded half up (the CFDI computes it the same way)."""
    return porcentaje(centavos, PORCENTAJE_IVA)


def recargo_de(saldo_vencido: int) -> int:
    """Monthly surcharge on an overdue balance."""
    return (saldo_vencido * RECARGO_MENSUAL_DIEZMILESIMOS + 5000) // 10000


def agua_de(tarifa: TarifaDemo, m3: int) -> int:
    """Water charge for a month's volume: minimum charge plus the blocks above it."""
    importe, desde = tarifa.cuota_minima, M3_MINIMO
    for hasta, precio in tarifa.bloques:
        if m3 <= desde:
            break
        tramo = m3 - desde if hasta is None else min(m3, hasta) - desde
        importe += tramo * precio
        desde = hasta if hasta is not None else m3
    return importe


def conceptos_de(tarifa: TarifaDemo, m3: int) -> tuple[int, int, int, int]:
    """(agua, alcantarillado, saneamiento, iva) in centavos for a month's volume."""
    agua = agua_de(tarifa, m3)
    alcantarillado = porcentaje(agua, PORCENTAJE_ALCANTARILLADO)
    saneamiento = porcentaje(agua, PORCENTAJE_SANEAMIENTO)
    iva = 0
    if tarifa.causa_iva:
        iva = iva_de(agua) + iva_de(alcantarillado) + iva_de(saneamiento)
    return agua, alcantarillado, saneamiento, iva


@dataclass(frozen=True)
class TablaTarifa:
    """The concepts of one tariff precomputed for 0..TOPE_TABLA-1 m³ (one list per concept)."""

    tarifa: TarifaDemo
    agua: list[int]
    alcantarillado: list[int]
    saneamiento: list[int]
    iva: list[int]


@cache
def tabla(codigo: str) -> TablaTarifa:
    """The precomputed table of a tariff (built once per process)."""
    tarifa = TARIFAS[codigo]
    filas = [conceptos_de(tarifa, m3) for m3 in range(TOPE_TABLA)]
    agua, alcantarillado, saneamiento, iva = (list(columna) for columna in zip(*filas, strict=True))
    return TablaTarifa(tarifa, agua, alcantarillado, saneamiento, iva)
