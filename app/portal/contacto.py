"""*Vías de Contacto*: anyone, registered or not, files a request and gets its folio.

The form is the same one *Gestiones Online* uses (app/portal/formularios_gestion.py), with
the contact data and the contract as text; every problem shows at once, next to its field.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import abort, redirect, render_template, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.auth import actor_actual, cuenta_actual, ip_cliente
from app.extensiones import db
from app.portal.formularios_gestion import (
    AYUDAS,
    AYUDAS_DESCRIPCION,
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
from app.portal.seguimiento_acceso import conceder
from app.portal.vistas import bp
from casos import limites
from casos.catalogo import TipoCalendario, TipoCaso, tipo_por_clave
from casos.errores import DatosInvalidos
from casos.gestiones import CAMPOS_ARCHIVO, GestionValidada, presentar_gestion, validar_gestion
from casos.gestiones_datos import datos_publicos
from casos.modelos import Caso

LIMITE_CONTACTO_IP = limites.Limite("contacto:ip", 30, timedelta(hours=1))
EXIGIR = frozenset({"solicitante_nombre"})


def _tipos_publicos() -> list[TipoCaso]:
    consulta = select(TipoCaso).where(TipoCaso.es_activo, TipoCaso.es_publico)
    return list(db.session.scalars(consulta.order_by(TipoCaso.orden)))


@bp.get("/contacto")
def vias_de_contacto() -> str:
    """*Vías de Contacto*: the request types anyone can file without an account."""
    return render_template("portal/contacto/lista.html", tipos=_tipos_publicos())


@bp.route("/contacto/<tipo>", methods=["GET", "POST"])
def contacto(tipo: str) -> str | Response | tuple[str, int, dict[str, str]]:
    """One request type's form; a valid submission files a case and shows its folio."""
    tipo_caso = tipo_por_clave(db.session, tipo)
    if tipo_caso is None or not tipo_caso.es_publico:
        abort(404)
    instante = ahora()
    form = formulario_gestion(tipo_caso, hoy(instante))
    if not form.is_submitted():
        form.clave_envio.data = secrets.token_urlsafe(16)
        return _pagina(tipo_caso, form)
    form.validate()
    cuenta = cuenta_actual()
    datos = datos_publicos(
        tipo_caso.clave,
        valores_de(form),
        form.clave_envio.data or "",
        cuenta.id if cuenta is not None else None,
    )
    archivos = archivos_de(*CAMPOS_ARCHIVO)
    try:
        gestion = validar_gestion(db.session, datos, archivos, hoy(instante), EXIGIR)
    except DatosInvalidos as error:
        return _pagina(tipo_caso, form, marcar_errores(form, error.campos))
    if form.errors:
        return _pagina(tipo_caso, form)
    return _presentar(tipo_caso, form, gestion, instante)


def _presentar(
    tipo: TipoCaso, form: FlaskForm, gestion: GestionValidada, instante: datetime
) -> Response | tuple[str, int, dict[str, str]]:
    estado = limites.contar(db.session, LIMITE_CONTACTO_IP, ip_cliente(), instante)
    if not estado.permitido:
        db.session.commit()  # the counter must persist
        minutos = estado.minutos_restantes(instante)
        error = (
            f"Recibimos muchas solicitudes desde su conexión. Intente de nuevo en {minutos} "
            "minutos o llame al 442 211 00 66."
        )
        cabeceras = {"Retry-After": str(estado.segundos_restantes(instante))}
        return _pagina(tipo, form, error), 429, cabeceras
    try:
        caso = presentar_gestion(db.session, gestion, carpeta_adjuntos(), actor_actual(), instante)
    except DatosInvalidos as error:  # a tampered form key: ask to reload
        db.session.rollback()
        form.clave_envio.data = secrets.token_urlsafe(16)
        return _pagina(tipo, form, error.mensaje), 400, {}
    db.session.commit()
    session["folio_contacto"] = caso.folio
    conceder(caso, instante)  # whoever filed it may look at it from this browser
    return redirect(url_for("portal.contacto_recibido"))


def _pagina(tipo: TipoCaso, form: FlaskForm, error: str | None = None) -> str:
    return render_template(
        "portal/contacto/formulario.html",
        tipo=tipo,
        form=form,
        error_general=error,
        ayudas={**AYUDAS, "descripcion": AYUDAS_DESCRIPCION.get(tipo.clave)},
        aviso_archivos=AVISO_ARCHIVOS if form.errors or error else None,
        es_continuo=tipo.calendario is TipoCalendario.CONTINUO,
    )


@bp.get("/contacto/recibido")
def contacto_recibido() -> str | Response:
    """The folio just filed, what happens next, and when to expect an answer."""
    folio = session.get("folio_contacto")
    caso = db.session.scalar(select(Caso).where(Caso.folio == str(folio))) if folio else None
    if caso is None:
        return redirect(url_for("portal.vias_de_contacto"))
    return render_template(
        "portal/contacto/recibido.html", caso=caso, es_continuo=es_continuo(caso)
    )
