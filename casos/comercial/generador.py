"""Demo commercial data: N contracts with 36 months of bills, readings and payments.

What it makes (Faker es_MX for names and streets, Querétaro colonias from colonias.py):
- contracts: 90 % persona física doméstica (5 % of them with one surname), 2.5 % persona física
  comercial, 7 % companies (comercial 70 % / industrial 30 %), 0.5 % público; ten-digit
  zero-padded numbers (the *Referencia*); meters "IM12345678" except in colonias without meters
  (about 3 %), which have no meter, a fixed-fee tariff (`*-CF`, billed as a fixed volume:
  15 m³ doméstico, 30 m³ comercial), bills with tipo_lectura "estimada", no dial values and no
  `lecturas` rows; status activo, suspendido (mostly old debtors) or baja (0.6 %: their bills
  stop at the baja month, all paid, so they have fewer than `meses` bills);
- bills for the `meses` months ending with the last complete month before `hoy`, issued on day
  3–7 of the next month (never after `hoy`), due 20 days later; seasonal consumption around a
  per-contract base; 8 % estimated readings (the average of the last three bills); amounts from
  generador_tarifas (IVA for non-domestic uses, recargos on overdue balances), in centavos;
- payments: one per paid bill (its date within the due period mostly, 10 % late), by the
  contract's usual channel; 10 % of contracts stopped paying 1–4 bills ago, 2 % 8–20 bills ago
  (debt older than six months, for the blocking rule), some of them with a partial payment;
- one reading per month for metered contracts (3 % of the real ones reported by the customer);
- with `con_xml`, a demo CFDI 4.0 per bill (cfdi.py), about 3 kB each;
- a version-4 UUID per bill from the seeded generator, drawn so that UUIDs grow with the bill
  id (generador_facturas.uuid_estratificado): the unique index is appended to.

It is a bulk loader, not a service: it takes the Engine and commits batch by batch itself,
because tens of millions of rows cannot be one transaction (nor one request). It assigns the
ids of contracts and bills itself, after the highest existing ones, and numbers contracts after
the highest ten-digit number on record (or from `primer_numero`), so running it again adds new
contracts; do not run two loads (or an import) against the same database at the same time.
From UMBRAL_PROCESOS contracts on, worker processes generate the batches while this process
writes them (generador_escritura explains how SQLite batches travel); the benchmark is
bench/comercial.py.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from multiprocessing.pool import AsyncResult

from sqlalchemy import Connection, Engine, func, select

from casos.bd import OPCION_ESCRITURA
from casos.comercial.generador_contratos import reservas
from casos.comercial.generador_ejemplos import ContratoEjemplo, contratos_de_ejemplo
from casos.comercial.generador_escritura import (
    Paquete,
    ajustar_secuencias,
    empaquetar,
    escribir,
    modo_carga,
    producir_paquete,
)
from casos.comercial.generador_facturas import (
    PLAZO_DIAS,
    Contexto,
    Tarea,
    calendario,
    estratos_uuid,
    generar_bloque,
    texto_instante,
)
from casos.comercial.modelos import Contrato, Factura

__all__ = ["ContratoEjemplo", "ResumenGeneracion", "contratos_de_ejemplo", "generar"]

NUMERO_INICIAL = 100_000_001
DIGITOS_NUMERO = 10
LOTE = 1000  # contracts per batch and transaction (≈ 100,000 rows)
LOTE_CON_XML = 100  # with XML a batch carries ≈ 11 MB of it
UMBRAL_PROCESOS = 20_000  # below this, generating in worker processes does not pay off

TABLAS = ("contratos", "facturas", "lecturas", "pagos", "cfdis")


@dataclass(frozen=True)
class ResumenGeneracion:
    """What a run inserted, table by table, and how fast."""

    contratos: int
    facturas: int
    lecturas: int
    pagos: int
    cfdis: int
    segundos: float
    primer_numero: str
    ultimo_numero: str
    bytes_xml: int = 0

    @property
    def filas(self) -> int:
        """Rows inserted in every table."""
        return self.contratos + self.facturas + self.lecturas + self.pagos + self.cfdis

    @property
    def filas_por_segundo(self) -> float:
        """Insertion rate over the whole run."""
        return self.filas / self.segundos if self.segundos else 0.0


def generar(
    motor: Engine,
    *,
    contratos: int,
    semilla: int = 2026,
    hoy: date,
    meses: int = 36,
    con_xml: bool = True,
    progreso: Callable[[int], None] | None = None,
    primer_numero: int | None = None,
    procesos: int | None = None,
) -> ResumenGeneracion:
    """Generate and commit `contratos` demo contracts with their history (see module doc).

    `progreso` is called after each committed batch with the number of contracts it added.
    `procesos`: worker processes generating batches while this one writes (None: automatic).
    """
    if contratos < 0 or meses < 1:
        raise ValueError("contratos debe ser ≥ 0 y meses ≥ 1")
    inicio = time.perf_counter()
    with motor.connect() as conexion, modo_carga(conexion):
        conexion.execution_options(**{OPCION_ESCRITURA: True})
        numero, contrato_id, factura_id = _siguientes(conexion, primer_numero)
        if numero + contratos > 10**DIGITOS_NUMERO:
            raise ValueError("Los números de contrato no caben en diez dígitos.")
        ctx = _contexto(conexion.dialect.name, semilla, hoy, meses, con_xml, factura_id, contratos)
        lote = LOTE_CON_XML if con_xml else LOTE
        tareas = [
            Tarea(numero + k, contrato_id + k, factura_id + k * meses, min(lote, contratos - k))
            for k in range(0, contratos, lote)
        ]
        if procesos is None:
            procesos = 0 if contratos < UMBRAL_PROCESOS else max(1, (os.cpu_count() or 1) - 1)
        conteos = _cargar(conexion, _producir(ctx, tareas, procesos, _imagen(conexion)), progreso)
        with conexion.begin():
            ajustar_secuencias(conexion)
    return ResumenGeneracion(
        **conteos,
        segundos=time.perf_counter() - inicio,
        primer_numero=f"{numero:0{DIGITOS_NUMERO}d}",
        ultimo_numero=f"{numero + contratos - 1:0{DIGITOS_NUMERO}d}",
    )


def _imagen(conexion: Connection) -> bool:
    """Whether worker processes send SQLite database images (see generador_escritura)."""
    return conexion.dialect.name == "sqlite"


def _cargar(
    conexion: Connection, paquetes: Iterator[Paquete], progreso: Callable[[int], None] | None
) -> dict[str, int]:
    """Write every batch (one transaction each); returns the rows per table and XML bytes."""
    conteos = dict.fromkeys((*TABLAS, "bytes_xml"), 0)
    for paquete in paquetes:
        escribir(conexion, paquete)
        for tabla in TABLAS:
            conteos[tabla] += paquete.conteos[tabla]
        conteos["bytes_xml"] += paquete.bytes_xml
        if progreso is not None:
            progreso(paquete.conteos["contratos"])
    return conteos


def _siguientes(conexion: Connection, primer_numero: int | None) -> tuple[int, int, int]:
    """(first contract number, first contract id, first bill id) for this run."""
    with conexion.begin():
        contrato_id = (conexion.scalar(select(func.max(Contrato.id))) or 0) + 1
        factura_id = (conexion.scalar(select(func.max(Factura.id))) or 0) + 1
        if primer_numero is None:
            numeros = conexion.scalars(
                select(Contrato.numero)
                .where(func.length(Contrato.numero) == DIGITOS_NUMERO)
                .order_by(Contrato.numero.desc())
                .limit(100)
            )
            mayor = next((int(n) for n in numeros if n.isdigit()), None)
            primer_numero = NUMERO_INICIAL if mayor is None else mayor + 1
    return primer_numero, contrato_id, factura_id


def _contexto(
    dialecto: str,
    semilla: int,
    hoy: date,
    meses: int,
    con_xml: bool,
    primera_factura: int,
    contratos: int,
) -> Contexto:
    """Everything the batches share: calendar, pools, the date/instant texts, the UUID slices."""
    meses_facturados = calendario(hoy, meses, dialecto)
    desde = min(min(m.emision) for m in meses_facturados)
    dias = [date.fromordinal(o) for o in range(desde, hoy.toordinal() + PLAZO_DIAS + 1)]
    return Contexto(
        semilla=semilla,
        hoy=hoy.toordinal(),
        meses=meses_facturados,
        reservas=reservas(semilla),
        con_xml=con_xml,
        instante=texto_instante(hoy, 6, dialecto),
        fechas={d.toordinal(): d.isoformat() for d in dias},
        instantes_pago={d.toordinal(): texto_instante(d, 18, dialecto) for d in dias},
        primera_factura=primera_factura,
        ancho_uuid=estratos_uuid(contratos * meses),
    )


def _producir(ctx: Contexto, tareas: list[Tarea], procesos: int, imagen: bool) -> Iterator[Paquete]:
    """The batches in order, generated here or by `procesos` spawned workers.

    Workers send SQLite batches as database images (see generador_escritura). At most two
    batches per worker are in flight, so memory stays flat when writing is the slower side."""
    if procesos <= 0:
        for tarea in tareas:
            yield empaquetar(generar_bloque(ctx, tarea), como_imagen=False)
        return
    restantes: Iterator[Tarea] = iter(tareas)
    with multiprocessing.get_context("spawn").Pool(procesos) as pool:
        pendientes: deque[AsyncResult[Paquete]] = deque(
            pool.apply_async(producir_paquete, (ctx, t, imagen))
            for t in islice(restantes, 2 * procesos)
        )
        while pendientes:
            paquete = pendientes.popleft().get()
            siguiente = next(restantes, None)
            if siguiente is not None:
                pendientes.append(pool.apply_async(producir_paquete, (ctx, siguiente, imagen)))
            yield paquete
