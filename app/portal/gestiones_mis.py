"""*Mis gestiones*: the signed-in customer's requests, each one's public history, answering a
request for information, and the case's files. Anyone else's folio or file answers 404.

Registered on the "gestiones" blueprint by app/portal/gestiones.py. Blocked accounts keep
access: a customer blocked for debt must still be able to follow and answer their requests.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.auth import actor_actual, cuenta_actual, cuenta_requerida
from app.extensiones import db
from app.portal import gestiones_comun as comun
from casos.adjuntos import Adjunto
from casos.cuentas.modelos import Cuenta
from casos.expediente import (
    COLORES_ESTADO,
    caso_de_cuenta,
    casos_de_cuenta,
    estado_ciudadano,
)
from casos.modelos import Caso


def _cuenta() -> Cuenta:
    cuenta = cuenta_actual()
    assert cuenta is not None  # guaranteed by cuenta_requerida
    return cuenta


def _caso(folio: str) -> Caso:
    caso = caso_de_cuenta(db.session, _cuenta().id, folio)
    if caso is None:
        abort(404)
    return caso


@cuenta_requerida(permite_bloqueada=True)
def lista() -> str:
    """The account's requests, newest first, with their state in plain Spanish."""
    numero = request.args.get("pagina", 1, type=int) or 1
    pagina = casos_de_cuenta(db.session, _cuenta().id, numero)
    return render_template(
        "portal/gestiones/lista.html",
        pagina=pagina,
        estado_ciudadano=estado_ciudadano,
        colores=COLORES_ESTADO,
        seccion_actual="gestiones",
    )


def _url_adjunto(caso: Caso) -> Callable[[Adjunto], str]:
    def url(adjunto: Adjunto) -> str:
        return url_for("gestiones.adjunto", folio=caso.folio, clave=adjunto.clave)

    return url


@cuenta_requerida(permite_bloqueada=True)
def detalle(folio: str) -> str:
    """One request: state, expected dates, what was sent, and its public history."""
    caso = _caso(folio)
    return comun.pagina_caso(
        "portal/gestiones/detalle.html",
        caso,
        _url_adjunto(caso),
        url_responder=url_for("gestiones.responder", folio=caso.folio),
        seccion_actual="gestiones",
    )


@cuenta_requerida(permite_bloqueada=True)
def responder(folio: str) -> str | Response:
    """Answer a request for information (text and files): the case resumes."""
    caso = _caso(folio)
    form = comun.responder(caso, actor_actual())
    if form is None:
        return redirect(url_for("gestiones.detalle", folio=caso.folio))
    return comun.pagina_caso(
        "portal/gestiones/detalle.html",
        caso,
        _url_adjunto(caso),
        form,
        url_responder=url_for("gestiones.responder", folio=caso.folio),
        seccion_actual="gestiones",
    )


@cuenta_requerida(permite_bloqueada=True)
def adjunto(folio: str, clave: str) -> Response:
    """A file of the customer's own request, as a download."""
    return comun.enviar_adjunto(_caso(folio), clave)
