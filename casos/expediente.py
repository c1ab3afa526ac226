"""What a customer sees of a case (*Mis gestiones* and the follow-up without an account):
its state in plain Spanish, the data they sent and the public history with its files.

Internal notes, assignments, alerts and anything not marked public never reach this view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casos.actores import TipoActor
from casos.adjuntos import Adjunto, adjuntos_de
from casos.catalogo import etiqueta_campo
from casos.estados import REGLAS, Accion, EstadoCaso
from casos.modelos import Caso, EventoCaso

POR_PAGINA = 20
RE_FOLIO = re.compile(r"[0-9A-Z-]{1,20}")
RE_CLAVE = re.compile(r"[0-9A-Za-z_-]{1,64}")

# A customer's words for each state, with what it means for them.
ESTADOS_CIUDADANO: dict[EstadoCaso, tuple[str, str]] = {
    EstadoCaso.NUEVO: ("Recibida", "Su solicitud llegó al área que la atenderá."),
    EstadoCaso.ASIGNADO: ("En atención", "Una persona de la CEA ya tiene su solicitud."),
    EstadoCaso.EN_PROCESO: ("En atención", "La CEA está revisando su solicitud."),
    EstadoCaso.EN_ESPERA: (
        "Esperamos su respuesta",
        "Necesitamos información de usted para continuar. El plazo queda en pausa hasta que "
        "responda.",
    ),
    EstadoCaso.RESUELTO: ("Resuelta", "La CEA dio respuesta a su solicitud."),
    EstadoCaso.CERRADO: ("Cerrada", "Su solicitud concluyó."),
    EstadoCaso.CANCELADO: ("Cancelada", "Su solicitud se canceló; el motivo está abajo."),
}
# Bootstrap colour of each state's badge (text colours with AA contrast).
COLORES_ESTADO = {
    EstadoCaso.NUEVO: "secondary",
    EstadoCaso.ASIGNADO: "primary",
    EstadoCaso.EN_PROCESO: "primary",
    EstadoCaso.EN_ESPERA: "warning",
    EstadoCaso.RESUELTO: "success",
    EstadoCaso.CERRADO: "success",
    EstadoCaso.CANCELADO: "dark",
}
TITULOS_EVENTO = {
    Accion.REGISTRAR: "Solicitud registrada",
    Accion.RESPONDER: "Respuesta de la CEA",
    Accion.SOLICITAR_INFORMACION: "La CEA le pide información",
    Accion.RECIBIR_INFORMACION: "Su respuesta",
    Accion.RESOLVER: "Solicitud resuelta",
    Accion.CERRAR: "Solicitud cerrada",
    Accion.REABRIR: "Solicitud reabierta",
    Accion.CANCELAR: "Solicitud cancelada",
}
# Type-specific data shown back to the customer (factura_id is an internal key).
CAMPOS_VISIBLES = (
    "periodo_factura",
    "fecha_pago",
    "monto_pago",
    "banco",
    "direccion",
    "lectura",
    "fecha_lectura",
)


def estado_ciudadano(estado: EstadoCaso) -> str:
    """The state as the customer reads it ("Esperamos su respuesta")."""
    return ESTADOS_CIUDADANO[estado][0]


@dataclass(frozen=True)
class Entrada:
    """One public event of the history, with the files that came with it."""

    en: datetime
    titulo: str
    nota: str
    es_de_cea: bool
    adjuntos: tuple[Adjunto, ...]
    cita_en: datetime | None = None
    cita_lugar: str | None = None


@dataclass(frozen=True)
class Expediente:
    """A case as its customer sees it."""

    caso: Caso
    estado: str
    explicacion: str
    color: str
    datos: tuple[tuple[str, str], ...]
    entradas: tuple[Entrada, ...]

    @property
    def espera_respuesta(self) -> bool:
        """The CEA asked for information: the customer may answer."""
        return self.caso.estado is EstadoCaso.EN_ESPERA

    @property
    def adjuntos(self) -> tuple[Adjunto, ...]:
        """Every file the customer may download."""
        return tuple(a for e in self.entradas for a in e.adjuntos)


def expediente(sesion: Session, caso: Caso) -> Expediente:
    """Build the customer's view of a case: public events only, public files only."""
    estado, explicacion = ESTADOS_CIUDADANO[caso.estado]
    publicos = [e for e in caso.eventos if e.es_publico]
    ids = {e.id for e in publicos}
    por_evento: dict[int, list[Adjunto]] = {}
    sueltos: list[Adjunto] = []
    for adjunto in adjuntos_de(sesion, caso.id):
        if adjunto.evento_id in ids:
            por_evento.setdefault(adjunto.evento_id or 0, []).append(adjunto)
        elif adjunto.evento_id is None:
            sueltos.append(adjunto)  # a public file staff added without an event
    entradas = [_entrada(e, por_evento.get(e.id, [])) for e in publicos]
    if sueltos and entradas:
        entradas[0] = replace(entradas[0], adjuntos=(*entradas[0].adjuntos, *sueltos))
    return Expediente(
        caso=caso,
        estado=estado,
        explicacion=explicacion,
        color=COLORES_ESTADO[caso.estado],
        datos=_datos_visibles(caso),
        entradas=tuple(entradas),
    )


