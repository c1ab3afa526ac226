"""Acting on a case (reply, note, resolve...) and the catalogs an integrator needs."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from sqlalchemy import select

from app.api import bp
from app.api.autenticacion import actor_api, ahora
from app.api.entrada import leer_json
from app.api.esquemas import EVENTO_NUEVO
from app.api.rutas_casos import buscar_caso
from app.api.salida import clave_nombre, evento, tipo
from app.extensiones import db
from casos.atencion import Comando, ejecutar
from casos.atencion_catalogos import CodigoResolucion, codigos_activos
from casos.catalogo import Area, TipoCaso
from casos.errores import DatosInvalidos
from casos.estados import Accion


@bp.post("/casos/<folio>/eventos")
def agregar_evento(folio: str) -> tuple[Response, int]:
    """Apply an action through the same entry point as the workspace; one event per call."""
    cuerpo = leer_json(EVENTO_NUEVO)
    caso = buscar_caso(folio)
    comando = Comando(
        accion=Accion(cuerpo["accion"]),
        nota=cuerpo.get("nota", ""),
        version=cuerpo.get("version"),
        datos=_datos_comando(cuerpo.get("datos", {})),
    )
    nuevo = ejecutar(db.session, caso, comando, actor_api(), ahora())
    documento = {
        "evento": evento(nuevo),
        "caso": {"folio": caso.folio, "estado": caso.estado.value, "version": caso.version},
    }
    db.session.commit()
    return jsonify(documento), 201


def _datos_comando(datos: dict[str, str]) -> dict[str, Any]:
    """Catalog keys (what integrators know) turned into the ids the services take."""
    traducidos: dict[str, Any] = {}
    if "area" in datos:
        area = db.session.scalar(select(Area).where(Area.clave == datos["area"], Area.es_activa))
        if area is None:
            raise DatosInvalidos("Esa área no existe.", {"datos.area": "Use una clave de /areas."})
        traducidos["area_id"] = area.id
    if "codigo_resolucion" in datos:
        codigo = db.session.scalar(
            select(CodigoResolucion).where(
                CodigoResolucion.clave == datos["codigo_resolucion"], CodigoResolucion.es_activo
            )
        )
        if codigo is None:
            raise DatosInvalidos(
                "Ese código de resolución no existe.",
                {"datos.codigo_resolucion": "Use una clave de /codigos-resolucion."},
            )
        traducidos["codigo_resolucion_id"] = codigo.id
    return traducidos


@bp.get("/tipos")
def tipos() -> Response:
    """Case types an integration may file, with their required fields and SLA targets."""
    consulta = (
        select(TipoCaso)
        .where(TipoCaso.es_activo, TipoCaso.es_publico)
        .order_by(TipoCaso.orden, TipoCaso.id)
    )
    return jsonify({"tipos": [tipo(t) for t in db.session.scalars(consulta)]})


@bp.get("/areas")
def areas() -> Response:
    """Active areas (destinations of `turnar`, values of the `area` filter)."""
    consulta = select(Area).where(Area.es_activa).order_by(Area.nombre)
    return jsonify({"areas": [clave_nombre(a) for a in db.session.scalars(consulta)]})


@bp.get("/codigos-resolucion")
def codigos_resolucion() -> Response:
    """Active resolution codes (`datos.codigo_resolucion` of `resolver`)."""
    codigos = codigos_activos(db.session)
    return jsonify({"codigos": [clave_nombre(c) for c in codigos]})
