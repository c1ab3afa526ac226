"""*Vías de Contacto*: anyone, registered or not, files a request and gets its folio."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import abort, redirect, render_template, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import EmailField, HiddenField, StringField, TelField, TextAreaField
from wtforms.validators import InputRequired, Optional

from app.auth import actor_actual, ip_cliente
from app.extensiones import db
from app.portal.vistas import bp
from casos import limites
from casos.catalogo import CAMPOS, TipoCalendario, TipoCaso, tipo_por_clave
from casos.errores import DatosInvalidos
from casos.modelos import Caso
from casos.registro import DatosCaso, registrar_caso

LIMITE_CONTACTO_IP = limites.Limite("contacto:ip", 30, timedelta(hours=1))
BASE = ("solicitante_nombre", "solicitante_email", "solicitante_telefono", "contrato")
# Fields a type may ask for beyond the base ones, with their input kind and help text.
EXTRAS: dict[str, tuple[type, str | None]] = {
    "colonia": (StringField, None),
    "direccion": (StringField, "Calle, número y entre qué calles, para ubicar el lugar."),
    "periodo_factura": (StringField, "El mes de la factura, p. ej. 10/2026."),
    "fecha_pago": (StringField, "Como dd/mm/aaaa."),
    "monto_pago": (StringField, "Como aparece en su comprobante, p. ej. 1,234.50."),
    "banco": (StringField, None),
    "lectura": (StringField, "Solo los números enteros del medidor."),
    "fecha_lectura": (StringField, "Como dd/mm/aaaa."),
}
AYUDAS = {
    "solicitante_email": "Le enviaremos el folio y la respuesta a este correo.",
    "solicitante_telefono": "10 dígitos. Indique correo, teléfono o ambos.",
    "contrato": "La Referencia impresa en su recibo, si la tiene a la mano.",
}


def _formulario(tipo: TipoCaso) -> FlaskForm:
    """A form for the type: the base contact fields, the type's own fields, the description."""

    class Formulario(FlaskForm):
        clave_envio = HiddenField()

    requeridos = set(tipo.campos_requeridos) | {"solicitante_nombre"}
    tipos_campo = {"solicitante_email": EmailField, "solicitante_telefono": TelField}
    extras = [c for c in tipo.campos_requeridos if c in EXTRAS]
    for nombre in (*BASE, *extras):
        clase = tipos_campo.get(nombre) or EXTRAS.get(nombre, (StringField, None))[0]
        requerido = InputRequired(f"{CAMPOS[nombre]}: este dato es obligatorio.")
        validadores = [requerido if nombre in requeridos else Optional()]
        setattr(Formulario, nombre, clase(CAMPOS[nombre], validadores))
    Formulario.descripcion = TextAreaField(
        "Descripción", [InputRequired("Descripción: cuéntenos qué necesita.")]
    )
    return Formulario()


def _tipos_publicos() -> list[TipoCaso]:
    consulta = select(TipoCaso).where(TipoCaso.es_activo, TipoCaso.es_publico)
    return list(db.session.scalars(consulta.order_by(TipoCaso.orden)))


@bp.get("/contacto")
def vias_de_contacto() -> str:
    """*Vías de Contacto*: the request types anyone can file without an account."""
    return render_template("portal/contacto/lista.html", tipos=_tipos_publicos())


@bp.route("/contacto/<tipo>", methods=["GET", "POST"])
def contacto(tipo: str) -> str | Response:
    """One request type's form; a valid submission files a case and shows its folio."""
    tipo_caso = tipo_por_clave(db.session, tipo)
    if tipo_caso is None or not tipo_caso.es_publico or not tipo_caso.es_activo:
        abort(404)
    form = _formulario(tipo_caso)
    if not form.is_submitted():
        form.clave_envio.data = secrets.token_urlsafe(16)
    error_general = None
    if form.validate_on_submit():
        try:
            caso = _presentar(tipo_caso, form)
        except DatosInvalidos as error:
            db.session.rollback()
            error_general = _marcar_errores(form, error)
        except _Limitado as limitado:
            db.session.commit()  # the counter must persist
            error_general = limitado.mensaje
        else:
            db.session.commit()
            session["folio_contacto"] = caso.folio
            return redirect(url_for("portal.contacto_recibido"))
    return render_template(
        "portal/contacto/formulario.html",
        tipo=tipo_caso,
        form=form,
        error_general=error_general,
        ayudas={**AYUDAS, **{k: v[1] for k, v in EXTRAS.items() if v[1]}},
        es_continuo=tipo_caso.calendario is TipoCalendario.CONTINUO,
    )


class _Limitado(Exception):
    def __init__(self, mensaje: str) -> None:
        super().__init__(mensaje)
        self.mensaje = mensaje


def _presentar(tipo: TipoCaso, form: FlaskForm) -> Caso:
    ahora = datetime.now(UTC)
    estado = limites.contar(db.session, LIMITE_CONTACTO_IP, ip_cliente(), ahora)
    if not estado.permitido:
        minutos = estado.minutos_restantes(ahora)
        raise _Limitado(
            f"Recibimos muchas solicitudes desde su conexión. Intente de nuevo en {minutos} "
            "minutos o llame al 442 211 00 66."
        )
    datos: dict[str, Any] = {n: form[n].data for n in form._fields if n in CAMPOS}
    campos = {n: v for n, v in datos.items() if n not in (*BASE, "descripcion")}
    return registrar_caso(
        db.session,
        DatosCaso(
            tipo=tipo.clave,
            descripcion=datos.get("descripcion") or "",
            solicitante_nombre=datos.get("solicitante_nombre") or "",
            solicitante_email=datos.get("solicitante_email") or None,
            solicitante_telefono=datos.get("solicitante_telefono") or None,
            contrato=datos.get("contrato") or None,
            campos={k: v for k, v in campos.items() if v},
            canal="contacto",
            clave_envio=form.clave_envio.data or None,
        ),
        actor_actual(),
        ahora,
    )


def _marcar_errores(form: FlaskForm, error: DatosInvalidos) -> str | None:
    """Put each domain error next to its field; return what has no field of its own."""
    sueltos = []
    for campo, mensaje in error.campos.items():
        if campo in form._fields and campo != "clave_envio":
            form[campo].errors = [*form[campo].errors, mensaje]
        else:
            sueltos.append(mensaje)
    return " ".join(sueltos) or (None if error.campos else error.mensaje)


@bp.get("/contacto/recibido")
def contacto_recibido() -> str | Response:
    """The folio just filed, what happens next, and when to expect an answer."""
    folio = session.get("folio_contacto")
    caso = db.session.scalar(select(Caso).where(Caso.folio == folio)) if folio else None
    if caso is None:
        return redirect(url_for("portal.vias_de_contacto"))
    return render_template(
        "portal/contacto/recibido.html",
        caso=caso,
        es_continuo=caso.tipo.calendario is TipoCalendario.CONTINUO,
    )
