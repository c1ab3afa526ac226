"""*Gestiones Online* and *Vías de Contacto*: what each request type asks for, every check at
once (the filing rules, this type's own rules and each file), and filing the case together
with its files.

Both the signed-in form and the public one are built from the same table, so an agent gets the
same facts whichever door the customer used (rule 8 of *Funcionamiento*: contract, bill,
payment receipt, dates).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.adjuntos import (
    MAXIMO_POR_ENVIO,
    ArchivoLimpio,
    ArchivoRecibido,
    guardar_adjunto,
    limpiar_archivo,
)
from casos.catalogo import CAMPOS, TipoCaso, etiqueta_campo, tipo_por_clave
from casos.errores import DatosInvalidos, NoEncontrado
from casos.modelos import Caso
from casos.registro import DatosCaso, registrar_caso, validar_datos

CONTACTO = ("solicitante_nombre", "solicitante_email", "solicitante_telefono")
# Beyond the contact data and the description: what helps an agent answer each type, in the
# order the form shows it. `periodo_factura` is the bill concerned: a list of the customer's
# bills when signed in, the month as text on the public form.
CAMPOS_TIPO: dict[str, tuple[str, ...]] = {
    "consulta_general": ("contrato",),
    "pagos_no_aplicados": ("contrato", "periodo_factura", "fecha_pago", "monto_pago", "banco"),
    "altos_consumos": ("contrato", "periodo_factura"),
    "recibo_no_entregado": ("contrato", "periodo_factura"),
    "sugerencia": ("contrato",),
    "incidencia_ov": ("contrato",),
    "reporte_servicio": ("direccion", "colonia", "contrato"),
    "compartenos_lectura": ("contrato", "lectura", "fecha_lectura"),
}
# Required here on top of the catalog's required fields (which administrators edit): without
# them the area would have to write back before it could start.
REQUERIDOS_EXTRA: dict[str, frozenset[str]] = {
    "pagos_no_aplicados": frozenset({"banco", "comprobante"}),
    "altos_consumos": frozenset({"periodo_factura"}),
    "recibo_no_entregado": frozenset({"periodo_factura"}),
}
# Types whose form has its own field for the payment receipt.
CON_COMPROBANTE = frozenset({"pagos_no_aplicados"})
CAMPOS_ARCHIVO = ("comprobante", "adjuntos")
RE_PERIODO = re.compile(r"^\s*(0?[1-9]|1[0-2])\s*[/-]\s*(\d{4})\s*$")

Archivos = Mapping[str, Sequence[ArchivoRecibido]]  # by form field: comprobante, adjuntos


def campos_de(tipo: TipoCaso) -> tuple[str, ...]:
    """The type's own fields in form order (plus any the administrators made required)."""
    propios = CAMPOS_TIPO.get(tipo.clave, ("contrato",))
    base = (*CONTACTO, "descripcion", *propios)
    extra = [c for c in tipo.campos_requeridos if c in CAMPOS and c not in base]
    return (*propios, *extra)


def requeridos_de(tipo: TipoCaso) -> frozenset[str]:
    """Fields the type cannot be filed without."""
    return frozenset(tipo.campos_requeridos) | REQUERIDOS_EXTRA.get(tipo.clave, frozenset())


def pide_comprobante(tipo: TipoCaso) -> bool:
    """Whether the form has a separate field for the payment receipt."""
    return tipo.clave in CON_COMPROBANTE


@dataclass(frozen=True)
class GestionValidada:
    """A request that passed every check, ready to file (see `presentar_gestion`)."""

    datos: DatosCaso
    archivos: tuple[ArchivoLimpio, ...] = ()


def validar_gestion(
    sesion: Session,
    datos: DatosCaso,
    archivos: Archivos,
    hoy: date,
    exigir: frozenset[str] = frozenset(),
) -> GestionValidada:
    """Check everything at once; raise DatosInvalidos with one Spanish reason per bad field."""
    tipo = tipo_por_clave(sesion, datos.tipo)
    if tipo is None:
        raise NoEncontrado("Ese tipo de solicitud no existe.", {"tipo": "Elija un tipo."})
    datos = _con_periodo_normalizado(datos)
    errores: dict[str, str] = {}
    try:
        validar_datos(datos, tipo, hoy)
    except DatosInvalidos as error:
        errores.update(error.campos)
    _revisar_propios(datos, tipo, archivos, exigir, hoy, errores)
    limpios = limpiar_archivos(archivos, errores)
    if errores:
        raise DatosInvalidos("Revise los datos marcados.", errores)
    return GestionValidada(datos, tuple(limpios))


