"""The sample context an email template preview is rendered with: invented data only (no
customer's), and a placeholder for any name the template uses that the sample lacks."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from casos.correo import AJUSTES
from casos.estados import EstadoCaso

GLOBALES = frozenset({"asunto", "telefono_24h", "base_url"})


class Muestra(SimpleNamespace):
    """A sample object: a missing attribute reads as a visible placeholder, not an error."""

    def __getattr__(self, nombre: str) -> str:
        if nombre.startswith("_"):
            raise AttributeError(nombre)
        return f"[{nombre}]"


def _caso(ahora: datetime) -> Muestra:
    return Muestra(
        folio="CEA-2026-000123",
        tipo=Muestra(nombre="Aclaración de altos consumos", clave="altos_consumos"),
        area=Muestra(nombre="Atención a usuarios"),
        estado=EstadoCaso.EN_PROCESO,
        asignado_a=Muestra(nombre="Ana Martínez"),
        solicitante_nombre="María López",
        solicitante_email="maria@ejemplo.mx",
        contrato="100234",
        colonia="Centro",
        cuenta_id=None,
        descripcion="Mi recibo de este mes viene muy alto.",
        creado_en=ahora - timedelta(days=1),
        vence_respuesta_en=ahora + timedelta(days=2),
        vence_resolucion_en=ahora + timedelta(days=10),
        sla_explicacion={"lineas": ["Ejemplo: 16 horas hábiles para responder."], "relojes": []},
    )


def contexto_muestra(fuentes: list[str], ahora: datetime) -> dict[str, Any]:
    """Sample values for every variable the given template sources use."""
    caso = _caso(ahora)
    contexto: dict[str, Any] = {
        "caso": caso,
        "persona": Muestra(nombre="Laura Gómez"),
        "usuario": "mlopez",
        "nombre": "María López",
        "folio": caso.folio,
        "enlace": f"{AJUSTES.base_url}/enlace-de-ejemplo",
        "vence_en": ahora + timedelta(days=2),
        "vence_respuesta_en": caso.vence_respuesta_en,
        "fin_periodo_en": ahora + timedelta(days=15),
        "dias": 15,
        "motivo": "Texto de ejemplo del motivo.",
        "nota": "Texto de ejemplo de la respuesta del personal.\nSegunda línea.",
        "contratos": ["100234"],
        "total": Decimal("1234.50"),
        "horas": 24,
        "vigencia_horas": 24,
        "codigo": Muestra(nombre="Procedente", clave="procedente"),
        "dias_reapertura": 10,
        "cita_en": ahora + timedelta(days=3),
        "cita_lugar": "Oficina Centro, Av. Ejemplo 100",
        "es_continuo": False,
        "reloj": "respuesta",
        "umbral": "riesgo",
        "ruta_seguimiento": f"/seguimiento/?folio={caso.folio}",
        "en": ahora,
        "base_url": AJUSTES.base_url,
    }
    entorno = SandboxedEnvironment()
    for fuente in fuentes:
        for nombre in meta.find_undeclared_variables(entorno.parse(fuente)):
            if nombre not in GLOBALES:
                contexto.setdefault(nombre, f"[{nombre}]")
    return contexto
