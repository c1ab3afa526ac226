"""*Gestiones Online* and *Mis gestiones* for a signed-in customer."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.auth import actor_actual, cuenta_actual, cuenta_requerida, ruta_opcional
from app.extensiones import db
from app.portal import gestiones_mis
from app.portal.formularios_gestion import (
    AYUDAS,
    AYUDAS_DESCRIPCION,
    OpcionesCliente,
    formulario_gestion,
    valores_de,
)
from app.portal.gestiones_comun import (
    AVISO_ARCHIVOS,
    ahora,
    archivos_de,
    carpeta_adjuntos,
    es_continuo,
    hoy,
    marcar_errores,
)
from casos import limites
from casos.catalogo import TipoCalendario, TipoCaso, tipo_por_clave
from casos.comercial.modelos import Factura
from casos.cuentas.modelos import Cuenta
from casos.errores import DatosInvalidos
from casos.gestiones import (
    CAMPOS_ARCHIVO,
    GestionValidada,
    presentar_gestion,
    validar_gestion,
)
from casos.gestiones_datos import datos_de_cliente, elegir_contrato, facturas_recientes
from casos.modelos import Caso

bp = Blueprint("gestiones", __name__)
bp.add_url_rule("/", "lista", gestiones_mis.lista)
bp.add_url_rule("/<folio>", "detalle", gestiones_mis.detalle)
bp.add_url_rule("/<folio>/responder", "responder", gestiones_mis.responder, methods=["POST"])
bp.add_url_rule("/<folio>/adjuntos/<clave>", "adjunto", gestiones_mis.adjunto)

LIMITE_CUENTA = limites.Limite("gestiones:cuenta", 20, timedelta(hours=1))
# Types with a page of their own instead of the generic form.
APARTE = frozenset({"reporte_servicio", "compartenos_lectura"})
# A customer's errors come back on the lists, not on the hidden text they stand for.
ALIAS = {"contrato": "contrato_id", "periodo_factura": "factura_id", "factura_id": "factura_id"}


def _cuenta() -> Cuenta:
    cuenta = cuenta_actual()
    assert cuenta is not None  # guaranteed by cuenta_requerida
    return cuenta


@bp.get("/nueva")
@cuenta_requerida
def nueva() -> str:
    """*Gestiones Online*: the request types, the 24-hour service report and the reading."""
    tipos = db.session.scalars(
        select(TipoCaso).where(TipoCaso.es_activo, TipoCaso.es_publico).order_by(TipoCaso.orden)
    ).all()
    return render_template(
        "portal/gestiones/nueva.html",
        tipos=[t for t in tipos if t.clave not in APARTE],
        reporte=next((t for t in tipos if t.clave == "reporte_servicio"), None),
        ruta_lectura=ruta_opcional("consumos.inicio")
        or url_for("portal.contacto", tipo="compartenos_lectura"),
        seccion_actual="gestiones_nueva",
    )


@bp.route("/nueva/<tipo>", methods=["GET", "POST"])
@cuenta_requerida
def formulario(tipo: str) -> str | Response | tuple[str, int, dict[str, str]]:
    """One type's form, pre-filled with `?contrato=<id>&factura=<id>`; files one case."""
    tipo_caso = tipo_por_clave(db.session, tipo)
    if tipo_caso is None or not tipo_caso.es_publico:
        abort(404)
    if tipo_caso.clave == "compartenos_lectura" and ruta_opcional("consumos.inicio"):
        return redirect(ruta_opcional("consumos.inicio") or "/")
    cuenta, instante = _cuenta(), ahora()
    incluir = _entero(request.values.get("factura_id") or request.args.get("factura"))
    opciones = _opciones(cuenta, incluir)
    form = formulario_gestion(tipo_caso, hoy(instante), opciones)
    if not form.is_submitted():
        _prellenar(form, opciones)
        form.clave_envio.data = secrets.token_urlsafe(16)
        return _pagina(tipo_caso, form, cuenta)
    gestion, suelto = _validar(tipo_caso, form, cuenta, instante)
    if gestion is None:
        return _pagina(tipo_caso, form, cuenta, suelto)
    return _presentar(tipo_caso, form, cuenta, gestion, instante)


