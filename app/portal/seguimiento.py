"""Follow a request without an account: folio plus email, or a one-time link.

The answer never tells whether a folio exists or which email it has; attempts are limited per
address and per folio (casos/seguimiento.py). A success lets this browser see that one case
for a while (app/portal/seguimiento_acceso.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import EmailField, StringField

from app.auth import cuenta_actual, ip_cliente
from app.extensiones import db
from app.portal import gestiones_comun as comun
from app.portal.formularios_gestion import Marca
from app.portal.seguimiento_acceso import caso_concedido, conceder, retirar
from casos.actores import Actor
from casos.adjuntos import Adjunto
from casos.expediente import RE_CLAVE
from casos.modelos import Caso
from casos.seguimiento import (
    VIGENCIA_ENLACE,
    EstadoEnlace,
    Limitado,
    consultar_por_folio,
    leer_enlace,
    solicitar_enlace,
    usar_enlace,
)

bp = Blueprint("seguimiento", __name__)

NO_COINCIDE = (
    "No encontramos una solicitud con ese folio y ese correo. Revise ambos datos tal como "
    "aparecen en el correo de acuse, o pida un enlace de consulta."
)
FOLIO = {"autocomplete": "off", "autocapitalize": "characters", "maxlength": 40}


class FormConsulta(FlaskForm):
    """Folio plus the email used when filing."""

    folio = StringField("Folio", [Marca()], render_kw={**FOLIO, "placeholder": "OV-2026-000123"})
    email = EmailField("Correo electrónico que usó", [Marca()], render_kw={"autocomplete": "email"})


class FormEnlace(FlaskForm):
    """Only the folio: the link goes to the case's own email."""

    folio_enlace = StringField("Folio", [Marca()], render_kw=FOLIO)


def _ahora() -> datetime:
    return comun.ahora()


def _clave_firma() -> str:
    return str(current_app.config["SECRET_KEY"])


def _pagina(
    consulta: FormConsulta, enlace: FormEnlace, error: str | None = None, codigo: int = 200
) -> tuple[str, int, dict[str, str]]:
    pagina = render_template(
        "portal/seguimiento/inicio.html", consulta=consulta, enlace=enlace, error_general=error
    )
    return pagina, codigo, {}


def _limitado(
    consulta: FormConsulta, enlace: FormEnlace, limitado: Limitado, ahora: datetime
) -> tuple[str, int, dict[str, str]]:
    db.session.commit()  # the counters and the lock are kept
    minutos = limitado.estado.minutos_restantes(ahora)
    error = (
        f"Hizo demasiados intentos. Espere {minutos} minutos y vuelva a intentarlo, o llame al "
        "442 211 00 66."
    )
    pagina, codigo, _ = _pagina(consulta, enlace, error, 429)
    return pagina, codigo, {"Retry-After": str(limitado.estado.segundos_restantes(ahora))}


@bp.route("/", methods=["GET", "POST"])
def inicio() -> Response | tuple[str, int, dict[str, str]]:
    """Folio and email open the case; or ask for a one-time link."""
    consulta, enlace = FormConsulta(), FormEnlace(formdata=None)
    if not consulta.is_submitted():
        consulta.folio.data = (request.args.get("folio") or "")[:40]
        enlace.folio_enlace.data = consulta.folio.data
        return _pagina(consulta, enlace)
    folio, email = (consulta.folio.data or "").strip(), (consulta.email.data or "").strip()
    if not folio:
        consulta.folio.errors = [
            "Folio: escríbalo como aparece en su acuse, p. ej. OV-2026-000123."
        ]
    if not email:
        consulta.email.errors = ["Correo electrónico: escriba el que usó en su solicitud."]
    if not folio or not email:
        return _pagina(consulta, enlace)
    ahora = _ahora()
    try:
        caso = consultar_por_folio(db.session, folio, email, ip_cliente(), ahora)
    except Limitado as limitado:
        return _limitado(consulta, enlace, limitado, ahora)
    db.session.commit()  # the attempt counts
    if caso is None:
        return _pagina(consulta, enlace, NO_COINCIDE)
    conceder(caso, ahora)
    return redirect(url_for("seguimiento.caso"))


