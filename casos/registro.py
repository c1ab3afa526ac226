"""Filing a case: the one service the portal, the contact form, the API and the CLI call."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.base import exigir_zona
from casos.catalogo import CAMPOS, TipoCalendario, TipoCaso, etiqueta_campo, tipo_por_clave
from casos.ciclo import iniciar_historial
from casos.correo import encolar_correo
from casos.errores import DatosInvalidos, NoEncontrado
from casos.estados import EstadoCaso
from casos.folios import siguiente_folio
from casos.modelos import Caso
from casos.ruteo import resolver_area
from casos.sla import ZONA_CEA

RE_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
RE_CONTRATO = re.compile(r"^[0-9A-Za-z-]{4,20}$")
RE_CLAVE_ENVIO = re.compile(r"^[0-9A-Za-z_-]{8,64}$")
LARGOS = {"descripcion": 5000, "solicitante_nombre": 200, "colonia": 120, "direccion": 300}


@dataclass(frozen=True)
class DatosCaso:
    """What someone asks for; `campos` holds the type-specific fields (payment date, …)."""

    tipo: str
    descripcion: str = ""
    solicitante_nombre: str = ""
    solicitante_email: str | None = None
    solicitante_telefono: str | None = None
    contrato: str | None = None
    colonia: str | None = None
    uso_contrato: str | None = None
    campos: Mapping[str, Any] = field(default_factory=dict)
    canal: str = "portal"
    clave_envio: str | None = None  # one per form shown: a double click files one case
    cuenta_id: int | None = None  # the signed-in account filing it (for *Mis gestiones*)

    def valor(self, campo: str) -> Any:
        """A field's value, wherever it lives."""
        if campo in self.campos:
            return self.campos[campo]
        return getattr(self, campo, None)


def registrar_caso(sesion: Session, datos: DatosCaso, actor: Actor, ahora: datetime) -> Caso:
    """Validate, number, route and file a case; queue its acknowledgement email."""
    ahora = exigir_zona(ahora, "fecha de registro")
    if datos.clave_envio is not None and not RE_CLAVE_ENVIO.match(datos.clave_envio):
        raise DatosInvalidos(
            "El formulario no es válido; recargue la página.",
            {"clave_envio": "Clave de envío no válida."},
        )
    previo = _por_clave_envio(sesion, datos.clave_envio)
    if previo is not None:
        return previo
    tipo = tipo_por_clave(sesion, datos.tipo)
    if tipo is None:
        raise NoEncontrado(
            "Ese tipo de solicitud no existe.", {"tipo": "Elija un tipo de la lista."}
        )
    limpios = validar_datos(datos, tipo, ahora.astimezone(ZONA_CEA).date())
    try:
        with sesion.begin_nested():
            caso = _crear(sesion, tipo, datos, limpios, actor, ahora)
    except IntegrityError:
        # Two submissions of the same form raced (PostgreSQL): the first one won.
        previo = _por_clave_envio(sesion, datos.clave_envio)
        if previo is None:
            raise
        return previo
    if caso.solicitante_email:
        _encolar_acuse(sesion, caso, ahora)
    return caso


def _por_clave_envio(sesion: Session, clave: str | None) -> Caso | None:
    if clave is None:
        return None
    return sesion.scalar(select(Caso).where(Caso.clave_envio == clave))


def _crear(
    sesion: Session,
    tipo: TipoCaso,
    datos: DatosCaso,
    limpios: dict[str, Any],
    actor: Actor,
    ahora: datetime,
) -> Caso:
    area, regla = resolver_area(sesion, tipo, colonia=datos.colonia, uso=datos.uso_contrato)
    caso = Caso(
        folio=siguiente_folio(sesion, ahora),
        clave_envio=datos.clave_envio,
        canal=datos.canal,
        tipo=tipo,
        area=area,
        estado=EstadoCaso.NUEVO,
        descripcion=limpios.pop("descripcion", ""),
        solicitante_nombre=limpios.pop("solicitante_nombre", ""),
        solicitante_email=limpios.pop("solicitante_email", None),
        solicitante_telefono=limpios.pop("solicitante_telefono", None),
        contrato=limpios.pop("contrato", None),
        colonia=limpios.pop("colonia", None),
        uso_contrato=(datos.uso_contrato or "").strip() or None,
        cuenta_id=datos.cuenta_id,
        datos=limpios,
        creado_en=ahora,
        actualizado_en=ahora,
    )
    sesion.add(caso)
    ruta = {"area_id": area.id, "area": area.nombre, "regla_id": regla.id if regla else None}
    iniciar_historial(sesion, caso, actor, ahora, ruta)
    return caso


def _encolar_acuse(sesion: Session, caso: Caso, ahora: datetime) -> None:
    assert caso.solicitante_email is not None
    encolar_correo(
        sesion,
        para=caso.solicitante_email,
        plantilla="acuse_caso",
        contexto={
            "caso": caso,
            "vence_respuesta_en": caso.vence_respuesta_en,
            "es_continuo": caso.tipo.calendario is TipoCalendario.CONTINUO,
        },
        ahora=ahora,
        clave=f"acuse:{caso.folio}",
        caso_id=caso.id,
    )


