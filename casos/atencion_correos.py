"""The customer's emails of the workspace actions (reply, request for information, visit,
resolution) and the agent's notice when the customer answers. Each one is keyed by the event,
so retrying a job or a request never sends it twice; a case without an email sends nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from casos.atencion_visitas import instante_cita
from casos.correo import encolar_correo
from casos.modelos import Caso, EventoCaso
from casos.personal import Personal


def ruta_seguimiento(caso: Caso) -> str:
    """Where the customer follows the case: Mis gestiones, or the follow-up by folio."""
    if caso.cuenta_id:
        return f"/mi-cuenta/gestiones/{caso.folio}"
    return f"/seguimiento/?folio={caso.folio}"


def _al_ciudadano(
    sesion: Session,
    caso: Caso,
    evento: EventoCaso,
    ahora: datetime,
    plantilla: str,
    **extra: Any,
) -> None:
    if not caso.solicitante_email:
        return
    sesion.flush()  # the event's id makes the key
    encolar_correo(
        sesion,
        para=caso.solicitante_email,
        plantilla=plantilla,
        contexto={
            "caso": caso,
            "nota": evento.nota,
            "ruta_seguimiento": ruta_seguimiento(caso),
            **extra,
        },
        ahora=ahora,
        clave=f"{plantilla}:{caso.folio}:{evento.id}",
        caso_id=caso.id,
    )


def notificar_respuesta(sesion: Session, caso: Caso, evento: EventoCaso, ahora: datetime) -> None:
    """A public reply, or the appointment of an in-person visit."""
    cita_en = instante_cita(evento.datos.get("cita_en"))
    if cita_en is None:
        _al_ciudadano(sesion, caso, evento, ahora, "respuesta_caso")
        return
    _al_ciudadano(
        sesion,
        caso,
        evento,
        ahora,
        "cita_presencial",
        cita_en=cita_en,
        oficina=evento.datos.get("oficina", ""),
        cita_lugar=evento.datos.get("cita_lugar", ""),
    )


def notificar_solicitud(sesion: Session, caso: Caso, evento: EventoCaso, ahora: datetime) -> None:
    """The CEA needs information: how to answer (the case waits, the clocks pause)."""
    _al_ciudadano(sesion, caso, evento, ahora, "solicitud_informacion")


def notificar_resolucion(sesion: Session, caso: Caso, evento: EventoCaso, ahora: datetime) -> None:
    """The case is resolved: the answer, how it ended and how long it can be reopened."""
    _al_ciudadano(
        sesion,
        caso,
        evento,
        ahora,
        "caso_resuelto",
        codigo=evento.datos.get("codigo_resolucion", ""),
        dias_reapertura=caso.tipo.dias_reapertura,
    )


def avisar_agente_respuesta(
    sesion: Session, caso: Caso, evento: EventoCaso, ahora: datetime
) -> None:
    """Tell the assigned agent that the customer answered (nothing when unassigned)."""
    persona = sesion.get(Personal, caso.asignado_a_id) if caso.asignado_a_id else None
    if persona is None or not persona.es_activo or not persona.email:
        return
    sesion.flush()
    encolar_correo(
        sesion,
        para=persona.email,
        plantilla="respuesta_recibida_agente",
        contexto={"caso": caso, "persona": persona, "nota": evento.nota},
        ahora=ahora,
        clave=f"respuesta_recibida_agente:{caso.folio}:{evento.id}",
        caso_id=caso.id,
    )