@bp.post("/enlace")
def pedir_enlace() -> Response | tuple[str, int, dict[str, str]]:
    """*Envíenme un enlace*: the same answer whether or not the folio exists."""
    consulta, enlace = FormConsulta(formdata=None), FormEnlace()
    folio = (enlace.folio_enlace.data or "").strip()
    consulta.folio.data = folio
    if not folio:
        enlace.folio_enlace.errors = ["Folio: escríbalo como aparece en su acuse."]
        return _pagina(consulta, enlace)
    ahora = _ahora()
    try:
        solicitar_enlace(db.session, folio, ip_cliente(), _clave_firma(), ahora)
    except Limitado as limitado:
        return _limitado(consulta, enlace, limitado, ahora)
    db.session.commit()
    horas = int(VIGENCIA_ENLACE.total_seconds() // 3600)
    flash(
        "Si hay una solicitud con ese folio y un correo registrado, le enviamos a ese correo un "
        f"enlace de un solo uso, válido por {horas} horas. Revise también su correo no deseado.",
        "info",
    )
    return redirect(url_for("seguimiento.inicio"))


@bp.route("/enlace/<token>", methods=["GET", "POST"])
def enlace(token: str) -> str | Response | tuple[str, int]:
    """A one-time link. Opening it shows a button; the button spends it (mail scanners that
    fetch links do not use it up)."""
    ahora = _ahora()
    if request.method == "GET":
        estado = leer_enlace(db.session, token, _clave_firma(), ahora)
    else:
        usado = usar_enlace(db.session, token, _clave_firma(), ahora)
        db.session.commit()
        if usado.caso is not None:
            conceder(usado.caso, ahora)
            return redirect(url_for("seguimiento.caso"))
        estado = usado.estado
    if estado is not EstadoEnlace.VALIDO:
        pagina = render_template("portal/seguimiento/enlace_invalido.html", estado=estado.value)
        return pagina, 404
    return render_template("portal/seguimiento/enlace.html", token=token)


def _caso_o_inicio() -> Caso | Response:
    caso = caso_concedido(_ahora())
    if caso is None:
        flash("Escriba su folio y su correo para consultar su solicitud.", "info")
        return redirect(url_for("seguimiento.inicio"))
    return caso


def _url_adjunto(adjunto: Adjunto) -> str:
    return url_for("seguimiento.adjunto", clave=adjunto.clave)


def _pagina_caso(caso: Caso, form: comun.FormRespuesta | None = None) -> str:
    url: Callable[[Adjunto], str] = _url_adjunto
    return comun.pagina_caso(
        "portal/seguimiento/caso.html",
        caso,
        url,
        form,
        url_responder=url_for("seguimiento.responder"),
    )


@bp.get("/caso")
def caso() -> str | Response:
    """The granted case, as *Mis gestiones* shows it."""
    encontrado = _caso_o_inicio()
    return encontrado if isinstance(encontrado, Response) else _pagina_caso(encontrado)


@bp.post("/caso/responder")
def responder() -> str | Response:
    """Answer a request for information without an account."""
    encontrado = _caso_o_inicio()
    if isinstance(encontrado, Response):
        return encontrado
    actor = Actor.ciudadano(encontrado.solicitante_nombre or "Ciudadano", None, ip_cliente())
    form = comun.responder(encontrado, actor)
    return redirect(url_for("seguimiento.caso")) if form is None else _pagina_caso(encontrado, form)


@bp.get("/caso/adjuntos/<clave>")
def adjunto(clave: str) -> Response:
    """A file of the granted case (or of the signed-in customer's own); 404 for anything else."""
    caso = caso_concedido(_ahora()) or _caso_propio(clave)
    if caso is None:
        abort(404)
    return comun.enviar_adjunto(caso, clave)


def _caso_propio(clave: str) -> Caso | None:
    cuenta = cuenta_actual()
    if cuenta is None or not RE_CLAVE.fullmatch(clave):
        return None
    consulta = (
        select(Caso)
        .join(Adjunto, Adjunto.caso_id == Caso.id)
        .where(Adjunto.clave == clave, Caso.cuenta_id == cuenta.id)
    )
    return db.session.scalar(consulta)


@bp.post("/salir")
def salir() -> Response:
    """*Terminar consulta*: this browser stops seeing the case."""
    retirar()
    flash("Terminó la consulta. Para volver a verla, escriba su folio y su correo.", "info")
    return redirect(url_for("seguimiento.inicio"))
