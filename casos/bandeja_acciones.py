"""What the Bandeja does to cases: take one, assign a selection, re-route a selection.

Everything goes through casos.atencion.ejecutar, so each case gets its event, its clocks and
its optimistic-lock check exactly as from the workspace. Bulk actions are all or nothing: a
re-route is one decision ("these belong to Facturación"); if any case refuses (already there,
changed meanwhile, closed), `ErrorLote` lists every refused folio with its reason and the
caller rolls the whole transaction back, so the agent fixes the selection and sends it again
instead of working out which half went through.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from casos.actores import Actor
from casos.atencion import MENSAJE_CONFLICTO, Comando, ejecutar
from casos.catalogo import Area
from casos.errores import DatosInvalidos, ErrorDominio, NoEncontrado
from casos.estados import Accion
from casos.modelos import Caso
from casos.permisos import es_supervisor, puede_ver_caso
from casos.personal import Personal

MAXIMO_SELECCION = 200


@dataclass(frozen=True)
class Seleccion:
    """A case picked on the page, with the version it was shown at."""

    caso_id: int
    version: int | None = None


class ErrorLote(DatosInvalidos):
    """Some cases of a selection refused the action; `rechazos` is [(folio, reason)]."""

    def __init__(self, rechazos: list[tuple[str, str]]) -> None:
        super().__init__(
            f"No se aplicó ningún cambio: {len(rechazos)} caso(s) no lo admiten. Quítelos de la "
            "selección o revíselos y vuelva a intentarlo.",
            {"casos": "; ".join(f"{folio}: {razon}" for folio, razon in rechazos)},
        )
        self.rechazos = rechazos


def leer_seleccion(valores: Sequence[str]) -> list[Seleccion]:
    """Parse the checkboxes' values ('<id>:<version>'); refuse an empty or forged selection."""
    seleccion: list[Seleccion] = []
    for valor in dict.fromkeys(valores):
        ident, _, version = valor.partition(":")
        if not ident.isdigit() or (version and not version.isdigit()):
            raise DatosInvalidos("Selección no válida.", {"casos": "Recargue la página."})
        seleccion.append(Seleccion(int(ident), int(version) if version else None))
    if not seleccion:
        raise DatosInvalidos("No eligió casos.", {"casos": "Marque al menos un caso."})
    if len(seleccion) > MAXIMO_SELECCION:
        raise DatosInvalidos(
            "Demasiados casos.", {"casos": f"Elija como máximo {MAXIMO_SELECCION} casos."}
        )
    return seleccion


def tomar(
    sesion: Session, persona: Personal, seleccion: Seleccion, actor: Actor, ahora: datetime
) -> Caso:
    """Assign a case to the person taking it (they must belong to the case's area)."""
    consulta = select(Caso).where(Caso.id == seleccion.caso_id).options(selectinload(Caso.eventos))
    caso = sesion.scalar(consulta)
    if caso is None or not puede_ver_caso(persona, caso):
        raise NoEncontrado("Ese caso no existe o no es de sus áreas.")
    comando = Comando(Accion.ASIGNAR, version=seleccion.version, datos={"personal_id": persona.id})
    ejecutar(sesion, caso, comando, actor, ahora)
    return caso


def asignar(
    sesion: Session,
    persona: Personal,
    seleccion: Sequence[Seleccion],
    personal_id: int,
    actor: Actor,
    ahora: datetime,
) -> list[Caso]:
    """A supervisor assigns the selected cases to a member of each case's area."""
    if not es_supervisor(persona):
        raise DatosInvalidos("Solo supervisión asigna casos a otras personas.")
    destino = sesion.get(Personal, personal_id)
    if destino is None or not destino.es_activo:
        raise DatosInvalidos("Elija a quién asignar.", {"personal_id": "Persona no válida."})
    return _aplicar(
        sesion,
        persona,
        seleccion,
        lambda s: Comando(Accion.ASIGNAR, version=s.version, datos={"personal_id": destino.id}),
        actor,
        ahora,
    )


def turnar(
    sesion: Session,
    persona: Personal,
    seleccion: Sequence[Seleccion],
    area_id: int,
    motivo: str,
    actor: Actor,
    ahora: datetime,
) -> list[Caso]:
    """Re-route the selected cases to another area, with the reason recorded on each."""
    errores: dict[str, str] = {}
    area = sesion.get(Area, area_id)
    if area is None or not area.es_activa:
        errores["area_id"] = "Elija el área a la que se turnan."
    if not motivo.strip():
        errores["motivo"] = "Escriba el motivo del turno; queda en el historial de cada caso."
    if errores:
        raise DatosInvalidos("Revise los datos del turno.", errores)
    return _aplicar(
        sesion,
        persona,
        seleccion,
        lambda s: Comando(Accion.TURNAR, motivo, s.version, {"area_id": area_id}),
        actor,
        ahora,
    )


def _aplicar(
    sesion: Session,
    persona: Personal,
    seleccion: Sequence[Seleccion],
    comando_para: Callable[[Seleccion], Comando],
    actor: Actor,
    ahora: datetime,
) -> list[Caso]:
    """Run the command on every selected case; raise ErrorLote if any refuses."""
    ids = [s.caso_id for s in seleccion]
    consulta = select(Caso).where(Caso.id.in_(ids)).options(selectinload(Caso.eventos))
    casos = {c.id: c for c in sesion.scalars(consulta) if puede_ver_caso(persona, c)}
    rechazos: list[tuple[str, str]] = []
    for elegido in seleccion:
        caso = casos.get(elegido.caso_id)
        if caso is None:
            rechazos.append((f"caso {elegido.caso_id}", "no existe o no es de sus áreas"))
            continue
        try:
            with sesion.begin_nested():
                ejecutar(sesion, caso, comando_para(elegido), actor, ahora)
        except StaleDataError:
            rechazos.append((caso.folio, MENSAJE_CONFLICTO))
        except ErrorDominio as error:
            rechazos.append((caso.folio, _razon(error)))
    if rechazos:
        raise ErrorLote(rechazos)
    return [casos[s.caso_id] for s in seleccion]


def _razon(error: ErrorDominio) -> str:
    """One sentence for a refused case: the field reasons if any, else the message."""
    return " ".join(error.campos.values()) or error.mensaje
