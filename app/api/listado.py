"""GET /api/v1/casos: query-string filters and keyset pagination over the primary key.

Pages go by `id` descending (newest first) with `id < cursor`, so a deep page costs the same as
the first one; the cursor is opaque to integrators (base64 of a versioned id).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.api.errores import ErrorApi
from app.api.esquemas import (
    ENTERO_MAXIMO,
    ESTADOS,
    ESTADOS_SLA,
    LARGO_CURSOR,
    LIMITE_MAXIMO,
    LIMITE_PREDETERMINADO,
    RE_CLAVE,
    RE_CONTRATO,
    RE_FECHA,
)
from casos.catalogo import Area, TipoCaso
from casos.estados import EstadoCaso
from casos.modelos import Caso, EstadoSLA
from casos.sla import ZONA_CEA

PARAMETROS = frozenset(
    {
        "estado",
        "tipo",
        "area",
        "sla_estado",
        "contrato",
        "creado_desde",
        "creado_hasta",
        "limite",
        "cursor",
    }
)
_PREFIJO_CURSOR = "v1:"


@dataclass(frozen=True)
class Filtros:
    """What the integrator asked for, already checked."""

    estado: EstadoCaso | None = None
    tipo: str | None = None
    area: str | None = None
    sla_estado: EstadoSLA | None = None
    contrato: str | None = None
    desde: date | None = None
    hasta: date | None = None
    limite: int = LIMITE_PREDETERMINADO
    despues_de: int | None = None


def leer_filtros(argumentos: Mapping[str, Any]) -> Filtros:
    """Parse the query string; every bad value is a 400 naming the parameter."""
    errores: dict[str, str] = {}
    valores: dict[str, Any] = {}
    for nombre in argumentos:
        if nombre not in PARAMETROS:
            errores[_nombre(nombre)] = "Parámetro no reconocido."
    for nombre in PARAMETROS & set(argumentos):
        lista = argumentos.getlist(nombre)  # type: ignore[attr-defined]
        if len(lista) > 1:
            errores[nombre] = "Indique este parámetro una sola vez."
            continue
        try:
            valores[_CAMPO.get(nombre, nombre)] = _LECTORES[nombre](lista[0])
        except ValueError as error:
            errores[nombre] = str(error)
    if errores:
        raise ErrorApi(400, "parametro_invalido", "Revise los parámetros de la consulta.", errores)
    return Filtros(**valores)


def _nombre(nombre: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in nombre)[:80]


def _opcion(opciones: tuple[str, ...]) -> Any:
    def leer(texto: str) -> str:
        if texto not in opciones:
            raise ValueError(f"Valor no permitido; use uno de: {', '.join(opciones)}.")
        return texto

    return leer


def _patron(patron: str, mensaje: str) -> Any:
    def leer(texto: str) -> str:
        if not re.fullmatch(patron.strip("^$"), texto):
            raise ValueError(mensaje)
        return texto

    return leer


def _fecha(texto: str) -> date:
    if not re.fullmatch(RE_FECHA.strip("^$"), texto):
        raise ValueError("Escriba la fecha como aaaa-mm-dd.")
    try:
        return date.fromisoformat(texto)
    except ValueError:
        raise ValueError("La fecha no existe.") from None


def _limite(texto: str) -> int:
    if not re.fullmatch(r"[0-9]{1,3}", texto) or not 1 <= int(texto) <= LIMITE_MAXIMO:
        raise ValueError(f"Use un número entero de 1 a {LIMITE_MAXIMO}.")
    return int(texto)


def _cursor(texto: str) -> int:
    invalido = ValueError("Cursor no válido; use el valor de `siguiente` de la página anterior.")
    if len(texto) > LARGO_CURSOR:
        raise invalido
    try:
        claro = base64.urlsafe_b64decode(texto.encode("ascii") + b"==").decode("ascii")
    except (UnicodeError, binascii.Error, ValueError):
        raise invalido from None
    numero = claro.removeprefix(_PREFIJO_CURSOR)
    if not claro.startswith(_PREFIJO_CURSOR) or not re.fullmatch(r"[0-9]{1,10}", numero):
        raise invalido
    if not 1 <= int(numero) <= ENTERO_MAXIMO:
        raise invalido
    return int(numero)


def cursor_de(caso_id: int) -> str:
    """The opaque cursor that continues after `caso_id`."""
    return base64.urlsafe_b64encode(f"{_PREFIJO_CURSOR}{caso_id}".encode()).decode().rstrip("=")


_LECTORES: dict[str, Any] = {
    "estado": lambda t: EstadoCaso(_opcion(ESTADOS)(t)),
    "sla_estado": lambda t: EstadoSLA(_opcion(ESTADOS_SLA)(t)),
    "tipo": _patron(RE_CLAVE, "Clave no válida (minúsculas, dígitos y guion bajo)."),
    "area": _patron(RE_CLAVE, "Clave no válida (minúsculas, dígitos y guion bajo)."),
    "contrato": _patron(RE_CONTRATO, "Use de 4 a 20 letras, números o guiones."),
    "creado_desde": _fecha,
    "creado_hasta": _fecha,
    "limite": _limite,
    "cursor": _cursor,
}
_CAMPO = {"creado_desde": "desde", "creado_hasta": "hasta", "cursor": "despues_de"}


def buscar(sesion: Session, filtros: Filtros) -> tuple[list[Caso], str | None]:
    """One page of cases (newest first) and the cursor of the next page, if any."""
    consulta = _filtrar(select(Caso), filtros)
    if filtros.despues_de is not None:
        consulta = consulta.where(Caso.id < filtros.despues_de)
    filas = list(sesion.scalars(consulta.order_by(Caso.id.desc()).limit(filtros.limite + 1)))
    if len(filas) <= filtros.limite:
        return filas, None
    pagina = filas[: filtros.limite]
    return pagina, cursor_de(pagina[-1].id)


def _filtrar(consulta: Select[tuple[Caso]], f: Filtros) -> Select[tuple[Caso]]:
    if f.estado is not None:
        consulta = consulta.where(Caso.estado == f.estado)
    if f.sla_estado is not None:
        consulta = consulta.where(Caso.sla_estado == f.sla_estado)
    if f.contrato is not None:
        consulta = consulta.where(Caso.contrato == f.contrato.upper())
    if f.tipo is not None:
        consulta = consulta.where(
            Caso.tipo_id.in_(select(TipoCaso.id).where(TipoCaso.clave == f.tipo))
        )
    if f.area is not None:
        consulta = consulta.where(Caso.area_id.in_(select(Area.id).where(Area.clave == f.area)))
    if f.desde is not None:
        consulta = consulta.where(Caso.creado_en >= _inicio_del_dia(f.desde))
    if f.hasta is not None and f.hasta < date.max:
        consulta = consulta.where(Caso.creado_en < _inicio_del_dia(f.hasta + timedelta(days=1)))
    return consulta


def _inicio_del_dia(dia: date) -> datetime:
    """Midnight of `dia` in Querétaro (the day people mean)."""
    return datetime.combine(dia, time.min, tzinfo=ZONA_CEA)