def _entrada(evento: EventoCaso, adjuntos: list[Adjunto]) -> Entrada:
    titulo = TITULOS_EVENTO.get(evento.accion) or REGLAS[evento.accion].etiqueta
    return Entrada(
        en=evento.en,
        titulo=titulo,
        nota=evento.nota,
        es_de_cea=evento.actor_tipo != TipoActor.CIUDADANO.value,
        adjuntos=tuple(adjuntos),
        cita_en=_instante(evento.datos.get("cita_en")),
        cita_lugar=str(evento.datos.get("cita_lugar") or "") or None,
    )


def _instante(valor: Any) -> datetime | None:
    """An appointment staff recorded (ISO text with its zone); anything else is ignored."""
    try:
        instante = datetime.fromisoformat(str(valor)) if valor else None
    except ValueError:
        return None
    return instante if instante is not None and instante.tzinfo is not None else None


def _datos_visibles(caso: Caso) -> tuple[tuple[str, str], ...]:
    filas = [("Número de contrato", caso.contrato)] if caso.contrato else []
    for campo in CAMPOS_VISIBLES:
        valor = caso.datos.get(campo)
        if valor not in (None, ""):
            filas.append((etiqueta_campo(campo), _formatear(campo, valor)))
    return tuple(filas)


def _formatear(campo: str, valor: Any) -> str:
    texto = str(valor)
    if campo.startswith("fecha_") and len(texto) == 10 and texto[4] == "-":
        return f"{texto[8:10]}/{texto[5:7]}/{texto[:4]}"
    if campo == "monto_pago":
        try:
            return f"${Decimal(texto):,.2f}"
        except InvalidOperation:
            return texto
    return texto


# --- a signed-in customer's cases -----------------------------------------------------------


@dataclass(frozen=True)
class Pagina:
    """One page of a customer's cases, newest first."""

    casos: tuple[Caso, ...]
    numero: int
    total: int
    por_pagina: int = POR_PAGINA

    @property
    def paginas(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.por_pagina))


def casos_de_cuenta(sesion: Session, cuenta_id: int, numero: int = 1) -> Pagina:
    """The account's cases (filed while signed in), newest first, one page of them."""
    total = sesion.scalar(select(func.count()).where(Caso.cuenta_id == cuenta_id)) or 0
    numero = min(max(1, numero), max(1, -(-total // POR_PAGINA)))
    consulta = (
        select(Caso)
        .where(Caso.cuenta_id == cuenta_id)
        .order_by(Caso.creado_en.desc(), Caso.id.desc())
        .limit(POR_PAGINA)
        .offset((numero - 1) * POR_PAGINA)
    )
    return Pagina(tuple(sesion.scalars(consulta)), numero, total)


def caso_de_cuenta(sesion: Session, cuenta_id: int, folio: str) -> Caso | None:
    """The account's case with that folio; None for anyone else's (the view answers 404)."""
    if not RE_FOLIO.fullmatch(folio or ""):
        return None  # not a folio at all (and nothing odd reaches the query)
    return sesion.scalar(select(Caso).where(Caso.folio == folio, Caso.cuenta_id == cuenta_id))
