"""The customer answers a request for information: the case resumes and its clocks run again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.adjuntos import ArchivoRecibido, guardar_adjunto
from casos.atencion_correos import avisar_agente_respuesta
from casos.ciclo import aplicar_accion
from casos.errores import DatosInvalidos, TransicionInvalida
from casos.estados import Accion, EstadoCaso
from casos.gestiones import limpiar_archivos
from casos.modelos import Caso, EventoCaso

LARGO_RESPUESTA = 5000


def responder_caso(
    sesion: Session,
    caso: Caso,
    texto: str,
    archivos: Sequence[ArchivoRecibido],
    carpeta: Path,
    actor: Actor,
    ahora: datetime,
) -> EventoCaso:
    """Record the customer's answer (text and files) and resume the case's clocks."""
    if caso.estado is not EstadoCaso.EN_ESPERA:
        raise TransicionInvalida(
            "Esta solicitud ya no espera su respuesta; si necesita agregar algo, "
            "registre una nueva gestión e indique el folio."
        )
    errores: dict[str, str] = {}
    texto = (texto or "").replace("\x00", "").strip()
    if not texto:
        errores["texto"] = "Respuesta: escriba la información que le pedimos."
    elif len(texto) > LARGO_RESPUESTA:
        errores["texto"] = f"Respuesta: use como máximo {LARGO_RESPUESTA:,} caracteres."
    limpios = limpiar_archivos({"adjuntos": archivos}, errores)
    if errores:
        raise DatosInvalidos("Revise los datos marcados.", errores)
    datos = {"adjuntos": len(limpios)} if limpios else {}
    evento = aplicar_accion(
        sesion, caso, Accion.RECIBIR_INFORMACION, actor, ahora, nota=texto, datos=datos
    )
    sesion.flush()  # the event's id ties the files to it
    for limpio in limpios:
        guardar_adjunto(sesion, carpeta, caso.id, limpio, ahora, evento_id=evento.id)
    avisar_agente_respuesta(sesion, caso, evento, ahora)
    return evento
