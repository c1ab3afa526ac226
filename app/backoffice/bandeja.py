"""Bandeja (the agents' queue): filters, tabs with counts, keyset pages, actions, exports.

The queries are in casos.bandeja, the actions in casos.bandeja_acciones and the counts in
casos.resumen_bandeja; this module parses the forms, calls them and commits once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.backoffice import bp
from app.backoffice.formularios_bandeja import FormularioFiltros, FormularioLote
from app.backoffice.permisos import SUPERVISION, actor_personal, persona_actual, personal_requerido
from app.extensiones import db
from app.formularios import marcar_errores
from casos import bandeja_acciones as acciones
from casos.atencion import MENSAJE_CONFLICTO
from casos.auditoria import registrar_auditoria
from casos.bandeja import FiltrosBandeja, buscar, iterar
from casos.bandeja_exportar import COLUMNAS_BANDEJA
from casos.bandeja_plazos import plazos
from casos.catalogo import Area, TipoCaso
from casos.errores import ErrorDominio
from casos.exportar import TIPO_CSV, TIPO_XLSX, filas_csv, libro_xlsx
from casos.permisos import areas_visibles, es_supervisor
from casos.personal import Personal, personal_areas
from casos.resumen_bandeja import conteos

Pagina = str | Response | tuple[str, int]
PESTANAS = (
    ("todos", "Todos", {}),
    ("mios", "Míos", {"asignacion": "mios"}),
    ("sin_asignar", "Sin asignar", {"asignacion": "sin_asignar"}),
    ("en_riesgo", "En riesgo", {"sla_estado": "en_riesgo"}),
    ("vencidos", "Vencidos", {"sla_estado": "vencido"}),
)
PARAMETROS = (
    "q",
    "tipo_id",
    "estado",
    "sla_estado",
    "area_id",
    "asignacion",
    "creado_desde",
    "creado_hasta",
    "colonia",
)


def _ahora() -> datetime:
    return datetime.now(UTC)


def _areas_de(persona: Personal) -> list[Area]:
    visibles = areas_visibles(persona)
    consulta = select(Area).where(Area.es_activa).order_by(Area.nombre)
    if visibles is not None:
        consulta = consulta.where(Area.id.in_(sorted(visibles) or [-1]))
    return list(db.session.scalars(consulta))


def _personal_de(areas: list[Area]) -> list[Personal]:
    """Active staff who belong to any of these areas (whom a supervisor may assign)."""
    consulta = (
        select(Personal)
        .join(personal_areas)
        .where(personal_areas.c.area_id.in_([a.id for a in areas] or [-1]), Personal.es_activo)
        .distinct()
        .order_by(Personal.nombre)
    )
    return list(db.session.scalars(consulta))


def _filtros(persona: Personal) -> tuple[FormularioFiltros, FiltrosBandeja | None]:
    form = FormularioFiltros(request.args)
    tipos = list(db.session.scalars(select(TipoCaso).order_by(TipoCaso.orden)))
    form.poblar(tipos, _areas_de(persona))
    try:
        return form, form.a_filtros()
    except ErrorDominio as error:
        marcar_errores(form, error)
        return form, None


def _argumentos() -> dict[str, str]:
    """The current filters, to rebuild links (tabs, pages, exports, redirects)."""
    return {k: v for k in PARAMETROS if (v := request.args.get(k, "").strip())}


def _pestana_activa(argumentos: dict[str, str]) -> str | None:
    return next((clave for clave, _, args in PESTANAS if args == argumentos), None)


def _pagina(lote: FormularioLote, seleccionados: set[int], codigo: int = 200) -> Pagina:
    persona = persona_actual()
    form, filtros = _filtros(persona)
    pagina = buscar(db.session, persona, filtros, request.args.get("pagina")) if filtros else None
    todas = list(db.session.scalars(select(Area).where(Area.es_activa).order_by(Area.nombre)))
    lote.poblar(todas, _personal_de(_areas_de(persona)) if es_supervisor(persona) else [])
    argumentos = _argumentos()
    ahora = _ahora()
    html = render_template(
        "backoffice/bandeja.html",
        seccion_actual="bandeja",
        form=form,
        lote=lote,
        pagina=pagina,
        plazos=plazos(db.session, pagina.casos, ahora) if pagina else {},
        conteos=conteos(db.session, persona),
        ahora=ahora,
        pestanas=PESTANAS,
        pestana_activa=_pestana_activa(argumentos),
        argumentos=argumentos,
        seleccionados=seleccionados,
        es_supervision=es_supervisor(persona),
    )
    return html, codigo


@bp.route("/")
@personal_requerido()
def bandeja() -> Pagina:
    """The queue of the signed-in staff member's areas."""
    return _pagina(FormularioLote(formdata=None), set())


