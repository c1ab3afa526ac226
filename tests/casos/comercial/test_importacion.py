"""Import of the documented CSV files: samples, idempotency, rejects report, file quirks."""

from __future__ import annotations

import csv
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casos.comercial.importacion import Importacion, ResumenImportacion, contar_filas, importar
from casos.comercial.importacion_bd import por_claves
from casos.comercial.modelos import Contrato, Factura, Lectura, Pago
from casos.errores import DatosInvalidos

EJEMPLOS = Path(__file__).resolve().parents[3] / "docs" / "ejemplos"
TIPOS = ("contratos", "facturas", "lecturas", "pagos")
ENCABEZADO_CONTRATOS = (
    "referencia,tipo_persona,nombre,apellido_paterno,apellido_materno,razon_social,direccion,"
    "colonia,municipio,codigo_postal,uso,tarifa,numero_medidor,estatus"
)
CONTRATO_ANA = "2000000001,fisica,Ana,López,Vega,,Calle Morelos 10,Centro,Querétaro,76000,"
CONTRATO_ANA += "domestico,DOM-M,CEA60000001,activo"


# --- helpers shared by the other test_importacion_* modules ----------------------------------


def ejemplo(carpeta: Path, nombre: str) -> Path:
    """A copy of a documented sample (so reports are never written into docs/)."""
    destino = carpeta / nombre
    if (EJEMPLOS / nombre).is_dir():
        shutil.copytree(EJEMPLOS / nombre, destino, dirs_exist_ok=True)
    else:
        shutil.copyfile(EJEMPLOS / nombre, destino)
    return destino


def escribir(carpeta: Path, nombre: str, lineas: list[str], codificacion: str = "utf-8") -> Path:
    """A CSV file from its lines."""
    ruta = carpeta / nombre
    ruta.write_bytes(("\n".join(lineas) + "\n").encode(codificacion))
    return ruta


def importar_ejemplos(
    sesion: Session, ahora: datetime, carpeta: Path, *tipos: str
) -> dict[str, ResumenImportacion]:
    """Import the clean samples in order (contracts first)."""
    resumenes = {}
    for tipo in tipos or TIPOS:
        opciones = {"carpeta_xml": ejemplo(carpeta, "cfdi")} if tipo == "facturas" else {}
        ruta = ejemplo(carpeta, f"{tipo}.csv")
        resumenes[tipo] = importar(sesion, tipo, ruta, ahora=ahora, **opciones)
    return resumenes


def leer_rechazos(ruta: Path) -> dict[int, tuple[str, str]]:
    """The rejects report as {line: (columns, reason)}."""
    with ruta.open(encoding="utf-8-sig", newline="") as archivo:
        return {int(f["linea"]): (f["columna"], f["motivo"]) for f in csv.DictReader(archivo)}


def cuantos(sesion: Session, modelo: type) -> int:
    """Rows of a table."""
    return int(sesion.scalar(select(func.count()).select_from(modelo)) or 0)


def factura(sesion: Session, numero: str, periodo: date) -> Factura:
    """A bill by contract number and period."""
    encontrada = sesion.scalar(
        select(Factura).join(Contrato).where(Contrato.numero == numero, Factura.periodo == periodo)
    )
    assert encontrada is not None
    return encontrada


# --- the clean samples ---------------------------------------------------------------------


