"""Staff sign-in and sign-out; the logic is in casos.personal_acceso."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.auth import (
    cerrar_sesion_actual,
    cuenta_actual,
    destino_seguro,
    iniciar_sesion_personal,
    ip_cliente,
    personal_actual,
)
from app.backoffice import bp
from app.backoffice.formularios_acceso import FormularioAccesoPersonal, FormularioSalirPersonal
from app.extensiones import db
from casos.cuentas.acceso import CredencialesInvalidas, DemasiadosIntentos
from casos.personal import RolPersonal
from casos.personal_acceso import autenticar_personal

Pagina = str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]


def inicio_de(rol: RolPersonal) -> str:
    """Where each role lands after signing in."""
    if rol is RolPersonal.ADMINISTRADOR:
        return "/admin/"
    if rol is RolPersonal.SUPERVISOR:
        return url_for("backoffice.tablero")
    return url_for("backoffice.bandeja")


@bp.route("/entrar", methods=["GET", "POST"])
def entrar() -> Pagina:
    """The staff sign-in page (customers have their own at /acceso)."""
    form = FormularioAccesoPersonal()
    persona = personal_actual()
    siguiente = form.siguiente.data or request.args.get("siguiente")
    if persona is not None:
        return redirect(destino_seguro(siguiente, inicio_de(persona.rol)))
    form.siguiente.data = destino_seguro(siguiente, "")
    if not form.validate_on_submit():
        return render_template("backoffice/entrar.html", form=form)
    ahora = datetime.now(UTC)
    try:
        persona = autenticar_personal(
            db.session, form.usuario.data or "", form.contrasena.data or "", ip_cliente(), ahora
        )
    except DemasiadosIntentos as error:
        db.session.commit()
        html = render_template("backoffice/entrar.html", form=form, error=error.mensaje)
        return html, 429, {"Retry-After": str(error.segundos)}
    except CredencialesInvalidas as error:
        db.session.commit()
        return render_template("backoffice/entrar.html", form=form, error=error.mensaje), 401
    if cuenta_actual() is not None:
        cerrar_sesion_actual()  # one browser, one identity: the customer's session ends
    iniciar_sesion_personal(persona)
    db.session.commit()
    return redirect(destino_seguro(siguiente, inicio_de(persona.rol)))


@bp.route("/salir", methods=["POST"])
def salir() -> Response:
    """Sign out of the back office."""
    FormularioSalirPersonal().validate_on_submit()  # CSRFProtect has already checked the token
    cerrar_sesion_actual()
    db.session.commit()
    return redirect(url_for("backoffice.entrar"))
