"""How cases, events and catalogs look in the API's JSON (dates ISO 8601 in UTC, with offset)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from casos.atencion_catalogos import CodigoResolucion
from casos.catalogo import Area, TipoCaso
from casos.modelos import Caso, EventoCaso


def iso(instante: datetime | None) -> str | None:
    """`2026-11-24T16:00:00+00:00`, or None."""
    return instante.astimezone(UTC).isoformat() if instante is not None else None


def clave_nombre(objeto: Area | TipoCaso | CodigoResolucion) -> dict[str, str]:
    """A catalog entry as {clave, nombre}."""
    return {"clave": objeto.clave, "nombre": objeto.nombre}


def evento(e: EventoCaso) -> dict[str, Any]:
    """One history entry, public or internal."""
    return {
        "id": e.id,
        "en": iso(e.en),
        "accion": e.accion.value,
        "estado_desde": e.estado_desde.value if e.estado_desde else None,
        "estado_hacia": e.estado_hacia.value if e.estado_hacia else None,
        "actor": {"tipo": e.actor_tipo, "nombre": e.actor_nombre},
        "nota": e.nota,
        "es_publico": e.es_publico,
        "datos": dict(e.datos or {}),
    }


def caso(c: Caso) -> dict[str, Any]:
    """The whole case: request, routing, SLA with its explanation, and history."""
    explicacion = (c.sla_explicacion or {}).get("lineas", [])
    return {
        "folio": c.folio,
        "tipo": clave_nombre(c.tipo),
        "area": clave_nombre(c.area),
        "estado": c.estado.value,
        "canal": c.canal,
        "sla": {
            "estado": c.sla_estado.value,
            "vence_respuesta_en": iso(c.vence_respuesta_en),
            "vence_resolucion_en": iso(c.vence_resolucion_en),
            "explicacion": [str(linea) for linea in explicacion],
        },
        "solicitante": {
            "nombre": c.solicitante_nombre,
            "email": c.solicitante_email,
            "telefono": c.solicitante_telefono,
        },
        "contrato": c.contrato,
        "colonia": c.colonia,
        "descripcion": c.descripcion,
        "datos": dict(c.datos or {}),
        "creado_en": iso(c.creado_en),
        "actualizado_en": iso(c.actualizado_en),
        "version": c.version,
        "eventos": [evento(e) for e in c.eventos],
    }


def resumen(c: Caso) -> dict[str, Any]:
    """A case as a list row."""
    return {
        "folio": c.folio,
        "tipo": c.tipo.clave,
        "area": c.area.clave,
        "estado": c.estado.value,
        "sla_estado": c.sla_estado.value,
        "contrato": c.contrato,
        "creado_en": iso(c.creado_en),
        "vence_resolucion_en": iso(c.vence_resolucion_en),
        "version": c.version,
    }


def tipo(t: TipoCaso) -> dict[str, Any]:
    """A case type an integration may file, with the fields it requires."""
    return {
        "clave": t.clave,
        "nombre": t.nombre,
        "descripcion": t.descripcion,
        "area": t.area.clave,
        "calendario": t.calendario.value,
        "horas_respuesta": float(t.horas_respuesta),
        "horas_resolucion": float(t.horas_resolucion),
        "campos_requeridos": list(t.campos_requeridos or []),
    }