def _con_periodo_normalizado(datos: DatosCaso) -> DatosCaso:
    periodo = str(datos.campos.get("periodo_factura") or "")
    encontrado = RE_PERIODO.match(periodo)
    if not encontrado:
        return datos
    mes, anio = int(encontrado.group(1)), encontrado.group(2)
    return replace(datos, campos={**datos.campos, "periodo_factura": f"{mes:02d}/{anio}"})


def _revisar_propios(
    datos: DatosCaso,
    tipo: TipoCaso,
    archivos: Archivos,
    exigir: frozenset[str],
    hoy: date,
    errores: dict[str, str],
) -> None:
    """This portal's rules on top of the filing service's: extra required fields, the bill's
    month, a way to answer (checked even when other fields fail: one round of errors)."""
    for campo in sorted((REQUERIDOS_EXTRA.get(tipo.clave, frozenset()) | exigir) - {*errores}):
        if campo == "comprobante":
            if not archivos.get("comprobante"):
                errores[campo] = (
                    "Comprobante de pago: adjunte la foto o el PDF de su comprobante; "
                    "con él ubicamos el pago en el banco."
                )
        elif not _texto(datos.valor(campo)):
            errores[campo] = f"{etiqueta_campo(campo)}: este dato es obligatorio."
    periodo = _texto(datos.campos.get("periodo_factura"))
    if periodo and "periodo_factura" not in errores:
        razon = _razon_periodo(periodo, hoy)
        if razon:
            errores["periodo_factura"] = razon
    contactos = ("solicitante_email", "solicitante_telefono")
    if not any(_texto(datos.valor(c)) for c in contactos) and not errores.keys() & {*contactos}:
        errores["solicitante_email"] = (
            "Indique un correo electrónico o un teléfono para poder responderle."
        )


def _razon_periodo(periodo: str, hoy: date) -> str | None:
    encontrado = RE_PERIODO.match(periodo)
    if not encontrado:
        return "Mes de la factura: escríbalo como mm/aaaa, p. ej. 10/2026."
    mes, anio = int(encontrado.group(1)), int(encontrado.group(2))
    if anio < 2000 or (anio, mes) > (hoy.year, hoy.month):
        return "Mes de la factura: revise el mes y el año."
    return None


def _texto(valor: object) -> str:
    return "" if valor is None else str(valor).strip()


def limpiar_archivos(archivos: Archivos, errores: dict[str, str]) -> list[ArchivoLimpio]:
    """Sniff, size-check and re-encode every file; reasons go to each file's field."""
    total = sum(len(lista) for lista in archivos.values())
    if total > MAXIMO_POR_ENVIO:
        errores["adjuntos"] = f"Envíe como máximo {MAXIMO_POR_ENVIO} archivos en total."
        return []
    limpios: list[ArchivoLimpio] = []
    for campo, lista in archivos.items():
        razones = []
        for archivo in lista:
            try:
                limpios.append(limpiar_archivo(archivo, campo=campo))
            except DatosInvalidos as error:
                razones.append(error.campos.get(campo, error.mensaje))
        if razones:
            errores[campo] = " ".join(razones)
    return limpios


def presentar_gestion(
    sesion: Session, gestion: GestionValidada, carpeta: Path, actor: Actor, ahora: datetime
) -> Caso:
    """File the case and keep its files with the filing event, in the caller's transaction."""
    caso = registrar_caso(sesion, gestion.datos, actor, ahora)
    if caso.creado_en != ahora:
        return caso  # the same form sent again: its case (and files) already exist
    sesion.flush()
    registro = caso.eventos[0]
    for archivo in gestion.archivos:
        guardar_adjunto(sesion, carpeta, caso.id, archivo, ahora, evento_id=registro.id)
    return caso
