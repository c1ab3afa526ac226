"""Accounts, contracts and bills for the block tests, built directly as rows."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.base import pesos
from casos.comercial.modelos import (
    Contrato,
    EstatusContrato,
    EstatusFactura,
    Factura,
    TipoLectura,
    TipoPersona,
    UsoContrato,
)
from casos.cuentas.contrasenas import cifrar
from casos.cuentas.modelos import Cuenta, CuentaContrato, EstadoCuenta, TipoCuenta
from casos.personal import Personal, RolPersonal

CONTRASENA = "agua clara de la sierra gorda"


@cache
def hash_contrasena() -> str:
    """One argon2 hash for every test account (hashing is deliberately slow)."""
    return cifrar(CONTRASENA)


def unico(largo: int = 8) -> str:
    """A random suffix of hex digits."""
    return uuid.uuid4().hex[:largo]


def contrato(sesion: Session, ahora: datetime, numero: str | None = None) -> Contrato:
    """A domestic contract of a persona física in Querétaro."""
    nuevo = Contrato(
        numero=numero or str(int(unico(10), 16))[:10],
        tipo_persona=TipoPersona.FISICA,
        nombre="Rosa",
        apellido_paterno="Martínez",
        apellido_materno="Olvera",
        direccion="Av. Zaragoza 120",
        colonia="Centro",
        municipio="Querétaro",
        codigo_postal="76000",
        uso=UsoContrato.DOMESTICO,
        tarifa="Doméstica",
        numero_medidor="M" + unico(7),
        estatus=EstatusContrato.ACTIVO,
        actualizado_en=ahora,
    )
    sesion.add(nuevo)
    sesion.flush()
    return nuevo


def factura(
    sesion: Session,
    c: Contrato,
    vence_el: date,
    saldo: str | Decimal,
    ahora: datetime,
    total: str | Decimal | None = None,
) -> Factura:
    """A bill due on `vence_el` with `saldo` still owed (its period: the month before)."""
    saldo = pesos(saldo)
    total = pesos(total) if total is not None else max(saldo, pesos("100"))
    periodo = date(vence_el.year - (vence_el.month == 1), (vence_el.month - 2) % 12 + 1, 1)
    nueva = Factura(
        contrato_id=c.id,
        periodo=periodo,
        emitida_el=periodo,
        vence_el=vence_el,
        lectura_anterior=100,
        lectura_actual=118,
        m3=18,
        tipo_lectura=TipoLectura.REAL,
        agua=total,
        alcantarillado=pesos(0),
        saneamiento=pesos(0),
        recargos=pesos(0),
        otros=pesos(0),
        iva=pesos(0),
        total=total,
        saldo=saldo,
        estatus=EstatusFactura.PAGADA if saldo == 0 else EstatusFactura.VENCIDA,
        actualizado_en=ahora,
    )
    sesion.add(nueva)
    sesion.flush()
    return nueva


def pagar(sesion: Session, f: Factura) -> None:
    """The import applied a payment covering the bill."""
    f.saldo = pesos(0)
    f.estatus = EstatusFactura.PAGADA
    sesion.flush()


def cuenta(
    sesion: Session,
    ahora: datetime,
    *contratos: Contrato,
    estado: EstadoCuenta = EstadoCuenta.ACTIVA,
    usuario: str | None = None,
) -> Cuenta:
    """An account linked to `contratos` (active by default, with a real password hash)."""
    usuario = usuario or "b" + unico(7)
    cerrada = estado is EstadoCuenta.CERRADA
    nueva = Cuenta(
        usuario=None if cerrada else usuario,
        email=None if cerrada else f"{usuario}@ejemplo.mx",
        tipo=TipoCuenta.PARTICULAR,
        estado=estado,
        contrasena_hash=None if estado is EstadoCuenta.PENDIENTE else hash_contrasena(),
        creada_en=ahora,
        terminos_aceptados_en=ahora,
        datos_declarados_en=ahora,
        aviso_privacidad_version="2026-01",
        activada_en=None if estado is EstadoCuenta.PENDIENTE else ahora,
        cerrada_en=ahora if cerrada else None,
    )
    sesion.add(nueva)
    sesion.flush()
    for c in contratos:
        sesion.add(CuentaContrato(cuenta_id=nueva.id, contrato_id=c.id, vinculado_en=ahora))
    sesion.flush()
    sesion.refresh(nueva)
    return nueva


def personal(sesion: Session, usuario: str | None = None) -> tuple[Personal, Actor]:
    """A supervisor and the actor that represents them."""
    usuario = usuario or "sup" + unico(6)
    alguien = Personal(
        usuario=usuario,
        nombre=f"Laura Supervisora {usuario}",
        email=f"{usuario}@cea.localhost",
        rol=RolPersonal.SUPERVISOR,
    )
    sesion.add(alguien)
    sesion.flush()
    return alguien, Actor.personal(alguien.nombre, alguien.id, origen="10.1.2.3")
