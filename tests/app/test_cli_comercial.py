"""`flask comercial importar|generar`: the sample files end to end, summary and rejects file."""

from __future__ import annotations

import csv
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from app import cli_comercial
from casos.comercial.generador import ResumenGeneracion
from casos.comercial.modelos import CfdiFactura, Contrato, Factura
from casos.cuentas.modelos import Cuenta, CuentaContrato, EstadoCuenta, TipoCuenta

EJEMPLOS = Path(__file__).resolve().parents[2] / "docs" / "ejemplos"


@pytest.fixture
def correr(app: Any, bd: Any, ahora: datetime) -> Any:
    """Invoke `flask comercial …` at the tests' fixed instant, over the rolled-back session."""
    if "comercial" not in app.cli.commands:
        cli_comercial.registrar(app)
    runner = app.test_cli_runner()

    def invocar(*argumentos: str) -> Any:
        with time_machine.travel(ahora, tick=False):
            return runner.invoke(args=["comercial", *argumentos])

    return invocar


def _texto(resultado: Any) -> str:
    """The command's output with runs of spaces collapsed (the summary is aligned)."""
    return " ".join(resultado.output.split())


@pytest.fixture
def ejemplos(tmp_path: Path) -> Path:
    """A copy of docs/ejemplos (the command writes its reports next to the input)."""
    return Path(shutil.copytree(EJEMPLOS, tmp_path / "ejemplos"))


def test_importar_los_ejemplos(correr: Any, ejemplos: Path, bd: Any) -> None:
    contratos = correr("importar", "contratos", str(ejemplos / "contratos.csv"))
    assert contratos.exit_code == 0, contratos.output
    assert "Importación de contratos terminada en" in _texto(contratos)
    assert "Filas leídas: 6" in _texto(contratos)
    assert "Insertadas: 6" in _texto(contratos)
    assert "Rechazadas: 0" in _texto(contratos)
    assert "filas/s" in _texto(contratos)
    facturas = correr(
        "importar", "facturas", str(ejemplos / "facturas.csv"), "--xml-dir", str(ejemplos / "cfdi")
    )
    assert facturas.exit_code == 0, facturas.output
    assert "Insertadas: 18" in _texto(facturas)
    assert "XML guardados: 2" in _texto(facturas)
    assert "Bloqueos por adeudo: 0 cuentas revisadas" in _texto(facturas)
    pagos = correr("importar", "pagos", str(ejemplos / "pagos.csv"), "--lote", "2")
    assert pagos.exit_code == 0, pagos.output
    assert "Pagos aplicados a saldos: 3" in _texto(pagos)
    assert not list(ejemplos.glob("*.rechazos.csv"))
    assert bd.session.scalar(select(Factura).where(Factura.uuid_cfdi.is_not(None))) is not None
    assert len(bd.session.scalars(select(CfdiFactura)).all()) == 2
    bd.session.commit()  # the command opens its own write transaction
    otra_vez = correr("importar", "contratos", str(ejemplos / "contratos.csv"))
    assert "Sin cambios: 6" in _texto(otra_vez)


def test_sin_aplicar_pagos(correr: Any, ejemplos: Path, bd: Any) -> None:
    for tipo in ("contratos", "facturas"):
        assert correr("importar", tipo, str(ejemplos / f"{tipo}.csv")).exit_code == 0
    resultado = correr("importar", "pagos", str(ejemplos / "pagos.csv"), "--sin-aplicar-pagos")
    assert resultado.exit_code == 0, resultado.output
    assert "Insertadas: 6" in _texto(resultado)
    assert "Pagos aplicados a saldos: 0" in _texto(resultado)
    saldos = bd.session.scalars(select(Factura.saldo).where(Factura.saldo > 0)).all()
    assert len(saldos) == 8  # the five October bills and the three old debts, untouched


def test_importar_con_errores_escribe_el_reporte(
    correr: Any, ejemplos: Path, tmp_path: Path
) -> None:
    reporte = tmp_path / "rechazos" / "contratos.csv"
    reporte.parent.mkdir()
    resultado = correr(
        "importar",
        "contratos",
        str(ejemplos / "contratos_con_errores.csv"),
        "--rechazos",
        str(reporte),
    )
    assert resultado.exit_code == 0, resultado.output
    assert "Insertadas: 2" in _texto(resultado)
    assert "Rechazadas: 10" in _texto(resultado)
    assert f"Filas rechazadas y su motivo en: {reporte}" in _texto(resultado)
    assert "línea 3: apellido_paterno: Es obligatorio para una persona física." in _texto(resultado)
    with reporte.open(encoding="utf-8-sig", newline="") as archivo:
        filas = list(csv.DictReader(archivo))
    assert len(filas) == 10
    assert filas[0]["linea"] == "3"
    assert filas[0]["columna"] == "apellido_paterno"


def test_el_reporte_va_junto_al_archivo_por_omision(correr: Any, ejemplos: Path) -> None:
    resultado = correr("importar", "lecturas", str(ejemplos / "lecturas_con_errores.csv"))
    assert resultado.exit_code == 0, resultado.output
    assert (ejemplos / "lecturas_con_errores.rechazos.csv").is_file()
    assert "Rechazadas: 7" in _texto(resultado)  # no contracts yet


