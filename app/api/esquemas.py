"""JSON Schemas of the API's bodies: the OpenAPI document publishes them and `entrada` validates
requests against the very same dicts, so the document and the behaviour cannot drift apart."""

from __future__ import annotations

from typing import Any

from casos.ciclo import LARGO_MAXIMO_NOTA
from casos.estados import EstadoCaso
from casos.modelos import EstadoSLA
from casos.registro import LARGOS

Esquema = dict[str, Any]

# Integers the database can store (PostgreSQL `integer`): larger ones are refused up front.
ENTERO_MAXIMO = 2_147_483_647
LIMITE_MAXIMO = 100
LIMITE_PREDETERMINADO = 50
LARGO_CURSOR = 200
RE_FOLIO = r"^[A-Z]{2,10}-[0-9]{4}-[0-9]{6,9}$"
RE_CLAVE = r"^[a-z0-9_]{1,40}$"
RE_CONTRATO = r"^[0-9A-Za-z-]{4,20}$"
RE_FECHA = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
RE_IDEMPOTENCIA = r"^[0-9A-Za-z_-]{8,48}$"
CANALES = ("api", "call_center")
ACCIONES = (
    "nota_interna",
    "responder",
    "solicitar_informacion",
    "resolver",
    "cerrar",
    "reabrir",
    "turnar",
    "cancelar",
)
ESTADOS = tuple(e.value for e in EstadoCaso)
ESTADOS_SLA = tuple(e.value for e in EstadoSLA)


def texto(maximo: int, minimo: int = 0, **extra: Any) -> Esquema:
    """A string of at most `maximo` characters."""
    esquema: Esquema = {"type": "string", "maxLength": maximo, **extra}
    if minimo:
        esquema["minLength"] = minimo
    return esquema


def entero(minimo: int = 1, maximo: int = ENTERO_MAXIMO) -> Esquema:
    """An integer within bounds."""
    return {"type": "integer", "minimum": minimo, "maximum": maximo}


def nulable(esquema: Esquema) -> Esquema:
    """The same schema, or null (OpenAPI 3.1 type union)."""
    return {**esquema, "type": [esquema["type"], "null"]}


def objeto(propiedades: dict[str, Esquema], requeridos: tuple[str, ...] = ()) -> Esquema:
    """A closed object: unknown fields are refused."""
    esquema: Esquema = {
        "type": "object",
        "properties": propiedades,
        "additionalProperties": False,
    }
    if requeridos:
        esquema["required"] = list(requeridos)
    return esquema


FECHA_HORA: Esquema = {"type": "string", "format": "date-time"}

# --- requests --------------------------------------------------------------------------------

CAMPOS_TIPO = objeto(
    {
        "direccion": texto(LARGOS["direccion"]),
        "periodo_factura": texto(200),
        "fecha_pago": texto(10, description="dd/mm/aaaa o aaaa-mm-dd"),
        "monto_pago": texto(20, description="Cantidad en pesos, p. ej. 1234.50"),
        "banco": texto(200),
        "lectura": texto(9, description="Solo dígitos"),
        "fecha_lectura": texto(10, description="dd/mm/aaaa o aaaa-mm-dd"),
    }
)
CAMPOS_TIPO["description"] = "Datos propios del tipo (ver `campos_requeridos` en /tipos)."

CASO_NUEVO = objeto(
    {
        "tipo": texto(40, 1, description="Clave del tipo (GET /api/v1/tipos)."),
        "descripcion": texto(LARGOS["descripcion"]),
        "solicitante_nombre": texto(LARGOS["solicitante_nombre"]),
        "solicitante_email": texto(254),
        "solicitante_telefono": texto(30),
        "contrato": texto(20),
        "colonia": texto(LARGOS["colonia"]),
        "uso_contrato": texto(60),
        "canal": {"type": "string", "enum": list(CANALES), "default": "api"},
        "campos": CAMPOS_TIPO,
    },
    ("tipo",),
)

DATOS_EVENTO = objeto(
    {
        "area": texto(40, 1, description="Clave del área destino (turnar)."),
        "codigo_resolucion": texto(40, 1, description="Clave del código de resolución."),
    }
)

EVENTO_NUEVO = objeto(
    {
        "accion": {"type": "string", "enum": list(ACCIONES)},
        "nota": texto(LARGO_MAXIMO_NOTA),
        "version": entero(),
        "datos": DATOS_EVENTO,
    },
    ("accion",),
)

# --- responses -------------------------------------------------------------------------------

CLAVE_NOMBRE = objeto(
    {"clave": {"type": "string"}, "nombre": {"type": "string"}}, ("clave", "nombre")
)

