"""One form per request type, shared by *Gestiones Online* (signed in) and *Vías de Contacto*.

The WTForms fields only render and carry what was typed: every check lives in the domain
(casos.gestiones.validar_gestion), which reports every problem in one round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    HiddenField,
    MultipleFileField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields import FileField
from wtforms.fields.choices import SelectChoice

from app.filtros import dinero
from casos.adjuntos import MAXIMO_POR_ENVIO
from casos.catalogo import CAMPOS, TipoCaso
from casos.comercial.modelos import Contrato, EstatusFactura, Factura
from casos.gestiones import CONTACTO, campos_de, pide_comprobante, requeridos_de

ACEPTA = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
ESTATUS = {
    EstatusFactura.PAGADA: "pagada",
    EstatusFactura.PENDIENTE: "pendiente",
    EstatusFactura.VENCIDA: "vencida",
}
# How each field renders (input kind and attributes that help a phone keyboard).
ENTRADAS: dict[str, tuple[type[Field], dict[str, Any]]] = {
    "solicitante_nombre": (StringField, {"autocomplete": "name", "maxlength": 200}),
    "solicitante_email": (EmailField, {"autocomplete": "email", "maxlength": 254}),
    "solicitante_telefono": (TelField, {"autocomplete": "tel", "maxlength": 20}),
    "contrato": (StringField, {"autocomplete": "off", "maxlength": 20}),
    "periodo_factura": (StringField, {"placeholder": "mm/aaaa", "maxlength": 7}),
    "fecha_pago": (StringField, {"type": "date"}),
    "fecha_lectura": (StringField, {"type": "date"}),
    "monto_pago": (StringField, {"inputmode": "decimal", "maxlength": 15}),
    "lectura": (StringField, {"inputmode": "numeric", "maxlength": 9}),
    "direccion": (StringField, {"autocomplete": "street-address", "maxlength": 300}),
    "colonia": (StringField, {"maxlength": 120}),
    "banco": (StringField, {"maxlength": 120}),
    "descripcion": (TextAreaField, {"rows": 5, "maxlength": 5000}),
}
AYUDAS = {
    "solicitante_email": "Le enviaremos el folio y las respuestas; con su folio y este correo "
    "podrá consultar su solicitud sin cuenta.",
    "solicitante_telefono": "10 dígitos. Indique correo, teléfono o ambos.",
    "contrato": "La Referencia impresa en su recibo, si la tiene a la mano.",
    "periodo_factura": "El mes de la factura, p. ej. 10/2026.",
    "factura_id": "Sus facturas de los últimos doce meses.",
    "fecha_pago": "La que aparece en su comprobante.",
    "monto_pago": "Como aparece en su comprobante, p. ej. 1,234.50.",
    "banco": "P. ej. BBVA, Banorte, OXXO, cajero o caja de la CEA.",
    "direccion": "Calle, número y entre qué calles, para ubicar el lugar.",
    "lectura": "Solo los números enteros del medidor.",
    "comprobante": "Foto o PDF del comprobante o de la transferencia: PDF, JPEG o PNG, hasta 5 MB.",
    "adjuntos": f"PDF, JPEG o PNG; hasta {MAXIMO_POR_ENVIO} archivos de 5 MB cada uno.",
}
# What to tell in the description, per type: the facts an agent needs first.
AYUDAS_DESCRIPCION = {
    "consulta_general": "Escriba su pregunta con el mayor detalle posible.",
    "pagos_no_aplicados": "Cuéntenos cómo pagó y cualquier dato que ayude a ubicar el pago "
    "(referencia, número de autorización).",
    "altos_consumos": "Desde cuándo notó el aumento, cuántas personas viven en el domicilio y si "
    "revisó que no haya fugas (llaves, tinaco, sanitario).",
    "recibo_no_entregado": "Indique si el domicilio tiene buzón o algún detalle para la entrega.",
    "reporte_servicio": "Qué ocurre (fuga, falta de agua, drenaje) y desde cuándo.",
    "incidencia_ov": "Qué intentaba hacer, qué mensaje vio y en qué paso se detuvo.",
}


class Marca:
    """Marks a field as required (asterisk, `required` attribute) without checking it: the
    domain checks everything at once, so no error waits for a second submission."""

    field_flags = {"required": True}  # WTForms reads it from the class

    def __call__(self, form: FlaskForm, field: Field) -> None:
        return None


@dataclass(frozen=True)
class OpcionesCliente:
    """What a signed-in customer picks from: their linked contracts and recent bills."""

    contratos: list[Contrato]
    facturas: dict[int, list[Factura]] = field(default_factory=dict)


def formulario_gestion(
    tipo: TipoCaso, hoy: date, opciones: OpcionesCliente | None = None
) -> FlaskForm:
    """The form of one request type: public (contact data, contract as text) or signed in."""

    class Formulario(FlaskForm):
        clave_envio = HiddenField()

    requeridos = requeridos_de(tipo) | ({"solicitante_nombre"} if opciones is None else set())
    nombres = [*(CONTACTO if opciones is None else ()), *campos_de(tipo), "descripcion"]
    for nombre in nombres:
        marca = [Marca()] if nombre in requeridos else []
        if opciones is not None and nombre in ("contrato", "periodo_factura"):
            nombre, campo = _seleccion(nombre, opciones, hoy, marca)
        else:
            clase, atributos = ENTRADAS.get(nombre, (StringField, {"maxlength": 200}))
            if atributos.get("type") == "date":
                atributos = {**atributos, "max": hoy.isoformat()}
            campo = clase(CAMPOS[nombre], marca, render_kw=atributos)
        setattr(Formulario, nombre, campo)
    if pide_comprobante(tipo):
        Formulario.comprobante = FileField(
            CAMPOS["comprobante"], [Marca()], render_kw={"accept": ACEPTA}
        )
    Formulario.adjuntos = MultipleFileField(
        "Archivos adjuntos (opcional)", render_kw={"accept": ACEPTA}
    )
    return Formulario()


def _seleccion(
    nombre: str, opciones: OpcionesCliente, hoy: date, marca: list[Marca]
) -> tuple[str, SelectField]:
    """The signed-in customer's contract or bill as a list of their own."""
    if nombre == "contrato":
        primera = "Elija un contrato" if marca else "Ninguno en particular"
        eleccion = [SelectChoice("", primera)] + [
            SelectChoice(str(c.id), f"{c.numero} — {c.direccion}") for c in opciones.contratos
        ]
        campo = SelectField("Contrato", marca, choices=eleccion, validate_choice=False)
        return "contrato_id", campo
    varios = len(opciones.contratos) > 1
    lista = [SelectChoice("", "Elija la factura" if marca else "Ninguna en particular")]
    for contrato in opciones.contratos:
        grupo = f"Contrato {contrato.numero}" if varios else None
        lista += [
            SelectChoice(str(f.id), _etiqueta(f, hoy), optgroup=grupo)
            for f in opciones.facturas[contrato.id]
        ]
    return "factura_id", SelectField("Factura", marca, choices=lista, validate_choice=False)


def _etiqueta(factura: Factura, hoy: date) -> str:
    estatus = ESTATUS[factura.estatus_al(hoy)]
    return f"{factura.periodo:%m/%Y} — {dinero(factura.total)} — {estatus}"


def valores_de(form: FlaskForm) -> dict[str, str]:
    """The text fields as typed (files, ids and tokens apart)."""
    fuera = {"csrf_token", "clave_envio", "contrato_id", "factura_id", "comprobante", "adjuntos"}
    return {
        nombre: (campo.data or "").strip() if isinstance(campo.data, str) else ""
        for nombre, campo in form._fields.items()
        if nombre not in fuera
    }
