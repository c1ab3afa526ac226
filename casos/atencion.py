"""What staff and integrations do to a case: one entry point over casos.ciclo.aplicar_accion.

The workspace, the bulk actions of the Bandeja and the API build a `Comando` and call
`ejecutar`; it checks the optimistic lock (the version the page was loaded with), applies the
action through the one lifecycle function and queues the customer's email for public
actions, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from casos.actores import Actor, TipoActor
from casos.atencion_correos import notificar_resolucion, notificar_respuesta, notificar_solicitud
from casos.atencion_preparar import preparar_resolucion, preparar_respuesta
from casos.ciclo import aplicar_accion
from casos.errores import ConflictoEdicion, DatosInvalidos
from casos.estados import Accion
from casos.modelos import Caso, EventoCaso

MENSAJE_CONFLICTO = (
    "Otra persona modificó este caso mientras usted lo tenía abierto. Revise el historial "
    "actualizado; lo que escribió se conserva abajo para que lo envíe de nuevo si aún aplica."
)

# Actions a person or an integration may request (the sweep's own are excluded).
ACCIONES_PERSONAL = frozenset(
    {
        Accion.ASIGNAR,
        Accion.ATENDER,
        Accion.RESPONDER,
        Accion.NOTA_INTERNA,
        Accion.SOLICITAR_INFORMACION,
        Accion.REANUDAR,
        Accion.TURNAR,
        Accion.CAMBIAR_TIPO,
        Accion.RESOLVER,
        Accion.CERRAR,
        Accion.REABRIR,
        Accion.CANCELAR,
        Accion.ESCALAR,
    }
)


@dataclass(frozen=True)
class Comando:
    """An action on a case as requested by a person or an integration.

    `version` is the case version the request was based on; None skips the check (an API call
    that does not send one). `datos`: personal_id, area_id, tipo_id, codigo_resolucion_id,
    oficina_id, cita_en (ISO), as the action needs."""

    accion: Accion
    nota: str = ""
    version: int | None = None
    datos: dict[str, Any] = field(default_factory=dict)


# Per-action preparation (validation, extra event data) and the customer's email; both run
# inside `ejecutar`, in the caller's transaction (casos/atencion_preparar.py, atencion_correos.py).
Preparar = Callable[[Session, Caso, Comando, dict[str, Any], datetime], None]
Notificar = Callable[[Session, Caso, EventoCaso, datetime], None]
PREPARAR: dict[Accion, Preparar] = {
    Accion.RESPONDER: preparar_respuesta,
    Accion.RESOLVER: preparar_resolucion,
}
NOTIFICAR: dict[Accion, Notificar] = {
    Accion.RESPONDER: notificar_respuesta,
    Accion.SOLICITAR_INFORMACION: notificar_solicitud,
    Accion.RESOLVER: notificar_resolucion,
}


def exigir_version(caso: Caso, version: int | None) -> None:
    """Refuse a change based on a stale page (someone else acted on the case meanwhile)."""
    if version is not None and version != caso.version:
        raise ConflictoEdicion(MENSAJE_CONFLICTO)


def ejecutar(
    sesion: Session, caso: Caso, comando: Comando, actor: Actor, ahora: datetime
) -> EventoCaso:
    """Apply a staff or integration action to a case: lock check, lifecycle, customer email."""
    if actor.tipo not in (TipoActor.PERSONAL, TipoActor.INTEGRACION):
        raise DatosInvalidos("Solo el personal o una integración pueden hacer esto.")
    if comando.accion not in ACCIONES_PERSONAL:
        raise DatosInvalidos(
            "Acción no permitida.", {"accion": "Esa acción no se puede pedir desde aquí."}
        )
    exigir_version(caso, comando.version)
    version_leida = caso.version
    datos = dict(comando.datos)
    preparar = PREPARAR.get(comando.accion)
    if preparar is not None:
        preparar(sesion, caso, comando, datos, ahora)
    evento = aplicar_accion(
        sesion, caso, comando.accion, actor, ahora, nota=comando.nota, datos=datos
    )
    notificar = NOTIFICAR.get(comando.accion)
    if notificar is not None:
        notificar(sesion, caso, evento, ahora)
    # The version column moves at flush, even for an action that changes no column of the case
    # (a note at the same instant): a concurrent writer fails there (StaleDataError), which the
    # web layer reports with the same message as a stale page. Forced only while no autoflush
    # has written the case yet, so one action moves the version once.
    if caso.version == version_leida:
        flag_modified(caso, "actualizado_en")
    sesion.flush()
    return evento
