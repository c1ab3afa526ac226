"""Everything the workspace page shows, gathered in a fixed number of queries: the request,
the history with its files, the SLA panel, the contract beside it and the action forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import request
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.backoffice.caso_acciones import DefAccion, disponibles
from app.extensiones import db
from casos.adjuntos import Adjunto, adjuntos_de
from casos.atencion_catalogos import codigos_activos, oficinas_activas, respuestas_para
from casos.atencion_preparar import rellenar_plantilla
from casos.atencion_sla import panel_sla
from casos.atencion_visitas import instante_cita
from casos.catalogo import Area, etiqueta_campo
from casos.contrato_del_caso import contrato_del_caso
from casos.estados import REGLAS
from casos.modelos import Caso, EventoCaso
from casos.personal import Personal, personal_areas
from casos.sla import fecha_en_palabras

OCULTOS = frozenset({"factura_id"})  # internal keys; the period says the same


@dataclass(frozen=True)
class Entrada:
    """One event of the history with its files."""

    evento: EventoCaso
    adjuntos: tuple[Adjunto, ...]


@dataclass(frozen=True)
class Plantilla:
    """A canned answer with its placeholders filled for this case."""

    id: int
    titulo: str
    texto: str


def datos_visibles(caso: Caso) -> list[tuple[str, str]]:
    """The type-specific fields with their Spanish labels."""
    return [
        (etiqueta_campo(campo), str(valor))
        for campo, valor in (caso.datos or {}).items()
        if campo not in OCULTOS and valor not in (None, "")
    ]


def historial(caso: Caso) -> tuple[list[Entrada], list[Adjunto]]:
    """Every event (oldest first) with its files, and the files with no event."""
    por_evento: dict[int | None, list[Adjunto]] = {}
    for adjunto in adjuntos_de(db.session, caso.id, solo_publicos=False):
        por_evento.setdefault(adjunto.evento_id, []).append(adjunto)
    entradas = [Entrada(e, tuple(por_evento.get(e.id, ()))) for e in caso.eventos]
    return entradas, por_evento.get(None, [])


def etiqueta_evento(evento: EventoCaso) -> str:
    """`Respuesta de la CEA`, `Cita en oficina`…"""
    if instante_cita(evento.datos.get("cita_en")) is not None:
        return "Cita en oficina"
    return REGLAS[evento.accion].etiqueta


def detalles(evento: EventoCaso) -> list[str]:
    """What an event's data add to its note: the area, the assignee, the code, the visit."""
    datos = evento.datos or {}
    lineas = []
    if datos.get("area_desde") and datos.get("area"):
        lineas.append(f"De {datos['area_desde']} a {datos['area']}.")
    if datos.get("personal_nombre"):
        lineas.append(f"Asignado a {datos['personal_nombre']}.")
    if datos.get("codigo_resolucion"):
        lineas.append(f"Código de resolución: {datos['codigo_resolucion']}.")
    cita = instante_cita(datos.get("cita_en"))
    if cita is not None:
        lineas.append(f"Cita {fecha_en_palabras(cita)}, en {datos.get('cita_lugar', '')}.")
    return lineas


def plantillas(caso: Caso, persona: Personal) -> list[Plantilla]:
    """The canned answers of the case's type, filled in."""
    return [
        Plantilla(r.id, r.titulo, rellenar_plantilla(r.texto, caso, persona.nombre))
        for r in respuestas_para(db.session, caso.tipo_id)
    ]


def _opciones(claves: set[str], caso: Caso) -> dict[str, list[tuple[Any, str]]]:
    opciones: dict[str, list[tuple[Any, str]]] = {}
    if "resolver" in claves:
        opciones["codigo_resolucion_id"] = [(c.id, c.nombre) for c in codigos_activos(db.session)]
    if "cita" in claves:
        opciones["oficina_id"] = [(o.id, o.nombre) for o in oficinas_activas(db.session)]
    if "turnar" in claves:
        areas = db.session.scalars(
            select(Area).where(Area.es_activa, Area.id != caso.area_id).order_by(Area.nombre)
        )
        opciones["area_id"] = [(a.id, a.nombre) for a in areas]
    if "asignar" in claves:
        personas = db.session.scalars(
            select(Personal)
            .join(personal_areas)
            .where(personal_areas.c.area_id == caso.area_id, Personal.es_activo)
            .order_by(Personal.nombre)
        )
        opciones["personal_id"] = [(p.id, p.nombre) for p in personas]
    return opciones


def formularios(
    caso: Caso,
    persona: Personal,
    previos: dict[str, Any],
    textos: list[Plantilla],
) -> list[tuple[DefAccion, Any]]:
    """A form per available action: the posted one as it came, the others fresh."""
    lista = disponibles(caso, persona)
    opciones = _opciones({d.clave for d in lista}, caso)
    resultado = []
    for definicion in lista:
        form = previos.get(definicion.clave) or definicion.form(formdata=None)
        form.version.data = caso.version
        form.version.raw_data = [str(caso.version)]
        for nombre, valores in opciones.items():
            if nombre in form._fields:
                form[nombre].choices = [
                    SelectChoice("", "Elija…"),
                    *(SelectChoice(str(v), t) for v, t in valores),
                ]
        if "nota" in form._fields and definicion.etiqueta_texto:
            form.nota.label.text = definicion.etiqueta_texto
        resultado.append((definicion, form))
    _aplicar_plantilla(resultado, previos, textos)
    return resultado


def _aplicar_plantilla(
    lista: list[tuple[DefAccion, Any]], previos: dict[str, Any], textos: list[Plantilla]
) -> None:
    """?plantilla=<id> fills the reply box (without JS) unless the agent already typed."""
    elegida = request.args.get("plantilla", type=int)
    texto = next((p.texto for p in textos if p.id == elegida), None)
    if texto is None or "responder" in previos:
        return
    for definicion, form in lista:
        if definicion.clave == "responder":
            form.nota.data = texto


def contexto(
    caso: Caso, persona: Personal, ahora: datetime, previos: dict[str, Any]
) -> dict[str, Any]:
    """The template's variables."""
    entradas, sueltos = historial(caso)
    textos = plantillas(caso, persona)
    return {
        "caso": caso,
        "datos": datos_visibles(caso),
        "entradas": entradas,
        "sueltos": sueltos,
        "panel": panel_sla(db.session, caso, ahora),
        "contrato": contrato_del_caso(db.session, caso),
        "acciones": formularios(caso, persona, previos, textos),
        "plantillas": textos,
        "plantilla_elegida": request.args.get("plantilla", type=int),
        "abierta": next(iter(previos), None),
        "ahora": ahora,
        "etiqueta_evento": etiqueta_evento,
        "detalles": detalles,
    }
