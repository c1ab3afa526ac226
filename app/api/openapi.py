"""The OpenAPI 3.1 document of /api/v1, as data; served publicly at /api/v1/openapi.json.

Request bodies are the schemas `entrada` validates with (app/api/esquemas.py); every status
code an operation can answer is listed, and the suite runs schemathesis against this document.
"""

from __future__ import annotations

from typing import Any

from app.api import esquemas as e
from app.api.entrada import TAMANO_MAXIMO

Documento = dict[str, Any]

_REF = "#/components/schemas/"


def _json(nombre: str) -> Documento:
    return {"application/json": {"schema": {"$ref": _REF + nombre}}}


def _respuesta(descripcion: str, esquema: str = "Error", **cabeceras: Documento) -> Documento:
    respuesta: Documento = {"description": descripcion, "content": _json(esquema)}
    if cabeceras:
        respuesta["headers"] = cabeceras
    return respuesta


_ERRORES: dict[str, Documento] = {
    "400": _respuesta("JSON mal formado o no UTF-8, o un parámetro no válido."),
    "401": _respuesta(
        "Falta el token, no es válido o fue revocado.",
        **{"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}},
    ),
    "404": _respuesta("No existe un caso con ese folio."),
    "409": _respuesta("Transición no permitida o el caso cambió (version desactualizada)."),
    "413": _respuesta(f"El cuerpo supera {TAMANO_MAXIMO} bytes."),
    "415": _respuesta("El cuerpo no es application/json en UTF-8."),
    "422": _respuesta("Datos no válidos: `campos` dice por qué, campo por campo."),
}


def _errores(*codigos: str) -> dict[str, Documento]:
    return {codigo: _ERRORES[codigo] for codigo in codigos}


_LOCATION = {"schema": {"type": "string"}, "required": True, "description": "URL del caso."}
_FOLIO = {
    "name": "folio",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": e.RE_FOLIO, "maxLength": 20},
    "example": "OV-2026-000123",
}


def _consulta(nombre: str, esquema: Documento, descripcion: str) -> Documento:
    return {
        "name": nombre,
        "in": "query",
        "required": False,
        "schema": esquema,
        "description": descripcion,
    }


_FILTROS = [
    _consulta("estado", {"type": "string", "enum": list(e.ESTADOS)}, "Estado del caso."),
    _consulta("tipo", {"type": "string", "pattern": e.RE_CLAVE}, "Clave del tipo."),
    _consulta("area", {"type": "string", "pattern": e.RE_CLAVE}, "Clave del área."),
    _consulta("sla_estado", {"type": "string", "enum": list(e.ESTADOS_SLA)}, "Estado del SLA."),
    _consulta("contrato", {"type": "string", "pattern": e.RE_CONTRATO}, "Número de contrato."),
    _consulta(
        "creado_desde",
        {"type": "string", "format": "date", "pattern": e.RE_FECHA},
        "Registrados desde este día (hora de Querétaro), inclusive.",
    ),
    _consulta(
        "creado_hasta",
        {"type": "string", "format": "date", "pattern": e.RE_FECHA},
        "Registrados hasta este día (hora de Querétaro), inclusive.",
    ),
    _consulta(
        "limite",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": e.LIMITE_MAXIMO,
            "default": e.LIMITE_PREDETERMINADO,
        },
        "Casos por página.",
    ),
    _consulta(
        "cursor",
        {"type": "string", "maxLength": e.LARGO_CURSOR},
        "Valor de `siguiente` de la página anterior (opaco).",
    ),
]

_IDEMPOTENCIA = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "pattern": e.RE_IDEMPOTENCIA},
    "description": "Un reintento con la misma clave devuelve el mismo caso (200).",
}


def _cuerpo(esquema: str, ejemplo: Documento) -> Documento:
    contenido = _json(esquema)
    contenido["application/json"]["example"] = ejemplo
    return {"required": True, "content": contenido}


