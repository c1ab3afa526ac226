"""The one function that changes a case: checks the transition, records the event, recomputes.

Agents, the API, the CLI and the SLA sweep all go through `aplicar_accion`, so the history,
the audit trail and the clocks can never disagree with what happened. Other domains react to
a case of their type reaching a state through `registrar_efecto_tipo` (a resolved *Baja de
cuenta* closes the account), inside the same transaction.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.base import exigir_zona
from casos.catalogo import Area, Calendarios, TipoCaso
from casos.errores import DatosInvalidos, NoEncontrado, TransicionInvalida
from casos.estados import ABIERTOS, REGLAS, Accion, EstadoCaso, destino
from casos.modelos import SIN_PLAZO, Caso, EventoCaso
from casos.personal import Personal
from casos.reloj import Hecho, Politica, ResultadoSLA, calcular_sla

LARGO_MAXIMO_NOTA = 20_000


def aplicar_accion(
    sesion: Session,
    caso: Caso,
    accion: Accion,
    actor: Actor,
    ahora: datetime,
    *,
    nota: str = "",
    datos: dict[str, Any] | None = None,
    calendarios: Calendarios | None = None,
) -> EventoCaso:
    """Apply an action to a case, record it as an event and recompute the clocks."""
    ahora = exigir_zona(ahora, "fecha de la acción")
    regla = REGLAS[accion]
    hacia = destino(accion, caso.estado)
    if hacia is None:
        raise TransicionInvalida(
            f"No es posible «{regla.etiqueta.lower()}» un caso que está "
            f"«{caso.estado.etiqueta.lower()}»."
        )
    nota = _validar_nota(nota, regla.exige_nota)
    datos = dict(datos or {})
    # The effects and the new state must reach the database together: a lazy load in
    # between (the history, an area) must not flush a half-applied case past its CHECKs.
    with sesion.no_autoflush:
        EFECTOS.get(accion, _sin_efecto)(sesion, caso, ahora, datos)
        evento = _registrar_evento(caso, accion, hacia, actor, ahora, nota, datos)
    # No flush here: the caller's commit writes everything in one unit of work, so a sweep
    # over hundreds of cases batches its inserts instead of flushing once per case.
    recalcular_sla(sesion, caso, ahora, calendarios)
    if regla.hacia is not None:
        _aplicar_efectos_de_tipo(sesion, caso, actor, ahora)
    return evento


def iniciar_historial(
    sesion: Session, caso: Caso, actor: Actor, ahora: datetime, datos: dict[str, Any]
) -> EventoCaso:
    """Record the filing as the case's first event (state *nuevo*) and compute its clocks."""
    evento = _registrar_evento(caso, Accion.REGISTRAR, EstadoCaso.NUEVO, actor, ahora, "", datos)
    sesion.flush()
    recalcular_sla(sesion, caso, ahora)
    return evento


def _validar_nota(nota: str, exige: bool) -> str:
    nota = (nota or "").strip()
    if exige and not nota:
        raise DatosInvalidos("Falta el texto.", {"nota": "Escriba el mensaje o el motivo."})
    if len(nota) > LARGO_MAXIMO_NOTA:
        raise DatosInvalidos(
            "El texto es demasiado largo.",
            {"nota": f"Use como máximo {LARGO_MAXIMO_NOTA:,} caracteres."},
        )
    return nota


def _registrar_evento(
    caso: Caso,
    accion: Accion,
    hacia: EstadoCaso,
    actor: Actor,
    ahora: datetime,
    nota: str,
    datos: dict[str, Any],
) -> EventoCaso:
    regla = REGLAS[accion]
    evento = EventoCaso(
        en=ahora,
        accion=accion,
        estado_desde=caso.estado if accion is not Accion.REGISTRAR else None,
        estado_hacia=hacia if regla.hacia is not None else None,
        actor_tipo=actor.tipo.value,
        actor_id=actor.id,
        actor_nombre=actor.nombre,
        actor_origen=actor.origen,
        nota=nota,
        es_publico=regla.es_publica,
        datos=datos,
    )
    caso.eventos.append(evento)
    caso.estado = hacia
    caso.actualizado_en = ahora
    if regla.es_respuesta and caso.primera_respuesta_en is None:
        caso.primera_respuesta_en = ahora
    return evento


def recalcular_sla(
    sesion: Session, caso: Caso, ahora: datetime, calendarios: Calendarios | None = None
) -> ResultadoSLA:
    """Recompute the case's clocks from its events and store due times, state and explanation."""
    calendarios = calendarios or Calendarios(sesion)
    tipo, area = caso.tipo, caso.area
    politica = Politica(
        tipo=tipo.nombre,
        area=area.nombre,
        objetivo_respuesta=tipo.objetivo_respuesta,
        objetivo_resolucion=tipo.objetivo_resolucion,
        umbral_pct=tipo.umbral_riesgo_pct,
        calendario=calendarios.para(tipo, area.id),
    )
    resultado = calcular_sla([Hecho.de_evento(e) for e in caso.eventos], politica, ahora)
    caso.vence_respuesta_en = resultado.vence("respuesta")
    caso.vence_resolucion_en = resultado.vence("resolucion")
    caso.vence_turno_en = resultado.vence("turno")
    caso.sla_estado = resultado.estado
    caso.sla_proximo_en = resultado.proximo_en
    caso.sla_explicacion = resultado.a_json()
    caso.prioridad_en = prioridad(caso.estado, resultado)
    return resultado


