"""Benchmark: milliseconds to render one bill PDF (casos.comercial.pdf_factura).

    .venv/bin/python -m bench.pdf_factura [--facturas 200]

Renders in memory, no database: demo bills with their demo CFDI XML. "Primera vez" is a bill
whose SAT QR has not been encoded in this process yet (a different UUID each time); "otra vez"
is the same bill again (the QR comes from the cache, as when a customer views then downloads).
Prints the median and p95 wall time of each, the mean CPU time (what a loaded, shared machine
distorts least) and the size of the PDF.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import casos.modelos_todos  # noqa: F401
from casos.comercial.cfdi import cfdi_de_factura
from casos.comercial.modelos import (
    Contrato,
    EstatusContrato,
    EstatusFactura,
    Factura,
    TipoLectura,
    TipoPersona,
    UsoContrato,
)
from casos.comercial.pdf_factura import pdf_factura

INSTANTE = datetime(2026, 11, 1, tzinfo=UTC)


def _contrato() -> Contrato:
    return Contrato(
        id=1,
        numero="0100000001",
        tipo_persona=TipoPersona.MORAL,
        razon_social="Abarrotes La Esperanza, S.A. de C.V.",
        direccion="Av. Constituyentes 120 Pte.",
        colonia="Centro",
        municipio="Querétaro",
        codigo_postal="76000",
        uso=UsoContrato.COMERCIAL,
        tarifa="Comercial",
        numero_medidor="IM-00123456",
        estatus=EstatusContrato.ACTIVO,
        actualizado_en=INSTANTE,
    )


def _factura(contrato: Contrato) -> Factura:
    d = Decimal
    return Factura(
        id=1,
        contrato=contrato,
        contrato_id=1,
        periodo=date(2026, 10, 1),
        emitida_el=date(2026, 11, 2),
        vence_el=date(2026, 11, 22),
        lectura_anterior=10234,
        lectura_actual=10271,
        m3=37,
        tipo_lectura=TipoLectura.REAL,
        agua=d("845.20"),
        alcantarillado=d("84.52"),
        saneamiento=d("42.26"),
        recargos=d("0.00"),
        otros=d("0.00"),
        iva=d("155.66"),
        total=d("1127.64"),
        saldo=d("1127.64"),
        estatus=EstatusFactura.PENDIENTE,
        uuid_cfdi=str(uuid.uuid4()),
        actualizado_en=INSTANTE,
    )


def _medir(n: int, nueva: bool) -> tuple[list[float], float, int]:
    contrato = _contrato()
    factura = _factura(contrato)
    xml = cfdi_de_factura(factura)
    tiempos, tamano, cpu = [], 0, 0.0
    for _ in range(n):
        if nueva:
            factura.uuid_cfdi = str(uuid.uuid4())
            xml = cfdi_de_factura(factura)
        inicio, inicio_cpu = time.perf_counter(), time.process_time()
        tamano = len(pdf_factura(factura, contrato, xml))
        cpu += time.process_time() - inicio_cpu
        tiempos.append((time.perf_counter() - inicio) * 1000)
    return tiempos, cpu * 1000 / n, tamano


def _p95(tiempos: list[float]) -> float:
    return statistics.quantiles(tiempos, n=20)[-1]


def main() -> None:
    """Print ms per PDF, first time and again."""
    argumentos = argparse.ArgumentParser(description=__doc__)
    argumentos.add_argument("--facturas", type=int, default=200)
    n = argumentos.parse_args().facturas
    _medir(5, nueva=True)  # imports, font metrics: paid once per worker
    for nombre, nueva in (("primera vez", True), ("otra vez", False)):
        tiempos, cpu, tamano = _medir(n, nueva)
        print(
            f"{nombre:12} {n} PDF: mediana {statistics.median(tiempos):.1f} ms, "
            f"p95 {_p95(tiempos):.1f} ms, CPU {cpu:.1f} ms/PDF, {tamano / 1024:.1f} KiB"
        )


if __name__ == "__main__":
    main()
