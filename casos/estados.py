"""The case lifecycle as data: states, actions and the transition table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EstadoCaso(StrEnum):
    """Where a case stands."""

    NUEVO = "nuevo"
    ASIGNADO = "asignado"
    EN_PROCESO = "en_proceso"
    EN_ESPERA = "en_espera_ciudadano"
    RESUELTO = "resuelto"
    CERRADO = "cerrado"
    CANCELADO = "cancelado"

    @property
    def etiqueta(self) -> str:
        """How the state reads to a person."""
        return ETIQUETAS_ESTADO[self]


ETIQUETAS_ESTADO = {
    EstadoCaso.NUEVO: "Nuevo",
    EstadoCaso.ASIGNADO: "Asignado",
    EstadoCaso.EN_PROCESO: "En proceso",
    EstadoCaso.EN_ESPERA: "En espera del ciudadano",
    EstadoCaso.RESUELTO: "Resuelto",
    EstadoCaso.CERRADO: "Cerrado",
    EstadoCaso.CANCELADO: "Cancelado",
}

ABIERTOS = frozenset(
    {EstadoCaso.NUEVO, EstadoCaso.ASIGNADO, EstadoCaso.EN_PROCESO, EstadoCaso.EN_ESPERA}
)
# While the case waits on the citizen, no clock counts.
PAUSA_TODOS = frozenset({EstadoCaso.EN_ESPERA})
# A resolved (or closed) case stops the resolution clock; a reopening resumes it.
PAUSA_RESOLUCION = frozenset({EstadoCaso.EN_ESPERA, EstadoCaso.RESUELTO, EstadoCaso.CERRADO})


class Accion(StrEnum):
    """Everything that can happen to a case; each one becomes an event."""

    REGISTRAR = "registrar"
    ASIGNAR = "asignar"
    ATENDER = "atender"
    RESPONDER = "responder"
    NOTA_INTERNA = "nota_interna"
    SOLICITAR_INFORMACION = "solicitar_informacion"
    RECIBIR_INFORMACION = "recibir_informacion"
    REANUDAR = "reanudar"
    TURNAR = "turnar"
    CAMBIAR_TIPO = "cambiar_tipo"
    RESOLVER = "resolver"
    CERRAR = "cerrar"
    REABRIR = "reabrir"
    CANCELAR = "cancelar"
    ALERTAR_RIESGO = "alertar_riesgo"
    MARCAR_VENCIDO = "marcar_vencido"
    ESCALAR = "escalar"


@dataclass(frozen=True)
class ReglaAccion:
    """What an action needs and does: allowed origins, destination, public or not."""

    desde: frozenset[EstadoCaso]
    hacia: EstadoCaso | None  # None: the state does not change
    es_publica: bool = False  # shown to the citizen in the case history
    es_respuesta: bool = False  # counts as the area's first response
    exige_nota: bool = False
    etiqueta: str = ""


_ABIERTOS_ACTIVOS = frozenset({EstadoCaso.NUEVO, EstadoCaso.ASIGNADO, EstadoCaso.EN_PROCESO})
_E = EstadoCaso

REGLAS: dict[Accion, ReglaAccion] = {
    Accion.REGISTRAR: ReglaAccion(frozenset(), _E.NUEVO, True, etiqueta="Solicitud registrada"),
    Accion.ASIGNAR: ReglaAccion(_ABIERTOS_ACTIVOS, _E.ASIGNADO, etiqueta="Asignado"),
    Accion.ATENDER: ReglaAccion(
        frozenset({_E.NUEVO, _E.ASIGNADO}), _E.EN_PROCESO, etiqueta="En atención"
    ),
    Accion.RESPONDER: ReglaAccion(
        ABIERTOS, None, True, True, exige_nota=True, etiqueta="Respuesta de la CEA"
    ),
    Accion.NOTA_INTERNA: ReglaAccion(
        ABIERTOS | {_E.RESUELTO}, None, exige_nota=True, etiqueta="Nota interna"
    ),
    Accion.SOLICITAR_INFORMACION: ReglaAccion(
        _ABIERTOS_ACTIVOS,
        _E.EN_ESPERA,
        True,
        True,
        exige_nota=True,
        etiqueta="La CEA solicita información",
    ),
    Accion.RECIBIR_INFORMACION: ReglaAccion(
        frozenset({_E.EN_ESPERA}),
        _E.EN_PROCESO,
        True,
        exige_nota=True,
        etiqueta="Información recibida del ciudadano",
    ),
    Accion.REANUDAR: ReglaAccion(
        frozenset({_E.EN_ESPERA}), _E.EN_PROCESO, exige_nota=True, etiqueta="Atención reanudada"
    ),
    Accion.TURNAR: ReglaAccion(
        _ABIERTOS_ACTIVOS, _E.NUEVO, exige_nota=True, etiqueta="Turnado a otra área"
    ),
    Accion.CAMBIAR_TIPO: ReglaAccion(
        _ABIERTOS_ACTIVOS, None, exige_nota=True, etiqueta="Tipo de solicitud corregido"
    ),
    Accion.RESOLVER: ReglaAccion(
        ABIERTOS, _E.RESUELTO, True, True, exige_nota=True, etiqueta="Solicitud resuelta"
    ),
    Accion.CERRAR: ReglaAccion(frozenset({_E.RESUELTO}), _E.CERRADO, True, etiqueta="Cerrado"),
    Accion.REABRIR: ReglaAccion(
        frozenset({_E.RESUELTO, _E.CERRADO}),
        _E.EN_PROCESO,
        True,
        exige_nota=True,
        etiqueta="Reabierto",
    ),
    Accion.CANCELAR: ReglaAccion(
        ABIERTOS, _E.CANCELADO, True, exige_nota=True, etiqueta="Cancelado"
    ),
    Accion.ALERTAR_RIESGO: ReglaAccion(ABIERTOS, None, etiqueta="Plazo en riesgo"),
    Accion.MARCAR_VENCIDO: ReglaAccion(ABIERTOS, None, etiqueta="Plazo vencido"),
    Accion.ESCALAR: ReglaAccion(ABIERTOS, None, exige_nota=True, etiqueta="Escalado"),
}


def destino(accion: Accion, desde: EstadoCaso) -> EstadoCaso | None:
    """The state after `accion` from `desde`, or None if the action is not allowed there."""
    regla = REGLAS[accion]
    if desde not in regla.desde:
        return None
    return regla.hacia or desde


def acciones_posibles(estado: EstadoCaso) -> list[Accion]:
    """Actions a person may apply in a state (the system-only ones excluded)."""
    sistema = {Accion.REGISTRAR, Accion.ALERTAR_RIESGO, Accion.MARCAR_VENCIDO}
    return [a for a, r in REGLAS.items() if estado in r.desde and a not in sistema]
