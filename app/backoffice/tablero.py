"""Supervisor dashboard and its exports; the figures come from casos.tablero (summaries only)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from typing import Any

from flask import Response, abort, current_app, render_template, request

from app.backoffice import bp
from app.backoffice.formularios_tablero import FormularioPeriodo
from app.backoffice.permisos import SUPERVISION, actor_personal, persona_actual, personal_requerido
from app.extensiones import db
from app.formularios import marcar_errores
from casos.auditoria import registrar_auditoria
from casos.cumplimiento import dia_local
from casos.errores import ErrorDominio
from casos.exportar import TIPO_CSV, TIPO_XLSX, filas_csv, libro_xlsx
from casos.permisos import areas_visibles
from casos.tablero import Tablero, armar_tablero
from casos.tablero_cifras import Cumplimiento, Periodo, periodo_por_omision, validar_periodo
from casos.tablero_exportar import LISTAS, hoja


def _periodo(form: FormularioPeriodo, hoy: date) -> Periodo:
    """The period of the query string; the default when none is given."""
    if not request.args.get("desde") and not request.args.get("hasta"):
        periodo = periodo_por_omision(hoy)
        form.desde.data, form.hasta.data = periodo.desde, periodo.hasta
        return periodo
    form.validate()
    return validar_periodo(form.desde.data, form.hasta.data, hoy)


# Per worker: (areas, period) -> (monotonic instant, wall instant, figures). The figures come
# from summaries the scheduler refreshes every minute or more, so a supervisor reloading the
# page (or sixteen of them) reuses them for TABLERO_SEGUNDOS_CACHE seconds.
_memoria: dict[tuple[Any, ...], tuple[float, datetime, Tablero]] = {}
_MAXIMO_MEMORIA = 256


def _tablero(periodo: Periodo, ahora: datetime) -> tuple[Tablero, datetime]:
    """The dashboard's figures and the instant they were read."""
    areas = areas_visibles(persona_actual())
    vigencia = float(current_app.config.get("TABLERO_SEGUNDOS_CACHE", 30))
    clave = (areas, periodo.desde, periodo.hasta)
    guardado = _memoria.get(clave)
    if guardado is not None and time.monotonic() - guardado[0] < vigencia:
        return guardado[2], guardado[1]
    datos = armar_tablero(db.session, areas, periodo, ahora, dia_local(ahora))
    if vigencia > 0:
        if len(_memoria) >= _MAXIMO_MEMORIA:
            _memoria.clear()
        _memoria[clave] = (time.monotonic(), ahora, datos)
    return datos, ahora


@bp.route("/tablero")
@personal_requerido(*SUPERVISION)
def tablero() -> tuple[str, int]:
    """Service levels of the supervisor's areas (an administrator: every area)."""
    ahora = datetime.now(UTC)
    form = FormularioPeriodo(request.args)
    estado = 200
    try:
        periodo = _periodo(form, dia_local(ahora))
    except ErrorDominio as error:
        marcar_errores(form, _sin_repetir(form, error))
        periodo, estado = periodo_por_omision(dia_local(ahora)), 400
    datos, leido_en = _tablero(periodo, ahora)
    html = render_template(
        "backoffice/tablero.html",
        form=form,
        t=datos,
        leido_en=leido_en,
        graficas=graficas(datos),
        seccion_actual="tablero",
        ahora=ahora,
    )
    return html, estado


def _puntos_pct(semanas: list[tuple[str, Cumplimiento]], atributo: str) -> list[dict[str, Any]]:
    puntos = []
    for etiqueta, cifras in semanas:
        valor = getattr(cifras, atributo)
        puntos.append(
            {
                "etiqueta": etiqueta,
                "valor": valor or 0,
                "nota": "" if valor is not None else "sin casos",
            }
        )
    return puntos


def graficas(t: Tablero) -> dict[str, list[dict[str, Any]]]:
    """The points of the dashboard's charts (each chart also renders its data table)."""
    return {
        "recibidos": [{"etiqueta": e, "valor": c.recibidos} for e, c in t.tendencia],
        "resueltos": [{"etiqueta": e, "valor": c.resueltos} for e, c in t.tendencia],
        "respuesta": _puntos_pct(t.semanas, "pct_respuesta"),
        "resolucion": _puntos_pct(t.semanas, "pct_resolucion"),
        "edad": [{"etiqueta": e, "valor": n} for e, n in t.envejecimiento],
    }


def _sin_repetir(form: FormularioPeriodo, error: ErrorDominio) -> ErrorDominio:
    # A date WTForms could not read already carries its own message; keep only one per field.
    campos = {k: v for k, v in error.campos.items() if not form[k].errors}
    return ErrorDominio(error.mensaje, campos)


@bp.route("/tablero/exportar")
@personal_requerido(*SUPERVISION)
def tablero_exportar() -> Response:
    """One dashboard list as CSV or XLSX for the period (audited)."""
    ahora = datetime.now(UTC)
    form = FormularioPeriodo(request.args)
    lista, formato = request.args.get("lista"), request.args.get("formato")
    if lista not in LISTAS or formato not in ("csv", "xlsx"):
        abort(404)
    try:
        periodo = _periodo(form, dia_local(ahora))
    except ErrorDominio as error:
        return Response(" ".join(error.campos.values()), 400, mimetype="text/plain")
    nombre, columnas, filas = hoja(_tablero(periodo, ahora)[0], lista)
    registrar_auditoria(
        db.session, actor_personal(), "exportar", "tablero", ahora, objeto_id=lista,
        formato=formato, desde=periodo.desde.isoformat(), hasta=periodo.hasta.isoformat(),
        filas=len(filas),
    )  # fmt: skip
    db.session.commit()
    archivo = f"tablero-{lista}-{periodo.desde:%Y%m%d}-{periodo.hasta:%Y%m%d}.{formato}"
    cabeceras = {"Content-Disposition": f'attachment; filename="{archivo}"'}
    if formato == "csv":
        cuerpo = "".join(filas_csv(columnas, filas)).encode("utf-8")
        return Response(cuerpo, mimetype=TIPO_CSV, headers=cabeceras)
    cuerpo = libro_xlsx([(nombre, columnas, filas)])
    return Response(cuerpo, mimetype=TIPO_XLSX, headers=cabeceras)