def test_los_ejemplos_se_importan_sin_rechazos(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    resumenes = importar_ejemplos(sesion, ahora, tmp_path)
    conteos = {t: (r.leidas, r.insertadas, r.rechazadas) for t, r in resumenes.items()}
    assert conteos == {
        "contratos": (6, 6, 0),
        "facturas": (18, 18, 0),
        "lecturas": (12, 12, 0),
        "pagos": (6, 6, 0),
    }
    assert resumenes["facturas"].xml_guardados == 2
    assert all(r.archivo_rechazos is None for r in resumenes.values())
    assert not list(tmp_path.glob("*.rechazos.csv"))
    empresa = sesion.scalar(select(Contrato).where(Contrato.numero == "1000012347"))
    assert empresa is not None
    assert empresa.titular == "Abarrotes La Esperanza, S.A. de C.V."
    assert empresa.direccion == "Blvd. Bernardo Quintana 4100, local 3"
    sin_medidor = sesion.scalar(select(Contrato).where(Contrato.numero == "1000012348"))
    assert sin_medidor is not None and sin_medidor.numero_medidor is None
    un_apellido = sesion.scalar(select(Contrato).where(Contrato.numero == "1000012346"))
    assert un_apellido is not None and un_apellido.apellido_materno is None
    assert un_apellido.actualizado_en == ahora


def test_los_contratos_afectados_son_los_de_facturas_y_pagos_cambiados(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    resumenes = importar_ejemplos(sesion, ahora, tmp_path)
    ids = {n: i for n, i in sesion.execute(select(Contrato.numero, Contrato.id))}
    assert resumenes["contratos"].contratos_afectados == set()
    assert resumenes["facturas"].contratos_afectados == {
        ids[n] for n in ids if n.startswith("100001234") or n == "1000012350"
    }
    pagadores = {"1000012345", "1000012346", "1000012347", "1000012350"}
    assert resumenes["pagos"].contratos_afectados == {ids[n] for n in pagadores}


def test_importar_dos_veces_no_duplica_nada(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos", "facturas", "lecturas")
    antes = [cuantos(sesion, m) for m in (Contrato, Factura, Lectura)]
    segunda = importar_ejemplos(sesion, ahora, tmp_path, "contratos", "facturas", "lecturas")
    assert [cuantos(sesion, m) for m in (Contrato, Factura, Lectura)] == antes
    for tipo, resumen in segunda.items():
        assert (resumen.insertadas, resumen.actualizadas, resumen.rechazadas) == (0, 0, 0), tipo
        assert resumen.sin_cambios == resumen.leidas
        assert resumen.contratos_afectados == set()


def test_un_campo_cambiado_se_actualiza(sesion: Session, ahora: datetime, tmp_path: Path) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos")
    ruta = tmp_path / "contratos.csv"
    texto = ruta.read_text(encoding="utf-8").replace("Calle Hidalgo 48", "Calle Hidalgo 50")
    ruta.write_text(texto, encoding="utf-8")
    resumen = importar(sesion, "contratos", ruta, ahora=ahora)
    assert (resumen.insertadas, resumen.actualizadas, resumen.sin_cambios) == (0, 1, 5)
    contrato = sesion.scalar(select(Contrato).where(Contrato.numero == "1000012346"))
    assert contrato is not None and contrato.direccion == "Calle Hidalgo 50"
    assert cuantos(sesion, Contrato) == 6


def test_una_factura_cambiada_se_actualiza_y_afecta_su_contrato(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos", "facturas")
    ruta = tmp_path / "facturas.csv"
    lineas = ruta.read_text(encoding="utf-8").splitlines()
    # 1000012350, 2026-05: the debtor pays it (saldo 0, pagada).
    lineas[-1] = lineas[-1].replace("446.14,446.14,vencida", "446.14,0.00,pagada")
    ruta.write_text("\n".join(lineas) + "\n", encoding="utf-8")
    resumen = importar(sesion, "facturas", ruta, ahora=ahora)
    assert (resumen.insertadas, resumen.actualizadas, resumen.sin_cambios) == (0, 1, 17)
    pagada = factura(sesion, "1000012350", date(2026, 5, 1))
    sesion.refresh(pagada)
    assert pagada.saldo == Decimal("0.00")
    assert resumen.contratos_afectados == {pagada.contrato_id}


def test_lotes_pequenos_dan_el_mismo_resultado(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos")
    ruta = ejemplo(tmp_path, "facturas.csv")
    importacion = Importacion(sesion, "facturas", ruta, ahora=ahora, lote=4)
    assert list(importacion.lotes()) == [4, 4, 4, 4, 2]
    assert importacion.resumen.insertadas == 18
    assert cuantos(sesion, Factura) == 18


# --- the samples with errors -----------------------------------------------------------------


def test_reporte_de_contratos_rechazados(sesion: Session, ahora: datetime, tmp_path: Path) -> None:
    ruta = ejemplo(tmp_path, "contratos_con_errores.csv")
    resumen = importar(sesion, "contratos", ruta, ahora=ahora)
    assert (resumen.leidas, resumen.insertadas, resumen.rechazadas) == (12, 2, 10)
    assert resumen.archivo_rechazos == tmp_path / "contratos_con_errores.rechazos.csv"
    rechazos = leer_rechazos(resumen.archivo_rechazos)
    assert sorted(rechazos) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 13]
    assert rechazos[3] == (
        "apellido_paterno",
        "apellido_paterno: Es obligatorio para una persona física.",
    )
    assert rechazos[4] == ("razon_social", "razon_social: Es obligatoria para una persona moral.")
    assert rechazos[5][0] == "referencia"
    assert rechazos[6][0] == "tipo_persona"
    assert rechazos[7] == ("codigo_postal", "codigo_postal: El código postal lleva 5 dígitos.")
    assert rechazos[8][0] == "uso"
    assert rechazos[9] == (
        "referencia",
        "referencia: Repite la clave de la línea 2 (se conservó la primera).",
    )
    assert rechazos[10][0] == "numero_medidor"
    assert rechazos[11] == ("", "Tiene 9 columnas y el encabezado 14.")
    assert rechazos[13] == ("estatus", "estatus: Es obligatorio.")
    assert resumen.muestras[0].startswith("línea 3: apellido_paterno:")
    assert cuantos(sesion, Contrato) == 2


def test_el_reporte_conserva_las_columnas_originales(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    ruta = ejemplo(tmp_path, "contratos_con_errores.csv")
    destino = tmp_path / "otro" / "rechazos.csv"
    destino.parent.mkdir()
    importar(sesion, "contratos", ruta, ahora=ahora, rechazos=destino)
    with destino.open(encoding="utf-8-sig", newline="") as archivo:
        filas = list(csv.reader(archivo))
    assert filas[0] == [*ENCABEZADO_CONTRATOS.split(","), "linea", "columna", "motivo"]
    original = next(csv.reader([ruta.read_text(encoding="utf-8").splitlines()[2]]))
    assert filas[1][:14] == original
    assert destino.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the accents


def test_el_reporte_corregido_se_vuelve_a_importar(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    ruta = ejemplo(tmp_path, "contratos_con_errores.csv")
    resumen = importar(sesion, "contratos", ruta, ahora=ahora)
    assert resumen.archivo_rechazos is not None
    corregido = tmp_path / "corregido.csv"
    texto = resumen.archivo_rechazos.read_text(encoding="utf-8-sig")
    corregido.write_text(
        texto.replace("2000000002,fisica,Pedro,,", "2000000002,fisica,Pedro,Ruiz,")
    )
    segundo = importar(sesion, "contratos", corregido, ahora=ahora)
    assert segundo.columnas_ignoradas == ()
    assert segundo.insertadas == 1
    assert segundo.sin_cambios == 1  # line 9 repeated 2000000001, already imported
    assert segundo.rechazadas == 8


def test_reporte_de_facturas_rechazadas(sesion: Session, ahora: datetime, tmp_path: Path) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos", "facturas")
    ruta = ejemplo(tmp_path, "facturas_con_errores.csv")
    resumen = importar(sesion, "facturas", ruta, ahora=ahora)
    assert (resumen.leidas, resumen.insertadas, resumen.rechazadas) == (16, 1, 15)
    assert resumen.archivo_rechazos is not None
    rechazos = leer_rechazos(resumen.archivo_rechazos)
    assert list(rechazos) == list(range(3, 18))  # written in line order
    columnas = {linea: columna for linea, (columna, _) in rechazos.items()}
    assert columnas == {
        3: "total",
        4: "saldo",
        5: "estatus",
        6: "estatus",
        7: "referencia",
        8: "periodo",
        9: "emitida",
        10: "vence",
        11: "tipo_lectura",
        12: "uuid_cfdi",
        13: "referencia, periodo",
        14: "uuid_cfdi",
        15: "emitida",
        16: "agua",
        17: "agua",
    }
    assert rechazos[3][1] == "total: Los conceptos suman $177.75 pero el total es $180.00."
    assert "No existe el contrato 9999999999" in rechazos[7][1]
    assert rechazos[14][1] == (
        "uuid_cfdi: El UUID ya es de la factura 2026-08 del contrato 1000012345 (ya guardada)."
    )
    assert cuantos(sesion, Factura) == 19


def test_reporte_de_lecturas_rechazadas(sesion: Session, ahora: datetime, tmp_path: Path) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos")
    ruta = ejemplo(tmp_path, "lecturas_con_errores.csv")
    resumen = importar(sesion, "lecturas", ruta, ahora=ahora)
    assert (resumen.leidas, resumen.insertadas, resumen.rechazadas) == (7, 1, 6)
    assert resumen.archivo_rechazos is not None
    rechazos = leer_rechazos(resumen.archivo_rechazos)
    assert {linea: c for linea, (c, _) in rechazos.items()} == {
        3: "valor",
        4: "origen",
        5: "fecha",
        6: "referencia",
        7: "referencia, fecha, origen",
        8: "tipo",
    }


def test_clave_repetida_en_otro_lote_tambien_se_rechaza(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    ruta = escribir(tmp_path, "c.csv", [ENCABEZADO_CONTRATOS, CONTRATO_ANA, CONTRATO_ANA])
    resumen = importar(sesion, "contratos", ruta, ahora=ahora, lote=1)
    assert (resumen.insertadas, resumen.rechazadas) == (1, 1)
    assert resumen.archivo_rechazos is not None
    assert leer_rechazos(resumen.archivo_rechazos) == {
        3: (
            "referencia",
            "referencia: Ya apareció en una línea anterior de este archivo (se conservó la "
            "primera).",
        )
    }


# --- file quirks ---------------------------------------------------------------------------


def test_bom_punto_y_coma_encabezado_con_acentos_y_renglones_vacios(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    encabezado = ENCABEZADO_CONTRATOS.replace(",", ";").replace("razon_social", "Razón Social")
    encabezado = encabezado.replace("apellido_paterno", "Apellido Paterno")
    fila = CONTRATO_ANA.replace(",", ";")
    ruta = escribir(tmp_path, "c.csv", [encabezado, "", fila, ";;;;;;;;;;;;;"], "utf-8-sig")
    resumen = importar(sesion, "contratos", ruta, ahora=ahora)
    assert (resumen.leidas, resumen.insertadas, resumen.rechazadas) == (1, 1, 0)
    contrato = sesion.scalar(select(Contrato).where(Contrato.numero == "2000000001"))
    assert contrato is not None and contrato.apellido_paterno == "López"


def test_fechas_iso_y_dd_mm_aaaa_en_el_mismo_archivo(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos")
    ruta = escribir(
        tmp_path,
        "l.csv",
        [
            "referencia,fecha,valor,consumo,tipo,origen",
            "1000012345,2026-09-28,1879,21,real,cea",
            "1000012345,28/10/2026,1898,19,real,cea",
        ],
    )
    assert importar(sesion, "lecturas", ruta, ahora=ahora).insertadas == 2
    fechas = set(sesion.scalars(select(Lectura.fecha)))
    assert fechas == {date(2026, 9, 28), date(2026, 10, 28)}


def test_columnas_opcionales_pueden_faltar_y_las_desconocidas_se_ignoran(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos")
    ruta = escribir(
        tmp_path,
        "l.csv",
        [
            "referencia,fecha,valor,tipo,origen,observaciones",
            "1000012345,2026-09-28,1879,real,cea,ok",
        ],
    )
    resumen = importar(sesion, "lecturas", ruta, ahora=ahora)
    assert resumen.insertadas == 1
    assert resumen.columnas_ignoradas == ("observaciones",)
    assert sesion.scalar(select(Lectura.consumo)) is None


def test_archivo_que_no_es_utf8(sesion: Session, ahora: datetime, tmp_path: Path) -> None:
    ruta = escribir(tmp_path, "c.csv", [ENCABEZADO_CONTRATOS, CONTRATO_ANA], "latin-1")
    resumen = importar(sesion, "contratos", ruta, ahora=ahora)
    assert resumen.rechazadas == 1
    assert resumen.archivo_rechazos is not None
    assert "no son UTF-8" in leer_rechazos(resumen.archivo_rechazos)[2][1]


@pytest.mark.parametrize(
    ("lineas", "mensaje"),
    [
        ([], "El archivo está vacío"),
        (["referencia,fecha,valor"], "Faltan columnas en el encabezado: tipo, origen."),
        (["referencia,fecha,valor,tipo,origen,Fecha"], "La columna «fecha» aparece dos veces"),
    ],
)
def test_encabezado_invalido(
    sesion: Session, ahora: datetime, tmp_path: Path, lineas: list[str], mensaje: str
) -> None:
    ruta = escribir(tmp_path, "l.csv", lineas)
    with pytest.raises(DatosInvalidos) as error:
        importar(sesion, "lecturas", ruta, ahora=ahora)
    assert mensaje in error.value.mensaje


def test_opciones_invalidas(ahora: datetime, sesion: Session, tmp_path: Path) -> None:
    ruta = ejemplo(tmp_path, "contratos.csv")
    with pytest.raises(DatosInvalidos, match="No existe el archivo"):
        Importacion(sesion, "contratos", tmp_path / "no.csv", ahora=ahora)
    with pytest.raises(DatosInvalidos, match="solo se usa al importar facturas"):
        Importacion(sesion, "contratos", ruta, ahora=ahora, carpeta_xml=tmp_path)
    with pytest.raises(DatosInvalidos, match="no puede ser el mismo archivo"):
        Importacion(sesion, "contratos", ruta, ahora=ahora, rechazos=ruta)
    with pytest.raises(DatosInvalidos, match="al menos 1"):
        Importacion(sesion, "contratos", ruta, ahora=ahora, lote=0)


def test_contar_filas(tmp_path: Path) -> None:
    assert contar_filas(escribir(tmp_path, "a.csv", ["h", "1", "2"])) == 2
    sin_salto = tmp_path / "b.csv"
    sin_salto.write_text("h\n1\n2")
    assert contar_filas(sin_salto) == 2
    assert contar_filas(ejemplo(tmp_path, "facturas.csv")) == 18


def test_los_ejemplos_no_tienen_pagos_duplicados(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    importar_ejemplos(sesion, ahora, tmp_path)
    importar_ejemplos(sesion, ahora, tmp_path, "pagos")
    assert cuantos(sesion, Pago) == 6


def test_por_claves_devuelve_solo_las_claves_pedidas(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    importar_ejemplos(sesion, ahora, tmp_path, "contratos", "facturas")
    ids = {n: i for n, i in sesion.execute(select(Contrato.numero, Contrato.id))}
    a, b = ids["1000012345"], ids["1000012346"]
    agosto, septiembre = date(2026, 8, 1), date(2026, 9, 1)
    tabla = Factura.__table__
    columnas = [tabla.c.contrato_id, tabla.c.periodo]
    pedidas = [(a, agosto), (b, septiembre), (a, date(2020, 1, 1))]
    encontradas = por_claves(sesion, select(tabla.c.id, *columnas), columnas, pedidas)
    assert set(encontradas) == {(a, agosto), (b, septiembre)}  # not (a, sep.) nor (b, ago.)
