"""Reading a request: the JSON body (type, size, encoding, syntax) and its check against the
published JSON Schema, with one Spanish reason per bad field."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request

from app.api.errores import ErrorApi
from app.api.esquemas import Esquema

TAMANO_MAXIMO = 256 * 1024  # bytes of JSON: a 20,000-character note fits four times over
TIPOS_JSON = ("integer", "number", "string", "boolean", "object", "array", "null")
NOMBRES_TIPO = {
    "string": "texto",
    "integer": "número entero",
    "number": "número",
    "boolean": "verdadero o falso",
    "object": "objeto",
    "array": "lista",
    "null": "null",
}


def leer_json(esquema: Esquema) -> dict[str, Any]:
    """The request body as a validated JSON object, or an ErrorApi (413/415/400/422)."""
    if request.mimetype != "application/json":
        raise ErrorApi(
            415, "tipo_contenido", "Envíe el cuerpo como JSON (Content-Type: application/json)."
        )
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ErrorApi(415, "tipo_contenido", "El cuerpo debe estar codificado en UTF-8.")
    valor = _decodificar(_leer_cuerpo())
    errores = validar(valor, esquema)
    if errores:
        raise ErrorApi(422, "datos_invalidos", "Revise los datos marcados.", errores)
    return valor  # type: ignore[no-any-return]


def _leer_cuerpo() -> bytes:
    largo = request.content_length
    if largo is not None and largo > TAMANO_MAXIMO:
        raise ErrorApi(413, "demasiado_grande", _MENSAJE_GRANDE)
    cuerpo = request.stream.read(TAMANO_MAXIMO + 1)
    if len(cuerpo) > TAMANO_MAXIMO:
        raise ErrorApi(413, "demasiado_grande", _MENSAJE_GRANDE)
    return cuerpo


_MENSAJE_GRANDE = f"El cuerpo supera el máximo de {TAMANO_MAXIMO // 1024} KiB."


def _rechazar_constante(nombre: str) -> Any:
    raise ValueError(f"{nombre} no es JSON válido")


def _decodificar(cuerpo: bytes) -> Any:
    try:
        texto = cuerpo.decode("utf-8")
    except UnicodeDecodeError:
        raise ErrorApi(400, "json_invalido", "El cuerpo no es UTF-8 válido.") from None
    try:
        return json.loads(texto, parse_constant=_rechazar_constante)
    except (ValueError, RecursionError):
        raise ErrorApi(400, "json_invalido", "El cuerpo no es JSON válido.") from None


# --- a small JSON Schema validator (the subset the API's schemas use) ------------------------


def validar(valor: Any, esquema: Esquema, ruta: str = "") -> dict[str, str]:
    """Check `valor` against `esquema`; {field path: Spanish reason}, empty when valid."""
    nombre = ruta or "cuerpo"
    tipos = esquema.get("type", TIPOS_JSON)
    tipos = [tipos] if isinstance(tipos, str) else tipos
    tipo = _tipo_de(valor)
    if tipo not in tipos and not (tipo == "integer" and "number" in tipos):
        esperado = " o ".join(NOMBRES_TIPO[t] for t in tipos)
        return {nombre: f"Debe ser {esperado}."}
    if "enum" in esquema and valor not in esquema["enum"]:
        opciones = ", ".join(str(o) for o in esquema["enum"] if o is not None)
        return {nombre: f"Valor no permitido; use uno de: {opciones}."}
    if tipo == "string":
        return _validar_texto(valor, esquema, nombre)
    if tipo == "integer":
        return _validar_entero(valor, esquema, nombre)
    if tipo == "object":
        return _validar_objeto(valor, esquema, ruta)
    return {}


def _tipo_de(valor: Any) -> str:
    if valor is None:
        return "null"
    if isinstance(valor, bool):
        return "boolean"
    if isinstance(valor, int):
        return "integer"
    if isinstance(valor, float):
        return "number"
    if isinstance(valor, str):
        return "string"
    return "array" if isinstance(valor, list) else "object"


def _validar_texto(valor: str, esquema: Esquema, nombre: str) -> dict[str, str]:
    if "\x00" in valor:
        return {nombre: "El texto contiene caracteres nulos."}
    try:
        valor.encode("utf-8")
    except UnicodeEncodeError:
        return {nombre: "El texto contiene caracteres no válidos."}
    if len(valor) > esquema.get("maxLength", len(valor)):
        return {nombre: f"Use como máximo {esquema['maxLength']:,} caracteres."}
    if len(valor) < esquema.get("minLength", 0):
        return {nombre: "Este dato es obligatorio."}
    if "pattern" in esquema and not re.fullmatch(esquema["pattern"].strip("^$"), valor):
        return {nombre: "El formato no es válido."}
    return {}


def _validar_entero(valor: int, esquema: Esquema, nombre: str) -> dict[str, str]:
    minimo = esquema.get("minimum", valor)
    maximo = esquema.get("maximum", valor)
    if not minimo <= valor <= maximo:
        return {nombre: f"Debe estar entre {minimo} y {maximo}."}
    return {}


def _validar_objeto(valor: dict[str, Any], esquema: Esquema, ruta: str) -> dict[str, str]:
    errores: dict[str, str] = {}
    propiedades: dict[str, Esquema] = esquema.get("properties", {})
    prefijo = f"{ruta}." if ruta else ""
    for campo in esquema.get("required", ()):
        if campo not in valor:
            errores[prefijo + campo] = "Este dato es obligatorio."
    for campo, contenido in valor.items():
        if campo in propiedades:
            errores.update(validar(contenido, propiedades[campo], prefijo + campo))
        elif esquema.get("additionalProperties", True) is False:
            errores[_nombre_seguro(prefijo + campo)] = "Campo no reconocido."
    return errores


def _nombre_seguro(nombre: str) -> str:
    """An unknown field's name as echoed back: printable and short."""
    limpio = "".join(c if c.isprintable() else "?" for c in nombre)
    return limpio.encode("utf-8", "replace").decode("utf-8")[:80]
