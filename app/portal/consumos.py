"""*Mis Consumos*: consumption, readings, exports and *Compártenos tu lectura*."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for
from werkzeug.wrappers import Response

from app.auth import cuenta_requerida
from app.extensiones import db
from app.portal import consumos_lectura
from app.portal.consumos_comun import contrato_o_404, cuenta, privada
from casos.adjuntos import ruta_de
from casos.comercial.consumos import (
    contratos_de_cuenta,
    lecturas,
    resumen_consumos,
    serie_mensual,
)
from casos.comercial.consumos_exportar import exportar_csv, exportar_xlsx
from casos.comercial.lecturas_cliente import foto_de_lectura

bp = Blueprint("consumos", __name__)
TIPOS_EXPORTACION = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MESES_EXPORTACION = 120  # the billed months sheet: ten years is more than the utility keeps

bp.add_url_rule(
    "/<int:contrato_id>/lectura",
    "lectura",
    consumos_lectura.lectura,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/<int:contrato_id>/lectura/recibida", "lectura_recibida", consumos_lectura.recibida
)


@bp.get("/")
@cuenta_requerida
def inicio() -> str | Response:
    """*Mis Consumos*: straight to the only contract, or a list to pick one from."""
    contratos = contratos_de_cuenta(db.session, cuenta().id)
    if len(contratos) == 1:
        return redirect(url_for("consumos.contrato", contrato_id=contratos[0].id))
    return render_template(
        "portal/consumos/elegir.html", contratos=contratos, seccion_actual="consumos"
    )


@bp.get("/<int:contrato_id>")
@cuenta_requerida
def contrato(contrato_id: int) -> str:
    """Last consumption against a year ago, the notice, the chart and *Detalle de consumo*."""
    elegido, total = contrato_o_404(contrato_id)
    resumen = resumen_consumos(db.session, elegido.id, cuenta().id)
    return render_template(
        "portal/consumos/contrato.html",
        contrato=elegido,
        varios=total > 1,
        resumen=resumen,
        seccion_actual="consumos",
    )


@bp.get("/<int:contrato_id>/consumos.<any(csv,xlsx):formato>")
@cuenta_requerida
def exportar(contrato_id: int, formato: str) -> Response:
    """*Detalle de consumo* as a download: every reading, newest first."""
    elegido, _ = contrato_o_404(contrato_id)
    filas = lecturas(db.session, elegido.id, cuenta().id)
    if formato == "csv":
        contenido = exportar_csv(filas)
    else:
        serie = serie_mensual(db.session, elegido.id, MESES_EXPORTACION)
        contenido = exportar_xlsx(filas, serie)
    respuesta = Response(contenido, mimetype=TIPOS_EXPORTACION[formato])
    nombre = f"consumos-{elegido.numero}.{formato}"
    respuesta.headers["Content-Disposition"] = f'attachment; filename="{nombre}"'
    return privada(respuesta)


@bp.get("/<int:contrato_id>/lecturas/<int:lectura_id>/foto")
@cuenta_requerida
def foto(contrato_id: int, lectura_id: int) -> Response:
    """The meter photo the customer sent with a reading: only to them, as a download."""
    adjunto = foto_de_lectura(db.session, cuenta().id, contrato_id, lectura_id)
    if adjunto is None:
        abort(404)
    ruta = ruta_de(Path(current_app.config["CARPETA_ADJUNTOS"]), adjunto.clave)
    if not ruta.is_file():
        abort(404)
    respuesta = send_file(
        ruta, mimetype=adjunto.tipo_mime, as_attachment=True, download_name=adjunto.nombre
    )
    return privada(respuesta)
