"""Rows for the *Mi cuenta* tests (links, Baja, ARCO): contracts, bills and active accounts,
written directly (no registration flow), with unique values so browser tests can commit them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from sqlalchemy.orm import Session

from casos.actores import Actor
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
from casos.cuentas.verificacion import PruebaContrato

CONTRASENA = "río azul bajo la lluvia"
CREADA = datetime(2026, 10, 1, 15, 0, tzinfo=UTC)


@lru_cache(maxsize=1)
def hash_contrasena() -> str:
    """One argon2 hash for every test account (hashing is deliberately slow)."""
    return cifrar(CONTRASENA)


def unico(prefijo: str = "") -> str:
    """A short value no other test uses."""
    return prefijo + uuid.uuid4().hex[: 8 - len(prefijo)]


def numero_unico() -> str:
    """A contract number (nine digits) no other test uses."""
    return str(int(uuid.uuid4().hex[:12], 16) % 900_000_000 + 100_000_000)


def contrato(
    sesion: Session,
    *,
    paterno: str = "Hernández",
    materno: str | None = "López",
    razon_social: str | None = None,
    medidor: str | None = "AB-123456",
    direccion: str = "Av. Universidad 100",
) -> Contrato:
    """A contract of a persona física (moral when `razon_social` is given)."""
    moral = razon_social is not None
    nuevo = Contrato(
        numero=numero_unico(),
        tipo_persona=TipoPersona.MORAL if moral else TipoPersona.FISICA,
        nombre=None if moral else "María Guadalupe",
        apellido_paterno=None if moral else paterno,
        apellido_materno=None if moral else materno,
        razon_social=razon_social,
        direccion=direccion,
        colonia="Centro",
        municipio="Querétaro",
        codigo_postal="76000",
        uso=UsoContrato.COMERCIAL if moral else UsoContrato.DOMESTICO,
        tarifa="Comercial" if moral else "Doméstica",
        numero_medidor=medidor,
        estatus=EstatusContrato.ACTIVO,
        actualizado_en=CREADA,
    )
    sesion.add(nuevo)
    sesion.flush()
    return nuevo


def factura(
    sesion: Session, contrato: Contrato, periodo: date, total: str, pagada: bool = True
) -> Factura:
    """A bill whose whole amount is water; paid or pending."""
    importe = Decimal(total)
    cero = Decimal("0.00")
    nueva = Factura(
        contrato_id=contrato.id,
        periodo=periodo,
        emitida_el=periodo + timedelta(days=5),
        vence_el=periodo + timedelta(days=25),
        m3=12,
        tipo_lectura=TipoLectura.REAL,
        agua=importe,
        alcantarillado=cero,
        saneamiento=cero,
        recargos=cero,
        otros=cero,
        iva=cero,
        total=importe,
        saldo=cero if pagada else importe,
        estatus=EstatusFactura.PAGADA if pagada else EstatusFactura.PENDIENTE,
        actualizado_en=CREADA,
    )
    sesion.add(nueva)
    sesion.flush()
    return nueva


def cuenta(
    sesion: Session,
    *contratos: Contrato,
    tipo: TipoCuenta = TipoCuenta.PARTICULAR,
    email: str | None = None,
    telefono: str | None = None,
) -> Cuenta:
    """An ACTIVE account (password CONTRASENA) linked to the given contracts."""
    usuario = unico("m")
    nueva = Cuenta(
        usuario=usuario,
        email=email or f"{usuario}@correo.mx",
        telefono=telefono,
        tipo=tipo,
        estado=EstadoCuenta.ACTIVA,
        contrasena_hash=hash_contrasena(),
        creada_en=CREADA,
        terminos_aceptados_en=CREADA,
        datos_declarados_en=CREADA,
        aviso_privacidad_version="2026-01",
        activada_en=CREADA + timedelta(minutes=5),
    )
    nueva.vinculos = [CuentaContrato(contrato=c, vinculado_en=CREADA) for c in contratos]
    sesion.add(nueva)
    sesion.flush()
    return nueva


def actor_de(cuenta: Cuenta, origen: str = "10.9.8.7") -> Actor:
    """The signed-in customer as the web layer describes them."""
    return Actor.ciudadano(str(cuenta), cuenta.id, origen)


def prueba_de(contrato: Contrato, **cambios: str) -> PruebaContrato:
    """The proof of a contract as its holder would type it from the bill."""
    if contrato.tipo_persona is TipoPersona.MORAL:
        datos = {"nombre_empresa": contrato.razon_social or ""}
        tipo = TipoCuenta.EMPRESA
    else:
        datos = {
            "apellido_paterno": contrato.apellido_paterno or "",
            "apellido_materno": contrato.apellido_materno or "",
        }
        tipo = TipoCuenta.PARTICULAR
    datos["numero_medidor"] = contrato.numero_medidor or ""
    datos["referencia"] = contrato.numero
    datos.update(cambios)
    return PruebaContrato(tipo=tipo, **datos)
