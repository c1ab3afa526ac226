"""Writing one batch of each kind: resolve references, upsert, and (payments) apply to bills.

Each writer takes the batch's valid rows and returns those accepted, with their state set;
rows that cannot be written (unknown contract or bill, UUID of another bill, bad XML,
key repeated in the file) are rejected through the context with their reason.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, case, select
from sqlalchemy.orm import Session

from casos.base import Centavos
from casos.comercial.importacion_bd import (
    Contexto,
    Estado,
    Fila,
    Plan,
    guardar,
    por_claves,
    resolver_contratos,
    trozos,
)
from casos.comercial.importacion_cfdi import guardar_xmls, leer_xmls
from casos.comercial.modelos import Contrato, EstatusFactura, Factura, Lectura, Pago

T_FACTURAS = Factura.__table__
PLAN_CONTRATOS = Plan(Contrato.__table__, ("numero",), ("referencia",))  # type: ignore[arg-type]
PLAN_FACTURAS = Plan(T_FACTURAS, ("contrato_id", "periodo"), ("referencia", "periodo"))  # type: ignore[arg-type]
PLAN_LECTURAS = Plan(
    Lectura.__table__,  # type: ignore[arg-type]
    ("contrato_id", "fecha", "origen"),
    ("referencia", "fecha", "origen"),
    solo_al_insertar=("registrada_en",),
    sellos=(),
)
PLAN_PAGOS = Plan(
    Pago.__table__,  # type: ignore[arg-type]
    ("canal", "referencia"),
    ("canal", "referencia_pago"),
    solo_al_insertar=("registrado_en",),
    sellos=(),
)


def _afectados(ctx: Contexto, filas: list[Fila]) -> None:
    for fila in filas:
        if fila.estado is not Estado.SIN_CAMBIOS:
            ctx.resumen.contratos_afectados.add(fila.valores["contrato_id"])


def escribir_contratos(ctx: Contexto, filas: list[Fila]) -> list[Fila]:
    """Upsert contracts by number."""
    for fila in filas:
        fila.valores["actualizado_en"] = ctx.ahora
    return guardar(ctx, filas, PLAN_CONTRATOS)


def escribir_lecturas(ctx: Contexto, filas: list[Fila]) -> list[Fila]:
    """Upsert readings by (contract, date, origin)."""
    filas = resolver_contratos(ctx, filas)
    for fila in filas:
        fila.valores["registrada_en"] = ctx.ahora
    return guardar(ctx, filas, PLAN_LECTURAS)


def escribir_facturas(ctx: Contexto, filas: list[Fila]) -> list[Fila]:
    """Upsert bills by (contract, period), with their CFDI XML when a folder is given."""
    filas = resolver_contratos(ctx, filas)
    filas = _uuid_libres(ctx, filas)
    filas = leer_xmls(ctx, filas)
    for fila in filas:
        fila.valores["actualizado_en"] = ctx.ahora
    aceptadas = guardar(ctx, filas, PLAN_FACTURAS)
    guardar_xmls(ctx, aceptadas)
    _afectados(ctx, aceptadas)
    return aceptadas


def _uuid_libres(ctx: Contexto, filas: list[Fila]) -> list[Fila]:
    """Reject a UUID held by another bill (in the database or earlier in the batch)."""
    uuids = [f.valores["uuid_cfdi"] for f in filas if f.valores["uuid_cfdi"]]
    duenos: dict[str, tuple[Any, ...]] = {}
    for parte in trozos(uuids):
        consulta = (
            select(Factura.uuid_cfdi, Factura.contrato_id, Factura.periodo, Contrato.numero)
            .join(Contrato, Contrato.id == Factura.contrato_id)
            .where(Factura.uuid_cfdi.in_(parte))
        )
        duenos.update((u, (c, p, n, None)) for u, c, p, n in sesion_filas(ctx.sesion, consulta))
    libres = []
    for fila in filas:
        uuid, clave = fila.valores["uuid_cfdi"], _clave_factura(fila)
        dueno = duenos.get(uuid) if uuid else None
        if dueno is not None and dueno[:2] != clave:
            ctx.rechazar(fila, {"uuid_cfdi": _motivo_uuid_ajeno(dueno)})
            continue
        if uuid:
            duenos[uuid] = (*clave, fila.extra["_referencia"], fila.linea)
        libres.append(fila)
    return libres


def sesion_filas(sesion: Session, consulta: Any) -> list[tuple[Any, ...]]:
    """Plain tuples of a query."""
    return [tuple(r) for r in sesion.execute(consulta)]


def _clave_factura(fila: Fila) -> tuple[int, date]:
    return fila.valores["contrato_id"], fila.valores["periodo"]


def _motivo_uuid_ajeno(dueno: tuple[Any, ...]) -> str:
    _, periodo, numero, linea = dueno
    donde = f"en la línea {linea}" if linea else "ya guardada"
    return f"El UUID ya es de la factura {periodo:%Y-%m} del contrato {numero} ({donde})."


def escribir_pagos(ctx: Contexto, filas: list[Fila], aplicar: bool = True) -> list[Fila]:
    """Upsert payments by (channel, reference); a new one lowers its bill's balance once."""
    filas = resolver_contratos(ctx, filas)
    filas, saldos = _resolver_facturas(ctx, filas)
    for fila in filas:
        fila.valores["registrado_en"] = ctx.ahora
    aceptadas = guardar(ctx, filas, PLAN_PAGOS)
    if aplicar:
        _aplicar(ctx, [f for f in aceptadas if f.estado is Estado.INSERTADA], saldos)
    _afectados(ctx, aceptadas)
    return aceptadas