# --- validation ----------------------------------------------------------------------------


def validar_datos(datos: DatosCaso, tipo: TipoCaso, hoy: date) -> dict[str, Any]:
    """Clean every field; raise DatosInvalidos with one Spanish reason per bad field."""
    errores: dict[str, str] = {}
    limpios: dict[str, Any] = {}
    nombres = [*_CAMPOS_BASE, *datos.campos, *tipo.campos_requeridos]
    valores = {campo: datos.valor(campo) for campo in dict.fromkeys(nombres)}
    for campo in datos.campos:
        if campo not in CAMPOS:
            errores[campo] = "Dato no reconocido para este tipo de solicitud."
    for campo, valor in valores.items():
        if campo in errores:
            continue
        texto = _texto(valor)
        if not texto:
            if campo in tipo.campos_requeridos:
                errores[campo] = f"{etiqueta_campo(campo)}: este dato es obligatorio."
            continue
        try:
            limpios[campo] = LIMPIADORES.get(campo, _limpiar_texto(campo))(texto)
        except ValueError as error:
            errores[campo] = str(error)
    for campo in ("fecha_pago", "fecha_lectura"):
        if campo in limpios and limpios[campo] > hoy.isoformat():
            errores[campo] = f"{etiqueta_campo(campo)}: la fecha no puede ser futura."
    contactos = {"solicitante_email", "solicitante_telefono"}
    if not errores.keys() & contactos and not (
        limpios.get("solicitante_email") or limpios.get("solicitante_telefono")
    ):
        errores["solicitante_email"] = (
            "Indique un correo electrónico o un teléfono para poder responderle."
        )
    if errores:
        raise DatosInvalidos("Revise los datos marcados.", errores)
    return limpios


_CAMPOS_BASE = (
    "descripcion",
    "solicitante_nombre",
    "solicitante_email",
    "solicitante_telefono",
    "contrato",
    "colonia",
)


def _texto(valor: Any) -> str:
    if valor is None:
        return ""
    return str(valor).replace("\x00", "").strip()


def _limpiar_texto(campo: str) -> Any:
    largo = LARGOS.get(campo, 200)

    def limpiar(texto: str) -> str:
        if len(texto) > largo:
            raise ValueError(f"{etiqueta_campo(campo)}: use como máximo {largo:,} caracteres.")
        return texto

    return limpiar


def _email(texto: str) -> str:
    if len(texto) > 254 or not RE_EMAIL.match(texto):
        raise ValueError(
            "Correo electrónico: escriba una dirección válida, p. ej. nombre@dominio.mx."
        )
    return texto.lower()


def _telefono(texto: str) -> str:
    digitos = re.sub(r"[\s().+-]", "", texto)
    if digitos.startswith("52") and len(digitos) == 12:
        digitos = digitos[2:]
    if not digitos.isdigit() or len(digitos) != 10:
        raise ValueError("Teléfono: escriba 10 dígitos, p. ej. 442 211 00 66.")
    return f"{digitos[:3]} {digitos[3:6]} {digitos[6:8]} {digitos[8:]}"


def _contrato(texto: str) -> str:
    if not RE_CONTRATO.match(texto):
        raise ValueError("Número de contrato: use de 4 a 20 letras, números o guiones.")
    return texto.upper()


def _monto(texto: str) -> str:
    try:
        monto = Decimal(texto.replace("$", "").replace(",", "").strip())
    except InvalidOperation:
        raise ValueError("Monto pagado: escriba una cantidad, p. ej. 1,234.50.") from None
    if not monto.is_finite() or monto <= 0 or monto >= Decimal("10000000"):
        raise ValueError("Monto pagado: escriba una cantidad mayor que cero.")
    return str(monto.quantize(Decimal("0.01")))


def _fecha(campo: str) -> Any:
    def limpiar(texto: str) -> str:
        for formato in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                valor = datetime.strptime(texto, formato).replace(tzinfo=ZONA_CEA).date()
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"{etiqueta_campo(campo)}: escriba la fecha como dd/mm/aaaa.")
        if valor.year < 2000:
            raise ValueError(f"{etiqueta_campo(campo)}: revise el año.")
        return valor.isoformat()

    return limpiar


def _lectura(texto: str) -> int:
    if not texto.isdigit() or len(texto) > 9:
        raise ValueError("Lectura del medidor: escriba solo los números enteros del medidor.")
    return int(texto)


LIMPIADORES: dict[str, Any] = {
    "solicitante_email": _email,
    "solicitante_telefono": _telefono,
    "contrato": _contrato,
    "monto_pago": _monto,
    "fecha_pago": _fecha("fecha_pago"),
    "fecha_lectura": _fecha("fecha_lectura"),
    "lectura": _lectura,
}
