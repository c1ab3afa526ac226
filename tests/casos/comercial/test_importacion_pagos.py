"""Payments: applied to their bill's balance the first time only; rejects when the bill is wrong."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.comercial.importacion import importar
from casos.comercial.modelos import EstatusFactura, Pago
from tests.casos.comercial.test_importacion import (
    cuantos,
    ejemplo,
    escribir,
    factura,
    importar_ejemplos,
    leer_rechazos,
)

ENCABEZADO = "referencia,fecha,importe,canal,referencia_pago,periodo_factura,uuid_cfdi"
OCTUBRE = date(2026, 10, 1)


def _pagos(sesion: Session, ahora: datetime, carpeta: Path, *filas: str, **opciones: object):
    ruta = escribir(carpeta, "p.csv", [ENCABEZADO, *filas])
    return importar(sesion, "pagos", ruta, ahora=ahora, **opciones)  # type: ignore[arg-type]


def _saldo(sesion: Session, numero: str, periodo: date = OCTUBRE) -> tuple[Decimal, str]:
    encontrada = factura(sesion, numero, periodo)
    sesion.refresh(encontrada)
    return encontrada.saldo, encontrada.estatus.value


def test_los_pagos_de_ejemplo_se_aplican_una_sola_vez(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    resumen = importar_ejemplos(sesion, ahora, tmp_path)["pagos"]
    assert resumen.pagos_aplicados == 3
    assert _saldo(sesion, "1000012345") == (Decimal("0.00"), "pagada")  # by period, in full
    assert _saldo(sesion, "1000012346") == (Decimal("33.00"), "pendiente")  # partial
    assert _saldo(sesion, "1000012347") == (Decimal("0.00"), "pagada")  # by UUID
    assert _saldo(sesion, "1000012349") == (Decimal("3260.63"), "pendiente")  # not paid
    sin_factura = sesion.scalar(select(Pago).where(Pago.referencia == "VEN-JURICA-10233"))
    assert sin_factura is not None and sin_factura.factura_id is None
    otra_vez = importar(sesion, "pagos", tmp_path / "pagos.csv", ahora=ahora)
    assert (otra_vez.sin_cambios, otra_vez.pagos_aplicados) == (6, 0)
    assert _saldo(sesion, "1000012346") == (Decimal("33.00"), "pendiente")
    assert cuantos(sesion, Pago) == 6


def test_el_saldo_no_baja_de_cero_y_varios_pagos_en_un_lote(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos", "facturas")
    resumen = _pagos(
        sesion,
        ahora,
        tmp_path,
        "1000012348,20/11/2026,100.00,oxxo,OXXO-1,2026-10,",
        "1000012348,21/11/2026,150.00,oxxo,OXXO-2,2026-10,",
        "1000012348,22/11/2026,10.00,oxxo,OXXO-3,2026-10,",  # the bill is already paid
    )
    assert (resumen.insertadas, resumen.pagos_aplicados) == (3, 2)
    assert _saldo(sesion, "1000012348") == (Decimal("0.00"), "pagada")


def test_el_saldo_lo_manda_facturas_csv(sesion: Session, ahora: datetime, tmp_path: Path) -> None:
    importar_ejemplos(sesion, ahora, tmp_path)
    assert _saldo(sesion, "1000012346") == (Decimal("33.00"), "pendiente")
    importar(sesion, "facturas", tmp_path / "facturas.csv", ahora=ahora)
    assert _saldo(sesion, "1000012346") == (Decimal("133.00"), "pendiente")
    importar(sesion, "pagos", tmp_path / "pagos.csv", ahora=ahora)
    assert _saldo(sesion, "1000012346") == (Decimal("133.00"), "pendiente")


def test_sin_aplicar_pagos_solo_los_registra(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos", "facturas")
    ruta = ejemplo(tmp_path, "pagos.csv")
    resumen = importar(sesion, "pagos", ruta, ahora=ahora, aplicar_pagos=False)
    assert (resumen.insertadas, resumen.pagos_aplicados) == (6, 0)
    assert _saldo(sesion, "1000012345") == (Decimal("375.25"), "pendiente")


def test_un_pago_corregido_se_actualiza_sin_volver_a_aplicarse(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos", "facturas")
    _pagos(sesion, ahora, tmp_path, "1000012349,20/11/2026,1000.00,banco,B-1,2026-10,")
    assert _saldo(sesion, "1000012349") == (Decimal("2260.63"), "pendiente")
    resumen = _pagos(sesion, ahora, tmp_path, "1000012349,20/11/2026,1500.00,banco,B-1,2026-10,")
    assert (resumen.actualizadas, resumen.pagos_aplicados) == (1, 0)
    assert _saldo(sesion, "1000012349") == (Decimal("2260.63"), "pendiente")
    pago = sesion.scalar(select(Pago).where(Pago.referencia == "B-1"))
    assert pago is not None
    sesion.refresh(pago)
    assert pago.importe == Decimal("1500.00")


def test_periodo_y_uuid_deben_ser_de_la_misma_factura(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos", "facturas")
    uuid_agosto = "30ABE512-B6D1-5F18-8BFC-F00F36124F16"
    resumen = _pagos(
        sesion,
        ahora,
        tmp_path,
        f"1000012345,20/11/2026,10.00,banco,B-1,2026-10,{uuid_agosto}",
        f"1000012345,20/11/2026,10.00,banco,B-2,2026-08,{uuid_agosto.lower()}",
    )
    assert (resumen.insertadas, resumen.rechazadas) == (1, 1)
    assert resumen.archivo_rechazos is not None
    assert leer_rechazos(resumen.archivo_rechazos) == {
        2: ("uuid_cfdi", "uuid_cfdi: Ese UUID es de la factura 2026-08, no de la 2026-10.")
    }


def test_reporte_de_pagos_rechazados(sesion: Session, ahora: datetime, tmp_path: Path) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos", "facturas")
    ruta = ejemplo(tmp_path, "pagos_con_errores.csv")
    resumen = importar(sesion, "pagos", ruta, ahora=ahora)
    assert (resumen.leidas, resumen.insertadas, resumen.rechazadas) == (10, 1, 9)
    assert resumen.pagos_aplicados == 1
    assert _saldo(sesion, "1000012349") == (Decimal("0.00"), EstatusFactura.PAGADA.value)
    assert resumen.archivo_rechazos is not None
    rechazos = leer_rechazos(resumen.archivo_rechazos)
    assert {linea: c for linea, (c, _) in rechazos.items()} == {
        3: "importe",
        4: "importe",
        5: "periodo_factura",
        6: "uuid_cfdi",
        7: "uuid_cfdi",
        8: "referencia",
        9: "canal, referencia_pago",
        10: "fecha",
        11: "canal",
    }
    assert rechazos[5][1] == (
        "periodo_factura: El contrato 1000012346 no tiene factura del periodo 2025-01."
    )
    assert (
        rechazos[6][1]
        == "uuid_cfdi: Ese UUID es de una factura de otro contrato, no del 1000012346."
    )
    assert rechazos[7][1] == "uuid_cfdi: No hay ninguna factura con ese UUID."
    assert rechazos[9][1].endswith("Repite la clave de la línea 2 (se conservó la primera).")