def _resolver_facturas(ctx: Contexto, filas: list[Fila]) -> tuple[list[Fila], dict[int, Decimal]]:
    """Set `factura_id` from `_periodo` and/or `_uuid`; reject bills that do not match."""
    por_periodo, por_uuid = _facturas_de(ctx.sesion, filas)
    vigentes, saldos = [], {}
    for fila in filas:
        factura, motivo = _factura_de(fila, por_periodo, por_uuid)
        if motivo:
            ctx.rechazar(fila, motivo)
            continue
        fila.valores["factura_id"] = factura["id"] if factura else None
        if factura:
            saldos[factura["id"]] = factura["saldo"]
        vigentes.append(fila)
    return vigentes, saldos


def _facturas_de(sesion: Session, filas: list[Fila]) -> tuple[dict[Any, Any], dict[str, Any]]:
    """The bills the payments name, by (contract, period) and by UUID."""
    columnas = (T_FACTURAS.c.id, T_FACTURAS.c.contrato_id, T_FACTURAS.c.periodo)
    consulta = select(*columnas, T_FACTURAS.c.uuid_cfdi, T_FACTURAS.c.saldo)
    claves = {(f.valores["contrato_id"], f.extra["_periodo"]) for f in filas}
    por_periodo = por_claves(
        sesion, consulta, list(columnas[1:]), [c for c in claves if c[1] is not None]
    )
    uuids = sorted({(f.extra["_uuid"],) for f in filas if f.extra["_uuid"]})
    por_uuid = por_claves(sesion, consulta, [T_FACTURAS.c.uuid_cfdi], uuids)
    return por_periodo, {u: fila for (u,), fila in por_uuid.items()}


def _factura_de(
    fila: Fila, por_periodo: dict[Any, Any], por_uuid: dict[str, Any]
) -> tuple[Any, dict[str, str]]:
    """The bill a payment applies to (or None), or the reason it cannot be found."""
    contrato = fila.valores["contrato_id"]
    periodo, uuid, numero = (fila.extra[k] for k in ("_periodo", "_uuid", "_referencia"))
    factura = None
    if periodo is not None:
        factura = por_periodo.get((contrato, periodo))
        if factura is None:
            motivo = f"El contrato {numero} no tiene factura del periodo {periodo:%Y-%m}."
            return None, {"periodo_factura": motivo}
    if uuid:
        otra = por_uuid.get(uuid)
        if otra is None:
            return None, {"uuid_cfdi": "No hay ninguna factura con ese UUID."}
        if otra["contrato_id"] != contrato:
            return None, {
                "uuid_cfdi": f"Ese UUID es de una factura de otro contrato, no del {numero}."
            }
        if factura is not None and otra["id"] != factura["id"]:
            motivo = f"Ese UUID es de la factura {otra['periodo']:%Y-%m}, no de la {periodo:%Y-%m}."
            return None, {"uuid_cfdi": motivo}
        factura = otra
    return factura, {}


def _aplicar(ctx: Contexto, nuevos: list[Fila], saldos: dict[int, Decimal]) -> None:
    """Lower each bill's balance by its new payments (never below 0; at 0 it is paid)."""
    importe = bindparam("importe", type_=Centavos())
    sentencia = (
        T_FACTURAS.update()
        .where(T_FACTURAS.c.id == bindparam("factura"), T_FACTURAS.c.saldo > 0)
        .values(
            saldo=case((T_FACTURAS.c.saldo > importe, T_FACTURAS.c.saldo - importe), else_=0),
            estatus=case(
                (T_FACTURAS.c.saldo > importe, T_FACTURAS.c.estatus),
                else_=EstatusFactura.PAGADA.value,
            ),
            actualizado_en=bindparam("ahora", type_=T_FACTURAS.c.actualizado_en.type),
        )
    )
    parametros = []
    for fila in nuevos:
        factura, pago = fila.valores["factura_id"], fila.valores["importe"]
        if factura is None or saldos[factura] <= 0:
            continue
        saldos[factura] = max(saldos[factura] - pago, Decimal(0))
        parametros.append({"factura": factura, "importe": pago, "ahora": ctx.ahora})
    if parametros:
        ctx.sesion.execute(sentencia, parametros)
        ctx.resumen.pagos_aplicados += len(parametros)