def _validar(
    tipo: TipoCaso, form: FlaskForm, cuenta: Cuenta, instante: datetime
) -> tuple[GestionValidada | None, str | None]:
    """Every check at once. On failure each reason is next to its field and the second value
    is what has no field of its own."""
    form.validate()
    eleccion = elegir_contrato(
        db.session, cuenta, _elegido(form, "contrato_id"), _elegido(form, "factura_id")
    )
    datos = datos_de_cliente(
        cuenta, tipo.clave, eleccion, valores_de(form), form.clave_envio.data or ""
    )
    try:
        gestion = validar_gestion(db.session, datos, archivos_de(*CAMPOS_ARCHIVO), hoy(instante))
    except DatosInvalidos as error:
        return None, marcar_errores(form, {**error.campos, **eleccion.errores}, ALIAS)
    if eleccion.errores or form.errors:
        return None, marcar_errores(form, eleccion.errores, ALIAS)
    return gestion, None


def _presentar(
    tipo: TipoCaso, form: FlaskForm, cuenta: Cuenta, gestion: GestionValidada, instante: datetime
) -> Response | tuple[str, int, dict[str, str]]:
    estado = limites.contar(db.session, LIMITE_CUENTA, str(cuenta.id), instante)
    if not estado.permitido:
        db.session.commit()  # the lock is kept
        minutos = estado.minutos_restantes(instante)
        error = f"Registró muchas solicitudes seguidas. Intente de nuevo en {minutos} minutos."
        cabeceras = {"Retry-After": str(estado.segundos_restantes(instante))}
        return _pagina(tipo, form, cuenta, error), 429, cabeceras
    try:
        caso = presentar_gestion(db.session, gestion, carpeta_adjuntos(), actor_actual(), instante)
    except DatosInvalidos as error:  # a tampered form key: ask to reload
        db.session.rollback()
        form.clave_envio.data = secrets.token_urlsafe(16)
        return _pagina(tipo, form, cuenta, error.mensaje), 400, {}
    db.session.commit()
    session["folio_gestion"] = caso.folio
    return redirect(url_for("gestiones.recibida"))


def _opciones(cuenta: Cuenta, incluir: int | None) -> OpcionesCliente:
    """The account's contracts and their recent bills (plus a pre-filled older one of theirs)."""
    facturas = facturas_recientes(db.session, cuenta.contratos)
    extra = db.session.get(Factura, incluir) if incluir else None
    if extra is not None and extra.contrato_id in facturas:
        lista = facturas[extra.contrato_id]
        if extra not in lista:
            lista.append(extra)
    return OpcionesCliente(list(cuenta.contratos), facturas)


def _prellenar(form: FlaskForm, opciones: OpcionesCliente) -> None:
    """`?contrato=` and `?factura=` pick the customer's own; anything else is ignored."""
    contratos = {c.id for c in opciones.contratos}
    contrato_id = _entero(request.args.get("contrato"))
    factura_id = _entero(request.args.get("factura"))
    if "contrato_id" in form._fields:
        if contrato_id in contratos:
            form.contrato_id.data = str(contrato_id)
        elif len(contratos) == 1:
            form.contrato_id.data = str(next(iter(contratos)))
    if "factura_id" in form._fields:
        propias = {f.id: c for c, fs in opciones.facturas.items() for f in fs}
        de_contrato = propias.get(factura_id or 0)
        if de_contrato is not None and contrato_id in (None, de_contrato):
            form.factura_id.data = str(factura_id)
            if "contrato_id" in form._fields:
                form.contrato_id.data = str(de_contrato)


def _elegido(form: FlaskForm, nombre: str) -> int | None:
    return _entero(form[nombre].data) if nombre in form._fields else None


def _entero(valor: str | None) -> int | None:
    texto = (valor or "").strip()
    return int(texto) if texto.isdigit() and len(texto) < 10 else None


def _pagina(tipo: TipoCaso, form: FlaskForm, cuenta: Cuenta, error: str | None = None) -> str:
    return render_template(
        "portal/gestiones/formulario.html",
        tipo=tipo,
        form=form,
        cuenta=cuenta,
        error_general=error,
        ayudas={**AYUDAS, "descripcion": AYUDAS_DESCRIPCION.get(tipo.clave)},
        aviso_archivos=AVISO_ARCHIVOS if form.errors or error else None,
        es_continuo=tipo.calendario is TipoCalendario.CONTINUO,
        seccion_actual="gestiones_nueva",
    )


@bp.get("/recibida")
@cuenta_requerida
def recibida() -> str | Response:
    """The folio just filed, what happens next, and when to expect an answer."""
    folio = session.get("folio_gestion")
    caso = db.session.scalar(
        select(Caso).where(Caso.folio == str(folio or ""), Caso.cuenta_id == _cuenta().id)
    )
    if caso is None:
        return redirect(url_for("gestiones.lista"))
    return render_template(
        "portal/gestiones/recibida.html",
        caso=caso,
        es_continuo=es_continuo(caso),
        seccion_actual="gestiones",
    )
