"""Row validators: a good row of each kind, then one broken column at a time with its reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from casos.comercial.importacion_campos import LectorFila
from casos.comercial.importacion_filas import (
    validar_contrato,
    validar_factura,
    validar_lectura,
    validar_pago,
)
from casos.comercial.modelos import (
    EstatusContrato,
    EstatusFactura,
    OrigenLectura,
    TipoLectura,
    TipoPersona,
    UsoContrato,
)

HOY = date(2026, 11, 24)

CONTRATO = {
    "referencia": "1000012345",
    "tipo_persona": "fisica",
    "nombre": "María Guadalupe",
    "apellido_paterno": "Hernández",
    "apellido_materno": "Ramírez",
    "razon_social": "",
    "direccion": "Av. Universidad 215",
    "colonia": "Centro",
    "municipio": "Querétaro",
    "codigo_postal": "76000",
    "uso": "domestico",
    "tarifa": "DOM-M",
    "numero_medidor": "CEA10482735",
    "estatus": "activo",
}
FACTURA = {
    "referencia": "1000012345",
    "periodo": "2026-10",
    "emitida": "05/11/2026",
    "vence": "2026-11-25",
    "lectura_anterior": "1879",
    "lectura_actual": "1898",
    "m3": "19",
    "tipo_lectura": "real",
    "agua": "300.20",
    "alcantarillado": "30.02",
    "saneamiento": "45.03",
    "recargos": "0.00",
    "otros": "0",
    "iva": "0.00",
    "total": "$375.25",
    "saldo": "375.25",
    "estatus": "pendiente",
    "uuid_cfdi": "5e9172fe-cac0-52bf-a03e-e9741bc0e1fd",
}
LECTURA = {
    "referencia": "1000012345",
    "fecha": "2026-10-28",
    "valor": "1898",
    "consumo": "19",
    "tipo": "real",
    "origen": "cea",
}
PAGO = {
    "referencia": "1000012345",
    "fecha": "18/11/2026",
    "importe": "375.25",
    "canal": " Banco ",
    "referencia_pago": "BBVA-1118-7790544",
    "periodo_factura": "2026-10",
    "uuid_cfdi": "",
}


def _validar(validador: Any, base: dict[str, str], **cambios: str) -> tuple[Any, dict[str, str]]:
    valores = {k: v.strip() for k, v in {**base, **cambios}.items()}
    lector = LectorFila(valores, HOY)
    return validador(lector), lector.errores


def test_contrato_valido() -> None:
    datos, errores = _validar(validar_contrato, CONTRATO)
    assert errores == {}
    assert datos == {
        "numero": "1000012345",
        "tipo_persona": TipoPersona.FISICA,
        "nombre": "María Guadalupe",
        "apellido_paterno": "Hernández",
        "apellido_materno": "Ramírez",
        "razon_social": None,
        "direccion": "Av. Universidad 215",
        "colonia": "Centro",
        "municipio": "Querétaro",
        "codigo_postal": "76000",
        "uso": UsoContrato.DOMESTICO,
        "tarifa": "DOM-M",
        "numero_medidor": "CEA10482735",
        "estatus": EstatusContrato.ACTIVO,
    }


def test_contrato_un_apellido_sin_medidor_ni_cp() -> None:
    datos, errores = _validar(
        validar_contrato, CONTRATO, apellido_materno="", numero_medidor="", codigo_postal=""
    )
    assert errores == {}
    assert datos["apellido_materno"] is None
    assert datos["numero_medidor"] is None
    assert datos["codigo_postal"] is None


def test_contrato_empresa_con_etiquetas_y_medidor_en_minusculas() -> None:
    datos, errores = _validar(
        validar_contrato,
        CONTRATO,
        tipo_persona="Persona Moral",
        nombre="",
        apellido_paterno="",
        apellido_materno="",
        razon_social="Abarrotes La Esperanza, S.A. de C.V.",
        uso="Servicios públicos",
        estatus="Suspendido",
        numero_medidor="cea 300-772",
    )
    assert errores == {}
    assert datos["tipo_persona"] is TipoPersona.MORAL
    assert datos["uso"] is UsoContrato.PUBLICO
    assert datos["estatus"] is EstatusContrato.SUSPENDIDO
    assert datos["numero_medidor"] == "CEA300-772"


@pytest.mark.parametrize(
    ("cambios", "columna", "motivo"),
    [
        ({"referencia": ""}, "referencia", "Es obligatorio."),
        ({"referencia": "10000-12345"}, "referencia", "solo dígitos, hasta 12"),
        ({"referencia": "1234567890123"}, "referencia", "solo dígitos, hasta 12"),
        ({"tipo_persona": "otra"}, "tipo_persona", "Valor «otra» no válido"),
        ({"nombre": ""}, "nombre", "Es obligatorio para una persona física."),
        ({"apellido_paterno": ""}, "apellido_paterno", "Es obligatorio para una persona física."),
        ({"tipo_persona": "moral"}, "razon_social", "Es obligatoria para una persona moral."),
        ({"direccion": ""}, "direccion", "Es obligatorio."),
        ({"colonia": "x" * 121}, "colonia", "el máximo es 120"),
        ({"codigo_postal": "7600"}, "codigo_postal", "5 dígitos"),
        ({"uso": "residencial"}, "uso", "«domestico», «comercial», «industrial», «publico»"),
        ({"tarifa": ""}, "tarifa", "Es obligatorio."),
        ({"numero_medidor": "CEA#1"}, "numero_medidor", "letras, números y guiones"),
        ({"numero_medidor": "A" * 21}, "numero_medidor", "letras, números y guiones"),
        ({"estatus": "cancelado"}, "estatus", "«activo», «suspendido», «baja»"),
    ],
)
def test_contrato_invalido(cambios: dict[str, str], columna: str, motivo: str) -> None:
    datos, errores = _validar(validar_contrato, CONTRATO, **cambios)
    assert datos is None
    assert list(errores) == [columna]
    assert motivo in errores[columna]


def test_contrato_con_varios_errores_los_lista_todos() -> None:
    _, errores = _validar(validar_contrato, CONTRATO, nombre="", codigo_postal="1", uso="")
    assert set(errores) == {"nombre", "codigo_postal", "uso"}


def test_factura_valida() -> None:
    datos, errores = _validar(validar_factura, FACTURA)
    assert errores == {}
    assert datos["_referencia"] == "1000012345"
    assert datos["periodo"] == date(2026, 10, 1)
    assert datos["emitida_el"] == date(2026, 11, 5)
    assert datos["vence_el"] == date(2026, 11, 25)
    assert datos["total"] == Decimal("375.25")
    assert datos["tipo_lectura"] is TipoLectura.REAL
    assert datos["estatus"] is EstatusFactura.PENDIENTE
    assert datos["uuid_cfdi"] == "5E9172FE-CAC0-52BF-A03E-E9741BC0E1FD"


def test_factura_sin_lecturas_ni_uuid_y_con_bonificacion() -> None:
    datos, errores = _validar(
        validar_factura,
        FACTURA,
        lectura_anterior="",
        lectura_actual="",
        uuid_cfdi="",
        otros="-25.00",
        total="350.25",
        saldo="0",
        estatus="pagada",
    )
    assert errores == {}
    assert datos["lectura_anterior"] is None
    assert datos["uuid_cfdi"] is None
    assert datos["otros"] == Decimal("-25.00")


@pytest.mark.parametrize(
    ("cambios", "columna", "motivo"),
    [
        ({"periodo": "2026-13"}, "periodo", "Periodo no válido"),
        ({"emitida": "31/02/2026"}, "emitida", "Fecha no válida"),
        ({"emitida": "01/12/2026", "vence": "21/12/2026"}, "emitida", "Es una fecha futura"),
        ({"vence": "04/11/2026"}, "vence", "Vence antes de emitirse (emitida el 05/11/2026)."),
        ({"m3": ""}, "m3", "Es obligatorio."),
        ({"m3": "-3"}, "m3", "entero sin signo"),
        ({"lectura_actual": "18.5"}, "lectura_actual", "entero sin signo"),
        ({"tipo_lectura": "leida"}, "tipo_lectura", "«real», «estimada»"),
        ({"agua": "abc"}, "agua", "Importe no válido"),
        ({"iva": "-1.00"}, "iva", "No puede ser negativo."),
        ({"recargos": ""}, "recargos", "Es obligatorio."),
        (
            {"total": "380.00"},
            "total",
            "Los conceptos suman $375.25 pero el total es $380.00.",
        ),
        (
            {"saldo": "400"},
            "saldo",
            "El saldo ($400.00) es mayor que el total ($375.25).",
        ),
        (
            {"estatus": "pagada"},
            "estatus",
            "Una factura pagada tiene saldo 0 (esta tiene $375.25).",
        ),
        ({"saldo": "0.00"}, "estatus", "Con saldo 0 la factura debe estar «pagada»."),
        ({"saldo": "0.00", "estatus": "vencida"}, "estatus", "debe estar «pagada»"),
        ({"estatus": "cancelada"}, "estatus", "«pagada», «pendiente», «vencida»"),
        ({"uuid_cfdi": "123"}, "uuid_cfdi", "UUID no válido"),
    ],
)
def test_factura_invalida(cambios: dict[str, str], columna: str, motivo: str) -> None:
    datos, errores = _validar(validar_factura, FACTURA, **cambios)
    assert datos is None
    assert list(errores) == [columna]
    assert motivo in errores[columna]


def test_lectura_valida_y_sin_consumo() -> None:
    datos, errores = _validar(validar_lectura, LECTURA, consumo="", origen="Cliente")
    assert errores == {}
    assert datos == {
        "_referencia": "1000012345",
        "fecha": date(2026, 10, 28),
        "valor": 1898,
        "consumo": None,
        "tipo": TipoLectura.REAL,
        "origen": OrigenLectura.CLIENTE,
    }


@pytest.mark.parametrize(
    ("cambios", "columna", "motivo"),
    [
        ({"fecha": "30/11/2026"}, "fecha", "Es una fecha futura"),
        ({"valor": ""}, "valor", "Es obligatorio."),
        ({"valor": "-5"}, "valor", "entero sin signo"),
        ({"consumo": "2.5"}, "consumo", "entero sin signo"),
        ({"tipo": ""}, "tipo", "Es obligatorio."),
        ({"origen": "vecino"}, "origen", "«cea», «cliente»"),
    ],
)
def test_lectura_invalida(cambios: dict[str, str], columna: str, motivo: str) -> None:
    datos, errores = _validar(validar_lectura, LECTURA, **cambios)
    assert datos is None
    assert list(errores) == [columna]
    assert motivo in errores[columna]


def test_pago_valido() -> None:
    datos, errores = _validar(validar_pago, PAGO)
    assert errores == {}
    assert datos == {
        "_referencia": "1000012345",
        "fecha": date(2026, 11, 18),
        "importe": Decimal("375.25"),
        "canal": "banco",
        "referencia": "BBVA-1118-7790544",
        "_periodo": date(2026, 10, 1),
        "_uuid": None,
    }


@pytest.mark.parametrize(
    ("cambios", "columna", "motivo"),
    [
        ({"importe": "0"}, "importe", "Debe ser mayor que cero."),
        ({"importe": "-10"}, "importe", "No puede ser negativo."),
        ({"fecha": "25/11/2026"}, "fecha", "Es una fecha futura"),
        ({"canal": ""}, "canal", "Es obligatorio."),
        ({"canal": "c" * 31}, "canal", "el máximo es 30"),
        ({"referencia_pago": "r" * 61}, "referencia_pago", "el máximo es 60"),
        ({"periodo_factura": "octubre"}, "periodo_factura", "Periodo no válido"),
        ({"uuid_cfdi": "no-es-uuid"}, "uuid_cfdi", "UUID no válido"),
    ],
)
def test_pago_invalido(cambios: dict[str, str], columna: str, motivo: str) -> None:
    datos, errores = _validar(validar_pago, PAGO, **cambios)
    assert datos is None
    assert list(errores) == [columna]
    assert motivo in errores[columna]
