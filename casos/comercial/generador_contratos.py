"""Demo contracts: who holds them, where, which use and tariff, and how they pay.

Faker (es_MX) draws pools of names, streets and company names once per run, seeded; every
other choice comes from a `random.Random` seeded per batch. Calling Faker per contract would
cost more than generating all of a contract's 36 bills.
"""

from __future__ import annotations

import math
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from random import Random

from faker import Faker

from casos.comercial.cfdi import Receptor, receptor_de
from casos.comercial.colonias import COLONIAS

TAMANO_RESERVA = 1500

# Shares of the population (see the module docstring of generador.py).
P_DOMESTICO = 0.90  # persona física, uso doméstico
P_FISICA_COMERCIAL = 0.925  # persona física with a small shop (2.5 %)
P_EMPRESA = 0.995  # persona moral, comercial or industrial (7 %); the rest público (0.5 %)
P_UN_APELLIDO = 0.05
P_ADEUDO_ANTIGUO = 0.02
P_ADEUDO_RECIENTE = 0.12  # cumulative: 10 % recent debt
P_BAJA = 0.006
P_SUSPENDIDO = 0.003

CUMPLIDO, ADEUDO_RECIENTE, ADEUDO_ANTIGUO = 0, 1, 2
RUTAS = 5  # reading/billing routes: reading on day 21+ruta, bill issued on day 3+ruta
CANALES = ("ventanilla", "banco", "tienda", "domiciliacion", "en_linea")
_PESOS_CANAL = tuple(accumulate((18, 22, 20, 12, 28)))
_PESOS_COLONIA = tuple(accumulate(c.peso for c in COLONIAS))
PREFIJOS_MEDIDOR = ("IM", "SZ", "EL", "AC")
_PUBLICOS = ("Escuela Primaria", "Jardín de Niños", "Centro de Salud", "Unidad Deportiva")


@dataclass(frozen=True)
class Reservas:
    """Pools of Faker values drawn once per run."""

    nombres: tuple[str, ...]
    apellidos: tuple[str, ...]
    calles: tuple[str, ...]
    empresas: tuple[str, ...]