@pytest.mark.parametrize(
    ("argumentos", "mensaje"),
    [
        (("contratos", "lecturas.csv"), "Faltan columnas en el encabezado"),
        (("contratos", "contratos.csv", "--xml-dir", "cfdi"), "solo se usa al importar facturas"),
        (("facturas", "no-existe.csv"), "does not exist"),
        (("recibos", "contratos.csv"), "'recibos' is not one of 'contratos'"),
    ],
)
def test_errores_del_comando(
    correr: Any, ejemplos: Path, argumentos: tuple[str, ...], mensaje: str
) -> None:
    rutas = [str(ejemplos / a) if "." in a or a == "cfdi" else a for a in argumentos]
    resultado = correr("importar", *rutas)
    assert resultado.exit_code != 0
    assert mensaje in _texto(resultado)


def test_un_archivo_roto_a_media_carga_conserva_los_lotes_anteriores(
    correr: Any, ejemplos: Path, bd: Any
) -> None:
    lineas = (ejemplos / "contratos.csv").read_text(encoding="utf-8").splitlines()[:4]
    roto = ejemplos / "roto.csv"
    enorme = '"' + "x" * 200_000 + '"'  # beyond the csv module's field limit
    roto.write_text("\n".join([*lineas, f"1000099999,fisica,{enorme}"]) + "\n", encoding="utf-8")
    resultado = correr("importar", "contratos", str(roto), "--lote", "2")
    assert resultado.exit_code == 1
    texto = _texto(resultado)
    assert "El CSV está mal formado cerca de la línea 5" in texto
    assert "Los lotes anteriores (2 filas) quedaron guardados" in texto
    numeros = set(bd.session.scalars(select(Contrato.numero)))
    assert {"1000012345", "1000012346"} <= numeros
    assert "1000012347" not in numeros  # its batch was rolled back


def _cuenta_de(bd: Any, numero: str, ahora: datetime) -> Cuenta:
    contrato = bd.session.scalar(select(Contrato).where(Contrato.numero == numero))
    cuenta = Cuenta(
        usuario="deudor1",
        email="deudor1@ejemplo.mx",
        tipo=TipoCuenta.PARTICULAR,
        estado=EstadoCuenta.ACTIVA,
        contrasena_hash="$argon2id$no-se-usa",
        creada_en=ahora,
        terminos_aceptados_en=ahora,
        datos_declarados_en=ahora,
        aviso_privacidad_version="2026-01",
        activada_en=ahora,
    )
    bd.session.add(cuenta)
    bd.session.flush()
    bd.session.add(CuentaContrato(cuenta_id=cuenta.id, contrato_id=contrato.id, vinculado_en=ahora))
    bd.session.commit()
    return cuenta


def test_un_adeudo_pagado_levanta_el_bloqueo_al_importar(
    correr: Any, ejemplos: Path, bd: Any, ahora: datetime
) -> None:
    assert correr("importar", "contratos", str(ejemplos / "contratos.csv")).exit_code == 0
    cuenta = _cuenta_de(bd, "1000012350", ahora)
    facturas = correr("importar", "facturas", str(ejemplos / "facturas.csv"))
    assert "Bloqueos por adeudo: 1 cuentas revisadas, 1 bloqueadas" in _texto(facturas)
    bd.session.refresh(cuenta)
    assert cuenta.es_bloqueada
    bd.session.commit()  # the command opens its own write transaction
    pagos = ejemplos / "pagos_deudor.csv"
    pagos.write_text(
        "referencia,fecha,importe,canal,referencia_pago,periodo_factura\n"
        "1000012350,23/11/2026,474.00,ventanilla,VEN-1,2026-03\n"
        "1000012350,23/11/2026,538.82,ventanilla,VEN-2,2026-04\n"
        "1000012350,23/11/2026,446.14,ventanilla,VEN-3,2026-05\n",
        encoding="utf-8",
    )
    resultado = correr("importar", "pagos", str(pagos))
    assert resultado.exit_code == 0, resultado.output
    assert "Pagos aplicados a saldos: 3" in _texto(resultado)
    assert "1 desbloqueadas" in _texto(resultado)
    bd.session.refresh(cuenta)
    assert not cuenta.es_bloqueada


def test_generar_se_niega_en_produccion(correr: Any, app: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(app.config, "NOMBRE_ENTORNO", "produccion")
    resultado = correr("generar", "--contratos", "5")
    assert resultado.exit_code != 0
    assert "no se generan en producción" in _texto(resultado)


def test_generar_llama_al_generador(correr: Any, monkeypatch: Any) -> None:
    llamadas: list[dict[str, Any]] = []

    def falso(motor: Any, **opciones: Any) -> ResumenGeneracion:
        llamadas.append(opciones)
        opciones["progreso"](opciones["contratos"])
        return ResumenGeneracion(3, 108, 100, 95, 0, 0.5, "0100000001", "0100000003")

    monkeypatch.setattr(cli_comercial, "generar", falso)
    resultado = correr("generar", "--contratos", "3", "--semilla", "7", "--sin-xml")
    assert resultado.exit_code == 0, resultado.output
    assert llamadas == [
        {
            "contratos": 3,
            "semilla": 7,
            "hoy": date(2026, 11, 24),
            "con_xml": False,
            "progreso": llamadas[0]["progreso"],
        }
    ]
    assert "Generados 3 contratos (0100000001 a 0100000003)" in _texto(resultado)
    assert "facturas: 108" in _texto(resultado)
