"""Which workspace actions exist, what each form turns into (a casos.atencion.Comando) and
which of them the page offers for the case's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, time
from typing import Any

from app.backoffice.formularios_caso import (
    FormAccion,
    FormAsignar,
    FormCita,
    FormMotivo,
    FormResolver,
    FormTexto,
    FormTurnar,
)
from casos.atencion_visitas import cita_local
from casos.errores import DatosInvalidos
from casos.estados import Accion, acciones_posibles
from casos.modelos import Caso
from casos.personal import Personal


@dataclass(frozen=True)
class DefAccion:
    """One action of the workspace: its URL key, lifecycle action, form and wording."""

    clave: str
    accion: Accion
    form: type[FormAccion]
    titulo: str
    boton: str
    exito: str
    etiqueta_texto: str = ""
    ayuda: str = ""


_D = DefAccion
DEFINICIONES: tuple[DefAccion, ...] = (
    _D("atender", Accion.ATENDER, FormAccion, "Atender", "Empezar a atender", "Caso en atención."),
    _D("tomar", Accion.ASIGNAR, FormAccion, "Tomar el caso", "Tomar el caso", "El caso es suyo."),
    _D(
        "responder",
        Accion.RESPONDER,
        FormTexto,
        "Respuesta pública",
        "Enviar respuesta",
        "Respuesta enviada; el ciudadano la recibe por correo y la ve en la Oficina Virtual.",
        "Respuesta al ciudadano",
        "Texto simple. Se envía por correo con el folio y se muestra en Mis gestiones.",
    ),
    _D(
        "solicitar_informacion",
        Accion.SOLICITAR_INFORMACION,
        FormTexto,
        "Pedir información",
        "Pedir información y pausar",
        "Información solicitada: el caso espera al ciudadano y los plazos quedan en pausa.",
        "Qué información necesita",
        "El ciudadano recibe un correo para responder en Mis gestiones o con su folio.",
    ),
    _D(
        "cita",
        Accion.RESPONDER,
        FormCita,
        "Cita en oficina",
        "Agendar cita y avisar",
        "Cita agendada; el ciudadano recibe la fecha, la hora y la dirección por correo.",
        ayuda="Lunes a viernes de 8:00 a 17:00, en días hábiles.",
    ),
    _D(
        "nota_interna",
        Accion.NOTA_INTERNA,
        FormTexto,
        "Nota interna",
        "Guardar nota",
        "Nota interna guardada.",
        "Nota interna",
        "Solo la ve el personal de la CEA.",
    ),
    _D("asignar", Accion.ASIGNAR, FormAsignar, "Asignar", "Asignar", "Caso asignado."),
    _D("turnar", Accion.TURNAR, FormTurnar, "Turnar a otra área", "Turnar", "Caso turnado."),
    _D(
        "resolver",
        Accion.RESOLVER,
        FormResolver,
        "Resolver",
        "Resolver y avisar",
        "Caso resuelto; el ciudadano recibe la respuesta por correo.",
        ayuda="Se envía por correo al ciudadano junto con el resultado.",
    ),
    _D("cerrar", Accion.CERRAR, FormAccion, "Cerrar", "Cerrar el caso", "Caso cerrado."),
    _D(
        "reanudar",
        Accion.REANUDAR,
        FormMotivo,
        "Reanudar sin respuesta",
        "Reanudar",
        "Caso reanudado; los plazos corren de nuevo.",
    ),
    _D("reabrir", Accion.REABRIR, FormMotivo, "Reabrir", "Reabrir", "Caso reabierto."),
    _D(
        "cancelar",
        Accion.CANCELAR,
        FormMotivo,
        "Cancelar",
        "Cancelar la solicitud",
        "Caso cancelado.",
    ),
)
ACCIONES = {d.clave: d for d in DEFINICIONES}


def disponibles(caso: Caso, persona: Personal) -> list[DefAccion]:
    """The actions the case's state allows, as this person can take them."""
    posibles = set(acciones_posibles(caso.estado))
    suyo = caso.asignado_a_id == persona.id
    en_area = caso.area_id in {a.id for a in persona.areas}
    lista = []
    for definicion in DEFINICIONES:
        if definicion.accion not in posibles:
            continue
        if definicion.clave == "tomar" and (suyo or not en_area):
            continue
        lista.append(definicion)
    return lista


def _fecha_y_hora(form: FormCita) -> str:
    errores: dict[str, str] = {}
    try:
        fecha = date.fromisoformat((form.fecha.data or "").strip())
    except ValueError:
        fecha = None
        errores["fecha"] = "Indique la fecha de la cita (dd/mm/aaaa)."
    try:
        hora = time.fromisoformat(form.hora.data or "")
    except ValueError:
        hora = None
        errores["hora"] = "Elija la hora de la cita."
    if errores or fecha is None or hora is None:
        if not (form.nota.data or "").strip():
            errores["nota"] = "Escriba qué debe traer el ciudadano."
        raise DatosInvalidos("Revise los datos de la cita.", errores)
    return cita_local(fecha, hora).astimezone(UTC).isoformat()


def datos_de(definicion: DefAccion, form: Any, persona: Personal) -> dict[str, Any]:
    """The Comando's `datos` from a posted form (raises DatosInvalidos for a bad date)."""
    if definicion.clave == "tomar":
        return {"personal_id": persona.id}
    if definicion.clave == "asignar":
        return {"personal_id": form.personal_id.data}
    if definicion.clave == "turnar":
        return {"area_id": form.area_id.data}
    if definicion.clave == "resolver":
        return {"codigo_resolucion_id": form.codigo_resolucion_id.data}
    if definicion.clave == "cita":
        return {"oficina_id": form.oficina_id.data, "cita_en": _fecha_y_hora(form)}
    return {}


# Domain field names that the forms show under another name.
ALIAS_CAMPOS = {"cita_en": "fecha"}