def reservas(semilla: int) -> Reservas:
    """Draw the name, street and company pools for a seed (same seed, same pools)."""
    falso = Faker("es_MX")
    falso.seed_instance(semilla)
    n = TAMANO_RESERVA
    return Reservas(
        nombres=tuple(falso.first_name() for _ in range(n)),
        apellidos=tuple(falso.last_name() for _ in range(n)),
        calles=tuple(falso.street_name() for _ in range(n)),
        empresas=tuple(falso.company() for _ in range(n // 3)),
    )


@dataclass(slots=True)
class FichaContrato:
    """What the bill generator needs to know about one contract."""

    id: int
    numero: str
    domestico: bool
    tarifa: str
    con_medidor: bool
    base_m3: float
    ruta: int
    perfil: int
    corte: int  # index of the first bill left unpaid (perfil ≠ CUMPLIDO), else facturas
    facturas: int  # bills to issue (fewer than the run's months for a contract in baja)
    canal: int
    lectura_inicial: int
    receptor: Receptor | None


def numero_medidor(azar: Random, numero: int) -> str:
    """Letter prefix + 8 digits; the digits are a bijection of the contract number (unique)."""
    return f"{azar.choice(PREFIJOS_MEDIDOR)}{numero * 48271 % 100_000_000:08d}"


def _titular(azar: Random, r: Reservas, uso: str, colonia: str) -> tuple[object, ...]:
    """(tipo_persona, nombre, apellido_paterno, apellido_materno, razon_social)."""
    if uso in ("domestico", "comercial_fisica"):
        nombre = azar.choice(r.nombres)
        if azar.random() < 0.3:
            nombre = f"{nombre} {azar.choice(r.nombres)}"
        materno = None if azar.random() < P_UN_APELLIDO else azar.choice(r.apellidos)
        return ("fisica", nombre, azar.choice(r.apellidos), materno, None)
    if uso == "publico":
        return ("moral", None, None, None, f"{azar.choice(_PUBLICOS)} {colonia}")
    return ("moral", None, None, None, azar.choice(r.empresas))


def _uso_y_base(azar: Random) -> tuple[str, str, float]:
    """(uso for the holder, uso of the contract, monthly base m³)."""
    r = azar.random()
    if r < P_DOMESTICO:
        return "domestico", "domestico", azar.lognormvariate(math.log(16), 0.45)
    if r < P_FISICA_COMERCIAL:
        return "comercial_fisica", "comercial", azar.lognormvariate(math.log(30), 0.6)
    if r < P_EMPRESA:
        if azar.random() < 0.7:
            return "comercial", "comercial", azar.lognormvariate(math.log(45), 0.7)
        return "industrial", "industrial", azar.lognormvariate(math.log(250), 0.8)
    return "publico", "publico", azar.lognormvariate(math.log(120), 0.5)


def _perfil(azar: Random, meses: int) -> tuple[int, int, int, str]:
    """(perfil, first unpaid bill index, bills issued, estatus) of a contract."""
    r = azar.random()
    if r < P_ADEUDO_ANTIGUO:
        corte = max(0, meses - azar.randint(8, 20))
        estatus = "suspendido" if azar.random() < 0.6 else "activo"
        return ADEUDO_ANTIGUO, corte, meses, estatus
    if r < P_ADEUDO_RECIENTE:
        return ADEUDO_RECIENTE, max(0, meses - azar.randint(1, 4)), meses, "activo"
    if r < P_ADEUDO_RECIENTE + P_BAJA and meses > 6:
        facturas = azar.randint(6, meses - 1)
        return CUMPLIDO, facturas, facturas, "baja"
    estatus = "suspendido" if r > 1 - P_SUSPENDIDO else "activo"
    return CUMPLIDO, meses, meses, estatus


def nuevo_contrato(
    azar: Random, r: Reservas, cid: int, numero: int, meses: int, instante: str, con_xml: bool
) -> tuple[tuple[object, ...], FichaContrato]:
    """One contract: its `contratos` row and the parameters of its bills."""
    colonia = COLONIAS[bisect(_PESOS_COLONIA, azar.random() * _PESOS_COLONIA[-1])]
    titular, uso, base = _uso_y_base(azar)
    con_medidor = colonia.con_medidor
    if not con_medidor and uso in ("industrial", "publico"):
        uso = "comercial"
    prefijo = {"domestico": "DOM", "comercial": "COM", "industrial": "IND", "publico": "PUB"}[uso]
    tarifa = f"{prefijo}-{'M' if con_medidor else 'CF'}"
    tipo, nombre, paterno, materno, razon = _titular(azar, r, titular, colonia.nombre)
    perfil, corte, facturas, estatus = _perfil(azar, meses)
    texto = f"{numero:010d}"
    interior = f" Int. {azar.randint(1, 12)}" if azar.random() < 0.08 else ""
    direccion = f"{azar.choice(r.calles)} {azar.randint(1, 999)}{interior}"
    medidor = numero_medidor(azar, numero) if con_medidor else None
    fila = (cid, texto, tipo, nombre, paterno, materno, razon, direccion, colonia.nombre)
    fila += (colonia.municipio, colonia.codigo_postal, uso, tarifa, medidor, estatus, instante)
    canal = bisect(_PESOS_CANAL, azar.random() * _PESOS_CANAL[-1])
    receptor = None
    if con_xml:
        receptor = receptor_de(str(tipo), uso, razon, texto, colonia.codigo_postal)  # type: ignore[arg-type]
    ficha = FichaContrato(
        cid, texto, uso == "domestico", tarifa, con_medidor, base, azar.randrange(RUTAS),
        perfil, corte, facturas, canal, azar.randint(0, 3000), receptor,
    )  # fmt: skip
    return fila, ficha
