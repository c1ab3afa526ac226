"""The Bandeja (agents' queue): filters, keyset pages over the due order, batches for exports.

Open cases are listed by `prioridad_en` (the earliest running due time), then `id`; a page is
found by seeking the index from the last row shown (keyset), never with OFFSET, so page 200
costs what page 1 costs. Resolved, closed and cancelled cases have no `prioridad_en`: they are
listed by their resolution due time, latest first, over (area_id, estado, vence_resolucion_en).
How each query reaches its index is in casos/bandeja_consulta.py and docs/backoffice.md.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlalchemy.orm import Session

from casos.bandeja_consulta import Clave, Consulta, cargar_casos, claves_pagina
from casos.errores import DatosInvalidos
from casos.estados import ABIERTOS, EstadoCaso
from casos.modelos import Caso, EstadoSLA
from casos.personal import Personal

ESTADOS_CERRADOS = frozenset({EstadoCaso.RESUELTO, EstadoCaso.CERRADO, EstadoCaso.CANCELADO})
LIMITE_MAXIMO = 200
LOTE_EXPORTACION = 500
AVISO_CURSOR = "El enlace de esa página ya no es válido; se muestra la primera página."
RE_FOLIO = re.compile(r"^[A-Za-z]{2,5}-\d{4}-\d{1,9}$")
RE_CONTRATO = re.compile(r"^(?=.*\d)[0-9A-Za-z-]{4,20}$")
LARGO_MINIMO_NOMBRE = 2

Asignacion = Literal["mios", "sin_asignar"]
TipoBusqueda = Literal["folio", "contrato", "email", "nombre"]


@dataclass(frozen=True)
class Busqueda:
    """What the search box holds, once classified: each kind has its own index."""

    tipo: TipoBusqueda
    valor: str


def interpretar_busqueda(texto: str) -> Busqueda:
    """Folio (exact), e-mail (exact), contract (exact, has a digit) or a name prefix."""
    texto = " ".join(texto.split())
    if RE_FOLIO.match(texto):
        return Busqueda("folio", texto.upper())
    if "@" in texto:
        return Busqueda("email", texto.lower())
    if RE_CONTRATO.match(texto):
        return Busqueda("contrato", texto.upper())
    return Busqueda("nombre", texto)


@dataclass(frozen=True)
class FiltrosBandeja:
    """What the agent asked to see. Dates are local (America/Mexico_City) calendar days."""

    tipo_id: int | None = None
    estado: frozenset[EstadoCaso] = ABIERTOS
    sla_estado: EstadoSLA | None = None
    area_id: int | None = None
    asignacion: Asignacion | None = None
    creado_desde: date | None = None
    creado_hasta: date | None = None
    colonia: str | None = None
    q: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "estado", frozenset(self.estado or ABIERTOS))
        errores: dict[str, str] = {}
        if not (self.estado <= ABIERTOS or self.estado <= ESTADOS_CERRADOS):
            errores["estado"] = "Elija casos abiertos o un estado final, no ambos."
        if self.creado_desde and self.creado_hasta and self.creado_desde > self.creado_hasta:
            errores["creado_hasta"] = "La fecha final es anterior a la inicial."
        busqueda = self.busqueda
        if busqueda and busqueda.tipo == "nombre":
            if len(busqueda.valor) < LARGO_MINIMO_NOMBRE:
                errores["q"] = "Escriba al menos dos letras del nombre."
            elif not self.es_abierta:
                errores["q"] = (
                    "En casos resueltos, cerrados o cancelados busque por folio, contrato o "
                    "correo; la búsqueda por nombre es para los casos abiertos."
                )
        if errores:
            raise DatosInvalidos("Revise los filtros marcados.", errores)

    @property
    def es_abierta(self) -> bool:
        """Whether the filter lists open cases (the queue order) or final ones."""
        return self.estado <= ABIERTOS

    @property
    def busqueda(self) -> Busqueda | None:
        """The classified search text, if any."""
        texto = (self.q or "").strip()
        return interpretar_busqueda(texto) if texto else None


@dataclass
class PaginaBandeja:
    """One page of the queue and the links around it."""

    casos: list[Caso]
    siguiente: str | None  # opaque cursor of the next page; None on the last one
    es_primera: bool
    aviso: str | None = None  # e.g. a tampered cursor, shown as a note (never an error page)
    orden: str = field(default="prioridad")


def codificar_cursor(clave: Clave) -> str:
    """An opaque, URL-safe cursor: base64 of '<iso instant>|<id>'."""
    texto = f"{clave[0].isoformat()}|{clave[1]}"
    return base64.urlsafe_b64encode(texto.encode()).decode().rstrip("=")


def decodificar_cursor(cursor: str) -> Clave | None:
    """The (instant, id) a cursor stands for, or None if it is not one of ours."""
    try:
        relleno = "=" * (-len(cursor) % 4)
        texto = base64.urlsafe_b64decode(cursor + relleno).decode()
        instante, ident = texto.split("|")
        clave = (datetime.fromisoformat(instante), int(ident))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if clave[0].tzinfo is None or clave[1] < 1 or len(cursor) > 100:
        return None
    return clave


def buscar(
    sesion: Session,
    persona: Personal,
    filtros: FiltrosBandeja,
    cursor: str | None = None,
    limite: int = 50,
) -> PaginaBandeja:
    """One page of the cases `persona` may see that match `filtros`, in queue order."""
    limite = max(1, min(limite, LIMITE_MAXIMO))
    desde = decodificar_cursor(cursor) if cursor else None
    aviso = AVISO_CURSOR if cursor and desde is None else None
    consulta = Consulta(sesion, persona, filtros)
    claves = claves_pagina(consulta, desde, limite + 1)
    hay_mas = len(claves) > limite
    claves = claves[:limite]
    siguiente = codificar_cursor(claves[-1]) if hay_mas else None
    return PaginaBandeja(
        casos=cargar_casos(sesion, claves),
        siguiente=siguiente,
        es_primera=desde is None,
        aviso=aviso,
        orden="prioridad" if filtros.es_abierta else "vencimiento",
    )


def iterar(
    sesion: Session, persona: Personal, filtros: FiltrosBandeja, lote: int = LOTE_EXPORTACION
) -> Iterator[Caso]:
    """Every matching case, page after page (for exports); the session does not grow."""
    consulta = Consulta(sesion, persona, filtros)
    desde: Clave | None = None
    while True:
        claves = claves_pagina(consulta, desde, lote)
        if not claves:
            return
        casos = cargar_casos(sesion, claves)
        yield from casos
        for caso in casos:
            sesion.expunge(caso)
        if len(claves) < lote:
            return
        desde = claves[-1]
