"""*Compártenos tu lectura*: the form (value, date, optional photo) and its receipt.

Registered on the consumos blueprint by app/portal/consumos.py (endpoints consumos.lectura and
consumos.lectura_recibida)."""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app, redirect, render_template, session, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response
from wtforms import BooleanField, DateField, HiddenField, StringField
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import TextInput

from app.auth import actor_actual, cuenta_requerida
from app.extensiones import db
from app.formularios import marcar_errores
from app.portal.consumos_comun import ahora, contrato_o_404, cuenta
from casos.adjuntos import TAMANO_MAXIMO, ArchivoRecibido, adjuntos_de
from casos.comercial.lecturas_cliente import TIPO_CASO, LecturaPorConfirmar, compartir_lectura
from casos.errores import DatosInvalidos
from casos.modelos import Caso
from casos.sla import ZONA_CEA

CLAVE_FOLIO = "folio_lectura"


class CampoFecha(DateField):
    """A date typed as dd/mm/aaaa (also d/m/aaaa, dd-mm-aaaa or aaaa-mm-dd). A text box, not
    the browser's date picker, which shows the device's format instead of dd/mm/aaaa."""

    widget = TextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Escriba la fecha como dd/mm/aaaa.") from None


class FormLectura(FlaskForm):
    """What *Compártenos tu lectura* asks for."""

    clave_envio = HiddenField()
    valor = StringField(
        "Lectura del medidor (m³)",
        [InputRequired("Escriba la lectura de su medidor.")],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 12},
    )
    fecha = CampoFecha(
        "Fecha de la lectura",
        [InputRequired("Indique la fecha en que leyó el medidor.")],
        format=["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"],
        render_kw={"placeholder": "dd/mm/aaaa", "autocomplete": "off", "maxlength": 10},
    )
    foto = FileField(
        "Foto del medidor (opcional)",
        [Optional()],
        render_kw={"accept": "image/jpeg,image/png"},
    )
    confirmado = BooleanField("Confirmo que la lectura es correcta")


AYUDAS = {
    "valor": "Los números negros del medidor, de izquierda a derecha, sin los rojos (litros).",
    "fecha": "Como dd/mm/aaaa: el día en que leyó el medidor, hoy o hasta 60 días atrás.",
    "foto": "JPEG o PNG de hasta 5 MB. Quitamos la ubicación y los datos de la cámara.",
}


@cuenta_requerida
def lectura(contrato_id: int) -> str | Response:
    """The form; a valid reading files a case and goes to its receipt."""
    contrato, _ = contrato_o_404(contrato_id)
    form = FormLectura()
    if not form.is_submitted():
        form.clave_envio.data = secrets.token_urlsafe(16)
        form.fecha.data = ahora().astimezone(ZONA_CEA).date()
    contexto: dict[str, Any] = {"pedir_confirmacion": bool(form.confirmado.data)}
    if contrato.numero_medidor and form.validate_on_submit():
        try:
            hecho = _compartir(contrato.id, form)
        except LecturaPorConfirmar as error:
            db.session.rollback()
            marcar_errores(form, error)
            contexto["pedir_confirmacion"] = True
        except DatosInvalidos as error:
            db.session.rollback()
            contexto["error_general"] = marcar_errores(form, error)
        else:
            db.session.commit()
            session[CLAVE_FOLIO] = hecho.caso.folio
            return redirect(url_for("consumos.lectura_recibida", contrato_id=contrato.id))
    contexto["foto_perdida"] = form.is_submitted() and _archivo(form) is not None
    return render_template(
        "portal/consumos/lectura.html",
        contrato=contrato,
        form=form,
        ayudas=AYUDAS,
        seccion_actual="consumos",
        **contexto,
    )


def _archivo(form: FormLectura) -> FileStorage | None:
    archivo = form.foto.data
    if isinstance(archivo, FileStorage) and archivo.filename:
        return archivo
    return None


def _compartir(contrato_id: int, form: FormLectura) -> Any:
    archivo = _archivo(form)
    foto = None
    if archivo is not None:
        # One byte past the limit is enough for the domain to say "too big".
        foto = ArchivoRecibido(archivo.filename or "foto", archivo.stream.read(TAMANO_MAXIMO + 1))
    return compartir_lectura(
        db.session,
        cuenta(),
        contrato_id,
        form.valor.data,
        form.fecha.data,
        foto,
        bool(form.confirmado.data),
        Path(current_app.config["CARPETA_ADJUNTOS"]),
        actor_actual(),
        ahora(),
        clave_envio=form.clave_envio.data or None,
    )


@cuenta_requerida
def recibida(contrato_id: int) -> str | Response:
    """The folio just filed, what happens next and when to expect an answer."""
    contrato, _ = contrato_o_404(contrato_id)
    folio = session.get(CLAVE_FOLIO)
    caso = None
    if isinstance(folio, str):
        caso = db.session.scalar(
            select(Caso).where(
                Caso.folio == folio,
                Caso.cuenta_id == cuenta().id,
                Caso.contrato == contrato.numero,
            )
        )
    if caso is None or caso.tipo.clave != TIPO_CASO:
        return redirect(url_for("consumos.contrato", contrato_id=contrato.id))
    return render_template(
        "portal/consumos/lectura_recibida.html",
        contrato=contrato,
        caso=caso,
        fecha_lectura=date.fromisoformat(caso.datos["fecha_lectura"]),
        tiene_foto=bool(adjuntos_de(db.session, caso.id)),
        seccion_actual="consumos",
    )
