"""What a generated case asks for and who asks: type, contract, colonia, applicant, text."""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from random import Random
from typing import Any

from bench.casos_masivos_datos import DOMINIOS, Contexto, ContratoMuestra, Tipo
from casos.comercial.colonias import COLONIAS

_PESOS_COLONIA = tuple(accumulate(c.peso for c in COLONIAS))
CANALES = ("portal", "portal", "portal", "portal", "contacto", "telefono", "telefono", "ventanilla")
CALLES = ("Hidalgo", "Juárez", "Morelos", "Allende", "Zaragoza", "Madero", "Guerrero")
BANCOS = ("BBVA", "Banorte", "Santander", "OXXO", "Banamex", "HSBC")

DESCRIPCIONES: dict[str, tuple[str, ...]] = {
    "consulta_general": (
        "Quisiera saber qué documentos necesito para cambiar el titular del contrato.",
        "¿Cuál es el horario de las oficinas para pagar en ventanilla?",
        "Necesito una constancia de no adeudo para un trámite.",
    ),
    "pagos_no_aplicados": (
        "Pagué mi recibo en el banco y en el portal sigue apareciendo el adeudo.",
        "Hice una transferencia hace una semana y no se ve reflejada en mi saldo.",
    ),
    "altos_consumos": (
        "Mi recibo de este mes viene muy alto; en casa somos tres y no hay fugas.",
        "El consumo se triplicó respecto al mes anterior; creo que la lectura está mal.",
        "Me llegó un cobro excesivo; revisé y no tengo fugas visibles.",
    ),
    "recibo_no_entregado": (
        "No me ha llegado el recibo a mi domicilio en los últimos dos meses.",
        "El recibo no llega; quisiera recibirlo por correo electrónico.",
    ),
    "sugerencia": (
        "Sería útil poder pagar con tarjeta en todas las oficinas.",
        "El personal de la oficina del centro me atendió muy bien, gracias.",
    ),
    "incidencia_ov": (
        "No puedo entrar a la Oficina Virtual, dice que mi contraseña es incorrecta.",
        "Al descargar la factura en PDF aparece un error.",
    ),
    "reporte_servicio": (
        "Hay una fuga de agua en la banqueta frente a mi casa.",
        "No tenemos agua desde ayer en toda la calle.",
        "Baja presión del agua en las mañanas.",
    ),
    "compartenos_lectura": ("Envío la lectura de mi medidor.",),
    "baja_cuenta": ("Quiero dar de baja mi usuario de la Oficina Virtual.",),
}
_GENERICA = ("Solicito información sobre mi servicio.",)


@dataclass(slots=True)
class Solicitud:
    """The request as filed."""

    tipo: Tipo
    contrato: ContratoMuestra | None
    colonia: str | None
    nombre: str
    email: str | None
    telefono: str | None
    canal: str
    descripcion: str
    datos: dict[str, Any]


def elegir_tipo(ctx: Contexto, azar: Random) -> Tipo:
    """A type, weighted by its usual volume."""
    return ctx.tipos[bisect_right(ctx.pesos_tipo, azar.random() * ctx.pesos_tipo[-1])]


def _ascii(texto: str) -> str:
    plano = unicodedata.normalize("NFKD", texto)
    return "".join(c for c in plano if c.isascii() and c.isalnum()).lower()


def _solicitante(
    ctx: Contexto, azar: Random, contrato: ContratoMuestra | None
) -> tuple[str, str, str]:
    """Name and the two ASCII words an email is made of."""
    if contrato is not None and contrato.titular and azar.random() < 0.7:
        partes = contrato.titular.split()
        return contrato.titular, _ascii(partes[0]), _ascii(partes[-1])
    nombre, nombre_a = azar.choice(ctx.nombres)
    paterno, paterno_a = azar.choice(ctx.apellidos)
    materno, _ = azar.choice(ctx.apellidos)
    return f"{nombre} {paterno} {materno}", nombre_a, paterno_a


def _datos(tipo: Tipo, azar: Random, creado: datetime) -> dict[str, Any]:
    if tipo.clave == "pagos_no_aplicados":
        pago = creado - timedelta(days=azar.randint(1, 20))
        return {
            "fecha_pago": pago.date().isoformat(),
            "monto_pago": f"{azar.randint(120, 2600)}.00",
            "banco": azar.choice(BANCOS),
        }
    if tipo.clave == "compartenos_lectura":
        return {"lectura": str(azar.randint(100, 9999)), "fecha_lectura": creado.date().isoformat()}
    if tipo.clave == "reporte_servicio":
        return {"direccion": f"Calle {azar.choice(CALLES)} {azar.randint(1, 400)}"}
    return {}


def solicitud(ctx: Contexto, azar: Random, creado: datetime) -> Solicitud:
    """Draw what a case asks for and who files it."""
    tipo = elegir_tipo(ctx, azar)
    contrato = None
    if tipo.pide_contrato or azar.random() < 0.35:
        contrato = azar.choice(ctx.contratos)
    if contrato is not None:
        colonia: str | None = contrato.colonia
    elif azar.random() < 0.6:
        colonia = COLONIAS[bisect_right(_PESOS_COLONIA, azar.random() * _PESOS_COLONIA[-1])].nombre
    else:
        colonia = None
    nombre, a, b = _solicitante(ctx, azar, contrato)
    email = None
    if azar.random() < 0.9:
        email = f"{a}.{b}{azar.randint(1, 999)}@{azar.choice(DOMINIOS)}"
    telefono = f"442{azar.randrange(10**7):07d}" if azar.random() < 0.6 else None
    textos = DESCRIPCIONES.get(tipo.clave, _GENERICA)
    return Solicitud(
        tipo=tipo,
        contrato=contrato,
        colonia=colonia,
        nombre=nombre,
        email=email,
        telefono=telefono,
        canal=azar.choice(CANALES),
        descripcion=azar.choice(textos),
        datos=_datos(tipo, azar, creado),
    )
