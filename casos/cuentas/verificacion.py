"""Proving a contract: the customer's data (from the bill) matched against the Contrato.

Used by registration (Fase 1 – Datos del Cliente) and by linking another contract to an
account. Formats are checked per field; a mismatch is always one neutral message that never
says which datum was wrong, and it is given before anything else about the contract (linked,
cancelled...) so the form cannot be used to learn about contracts one does not hold.

Contracts without a meter (fixed-fee colonias such as Santa María Magdalena) are proven with the
total of their last bill instead of the meter number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from casos import limites
from casos.base import exigir_zona, pesos
from casos.comercial.modelos import Contrato, EstatusContrato, Factura, TipoPersona
from casos.cuentas.modelos import (
    Cuenta,
    CuentaContrato,
    EnlaceCuenta,
    EstadoCuenta,
    PropositoEnlace,
    TipoCuenta,
)
from casos.errores import DatosInvalidos, ErrorDominio

# Brute-force guard on the proof (the meter number is the secret part): per address and per
# contract. The view (or service) counts every attempt with `contar_intento`.
LIMITE_PRUEBA_IP = limites.Limite("prueba_contrato:ip", 30, timedelta(hours=1), timedelta(hours=1))
LIMITE_PRUEBA_CONTRATO = limites.Limite(
    "prueba_contrato:contrato", 8, timedelta(hours=1), timedelta(hours=1)
)

MENSAJE_NO_COINCIDE = (
    "Los datos no coinciden con nuestros registros. Revíselos tal como aparecen en su recibo "
    "y verifique que eligió el tipo de registro correcto (particular o empresa)."
)
MENSAJE_YA_VINCULADO = (
    "Este contrato ya está registrado en la Oficina Virtual. Si usted es el titular y no "
    "reconoce ese registro, repórtelo como Incidencia Oficina Virtual y lo revisaremos."
)
MENSAJE_SIN_PRUEBA = (
    "No podemos comprobar en línea este contrato porque aún no tiene un recibo emitido. "
    "Repórtelo como Incidencia Oficina Virtual y le ayudaremos a completar su registro."
)
MENSAJE_BAJA = (
    "Este contrato está dado de baja y no puede registrarse en la Oficina Virtual. Si cree que "
    "es un error, comuníquese al 442 211 00 66 o acuda a nuestras oficinas."
)

RE_REFERENCIA = re.compile(r"^[0-9]{1,12}$")
RE_MEDIDOR = re.compile(r"^[A-Z0-9-]{1,20}$")
RE_NOMBRE = re.compile(r"^[^\W\d_]+(?:[ '.\-][^\W\d_]*)*$")
RE_IMPORTE = re.compile(r"^\$?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]{1,2})?$")

# Legal-form suffixes of Mexican companies, as tokens once punctuation is gone ("S. de R.L."
# → "s de rl"). Longest first; they are stripped repeatedly from the end of the name.
_SUFIJOS = (
    "sa de cv|sab de cv|sapi de cv|sapib de cv|sas de cv|s de rl de cv|s de rl de mi|s de rl|"
    "srl de cv|spr de rl|spr de ri|sc de rl|sc de rl de cv|s en c|s en nc|s en c por a|scp|sa|"
    "sab|sapi|sas|sc|ac|iap|abp|sociedad anonima de capital variable|sociedad anonima|"
    "sociedad civil|asociacion civil|de cv"
)
SUFIJOS_SOCIETARIOS = sorted((tuple(s.split()) for s in _SUFIJOS.split("|")), key=len, reverse=True)


class ContratoYaVinculado(ErrorDominio):
    """The contract is held by another open account (or a pending one still activatable)."""


class PruebaNoDisponible(DatosInvalidos):
    """The data matched but the contract cannot be proven online (no meter and no bill)."""


class ContratoDeBaja(DatosInvalidos):
    """The data matched a cancelled contract: it cannot be registered."""


@dataclass(frozen=True)
class PruebaContrato:
    """What the customer typed from the bill (empty meter: use the last bill's total)."""

    tipo: TipoCuenta
    referencia: str
    apellido_paterno: str = ""
    apellido_materno: str = ""
    nombre_empresa: str = ""
    numero_medidor: str = ""
    importe_ultima_factura: str = ""


# --- normalisation -------------------------------------------------------------------------


def _sin_acentos(texto: str) -> str:
    descompuesto = unicodedata.normalize("NFKD", texto)
    return "".join(c for c in descompuesto if not unicodedata.combining(c)).casefold()


def normalizar_nombre(texto: str | None) -> str:
    """A person's name for comparison: no accents, case, dots, hyphens or extra spaces."""
    plano = _sin_acentos(texto or "")
    plano = re.sub(r"[.\-'’´`,]", " ", plano)
    return " ".join(plano.split())


def normalizar_empresa(texto: str | None) -> str:
    """A company name for comparison: no punctuation, spaces or legal-form suffix."""
    plano = _sin_acentos(texto or "").replace(".", "")
    plano = re.sub(r"[^0-9a-z ]+", " ", plano)
    # "S. A. de C. V." → "sa de cv": runs of single letters are one abbreviation.
    plano = re.sub(r"\b[a-z](?: [a-z]\b)+", lambda m: m.group(0).replace(" ", ""), plano)
    tokens = plano.split()
    quitado = True
    while quitado and len(tokens) > 1:
        quitado = False
        for sufijo in SUFIJOS_SOCIETARIOS:
            if len(sufijo) < len(tokens) and tuple(tokens[-len(sufijo) :]) == sufijo:
                tokens = tokens[: -len(sufijo)]
                quitado = True
                break
    return "".join(tokens)


def normalizar_referencia(texto: str) -> str:
    """The contract number as typed, without spaces, hyphens or dots."""
    return re.sub(r"[\s.\-]", "", texto or "")


def normalizar_medidor(texto: str | None) -> str:
    """A meter number for comparison: upper case, no spaces."""
    return re.sub(r"\s", "", texto or "").upper()


def _clave_medidor(texto: str | None) -> str:
    return normalizar_medidor(texto).replace("-", "")


def leer_importe(texto: str) -> Decimal | None:
    """`$1,234.56`, `1234.56`, `1,234.5` → Decimal; None when it is not an amount."""
    limpio = re.sub(r"\s", "", texto or "")
    if not RE_IMPORTE.match(limpio):
        return None
    try:
        return pesos(limpio.lstrip("$").replace(",", ""))
    except InvalidOperation:
        return None


# --- format ------------------------------------------------------------------------------


def errores_formato(prueba: PruebaContrato) -> dict[str, str]:
    """Per-field format errors, keyed by PruebaContrato attribute names."""
    campos: dict[str, str] = {}
    referencia = normalizar_referencia(prueba.referencia)
    if not referencia:
        campos["referencia"] = "Escriba la referencia (número de contrato) de su recibo."
    elif not RE_REFERENCIA.match(referencia):
        campos["referencia"] = "La referencia tiene solo números (hasta 12), como en su recibo."
    if prueba.tipo is TipoCuenta.PARTICULAR:
        campos.update(_errores_persona(prueba))
    else:
        campos.update(_errores_empresa(prueba))
    campos.update(_errores_medidor(prueba))
    return campos


def _errores_persona(prueba: PruebaContrato) -> dict[str, str]:
    campos: dict[str, str] = {}
    paterno, materno = prueba.apellido_paterno.strip(), prueba.apellido_materno.strip()
    if not paterno:
        campos["apellido_paterno"] = "Escriba el apellido paterno del titular."
    elif len(paterno) > 80 or not RE_NOMBRE.match(paterno):
        campos["apellido_paterno"] = "Escriba el apellido solo con letras, como en su recibo."
    if materno and (len(materno) > 80 or not RE_NOMBRE.match(materno)):
        campos["apellido_materno"] = "Escriba el apellido solo con letras, como en su recibo."
    return campos


def _errores_empresa(prueba: PruebaContrato) -> dict[str, str]:
    nombre = prueba.nombre_empresa.strip()
    if not nombre:
        return {"nombre_empresa": "Escriba el nombre de la empresa como aparece en su recibo."}
    if len(nombre) > 200 or not normalizar_empresa(nombre):
        return {"nombre_empresa": "Escriba el nombre de la empresa como aparece en su recibo."}
    return {}


def _errores_medidor(prueba: PruebaContrato) -> dict[str, str]:
    medidor = normalizar_medidor(prueba.numero_medidor)
    if medidor:
        if not RE_MEDIDOR.match(medidor):
            return {
                "numero_medidor": "El número de medidor tiene letras, números o guiones "
                "(hasta 20), como en su recibo."
            }
        return {}
    if not prueba.importe_ultima_factura.strip():
        return {
            "importe_ultima_factura": "Si su contrato no tiene medidor, escriba el total a "
            "pagar de su último recibo."
        }
    if leer_importe(prueba.importe_ultima_factura) is None:
        return {"importe_ultima_factura": "Escriba el total con números, por ejemplo 1,234.56."}
    return {}


# --- matching ------------------------------------------------------------------------------


def _candidatos(sesion: Session, referencia: str) -> list[Contrato]:
    """Contracts whose number is the typed one, allowing for leading zeros either way."""
    sin_ceros = referencia.lstrip("0") or "0"
    formas = {referencia, sin_ceros} | {sin_ceros.zfill(n) for n in range(len(sin_ceros), 13)}
    encontrados = sesion.scalars(select(Contrato).where(Contrato.numero.in_(formas))).all()
    return sorted(encontrados, key=lambda c: c.numero != referencia)


def _coincide_titular(contrato: Contrato, prueba: PruebaContrato) -> bool:
    if prueba.tipo is TipoCuenta.EMPRESA:
        if contrato.tipo_persona is not TipoPersona.MORAL:
            return False
        return normalizar_empresa(contrato.razon_social) == normalizar_empresa(
            prueba.nombre_empresa
        )
    if contrato.tipo_persona is not TipoPersona.FISICA:
        return False
    paterno, materno = (
        normalizar_nombre(prueba.apellido_paterno),
        normalizar_nombre(prueba.apellido_materno),
    )
    reg_paterno = normalizar_nombre(contrato.apellido_paterno)
    reg_materno = normalizar_nombre(contrato.apellido_materno)
    if not reg_materno:
        # One surname on record (rule 2b): the second one is not required; a record that keeps
        # both surnames in one field still matches when both are typed.
        return reg_paterno in (paterno, f"{paterno} {materno}".strip())
    # Both surnames on record: both must be given (typed apart or together in one field).
    return f"{paterno} {materno}".strip() == f"{reg_paterno} {reg_materno}"


def ultima_factura(sesion: Session, contrato: Contrato) -> Factura | None:
    """The contract's most recent bill (by billed period)."""
    consulta = (
        select(Factura)
        .where(Factura.contrato_id == contrato.id)
        .order_by(Factura.periodo.desc())
        .limit(1)
    )
    return sesion.scalars(consulta).first()


def _coincide_medidor(sesion: Session, contrato: Contrato, prueba: PruebaContrato) -> bool:
    """Meter number, or — for a contract without meter — the last bill's total."""
    medidor = _clave_medidor(prueba.numero_medidor)
    if contrato.numero_medidor:
        return bool(medidor) and medidor == _clave_medidor(contrato.numero_medidor)
    if medidor:
        return False
    factura = ultima_factura(sesion, contrato)
    if factura is None:
        raise PruebaNoDisponible(MENSAJE_SIN_PRUEBA)
    return leer_importe(prueba.importe_ultima_factura) == factura.total


def verificar_contrato(
    sesion: Session, prueba: PruebaContrato, ahora: datetime | None = None
) -> Contrato:
    """The contract the proof matches; refuses bad formats, mismatches, cancelled contracts
    and contracts held by another account. With `ahora`, a pending account whose activation
    link expired no longer holds its contract (without it, every pending account holds)."""
    campos = errores_formato(prueba)
    if campos:
        raise DatosInvalidos("Revise los datos marcados.", campos)
    contrato = _contrato_que_coincide(sesion, prueba)
    if contrato.estatus is EstatusContrato.BAJA:
        raise ContratoDeBaja(MENSAJE_BAJA)
    if cuenta_que_lo_tiene(sesion, contrato, ahora) is not None:
        raise ContratoYaVinculado(MENSAJE_YA_VINCULADO)
    return contrato


def _contrato_que_coincide(sesion: Session, prueba: PruebaContrato) -> Contrato:
    sin_prueba: PruebaNoDisponible | None = None
    for contrato in _candidatos(sesion, normalizar_referencia(prueba.referencia)):
        if not _coincide_titular(contrato, prueba):
            continue
        try:
            if _coincide_medidor(sesion, contrato, prueba):
                return contrato
        except PruebaNoDisponible as error:
            sin_prueba = error
    if sin_prueba is not None:
        raise sin_prueba
    raise DatosInvalidos(MENSAJE_NO_COINCIDE)


def cuenta_que_lo_tiene(
    sesion: Session, contrato: Contrato, ahora: datetime | None = None
) -> Cuenta | None:
    """The account holding the contract: an active one, or a pending one that can still be
    activated (its activation link has not expired; without `ahora`, any pending one)."""
    consulta = (
        select(Cuenta)
        .join(CuentaContrato, CuentaContrato.cuenta_id == Cuenta.id)
        .where(CuentaContrato.contrato_id == contrato.id, Cuenta.estado != EstadoCuenta.CERRADA)
    )
    cuenta = sesion.scalars(consulta).first()
    if cuenta is None or cuenta.estado is EstadoCuenta.ACTIVA or ahora is None:
        return cuenta
    return cuenta if activacion_vigente(sesion, cuenta, ahora) else None


def activacion_vigente(sesion: Session, cuenta: Cuenta, ahora: datetime) -> bool:
    """Does a pending account still have an unused, unexpired activation link?"""
    ahora = exigir_zona(ahora)
    return bool(
        sesion.scalar(
            select(
                exists().where(
                    EnlaceCuenta.cuenta_id == cuenta.id,
                    EnlaceCuenta.proposito == PropositoEnlace.ACTIVACION,
                    EnlaceCuenta.usado_en.is_(None),
                    EnlaceCuenta.expira_en > ahora,
                )
            )
        )
    )


def contar_intento(
    sesion: Session, referencia: str, origen: str | None, ahora: datetime
) -> limites.Estado:
    """Count one proof attempt against the address and the contract; not permitted = locked."""
    estado_ip = limites.contar(sesion, LIMITE_PRUEBA_IP, origen or "desconocido", ahora)
    # Only the digits: whatever else was typed must not make it a different contract.
    clave = re.sub(r"[^0-9]", "", referencia or "").lstrip("0")[:20] or "vacia"
    estado_contrato = limites.contar(sesion, LIMITE_PRUEBA_CONTRATO, clave, ahora)
    for estado in (estado_ip, estado_contrato):
        if not estado.permitido:
            return estado
    return estado_contrato