def prioridad(estado: EstadoCaso, resultado: ResultadoSLA) -> datetime | None:
    """The Bandeja's sort key: earliest running due time, SIN_PLAZO, or None when not open."""
    if estado not in ABIERTOS:
        return None
    vencimientos = [
        r.vence_en for r in resultado.relojes if r.es_activo and not r.es_pausado and r.vence_en
    ]
    return min(vencimientos, default=SIN_PLAZO)


# --- per-action effects on the case's columns -------------------------------------------

Efecto = Callable[[Session, Caso, datetime, dict[str, Any]], None]


def _sin_efecto(_s: Session, _c: Caso, _a: datetime, _d: dict[str, Any]) -> None:
    return None


def _asignar(sesion: Session, caso: Caso, _ahora: datetime, datos: dict[str, Any]) -> None:
    persona = sesion.get(Personal, datos.get("personal_id") or 0)
    if persona is None or not persona.es_activo:
        raise DatosInvalidos("Elija a quién asignar.", {"personal_id": "Persona no válida."})
    if caso.area_id not in {a.id for a in persona.areas}:
        raise DatosInvalidos(
            "Esa persona no pertenece al área del caso.",
            {"personal_id": f"{persona.nombre} no atiende {caso.area.nombre}."},
        )
    caso.asignado_a_id = persona.id
    datos["personal_nombre"] = persona.nombre


def _turnar(sesion: Session, caso: Caso, _ahora: datetime, datos: dict[str, Any]) -> None:
    area = sesion.get(Area, datos.get("area_id") or 0)
    if area is None or not area.es_activa:
        raise DatosInvalidos("Elija el área destino.", {"area_id": "Área no válida."})
    if area.id == caso.area_id:
        raise DatosInvalidos(
            "El caso ya está en esa área.", {"area_id": "Elija un área distinta de la actual."}
        )
    datos.update(area_desde_id=caso.area_id, area_desde=caso.area.nombre, area=area.nombre)
    caso.area_id, caso.area = area.id, area
    caso.asignado_a_id = None


def _cambiar_tipo(sesion: Session, caso: Caso, _ahora: datetime, datos: dict[str, Any]) -> None:
    tipo = sesion.get(TipoCaso, datos.get("tipo_id") or 0)
    if tipo is None or not tipo.es_activo:
        raise NoEncontrado("Tipo de solicitud no válido.", {"tipo_id": "Elija un tipo válido."})
    datos.update(tipo_desde=caso.tipo.nombre, tipo=tipo.nombre)
    caso.tipo_id, caso.tipo = tipo.id, tipo


def _resolver(_s: Session, caso: Caso, ahora: datetime, _d: dict[str, Any]) -> None:
    caso.resuelto_en = ahora


def _cerrar(_s: Session, caso: Caso, ahora: datetime, _d: dict[str, Any]) -> None:
    caso.cerrado_en = ahora


def _cancelar(_s: Session, caso: Caso, ahora: datetime, _d: dict[str, Any]) -> None:
    caso.cancelado_en = ahora


def _reabrir(_s: Session, caso: Caso, ahora: datetime, _d: dict[str, Any]) -> None:
    assert caso.resuelto_en is not None
    limite = caso.resuelto_en + timedelta(days=caso.tipo.dias_reapertura)
    if ahora > limite:
        raise TransicionInvalida(
            f"El plazo para reabrir venció ({caso.tipo.dias_reapertura} días después de "
            "resolverse); registre una nueva solicitud."
        )
    caso.resuelto_en = None
    caso.cerrado_en = None


EFECTOS: dict[Accion, Efecto] = {
    Accion.ASIGNAR: _asignar,
    Accion.TURNAR: _turnar,
    Accion.CAMBIAR_TIPO: _cambiar_tipo,
    Accion.RESOLVER: _resolver,
    Accion.CERRAR: _cerrar,
    Accion.CANCELAR: _cancelar,
    Accion.REABRIR: _reabrir,
}


# --- per-type effects: what reaching a state means beyond the case (e.g. closing an account) ---

EfectoTipo = Callable[[Session, Caso, Actor, datetime], None]

# Modules that register per-type effects with `registrar_efecto_tipo`. They are imported by
# name the first time an effect is looked up, so this module never imports the domains that
# hook into it (they import it: no cycle) and no process can forget to load them.
MODULOS_CON_EFECTOS: tuple[str, ...] = ("casos.cuentas.baja",)
EFECTOS_TIPO: dict[tuple[str, EstadoCaso], list[EfectoTipo]] = {}
_MODULOS_CARGADOS: set[str] = set()


def registrar_efecto_tipo(clave_tipo: str, estado: EstadoCaso, efecto: EfectoTipo) -> None:
    """Run `efecto(sesion, caso, actor, ahora)` whenever a case of that type enters `estado`.

    Effects run inside `aplicar_accion`, in the same transaction; they must be idempotent (a
    case can reach a state again after a reopening)."""
    efectos = EFECTOS_TIPO.setdefault((clave_tipo, estado), [])
    if efecto not in efectos:
        efectos.append(efecto)


def _aplicar_efectos_de_tipo(sesion: Session, caso: Caso, actor: Actor, ahora: datetime) -> None:
    for modulo in MODULOS_CON_EFECTOS:
        if modulo not in _MODULOS_CARGADOS:
            importlib.import_module(modulo)
            _MODULOS_CARGADOS.add(modulo)
    for efecto in EFECTOS_TIPO.get((caso.tipo.clave, caso.estado), ()):
        efecto(sesion, caso, actor, ahora)