ERROR = objeto(
    {
        "error": objeto(
            {
                "codigo": {"type": "string"},
                "mensaje": {"type": "string"},
                "campos": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            ("codigo", "mensaje", "campos"),
        )
    },
    ("error",),
)

EVENTO = objeto(
    {
        "id": {"type": "integer"},
        "en": FECHA_HORA,
        "accion": {"type": "string"},
        "estado_desde": nulable({"type": "string", "enum": [*ESTADOS, None]}),
        "estado_hacia": nulable({"type": "string", "enum": [*ESTADOS, None]}),
        "actor": objeto(
            {"tipo": {"type": "string"}, "nombre": {"type": "string"}}, ("tipo", "nombre")
        ),
        "nota": {"type": "string"},
        "es_publico": {"type": "boolean"},
        "datos": {"type": "object"},
    },
    ("id", "en", "accion", "estado_desde", "estado_hacia", "actor", "nota", "es_publico", "datos"),
)

SLA = objeto(
    {
        "estado": {"type": "string", "enum": list(ESTADOS_SLA)},
        "vence_respuesta_en": nulable(FECHA_HORA),
        "vence_resolucion_en": nulable(FECHA_HORA),
        "explicacion": {"type": "array", "items": {"type": "string"}},
    },
    ("estado", "vence_respuesta_en", "vence_resolucion_en", "explicacion"),
)

SOLICITANTE = objeto(
    {
        "nombre": {"type": "string"},
        "email": nulable({"type": "string"}),
        "telefono": nulable({"type": "string"}),
    },
    ("nombre", "email", "telefono"),
)

_CASO_PROPIEDADES: dict[str, Esquema] = {
    "folio": {"type": "string"},
    "tipo": CLAVE_NOMBRE,
    "area": CLAVE_NOMBRE,
    "estado": {"type": "string", "enum": list(ESTADOS)},
    "canal": {"type": "string"},
    "sla": SLA,
    "solicitante": SOLICITANTE,
    "contrato": nulable({"type": "string"}),
    "colonia": nulable({"type": "string"}),
    "descripcion": {"type": "string"},
    "datos": {"type": "object"},
    "creado_en": FECHA_HORA,
    "actualizado_en": FECHA_HORA,
    "version": {"type": "integer"},
    "eventos": {"type": "array", "items": EVENTO},
}
CASO = objeto(_CASO_PROPIEDADES, tuple(_CASO_PROPIEDADES))

_RESUMEN_PROPIEDADES: dict[str, Esquema] = {
    "folio": {"type": "string"},
    "tipo": {"type": "string"},
    "area": {"type": "string"},
    "estado": {"type": "string", "enum": list(ESTADOS)},
    "sla_estado": {"type": "string", "enum": list(ESTADOS_SLA)},
    "contrato": nulable({"type": "string"}),
    "creado_en": FECHA_HORA,
    "vence_resolucion_en": nulable(FECHA_HORA),
    "version": {"type": "integer"},
}
RESUMEN_CASO = objeto(_RESUMEN_PROPIEDADES, tuple(_RESUMEN_PROPIEDADES))

LISTA_CASOS = objeto(
    {
        "casos": {"type": "array", "items": RESUMEN_CASO},
        "siguiente": nulable({"type": "string"}),
    },
    ("casos", "siguiente"),
)

EVENTO_CREADO = objeto(
    {
        "evento": EVENTO,
        "caso": objeto(
            {
                "folio": {"type": "string"},
                "estado": {"type": "string", "enum": list(ESTADOS)},
                "version": {"type": "integer"},
            },
            ("folio", "estado", "version"),
        ),
    },
    ("evento", "caso"),
)

TIPO = objeto(
    {
        "clave": {"type": "string"},
        "nombre": {"type": "string"},
        "descripcion": {"type": "string"},
        "area": {"type": "string"},
        "calendario": {"type": "string", "enum": ["laboral", "continuo"]},
        "horas_respuesta": {"type": "number"},
        "horas_resolucion": {"type": "number"},
        "campos_requeridos": {"type": "array", "items": {"type": "string"}},
    },
    (
        "clave",
        "nombre",
        "descripcion",
        "area",
        "calendario",
        "horas_respuesta",
        "horas_resolucion",
        "campos_requeridos",
    ),
)
LISTA_TIPOS = objeto({"tipos": {"type": "array", "items": TIPO}}, ("tipos",))
LISTA_AREAS = objeto({"areas": {"type": "array", "items": CLAVE_NOMBRE}}, ("areas",))
LISTA_CODIGOS = objeto({"codigos": {"type": "array", "items": CLAVE_NOMBRE}}, ("codigos",))
