"""*Mis Consumos* read side: the series, the yearly comparison, the high-consumption rule at its
edges, the readings list and the CSV / XLSX downloads read back."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy.orm import Session

from casos.adjuntos import ArchivoLimpio, guardar_adjunto
from casos.comercial.consumos import (
    LECTURAS_EN_PAGINA,
    ConsumoMensual,
    aviso_alto_consumo,
    comparativo_anual,
    contrato_de_cuenta,
    contratos_de_cuenta,
    lecturas,
    resumen_consumos,
    sumar_meses,
)
from casos.comercial.consumos_exportar import ENCABEZADOS, exportar_csv, exportar_xlsx
from casos.comercial.modelos import Lectura, OrigenLectura, TipoLectura
from casos.registro import DatosCaso, registrar_caso
from tests.casos.cuentas import fabricas_cuenta as f
from tests.soporte.clientes import cliente_con_historial

OCTUBRE = date(2026, 10, 1)


def _serie(*m3: int, ultimo: date = OCTUBRE, estimadas: tuple[int, ...] = ()) -> list:
    """Consecutive months ending in `ultimo`, oldest first."""
    inicio = sumar_meses(ultimo, -(len(m3) - 1))
    return [
        ConsumoMensual(i + 1, sumar_meses(inicio, i), valor, i in estimadas)
        for i, valor in enumerate(m3)
    ]


# --- the high-consumption rule ---------------------------------------------------------------


@pytest.mark.parametrize("previos", [0, 1, 2])
def test_sin_tres_meses_previos_no_hay_aviso(previos: int) -> None:
    assert aviso_alto_consumo(_serie(*([5] * previos), 90)) is None


def test_sin_facturas_no_hay_aviso() -> None:
    assert aviso_alto_consumo([]) is None


@pytest.mark.parametrize("previos", [3, 4, 5, 6])
def test_con_tres_a_seis_meses_promedia_los_que_hay(previos: int) -> None:
    aviso = aviso_alto_consumo(_serie(*([10] * previos), 20))
    assert aviso is not None
    assert aviso.meses_previos == previos and aviso.promedio == Decimal("10.0")


def test_el_ejemplo_del_aviso_en_palabras() -> None:
    aviso = aviso_alto_consumo(_serie(14, 13, 15, 14, 14, 14, 34))
    assert aviso is not None
    assert aviso.texto == (
        "Su consumo de octubre de 2026 (34 m³) es más del doble de su promedio de los seis "
        "meses anteriores (14 m³)."
    )


def test_justo_el_doble_avisa_y_lo_dice_asi() -> None:
    aviso = aviso_alto_consumo(_serie(14, 14, 14, 14, 14, 14, 28))
    assert aviso is not None and "es el doble de su promedio" in aviso.texto


def test_un_metro_menos_del_doble_no_avisa() -> None:
    assert aviso_alto_consumo(_serie(14, 14, 14, 14, 14, 14, 27)) is None


def test_el_promedio_no_se_redondea_para_decidir() -> None:
    # 85 / 6 = 14.17: 28 m³ is less than double (28.33) although double "14" would be 28.
    assert aviso_alto_consumo(_serie(14, 14, 14, 14, 14, 15, 28)) is None
    aviso = aviso_alto_consumo(_serie(14, 14, 14, 15, 29))
    assert aviso is not None and aviso.promedio == Decimal("14.3")
    assert "(14.3 m³)" in aviso.texto and "cuatro meses anteriores facturados" in aviso.texto


def test_promedio_cero_avisa_desde_diez_m3() -> None:
    assert aviso_alto_consumo(_serie(0, 0, 0, 0, 0, 0, 9)) is None
    aviso = aviso_alto_consumo(_serie(0, 0, 0, 0, 0, 0, 10))
    assert aviso is not None
    assert aviso.texto == (
        "En los seis meses anteriores no se registró consumo y en octubre de 2026 se "
        "registraron 10 m³."
    )


def test_consumos_pequenos_no_avisan_aunque_se_dupliquen() -> None:
    assert aviso_alto_consumo(_serie(2, 2, 2, 2, 2, 2, 9)) is None


def test_solo_cuentan_los_seis_meses_de_calendario_anteriores() -> None:
    # The 100 m³ month is seven months back: outside the window, so the average is 10.
    serie = _serie(100, 10, 10, 10, 10, 10, 10, 20)
    assert aviso_alto_consumo(serie) is not None
    # Gaps: only April, May and September billed among the six months before October (April to
    # September); March is seven months back and does not count.
    con_hueco = [
        ConsumoMensual(1, date(2026, 4, 1), 10, False),
        ConsumoMensual(2, date(2026, 5, 1), 10, False),
        ConsumoMensual(3, date(2026, 9, 1), 10, False),
        ConsumoMensual(4, OCTUBRE, 25, False),
    ]
    aviso = aviso_alto_consumo(con_hueco)
    assert aviso is not None and aviso.meses_previos == 3
    con_hueco[0] = ConsumoMensual(1, date(2026, 3, 1), 10, False)
    assert aviso_alto_consumo(con_hueco) is None


# --- comparison with the same month a year before -------------------------------------------


def test_comparativo_con_el_mismo_mes_del_anio_anterior() -> None:
    serie = _serie(*range(10, 23), 20)  # 14 months: October 2025 had 11 m³
    comparativo = comparativo_anual(serie)
    assert comparativo is not None and comparativo.anterior is not None
    assert comparativo.anterior.periodo == date(2025, 10, 1)
    assert comparativo.diferencia == 9
    assert comparativo.porcentaje == Decimal("81.8")


def test_comparativo_sin_mes_anterior_o_con_cero() -> None:
    corto = comparativo_anual(_serie(10, 12))
    assert corto is not None and corto.anterior is None
    assert corto.diferencia is None and corto.porcentaje is None
    cero = comparativo_anual(_serie(0, *([5] * 11), 7))
    assert cero is not None and cero.diferencia == 7 and cero.porcentaje is None
    assert comparativo_anual([]) is None


# --- from the database -----------------------------------------------------------------------


def test_resumen_de_la_pagina(sesion: Session) -> None:
    consumos = [12] * 29 + [34]
    historial = cliente_con_historial(sesion, meses=30, consumos=consumos)
    historial.facturas[-2].tipo_lectura = TipoLectura.ESTIMADA
    sesion.flush()

    resumen = resumen_consumos(sesion, historial.contrato.id, historial.cuenta.id)

    assert len(resumen.serie) == 24
    assert resumen.serie[0].periodo == date(2024, 11, 1)
    assert resumen.ultimo is not None and resumen.ultimo.m3 == 34 and resumen.ultimo.destacado
    assert resumen.ultimo.factura_id == historial.facturas[-1].id
    assert resumen.serie[-2].nota == "estimada" and resumen.serie[-3].nota is None
    assert resumen.aviso is not None and resumen.aviso.promedio == Decimal("12.0")
    assert resumen.comparativo is not None and resumen.comparativo.diferencia == 22
    assert [x.fecha for x in resumen.lecturas] == sorted(
        (x.fecha for x in historial.lecturas), reverse=True
    )
    assert resumen.lecturas[0].consumo == 34 and not resumen.hay_mas_lecturas


def test_pagina_limita_las_lecturas_y_la_descarga_no(sesion: Session) -> None:
    historial = cliente_con_historial(sesion, meses=LECTURAS_EN_PAGINA + 2)
    resumen = resumen_consumos(sesion, historial.contrato.id, historial.cuenta.id)
    assert len(resumen.lecturas) == LECTURAS_EN_PAGINA and resumen.hay_mas_lecturas
    todas = lecturas(sesion, historial.contrato.id, historial.cuenta.id)
    assert len(todas) == LECTURAS_EN_PAGINA + 2


def test_contrato_nuevo_sin_facturas(sesion: Session) -> None:
    contrato = f.contrato(sesion)
    cuenta = f.cuenta(sesion, contrato)
    resumen = resumen_consumos(sesion, contrato.id, cuenta.id)
    assert resumen.serie == [] and resumen.ultimo is None
    assert resumen.comparativo is None and resumen.aviso is None and resumen.lecturas == []


def test_contrato_solo_a_traves_de_la_cuenta(sesion: Session) -> None:
    mio = cliente_con_historial(sesion, meses=2)
    otro = cliente_con_historial(sesion, meses=2)
    encontrado = contrato_de_cuenta(sesion, mio.cuenta.id, mio.contrato.id)
    assert encontrado == (mio.contrato, 1)
    assert contrato_de_cuenta(sesion, mio.cuenta.id, otro.contrato.id) is None
    assert contratos_de_cuenta(sesion, mio.cuenta.id) == [mio.contrato]


def test_folio_y_foto_solo_de_los_casos_de_la_cuenta(
    sesion: Session, ahora: datetime, tmp_path: object
) -> None:
    historial = cliente_con_historial(sesion, meses=3)
    cuenta = historial.cuenta
    propio = _caso_lectura(sesion, ahora, historial.contrato.numero, cuenta.id)
    ajeno = _caso_lectura(sesion, ahora, historial.contrato.numero, None)
    foto = ArchivoLimpio("medidor.png", "image/png", b"\x89PNG")
    guardar_adjunto(sesion, tmp_path, propio.id, foto, ahora)  # type: ignore[arg-type]
    for dia, caso in ((date(2026, 11, 10), propio), (date(2026, 11, 12), ajeno)):
        sesion.add(_lectura_cliente(historial.contrato.id, dia, caso.id))
    sesion.flush()

    filas = lecturas(sesion, historial.contrato.id, cuenta.id)

    assert (filas[0].fecha, filas[0].folio, filas[0].tiene_foto) == (
        date(2026, 11, 12),
        None,
        False,
    )
    assert (filas[1].folio, filas[1].tiene_foto) == (propio.folio, True)
    assert filas[1].origen_texto == "Cliente" and filas[2].origen_texto == "CEA"


def _caso_lectura(sesion: Session, ahora: datetime, numero: str, cuenta_id: int | None):
    datos = DatosCaso(
        tipo="compartenos_lectura",
        solicitante_email="cliente@correo.mx",
        contrato=numero,
        campos={"lectura": "2000", "fecha_lectura": "2026-11-10"},
        cuenta_id=cuenta_id,
    )
    return registrar_caso(sesion, datos, f.actor_de(f.cuenta(sesion)), ahora)


def _lectura_cliente(contrato_id: int, dia: date, caso_id: int) -> Lectura:
    return Lectura(
        contrato_id=contrato_id,
        fecha=dia,
        valor=2000,
        consumo=None,
        tipo=TipoLectura.REAL,
        origen=OrigenLectura.CLIENTE,
        registrada_en=datetime(2026, 11, 12, tzinfo=UTC),
        caso_id=caso_id,
    )


# --- downloads -------------------------------------------------------------------------------


@pytest.fixture
def datos_exportar(sesion: Session) -> tuple[list, list]:
    historial = cliente_con_historial(sesion, meses=3, consumos=[11, 12, 13])
    historial.lecturas[0].tipo = TipoLectura.ESTIMADA
    historial.lecturas[0].consumo = None
    sesion.flush()
    filas = lecturas(sesion, historial.contrato.id, historial.cuenta.id)
    return filas, resumen_consumos(sesion, historial.contrato.id, historial.cuenta.id).serie


def test_csv_con_bom_comas_y_fechas_dd_mm_aaaa(datos_exportar: tuple[list, list]) -> None:
    filas, _ = datos_exportar
    contenido = exportar_csv(filas)
    assert contenido.startswith(b"\xef\xbb\xbf")
    lineas = list(csv.reader(io.StringIO(contenido.decode("utf-8-sig"))))
    assert tuple(lineas[0]) == ENCABEZADOS and "Lectura del medidor (m³)" in lineas[0]
    assert lineas[1] == ["28/10/2026", "1036", "13", "Real", "CEA"]
    assert lineas[3] == ["28/08/2026", "1011", "", "Estimada", "CEA"]
    assert len(lineas) == 4
    assert b"\r\n" in contenido


def test_xlsx_con_fechas_y_numeros_de_verdad(datos_exportar: tuple[list, list]) -> None:
    filas, serie = datos_exportar
    libro = openpyxl.load_workbook(io.BytesIO(exportar_xlsx(filas, serie)))
    assert libro.sheetnames == ["Lecturas", "Consumo por mes"]
    hoja = libro["Lecturas"]
    assert [c.value for c in hoja[1]] == list(ENCABEZADOS) and hoja["A1"].font.b
    assert hoja.freeze_panes == "A2"
    fecha = hoja["A2"]
    assert fecha.value == datetime(2026, 10, 28) and fecha.number_format == "DD/MM/YYYY"
    assert hoja["B2"].value == 1036 and isinstance(hoja["B2"].value, int)
    assert hoja["C4"].value is None and hoja["D4"].value == "Estimada"
    meses = libro["Consumo por mes"]
    assert [c.value for c in meses[2]] == [datetime(2026, 8, 1), 11, "Real"]
    assert meses["A2"].number_format == "MM/YYYY" and meses.max_row == 4
