"""The four CSV formats (columns, natural keys) and the row validators, one per kind.

A validator takes a `LectorFila` and returns the row as table values (plus helper keys that
start with `_`, such as the contract's `_referencia`), or None when `lector.errores` says why
not. Every rule that a CHECK constraint enforces is checked here first, so no valid row can
fail in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from casos.comercial.importacion_campos import (
    RE_CODIGO_POSTAL,
    RE_MEDIDOR,
    RE_REFERENCIA,
    RE_UUID,
    LectorFila,
    formato_pesos,
)
from casos.comercial.modelos import (
    Contrato,
    EstatusContrato,
    EstatusFactura,
    OrigenLectura,
    Pago,
    TipoLectura,
    TipoPersona,
    UsoContrato,
)

MSG_REFERENCIA = "La referencia (número de contrato) lleva solo dígitos, hasta 12."
MSG_MEDIDOR = "El número de medidor lleva letras, números y guiones (hasta 20)."
MSG_CP = "El código postal lleva 5 dígitos."
MSG_UUID = "UUID no válido: debe ser como 6F1C2A8E-3B4D-4E5F-8A9B-0C1D2E3F4A5B."
CONCEPTOS = ("agua", "alcantarillado", "saneamiento", "recargos", "otros", "iva")

ALIAS_PERSONA = {
    "persona fisica": TipoPersona.FISICA,
    "persona moral": TipoPersona.MORAL,
    "empresa": TipoPersona.MORAL,
}
ALIAS_USO = {"servicios publicos": UsoContrato.PUBLICO, "publico": UsoContrato.PUBLICO}


def _largo(tabla: Any, columna: str) -> int:
    """The VARCHAR length of a model column (so texts are checked against the real schema)."""
    return int(tabla.__table__.c[columna].type.length)


@dataclass(frozen=True)
class Formato:
    """One CSV kind: its columns in documented order, which ones the header must carry,
    the columns of its natural key (for reasons) and the row validator."""

    columnas: tuple[str, ...]
    obligatorias: frozenset[str]
    clave: tuple[str, ...]
    validar: Callable[[LectorFila], dict[str, Any] | None]


def _medidor(lector: LectorFila) -> str | None:
    crudo = lector.crudo("numero_medidor")
    lector.valores["numero_medidor"] = "".join(crudo.split()).upper()
    return lector.patron("numero_medidor", RE_MEDIDOR, MSG_MEDIDOR, obligatorio=False)


def _referencia(lector: LectorFila) -> str | None:
    return lector.patron("referencia", RE_REFERENCIA, MSG_REFERENCIA)


def _uuid(lector: LectorFila, columna: str = "uuid_cfdi") -> str | None:
    lector.valores[columna] = lector.crudo(columna).upper()
    return lector.patron(columna, RE_UUID, MSG_UUID, obligatorio=False)


def validar_contrato(f: LectorFila) -> dict[str, Any] | None:
    """A contracts.csv row → contratos values."""
    tipo = f.opcion("tipo_persona", TipoPersona, ALIAS_PERSONA)
    datos = {
        "numero": _referencia(f),
        "tipo_persona": tipo,
        "nombre": f.texto("nombre", _largo(Contrato, "nombre"), obligatorio=False),
        "apellido_paterno": f.texto(
            "apellido_paterno", _largo(Contrato, "apellido_paterno"), obligatorio=False
        ),
        "apellido_materno": f.texto(
            "apellido_materno", _largo(Contrato, "apellido_materno"), obligatorio=False
        ),
        "razon_social": f.texto("razon_social", _largo(Contrato, "razon_social"), False),
        "direccion": f.texto("direccion", _largo(Contrato, "direccion")),
        "colonia": f.texto("colonia", _largo(Contrato, "colonia")),
        "municipio": f.texto("municipio", _largo(Contrato, "municipio")),
        "codigo_postal": f.patron("codigo_postal", RE_CODIGO_POSTAL, MSG_CP, obligatorio=False),
        "uso": f.opcion("uso", UsoContrato, ALIAS_USO),
        "tarifa": f.texto("tarifa", _largo(Contrato, "tarifa")),
        "numero_medidor": _medidor(f),
        "estatus": f.opcion("estatus", EstatusContrato),
    }
    _exigir_titular(f, tipo)
    return None if f.errores else datos


def _exigir_titular(f: LectorFila, tipo: TipoPersona | None) -> None:
    """A persona física needs nombre + apellido paterno; a persona moral, razón social."""
    if tipo is TipoPersona.FISICA:
        for columna in ("nombre", "apellido_paterno"):
            if not f.crudo(columna):
                f.error(columna, "Es obligatorio para una persona física.")
    elif tipo is TipoPersona.MORAL and not f.crudo("razon_social"):
        f.error("razon_social", "Es obligatoria para una persona moral.")


def validar_factura(f: LectorFila) -> dict[str, Any] | None:
    """A facturas.csv row → facturas values (plus `_referencia`)."""
    datos: dict[str, Any] = {
        "_referencia": _referencia(f),
        "periodo": f.periodo("periodo"),
        "emitida_el": f.fecha("emitida", futura=False),
        "vence_el": f.fecha("vence"),
        "lectura_anterior": f.entero("lectura_anterior", obligatorio=False),
        "lectura_actual": f.entero("lectura_actual", obligatorio=False),
        "m3": f.entero("m3"),
        "tipo_lectura": f.opcion("tipo_lectura", TipoLectura),
    }
    for concepto in CONCEPTOS:
        datos[concepto] = f.importe(concepto, negativo=concepto == "otros")
    datos["total"] = f.importe("total")
    datos["saldo"] = f.importe("saldo")
    datos["estatus"] = f.opcion("estatus", EstatusFactura)
    datos["uuid_cfdi"] = _uuid(f)
    if not f.errores:
        _revisar_factura(f, datos)
    return None if f.errores else datos


def _revisar_factura(f: LectorFila, d: dict[str, Any]) -> None:
    """Rules across columns: dates in order, concepts add up, balance and status agree."""
    if d["vence_el"] < d["emitida_el"]:
        f.error("vence", f"Vence antes de emitirse (emitida el {d['emitida_el']:%d/%m/%Y}).")
    suma = sum(d[c] for c in CONCEPTOS)
    total, saldo = d["total"], d["saldo"]
    if suma != total:
        f.error(
            "total",
            f"Los conceptos suman {formato_pesos(suma)} pero el total es {formato_pesos(total)}.",
        )
    elif saldo > total:
        f.error(
            "saldo",
            f"El saldo ({formato_pesos(saldo)}) es mayor que el total ({formato_pesos(total)}).",
        )
    elif d["estatus"] is EstatusFactura.PAGADA and saldo != 0:
        f.error("estatus", f"Una factura pagada tiene saldo 0 (esta tiene {formato_pesos(saldo)}).")
    elif d["estatus"] is not EstatusFactura.PAGADA and saldo == 0:
        f.error("estatus", "Con saldo 0 la factura debe estar «pagada».")


def validar_lectura(f: LectorFila) -> dict[str, Any] | None:
    """A lecturas.csv row → lecturas values (plus `_referencia`)."""
    datos = {
        "_referencia": _referencia(f),
        "fecha": f.fecha("fecha", futura=False),
        "valor": f.entero("valor"),
        "consumo": f.entero("consumo", obligatorio=False),
        "tipo": f.opcion("tipo", TipoLectura),
        "origen": f.opcion("origen", OrigenLectura),
    }
    return None if f.errores else datos


def validar_pago(f: LectorFila) -> dict[str, Any] | None:
    """A pagos.csv row → pagos values (plus `_referencia`, `_periodo`, `_uuid` of the bill)."""
    f.valores["canal"] = f.crudo("canal").lower()
    datos = {
        "_referencia": _referencia(f),
        "fecha": f.fecha("fecha", futura=False),
        "importe": f.importe("importe"),
        "canal": f.texto("canal", _largo(Pago, "canal")),
        "referencia": f.texto("referencia_pago", _largo(Pago, "referencia")),
        "_periodo": f.periodo("periodo_factura", obligatorio=False),
        "_uuid": _uuid(f),
    }
    if datos["importe"] is not None and datos["importe"] == 0:
        f.error("importe", "Debe ser mayor que cero.")
    return None if f.errores else datos


FORMATOS: dict[str, Formato] = {
    "contratos": Formato(
        columnas=(
            "referencia",
            "tipo_persona",
            "nombre",
            "apellido_paterno",
            "apellido_materno",
            "razon_social",
            "direccion",
            "colonia",
            "municipio",
            "codigo_postal",
            "uso",
            "tarifa",
            "numero_medidor",
            "estatus",
        ),
        obligatorias=frozenset(
            {"referencia", "tipo_persona", "direccion", "colonia", "municipio", "uso"}
            | {"tarifa", "estatus"}
        ),
        clave=("referencia",),
        validar=validar_contrato,
    ),
    "facturas": Formato(
        columnas=(
            "referencia",
            "periodo",
            "emitida",
            "vence",
            "lectura_anterior",
            "lectura_actual",
            "m3",
            "tipo_lectura",
            *CONCEPTOS,
            "total",
            "saldo",
            "estatus",
            "uuid_cfdi",
        ),
        obligatorias=frozenset(
            {"referencia", "periodo", "emitida", "vence", "m3", "tipo_lectura", *CONCEPTOS}
            | {"total", "saldo", "estatus"}
        ),
        clave=("referencia", "periodo"),
        validar=validar_factura,
    ),
    "lecturas": Formato(
        columnas=("referencia", "fecha", "valor", "consumo", "tipo", "origen"),
        obligatorias=frozenset({"referencia", "fecha", "valor", "tipo", "origen"}),
        clave=("referencia", "fecha", "origen"),
        validar=validar_lectura,
    ),
    "pagos": Formato(
        columnas=(
            "referencia",
            "fecha",
            "importe",
            "canal",
            "referencia_pago",
            "periodo_factura",
            "uuid_cfdi",
        ),
        obligatorias=frozenset({"referencia", "fecha", "importe", "canal", "referencia_pago"}),
        clave=("canal", "referencia_pago"),
        validar=validar_pago,
    ),
}
