"""*Baja de cuenta* (rule 6): the request becomes a case; resolving it closes the account."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.ciclo import aplicar_accion
from casos.comercial.modelos import Contrato, Factura
from casos.correo import CorreoSalida
from casos.cuentas import acceso
from casos.cuentas.baja import NOMBRE_ANONIMO, baja_pendiente, cerrar_cuenta, solicitar_baja
from casos.cuentas.bitacora import registrar_evento
from casos.cuentas.enlaces import emitir_enlace
from casos.cuentas.modelos import (
    Cuenta,
    CuentaContrato,
    EnlaceCuenta,
    EstadoCuenta,
    EventoCuenta,
    PropositoEnlace,
)
from casos.cuentas.vinculos import vincular_contrato
from casos.errores import DatosInvalidos, ErrorDominio
from casos.estados import Accion, EstadoCaso
from casos.modelos import Caso
from casos.sesiones import SesionWeb, abrir_sesion
from tests.casos import fabricas
from tests.casos.cuentas import fabricas_cuenta as f


def _correos(sesion: Session, plantilla: str) -> list[CorreoSalida]:
    consulta = select(CorreoSalida).where(CorreoSalida.plantilla == plantilla)
    return list(sesion.scalars(consulta.order_by(CorreoSalida.id)))


def _resolver(sesion: Session, caso: Caso, ahora: datetime) -> None:
    _, agente = fabricas.agente(sesion, "atencion")
    aplicar_accion(sesion, caso, Accion.ATENDER, agente, ahora)
    aplicar_accion(sesion, caso, Accion.RESOLVER, agente, ahora, nota="Baja realizada.")
    sesion.flush()


def test_la_solicitud_es_un_caso_con_folio_y_acuse(sesion: Session, ahora: datetime) -> None:
    contrato = f.contrato(sesion)
    cuenta = f.cuenta(sesion, contrato, telefono="442 123 45 67")

    caso = solicitar_baja(sesion, cuenta, "Ya no vivo ahí.", f.actor_de(cuenta), ahora)

    assert caso.tipo.clave == "baja_cuenta" and caso.estado is EstadoCaso.NUEVO and caso.folio
    assert caso.solicitante_email == cuenta.email and caso.contrato == contrato.numero
    assert caso.solicitante_nombre == contrato.titular
    assert (
        f"Usuario: {cuenta.usuario}" in caso.descripcion and "Ya no vivo ahí." in caso.descripcion
    )
    assert cuenta.baja_caso_id == caso.id and cuenta.baja_solicitada_en == ahora
    assert cuenta.estado is EstadoCuenta.ACTIVA  # until staff complete it
    [acuse] = _correos(sesion, "acuse_caso")
    assert acuse.para == cuenta.email and caso.folio in acuse.asunto
    [evento] = sesion.scalars(
        select(EventoCuenta).where(
            EventoCuenta.cuenta_id == cuenta.id, EventoCuenta.accion == "baja_solicitada"
        )
    )
    assert evento.detalle == {"folio": caso.folio}


def test_pedirla_dos_veces_muestra_el_mismo_folio(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    primero = solicitar_baja(sesion, cuenta, "", f.actor_de(cuenta), ahora, clave_envio="a" * 16)
    segundo = solicitar_baja(sesion, cuenta, "otra vez", f.actor_de(cuenta), ahora)
    assert segundo is primero and baja_pendiente(sesion, cuenta) is primero
    total = sesion.scalar(select(func.count()).select_from(Caso).where(Caso.id == primero.id))
    assert total == 1 and len(_correos(sesion, "acuse_caso")) == 1


def test_motivo_demasiado_largo(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    with pytest.raises(DatosInvalidos) as error:
        solicitar_baja(sesion, cuenta, "x" * 2001, f.actor_de(cuenta), ahora)
    assert "motivo" in error.value.campos and cuenta.baja_caso_id is None


def test_de_extremo_a_extremo_la_cuenta_queda_cerrada_y_anonima(
    sesion: Session, ahora: datetime
) -> None:
    contratos = [f.contrato(sesion), f.contrato(sesion)]
    factura = f.factura(sesion, contratos[0], date(2026, 10, 1), "240.50", pagada=False)
    cuenta = f.cuenta(sesion, *contratos, telefono="442 123 45 67")
    usuario, email = cuenta.usuario, cuenta.email
    assert usuario is not None and email is not None
    registrar_evento(sesion, cuenta, "acceso", f.actor_de(cuenta), ahora, usuario=usuario)
    abrir_sesion(sesion, cuenta_id=cuenta.id, origen="10.9.8.7", agente="Firefox", ahora=ahora)
    emitir_enlace(sesion, cuenta, PropositoEnlace.CAMBIO_EMAIL, ahora, dato="nuevo@correo.mx")
    caso = solicitar_baja(sesion, cuenta, "", f.actor_de(cuenta), ahora)

    _resolver(sesion, caso, ahora + timedelta(hours=2))

    assert cuenta.estado is EstadoCuenta.CERRADA and cuenta.cerrada_en == ahora + timedelta(hours=2)
    assert (cuenta.usuario, cuenta.email, cuenta.telefono, cuenta.contrasena_hash) == (None,) * 4
    assert cuenta.vinculos == []
    assert (
        sesion.scalars(select(EnlaceCuenta).where(EnlaceCuenta.cuenta_id == cuenta.id)).all() == []
    )
    [fila] = sesion.scalars(select(SesionWeb).where(SesionWeb.cuenta_id == cuenta.id))
    assert fila.cerrada_en is not None and fila.origen is None and fila.agente is None
    eventos = list(sesion.scalars(select(EventoCuenta).where(EventoCuenta.cuenta_id == cuenta.id)))
    acciones = [e.accion for e in eventos]
    assert acciones[-1] == "cuenta_cerrada" and "baja_solicitada" in acciones
    propios = [e for e in eventos if e.actor_tipo == "ciudadano"]
    assert all(e.origen is None and e.actor_nombre == NOMBRE_ANONIMO for e in propios)
    assert all(usuario not in str(e.detalle) for e in eventos)
    [confirmacion] = _correos(sesion, "baja_cuenta_confirmada")
    assert confirmacion.para == email and caso.folio in confirmacion.asunto
    assert "dada de baja" in confirmacion.asunto and usuario in confirmacion.texto
    # Billing records stay as they were.
    assert sesion.get(Factura, factura.id) is not None and factura.saldo > 0
    assert {
        c.id
        for c in sesion.scalars(select(Contrato).where(Contrato.id.in_([c.id for c in contratos])))
    } == {c.id for c in contratos}
    assert (
        sesion.scalars(
            select(CuentaContrato).where(CuentaContrato.contrato_id.in_([c.id for c in contratos]))
        ).all()
        == []
    )
    # Nobody signs in with the old user name; the contracts can be registered again.
    with pytest.raises(acceso.CredencialesInvalidas):
        acceso.autenticar(sesion, usuario, f.CONTRASENA, "10.0.0.1", ahora + timedelta(hours=3))
    otra = f.cuenta(sesion, f.contrato(sesion))
    vincular_contrato(sesion, otra, f.prueba_de(contratos[0]), f.actor_de(otra), ahora)
    assert contratos[0] in otra.contratos


def test_resolver_dos_veces_o_reabrir_no_rompe_nada(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    caso = solicitar_baja(sesion, cuenta, "", f.actor_de(cuenta), ahora)
    _resolver(sesion, caso, ahora + timedelta(hours=1))
    cerrada_en = cuenta.cerrada_en
    personal = Actor.personal("Supervisora", 1, origen="127.0.0.1")
    aplicar_accion(sesion, caso, Accion.REABRIR, personal, ahora + timedelta(hours=2), nota="x")
    aplicar_accion(sesion, caso, Accion.RESOLVER, personal, ahora + timedelta(hours=3), nota="y")
    aplicar_accion(sesion, caso, Accion.CERRAR, personal, ahora + timedelta(hours=4))
    sesion.flush()

    assert cuenta.estado is EstadoCuenta.CERRADA and cuenta.cerrada_en == cerrada_en
    assert len(_correos(sesion, "baja_cuenta_confirmada")) == 1
    cierres = sesion.scalars(
        select(EventoCuenta).where(
            EventoCuenta.cuenta_id == cuenta.id, EventoCuenta.accion == "cuenta_cerrada"
        )
    ).all()
    assert len(cierres) == 1
    assert cerrar_cuenta(sesion, cuenta, personal, ahora) is False


def test_cancelar_el_caso_retira_la_solicitud(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    caso = solicitar_baja(sesion, cuenta, "", f.actor_de(cuenta), ahora)
    personal = Actor.personal("Agente", 1, origen="127.0.0.1")

    aplicar_accion(sesion, caso, Accion.CANCELAR, personal, ahora, nota="El usuario desistió.")
    sesion.flush()

    assert cuenta.estado is EstadoCuenta.ACTIVA and cuenta.usuario is not None
    assert cuenta.baja_caso_id is None and cuenta.baja_solicitada_en is None
    assert baja_pendiente(sesion, cuenta) is None
    assert _correos(sesion, "baja_cuenta_confirmada") == []
    nuevo = solicitar_baja(sesion, cuenta, "", f.actor_de(cuenta), ahora + timedelta(days=1))
    assert nuevo.id != caso.id and baja_pendiente(sesion, cuenta) is nuevo


def test_otros_casos_resueltos_no_cierran_cuentas(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    consulta = fabricas.caso(sesion, ahora, solicitante_email=cuenta.email)
    suelta = fabricas.caso(sesion, ahora, tipo="baja_cuenta")  # not linked to any account
    _resolver(sesion, consulta, ahora)
    personal = Actor.personal("Agente", 1, origen="127.0.0.1")
    aplicar_accion(sesion, suelta, Accion.RESOLVER, personal, ahora, nota="Sin cuenta.")
    sesion.flush()
    assert cuenta.estado is EstadoCuenta.ACTIVA


def test_cuenta_cerrada_no_pide_baja(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    cerrar_cuenta(sesion, cuenta, f.actor_de(cuenta), ahora)
    with pytest.raises(ErrorDominio):
        solicitar_baja(sesion, cuenta, "", f.actor_de(cuenta), ahora)
    assert sesion.get(Cuenta, cuenta.id) is cuenta
