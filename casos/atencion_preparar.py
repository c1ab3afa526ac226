"""What `casos.atencion.ejecutar` checks and adds before an action is applied: the resolution
code of a resolution, the office and time of a visit. Also fills the placeholders of a canned
answer before the agent edits it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from casos.atencion_catalogos import CodigoResolucion
from casos.atencion_visitas import validar_cita
from casos.errores import DatosInvalidos
from casos.modelos import Caso

if TYPE_CHECKING:
    from casos.atencion import Comando

FALTA_TEXTO = "Escriba el mensaje que recibirá el ciudadano."


def es_cita(datos: dict[str, Any]) -> bool:
    """A RESPONDER that schedules an in-person visit."""
    return "oficina_id" in datos or "cita_en" in datos


def preparar_respuesta(
    sesion: Session, caso: Caso, comando: Comando, datos: dict[str, Any], ahora: datetime
) -> None:
    """A public reply; when it carries a visit, validate office and time (rule 9)."""
    if es_cita(datos):
        try:
            validar_cita(sesion, caso, datos, ahora)
        except DatosInvalidos as error:
            if not comando.nota.strip():
                error.campos["nota"] = FALTA_TEXTO
            raise


def preparar_resolucion(
    sesion: Session, caso: Caso, comando: Comando, datos: dict[str, Any], ahora: datetime
) -> None:
    """A resolution needs an active resolution code (stored with its key and name)."""
    errores: dict[str, str] = {}
    codigo = sesion.get(CodigoResolucion, _entero(datos.get("codigo_resolucion_id")))
    if codigo is None or not codigo.es_activo:
        errores["codigo_resolucion_id"] = "Elija el código de resolución."
    if not comando.nota.strip():
        errores["nota"] = FALTA_TEXTO
    if errores or codigo is None:
        raise DatosInvalidos("Revise los datos de la resolución.", errores)
    datos.update(
        codigo_resolucion_id=codigo.id,
        codigo_resolucion_clave=codigo.clave,
        codigo_resolucion=codigo.nombre,
    )


def rellenar_plantilla(texto: str, caso: Caso, agente: str = "") -> str:
    """Replace {folio} {nombre} {tipo} {contrato} {area} {agente} in a canned answer."""
    valores = {
        "folio": caso.folio,
        "nombre": caso.solicitante_nombre or "usuario(a)",
        "tipo": caso.tipo.nombre,
        "contrato": caso.contrato or "(sin contrato)",
        "area": caso.area.nombre,
        "agente": agente,
    }
    for clave, valor in valores.items():
        texto = texto.replace("{" + clave + "}", valor)
    return texto


def _entero(valor: Any) -> int:
    try:
        return int(valor)
    except (TypeError, ValueError):
        return 0
