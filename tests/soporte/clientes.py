"""A customer with a history, for the portal's tests: contract, months of bills, readings,
payments and an active account; plus signing in through the real form.

Shared by the portal's HTTP and browser tests (Mis contratos, Mis Facturas, Mis Consumos,
payments, Gestiones). Amounts are exact: each bill is water + sewer + 16 % VAT on sewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from casos.comercial.modelos import (
    Contrato,
    EstatusFactura,
    Factura,
    Lectura,
    OrigenLectura,
    Pago,
    TipoLectura,
)
from casos.cuentas.modelos import Cuenta
from tests.casos.cuentas import fabricas_cuenta as f
from tests.soporte.formularios import enviar

REGISTRADA = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
CONTRASENA = f.CONTRASENA


@dataclass
class Historial:
    """What `cliente_con_historial` made."""

    cuenta: Cuenta
    contrato: Contrato
    facturas: list[Factura]  # oldest first
    lecturas: list[Lectura]  # oldest first
    pagos: list[Pago]


def mes(anio: int, numero: int, mas: int = 0) -> date:
    """First day of a month, `mas` months later."""
    total = anio * 12 + numero - 1 + mas
    return date(total // 12, total % 12 + 1, 1)


def consumo_de(indice: int, consumos: list[int] | None) -> int:
    """The m³ of month `indice`: given, or a gentle seasonal pattern around 15 m³."""
    if consumos is not None:
        return consumos[indice]
    return 12 + (indice * 5) % 7


def cliente_con_historial(
    sesion: Session,
    *,
    meses: int = 26,
    ultimo_periodo: date = date(2026, 10, 1),
    consumos: list[int] | None = None,
    pendientes: int = 1,
    contrato: Contrato | None = None,
    cuenta: Cuenta | None = None,
    **opciones_contrato: Any,
) -> Historial:
    """A contract with `meses` monthly bills up to `ultimo_periodo`, the last `pendientes`
    unpaid, a real CEA reading per bill and a payment for each paid bill; linked to an
    active account (password CONTRASENA). Flushed, not committed."""
    contrato = contrato or f.contrato(sesion, **opciones_contrato)
    primero = mes(ultimo_periodo.year, ultimo_periodo.month, -(meses - 1))
    facturas, lecturas, pagos = [], [], []
    valor = 1000
    for i in range(meses):
        periodo = mes(primero.year, primero.month, i)
        m3 = consumo_de(i, consumos)
        anterior, valor = valor, valor + m3
        pagada = i < meses - pendientes
        factura = _factura(contrato, periodo, anterior, valor, m3, pagada)
        sesion.add(factura)
        lectura = Lectura(
            contrato_id=contrato.id,
            fecha=periodo + timedelta(days=27),
            valor=valor,
            consumo=m3,
            tipo=TipoLectura.REAL,
            origen=OrigenLectura.CEA,
            registrada_en=REGISTRADA,
        )
        sesion.add(lectura)
        facturas.append(factura)
        lecturas.append(lectura)
    sesion.flush()
    for factura in facturas:
        if factura.estatus is EstatusFactura.PAGADA:
            pago = Pago(
                contrato_id=contrato.id,
                factura_id=factura.id,
                fecha=factura.vence_el - timedelta(days=3),
                importe=factura.total,
                canal="banco",
                referencia=f"T-{contrato.numero}-{factura.periodo:%Y%m}",
                registrado_en=REGISTRADA,
            )
            sesion.add(pago)
            pagos.append(pago)
    if cuenta is None:
        cuenta = f.cuenta(sesion, contrato)
    sesion.flush()
    return Historial(cuenta, contrato, facturas, lecturas, pagos)


def _factura(
    contrato: Contrato, periodo: date, anterior: int, actual: int, m3: int, pagada: bool
) -> Factura:
    agua = Decimal(m3 * 12).quantize(Decimal("0.01")) + Decimal("45.50")
    alcantarillado = (agua * Decimal("0.10")).quantize(Decimal("0.01"))
    saneamiento = (agua * Decimal("0.05")).quantize(Decimal("0.01"))
    iva = (alcantarillado * Decimal("0.16")).quantize(Decimal("0.01"))
    total = agua + alcantarillado + saneamiento + iva
    cero = Decimal("0.00")
    return Factura(
        contrato_id=contrato.id,
        periodo=periodo,
        emitida_el=periodo + timedelta(days=32),
        vence_el=periodo + timedelta(days=52),
        lectura_anterior=anterior,
        lectura_actual=actual,
        m3=m3,
        tipo_lectura=TipoLectura.REAL,
        agua=agua,
        alcantarillado=alcantarillado,
        saneamiento=saneamiento,
        recargos=cero,
        otros=cero,
        iva=iva,
        total=total,
        saldo=cero if pagada else total,
        estatus=EstatusFactura.PAGADA if pagada else EstatusFactura.PENDIENTE,
        uuid_cfdi=None,
        actualizado_en=REGISTRADA,
    )


def entrar(cliente: Any, cuenta: Cuenta) -> None:
    """Sign in through *Accede a tu cuenta* (the real form, CSRF included)."""
    datos = {"usuario": cuenta.usuario, "contrasena": CONTRASENA}
    respuesta = enviar(cliente, "/acceso", datos)
    assert respuesta.status_code == 302, respuesta.status_code
