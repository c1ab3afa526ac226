"""Contracts, bills and accounts for the account tests (domain, HTTP and browser)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
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
from casos.correo import CorreoSalida
from casos.cuentas.modelos import Cuenta, TipoCuenta
from casos.cuentas.registro import DatosRegistro, crear_cuenta
from casos.cuentas.verificacion import PruebaContrato

ACTUALIZADO = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
CIUDADANO = Actor.ciudadano("Registro en línea", origen="10.1.2.3")
RE_ENLACE = re.compile(r"/registro/activar/([A-Za-z0-9._-]+)")


def numero_unico() -> str:
    """A contract number no other test uses (digits only, 9 of them)."""
    return str(int(uuid.uuid4().hex[:12], 16) % 900_000_000 + 100_000_000)


def contrato(
    sesion: Session,
    numero: str | None = None,
    *,
    nombre: str | None = "María Guadalupe",
    paterno: str | None = "Hernández",
    materno: str | None = "López",
    razon_social: str | None = None,
    medidor: str | None = "AB-123456",
    estatus: EstatusContrato = EstatusContrato.ACTIVO,
    colonia: str = "Centro",
) -> Contrato:
    """A contract of a persona física (or moral when razon_social is given)."""
    moral = razon_social is not None
    nuevo = Contrato(
        numero=numero or numero_unico(),
        tipo_persona=TipoPersona.MORAL if moral else TipoPersona.FISICA,
        nombre=None if moral else nombre,
        apellido_paterno=None if moral else paterno,
        apellido_materno=None if moral else materno,
        razon_social=razon_social,
        direccion="Av. Universidad 100",
        colonia=colonia,
        municipio="Querétaro",
        codigo_postal="76000",
        uso=UsoContrato.COMERCIAL if moral else UsoContrato.DOMESTICO,
        tarifa="Comercial" if moral else "Doméstica",
        numero_medidor=medidor,
        estatus=estatus,
        actualizado_en=ACTUALIZADO,
    )
    sesion.add(nuevo)
    sesion.flush()
    return nuevo


def factura(
    sesion: Session, contrato: Contrato, periodo: date, total: str, pagada: bool = True
) -> Factura:
    """A bill whose whole amount is water (plus IVA 0); paid or pending."""
    importe = Decimal(total)
    nueva = Factura(
        contrato_id=contrato.id,
        periodo=periodo,
        emitida_el=periodo + timedelta(days=5),
        vence_el=periodo + timedelta(days=25),
        lectura_anterior=None,
        lectura_actual=None,
        m3=15,
        tipo_lectura=TipoLectura.ESTIMADA,
        agua=importe,
        alcantarillado=Decimal("0"),
        saneamiento=Decimal("0"),
        recargos=Decimal("0"),
        otros=Decimal("0"),
        iva=Decimal("0"),
        total=importe,
        saldo=Decimal("0") if pagada else importe,
        estatus=EstatusFactura.PAGADA if pagada else EstatusFactura.PENDIENTE,
        uuid_cfdi=None,
        actualizado_en=ACTUALIZADO,
    )
    sesion.add(nueva)
    sesion.flush()
    return nueva


def prueba_de(c: Contrato, **cambios: str) -> PruebaContrato:
    """The proof a holder would type for their contract (meter, else last bill's total)."""
    if c.tipo_persona is TipoPersona.MORAL:
        datos = {"nombre_empresa": c.razon_social or ""}
        tipo = TipoCuenta.EMPRESA
    else:
        datos = {
            "apellido_paterno": c.apellido_paterno or "",
            "apellido_materno": c.apellido_materno or "",
        }
        tipo = TipoCuenta.PARTICULAR
    datos.update(referencia=c.numero, numero_medidor=c.numero_medidor or "")
    datos.update(cambios)
    return PruebaContrato(tipo=tipo, **datos)


def usuario_unico() -> str:
    """An 8-character user name no other test uses."""
    return f"u{uuid.uuid4().hex[:7]}"


def datos_registro(
    prueba: PruebaContrato, usuario: str | None = None, **cambios: object
) -> DatosRegistro:
    """Fase 2 data for a proof (consents given)."""
    usuario = usuario or usuario_unico()
    email = f"{usuario}@correo.ejemplo.mx"
    valores: dict[str, object] = {
        "tipo": prueba.tipo,
        "contrato": prueba,
        "usuario": usuario,
        "email": email,
        "email_confirmacion": email,
        "acepto_terminos": True,
        "declaro_datos": True,
        "aviso_privacidad_version": "2026-11",
    }
    valores.update(cambios)
    return DatosRegistro(**valores)  # type: ignore[arg-type]


def url_activacion(token: str) -> str:
    """What the web layer would build from BASE_URL."""
    return f"http://ov.pruebas/registro/activar/{token}"


def registrar(sesion: Session, c: Contrato, ahora: datetime, usuario: str | None = None) -> Cuenta:
    """A pending account for the contract, as Fase 2 would create it."""
    return crear_cuenta(
        sesion, datos_registro(prueba_de(c), usuario), CIUDADANO, ahora, url_activacion
    )


def token_enviado(sesion: Session, para: str) -> str:
    """The activation token in the newest email queued for that address."""
    consulta = (
        select(CorreoSalida)
        .where(CorreoSalida.para == para)
        .order_by(CorreoSalida.id.desc())
        .limit(1)
    )
    correo = sesion.scalars(consulta).one()
    encontrado = RE_ENLACE.search(correo.texto)
    assert encontrado is not None, correo.texto
    return encontrado.group(1)