EJEMPLO_CASO: Documento = {
    "tipo": "altos_consumos",
    "descripcion": "El recibo de octubre llegó al triple de lo normal.",
    "solicitante_nombre": "María López",
    "solicitante_telefono": "442 211 00 66",
    "contrato": "100234",
    "canal": "call_center",
}
EJEMPLO_EVENTO: Documento = {
    "accion": "nota_interna",
    "nota": "La usuaria volvió a llamar; pide respuesta por correo.",
}


_RUTAS: Documento = {
    "/casos": {
        "post": {
            "operationId": "crearCaso",
            "summary": "Registrar un caso (mismas validaciones que el portal).",
            "parameters": [_IDEMPOTENCIA],
            "requestBody": _cuerpo("CasoNuevo", EJEMPLO_CASO),
            "responses": {
                "201": _respuesta("Caso registrado.", "Caso", Location=_LOCATION),
                "200": _respuesta(
                    "Reintento: el caso ya registrado con esa clave.", "Caso", Location=_LOCATION
                ),
                **_errores("400", "401", "413", "415", "422"),
            },
        },
        "get": {
            "operationId": "listarCasos",
            "summary": "Listar casos, del más reciente al más antiguo, con filtros.",
            "parameters": _FILTROS,
            "responses": {
                "200": _respuesta("Una página de casos.", "ListaCasos"),
                **_errores("400", "401"),
            },
        },
    },
    "/casos/{folio}": {
        "get": {
            "operationId": "leerCaso",
            "summary": "Un caso con su SLA y su historial completo.",
            "parameters": [_FOLIO],
            "responses": {"200": _respuesta("El caso.", "Caso"), **_errores("401", "404")},
        },
    },
    "/casos/{folio}/eventos": {
        "post": {
            "operationId": "agregarEvento",
            "summary": "Responder, anotar, solicitar información, resolver, cerrar, reabrir...",
            "parameters": [_FOLIO],
            "requestBody": _cuerpo("EventoNuevo", EJEMPLO_EVENTO),
            "responses": {
                "201": _respuesta("Evento registrado.", "EventoCreado"),
                **_errores("400", "401", "404", "409", "413", "415", "422"),
            },
        },
    },
    "/tipos": {
        "get": {
            "operationId": "listarTipos",
            "summary": "Tipos de caso que se pueden registrar y sus campos obligatorios.",
            "responses": {"200": _respuesta("Tipos activos.", "ListaTipos"), **_errores("401")},
        },
    },
    "/areas": {
        "get": {
            "operationId": "listarAreas",
            "summary": "Áreas activas.",
            "responses": {"200": _respuesta("Áreas.", "ListaAreas"), **_errores("401")},
        },
    },
    "/codigos-resolucion": {
        "get": {
            "operationId": "listarCodigosResolucion",
            "summary": "Códigos de resolución activos.",
            "responses": {"200": _respuesta("Códigos.", "ListaCodigos"), **_errores("401")},
        },
    },
    "/openapi.json": {
        "get": {
            "operationId": "documentoOpenapi",
            "summary": "Este documento (público).",
            "security": [],
            "responses": {
                "200": {
                    "description": "Documento OpenAPI 3.1.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        },
    },
}

DOCUMENTO: Documento = {
    "openapi": "3.1.0",
    "info": {
        "title": "Oficina Virtual CEA — API de integraciones",
        "version": "1.0.0",
        "description": "Casos para el centro de atención telefónica y el sistema comercial. "
        "Guía: docs/api.md.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"token": []}],
    "paths": _RUTAS,
    "components": {
        "securitySchemes": {
            "token": {
                "type": "http",
                "scheme": "bearer",
                "description": "Token de la integración (creado en la administración).",
            }
        },
        "schemas": {
            "Error": e.ERROR,
            "CasoNuevo": e.CASO_NUEVO,
            "EventoNuevo": e.EVENTO_NUEVO,
            "Caso": e.CASO,
            "ListaCasos": e.LISTA_CASOS,
            "EventoCreado": e.EVENTO_CREADO,
            "ListaTipos": e.LISTA_TIPOS,
            "ListaAreas": e.LISTA_AREAS,
            "ListaCodigos": e.LISTA_CODIGOS,
        },
    },
}