@bp.route("/bandeja/acciones", methods=["POST"])
@personal_requerido()
def bandeja_acciones() -> Pagina:
    """Take a case, assign the selection (supervision) or re-route it with a reason."""
    persona, lote = persona_actual(), FormularioLote()
    lote.validate_on_submit()  # CSRFProtect has checked the token already
    valores = request.form.getlist("casos")
    try:
        mensaje = _ejecutar(persona, lote, valores)
    except ErrorDominio as error:
        db.session.rollback()
        suelto = marcar_errores(lote, error)
        if suelto:
            flash(suelto if suelto == error.mensaje else f"{error.mensaje} {suelto}", "error")
        return _pagina(lote, _ids(valores), 400)
    except StaleDataError:
        db.session.rollback()
        flash(MENSAJE_CONFLICTO, "error")
        return _pagina(lote, _ids(valores), 409)
    db.session.commit()
    flash(mensaje, "success")
    return redirect(url_for("backoffice.bandeja", **_argumentos()))


def _ids(valores: list[str]) -> set[int]:
    return {int(v.partition(":")[0]) for v in valores if v.partition(":")[0].isdigit()}


def _ejecutar(persona: Personal, lote: FormularioLote, valores: list[str]) -> str:
    actor, ahora = actor_personal(), _ahora()
    tomado = request.form.get("tomar")
    if tomado:
        caso = acciones.tomar(
            db.session, persona, acciones.leer_seleccion([tomado])[0], actor, ahora
        )
        return f"El caso {caso.folio} quedó asignado a usted."
    accion = request.form.get("accion")
    if accion == "asignar":
        if not es_supervisor(persona):
            abort(403)
        seleccion = acciones.leer_seleccion(valores)
        casos = acciones.asignar(
            db.session, persona, seleccion, lote.entero("personal_id"), actor, ahora
        )
        return f"Se asignaron {len(casos)} caso(s): {', '.join(c.folio for c in casos)}."
    if accion == "turnar":
        seleccion = acciones.leer_seleccion(valores)
        area, motivo = lote.entero("area_destino"), lote.motivo.data or ""
        casos = acciones.turnar(db.session, persona, seleccion, area, motivo, actor, ahora)
        return f"Se turnaron {len(casos)} caso(s): {', '.join(c.folio for c in casos)}."
    abort(400)


@bp.route("/bandeja/exportar")
@personal_requerido(*SUPERVISION)
def bandeja_exportar() -> Response:
    """The current filter's cases as CSV (streamed) or XLSX; audited."""
    persona = persona_actual()
    formato = request.args.get("formato", "csv")
    _form, filtros = _filtros(persona)
    if formato not in ("csv", "xlsx") or filtros is None:
        abort(400)
    registrar_auditoria(
        db.session,
        actor_personal(),
        "exportar",
        "bandeja",
        _ahora(),
        formato=formato,
        filtros=_argumentos(),
    )
    db.session.commit()
    nombre = f"bandeja-{_ahora():%Y%m%d-%H%M}.{formato}"
    cabeceras = {"Content-Disposition": f'attachment; filename="{nombre}"'}
    casos = iterar(db.session, persona, filtros)
    if formato == "xlsx":
        datos = libro_xlsx([("Bandeja", COLUMNAS_BANDEJA, casos)])
        return Response(datos, mimetype=TIPO_XLSX, headers=cabeceras)
    flujo = stream_with_context(filas_csv(COLUMNAS_BANDEJA, casos))
    return Response(flujo, content_type=TIPO_CSV, headers=cabeceras)
