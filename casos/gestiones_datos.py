"""Building the request from what was typed: a signed-in customer's own contracts and bills
(checked through the account), or the public form's fields as written."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.catalogo import CAMPOS
from casos.comercial.modelos import Contrato, Factura
from casos.cuentas.modelos import Cuenta
from casos.gestiones import CAMPOS_ARCHIVO, CONTACTO
from casos.registro import DatosCaso

FACTURAS_EN_LISTA = 12


@dataclass(frozen=True)
class Eleccion:
    """The contract and bill a signed-in customer picked, both checked to be theirs."""

    contrato: Contrato | None = None
    factura: Factura | None = None
    errores: dict[str, str] = field(default_factory=dict)


def elegir_contrato(
    sesion: Session, cuenta: Cuenta, contrato_id: int | None, factura_id: int | None
) -> Eleccion:
    """Resolve the picked ids through the account: a contract not linked to it, or a bill of
    another contract, is refused (never looked at further)."""
    propios = {c.id: c for c in cuenta.contratos}
    contrato = propios.get(contrato_id) if contrato_id else None
    errores: dict[str, str] = {}
    if contrato_id and contrato is None:
        errores["contrato"] = "Número de contrato: elija uno de sus contratos."
    factura = sesion.get(Factura, factura_id) if factura_id else None
    if factura_id and (factura is None or factura.contrato_id not in propios):
        errores["periodo_factura"] = "Mes de la factura: elija una factura de la lista."
        factura = None
    elif factura is not None and contrato is None and not contrato_id:
        contrato = propios[factura.contrato_id]
    elif factura is not None and contrato is not None and factura.contrato_id != contrato.id:
        errores["periodo_factura"] = (
            f"Mes de la factura: esa factura es de otro contrato; elija una del {contrato.numero}."
        )
        factura = None
    return Eleccion(contrato, factura, errores)


def datos_de_cliente(
    cuenta: Cuenta, tipo: str, eleccion: Eleccion, valores: Mapping[str, str], clave_envio: str
) -> DatosCaso:
    """A signed-in customer's request: contact data from the account, contract from the pick."""
    contrato, factura = eleccion.contrato, eleccion.factura
    referencia = contrato or next(iter(cuenta.contratos), None)
    campos = _campos(valores)
    if factura is not None:
        campos.update(periodo_factura=f"{factura.periodo:%m/%Y}", factura_id=str(factura.id))
    return DatosCaso(
        tipo=tipo,
        descripcion=valores.get("descripcion", ""),
        solicitante_nombre=((referencia.titular if referencia else "") or str(cuenta))[:200],
        solicitante_email=cuenta.email,
        solicitante_telefono=_telefono_usable(cuenta.telefono),
        contrato=contrato.numero if contrato else None,
        # Routing by colonia: where the problem is (a leak) or else the contract's.
        colonia=valores.get("colonia") or (contrato.colonia if contrato else None),
        uso_contrato=contrato.uso.value if contrato else None,
        campos=campos,
        canal="portal",
        clave_envio=clave_envio or None,
        cuenta_id=cuenta.id,
    )


def datos_publicos(
    tipo: str, valores: Mapping[str, str], clave_envio: str, cuenta_id: int | None = None
) -> DatosCaso:
    """A request through *Vías de Contacto*: everything as the person typed it (a signed-in
    customer who uses it still finds it in *Mis gestiones*)."""
    return DatosCaso(
        tipo=tipo,
        descripcion=valores.get("descripcion", ""),
        solicitante_nombre=valores.get("solicitante_nombre", ""),
        solicitante_email=valores.get("solicitante_email") or None,
        solicitante_telefono=valores.get("solicitante_telefono") or None,
        contrato=valores.get("contrato") or None,
        colonia=valores.get("colonia") or None,
        campos=_campos(valores),
        canal="contacto",
        clave_envio=clave_envio or None,
        cuenta_id=cuenta_id,
    )


def _campos(valores: Mapping[str, str]) -> dict[str, str]:
    """The type-specific fields (the rest of DatosCaso has attributes of its own)."""
    propios = {*CONTACTO, *CAMPOS_ARCHIVO, "descripcion", "contrato", "colonia", "factura_id"}
    return {k: v for k, v in valores.items() if k in CAMPOS and k not in propios and v}


def _telefono_usable(telefono: str | None) -> str | None:
    # The account's phone was checked when saved; an old odd one must not block a request.
    digitos = re.sub(r"\D", "", telefono or "")
    return telefono if len(digitos) == 10 or (len(digitos) == 12 and digitos[:2] == "52") else None


def facturas_recientes(sesion: Session, contratos: Sequence[Contrato]) -> dict[int, list[Factura]]:
    """The latest bills of each contract, newest first, for the form's list."""
    recientes: dict[int, list[Factura]] = {}
    for contrato in contratos:
        consulta = (
            select(Factura)
            .where(Factura.contrato_id == contrato.id)
            .order_by(Factura.periodo.desc())
            .limit(FACTURAS_EN_LISTA)
        )
        recientes[contrato.id] = list(sesion.scalars(consulta))
    return recientes
