"""Cases: file one (idempotent with Idempotency-Key), read one by folio, list and filter."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api import bp
from app.api.autenticacion import actor_api, ahora
from app.api.entrada import leer_json
from app.api.errores import ErrorApi
from app.api.esquemas import CASO_NUEVO, RE_FOLIO, RE_IDEMPOTENCIA
from app.api.listado import buscar, leer_filtros
from app.api.salida import caso as caso_json
from app.api.salida import resumen
from app.extensiones import db
from casos.catalogo import tipo_por_clave
from casos.errores import DatosInvalidos
from casos.modelos import Caso
from casos.registro import DatosCaso, registrar_caso

CABECERA_IDEMPOTENCIA = "Idempotency-Key"


def buscar_caso(folio: str, *, con_eventos: bool = False) -> Caso:
    """The case with that folio, or a JSON 404 (a malformed folio never reaches the database)."""
    caso = None
    if re.fullmatch(RE_FOLIO.strip("^$"), folio):
        consulta = select(Caso).where(Caso.folio == folio)
        if con_eventos:
            consulta = consulta.options(selectinload(Caso.eventos))
        caso = db.session.scalar(consulta)
    if caso is None:
        raise ErrorApi(404, "no_encontrado", "No existe un caso con ese folio.")
    return caso


def ubicacion(folio: str) -> str:
    """The URL path of a case."""
    return f"{request.script_root}/api/v1/casos/{folio}"


@bp.post("/casos")
def crear_caso() -> tuple[Response, int, dict[str, str]]:
    """File a case as the portal would (same validation); a retried key returns the first."""
    cuerpo = leer_json(CASO_NUEVO)
    clave = _clave_envio()
    previo = db.session.scalar(select(Caso).where(Caso.clave_envio == clave)) if clave else None
    if previo is not None:
        return jsonify(caso_json(previo)), 200, {"Location": ubicacion(previo.folio)}
    instante = ahora()
    caso = registrar_caso(db.session, _datos_caso(cuerpo, clave), actor_api(), instante)
    # Two retries that raced: registrar_caso returned the winner's case.
    estado = 201 if caso.creado_en == instante else 200
    documento = caso_json(caso)
    db.session.commit()
    return jsonify(documento), estado, {"Location": ubicacion(caso.folio)}


def _clave_envio() -> str | None:
    """Idempotency-Key scoped to the token: two integrations never share a key space."""
    clave = request.headers.get(CABECERA_IDEMPOTENCIA)
    if clave is None:
        return None
    if not re.fullmatch(RE_IDEMPOTENCIA.strip("^$"), clave):
        raise ErrorApi(
            400,
            "parametro_invalido",
            "La cabecera Idempotency-Key no es válida.",
            {CABECERA_IDEMPOTENCIA: "Use de 8 a 48 letras, números, guiones o guiones bajos."},
        )
    return f"api-{actor_api().id}-{clave}"


def _datos_caso(cuerpo: dict[str, Any], clave: str | None) -> DatosCaso:
    tipo = tipo_por_clave(db.session, cuerpo["tipo"])
    if tipo is not None and not tipo.es_publico:
        raise DatosInvalidos(
            "Ese tipo de solicitud no se puede registrar por la API.",
            {"tipo": "Elija un tipo de GET /api/v1/tipos."},
        )
    return DatosCaso(
        tipo=cuerpo["tipo"],
        descripcion=cuerpo.get("descripcion", ""),
        solicitante_nombre=cuerpo.get("solicitante_nombre", ""),
        solicitante_email=cuerpo.get("solicitante_email"),
        solicitante_telefono=cuerpo.get("solicitante_telefono"),
        contrato=cuerpo.get("contrato"),
        colonia=cuerpo.get("colonia"),
        uso_contrato=cuerpo.get("uso_contrato"),
        campos=dict(cuerpo.get("campos", {})),
        canal=cuerpo.get("canal", "api"),
        clave_envio=clave,
    )


@bp.get("/casos/<folio>")
def caso(folio: str) -> Response:
    """The case with its SLA and whole history (public and internal)."""
    return jsonify(caso_json(buscar_caso(folio, con_eventos=True)))


@bp.get("/casos")
def casos() -> Response:
    """Cases newest first, filtered, one keyset page at a time."""
    filtros = leer_filtros(request.args)
    pagina, siguiente = buscar(db.session, filtros)
    return jsonify({"casos": [resumen(c) for c in pagina], "siguiente": siguiente})
