"""Cancellation of an account, *Baja de cuenta* (rule 6).

The customer asks from the portal: that files a *Baja de cuenta* case (folio, acknowledgement
email, SLA like any other). When staff resolve the case (casos.ciclo.aplicar_accion) the
account is closed: personal data anonymised, contracts freed, sessions and links ended, the
log kept without addresses, billing records untouched, and a confirmation email sent to the
address the account had. Cancelling the case instead withdraws the request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from casos.actores import Actor, TipoActor
from casos.base import exigir_zona
from casos.ciclo import registrar_efecto_tipo
from casos.correo import encolar_correo
from casos.cuentas.bitacora import registrar_evento
from casos.cuentas.modelos import Cuenta, EnlaceCuenta, EstadoCuenta, EventoCuenta
from casos.errores import DatosInvalidos, ErrorDominio
from casos.estados import ABIERTOS, EstadoCaso
from casos.modelos import Caso
from casos.registro import DatosCaso, registrar_caso
from casos.sesiones import SesionWeb, cerrar_sesiones_de

TIPO_BAJA = "baja_cuenta"
LARGO_MOTIVO = 2000
NOMBRE_ANONIMO = "Titular de cuenta cerrada"


def baja_pendiente(sesion: Session, cuenta: Cuenta) -> Caso | None:
    """The account's Baja case while it is still open (asked, not resolved nor cancelled)."""
    if cuenta.baja_caso_id is None or cuenta.estado is EstadoCuenta.CERRADA:
        return None
    caso = sesion.get(Caso, cuenta.baja_caso_id)
    return caso if caso is not None and caso.estado in ABIERTOS else None


def solicitar_baja(
    sesion: Session,
    cuenta: Cuenta,
    motivo: str,
    actor: Actor,
    ahora: datetime,
    *,
    clave_envio: str | None = None,
) -> Caso:
    """File the *Baja de cuenta* case (or return the one already pending) and mark the account."""
    ahora = exigir_zona(ahora)
    if cuenta.estado is not EstadoCuenta.ACTIVA:
        raise ErrorDominio("Su cuenta no está activa.")
    pendiente = baja_pendiente(sesion, cuenta)
    if pendiente is not None:
        return pendiente
    motivo = (motivo or "").replace("\x00", "").strip()
    if len(motivo) > LARGO_MOTIVO:
        raise DatosInvalidos(
            "El motivo es demasiado largo.",
            {"motivo": f"Use como máximo {LARGO_MOTIVO:,} caracteres."},
        )
    caso = registrar_caso(sesion, _datos_caso(cuenta, motivo, clave_envio), actor, ahora)
    cuenta.baja_solicitada_en = ahora
    cuenta.baja_caso_id = caso.id
    registrar_evento(sesion, cuenta, "baja_solicitada", actor, ahora, folio=caso.folio)
    sesion.flush()
    return caso


def _datos_caso(cuenta: Cuenta, motivo: str, clave_envio: str | None) -> DatosCaso:
    contratos = cuenta.contratos
    numeros = ", ".join(c.numero for c in contratos) or "ninguno"
    descripcion = (
        "Solicito la cancelación de mi usuario y contraseña de la Oficina Virtual (regla 6).\n"
        f"Usuario: {cuenta.usuario}\nContratos vinculados: {numeros}"
    )
    if motivo:
        descripcion += f"\nMotivo: {motivo}"
    return DatosCaso(
        tipo=TIPO_BAJA,
        descripcion=descripcion,
        solicitante_nombre=(contratos[0].titular if contratos else "") or str(cuenta),
        solicitante_email=cuenta.email,
        solicitante_telefono=cuenta.telefono,
        contrato=contratos[0].numero if contratos else None,
        canal="portal",
        clave_envio=clave_envio,
    )


def cerrar_cuenta(
    sesion: Session, cuenta: Cuenta, actor: Actor, ahora: datetime, caso: Caso | None = None
) -> bool:
    """Close the account and anonymise its personal data; False if it was already closed."""
    ahora = exigir_zona(ahora)
    if cuenta.estado is EstadoCuenta.CERRADA:
        return False
    borrados = {b for b in (cuenta.usuario, cuenta.email, cuenta.telefono) if b}
    _confirmar_por_correo(sesion, cuenta, ahora, caso)  # to the address, before it is erased
    liberados = _soltar(sesion, cuenta, ahora)
    _anonimizar_bitacora(sesion, cuenta, borrados)
    cuenta.usuario = cuenta.email = cuenta.telefono = cuenta.contrasena_hash = None
    cuenta.estado, cuenta.cerrada_en = EstadoCuenta.CERRADA, ahora
    folio = caso.folio if caso else None
    registrar_evento(
        sesion, cuenta, "cuenta_cerrada", actor, ahora, folio=folio, contratos_liberados=liberados
    )
    sesion.flush()
    return True


def _confirmar_por_correo(
    sesion: Session, cuenta: Cuenta, ahora: datetime, caso: Caso | None
) -> None:
    if not cuenta.email:
        return
    encolar_correo(
        sesion,
        para=cuenta.email,
        plantilla="baja_cuenta_confirmada",
        contexto={"usuario": cuenta.usuario, "folio": caso.folio if caso else None},
        ahora=ahora,
        clave=f"baja_cuenta_confirmada:{cuenta.id}",
        caso_id=caso.id if caso else None,
    )


def _soltar(sesion: Session, cuenta: Cuenta, ahora: datetime) -> int:
    """Free the contracts, spend the links, end the sessions (keeping no address of them)."""
    liberados = len(cuenta.vinculos)
    cuenta.vinculos.clear()  # the contracts can be registered again
    sesion.execute(delete(EnlaceCuenta).where(EnlaceCuenta.cuenta_id == cuenta.id))
    cerrar_sesiones_de(sesion, cuenta.id, ahora=ahora)
    sesion.execute(
        update(SesionWeb)
        .where(SesionWeb.cuenta_id == cuenta.id)
        .values(origen=None, agente=None)
        .execution_options(synchronize_session="fetch")
    )
    return liberados


def _anonimizar_bitacora(sesion: Session, cuenta: Cuenta, borrados: set[str]) -> None:
    """Keep the log, without the addresses it came from nor the erased data in its details."""
    plano = {b.casefold() for b in borrados}
    eventos = sesion.scalars(select(EventoCuenta).where(EventoCuenta.cuenta_id == cuenta.id))
    for evento in eventos:
        evento.origen = None
        if (
            evento.actor_tipo == TipoActor.CIUDADANO.value
            and evento.actor_nombre.casefold() in plano
        ):
            evento.actor_nombre = NOMBRE_ANONIMO
        detalle = {k: v for k, v in (evento.detalle or {}).items() if not _es_borrado(v, plano)}
        if detalle != evento.detalle:
            evento.detalle = detalle


def _es_borrado(valor: Any, plano: set[str]) -> bool:
    return isinstance(valor, str) and valor.strip().casefold() in plano


def cuenta_de_baja(sesion: Session, caso: Caso) -> Cuenta | None:
    """The account whose Baja this case is, if any."""
    return sesion.scalar(select(Cuenta).where(Cuenta.baja_caso_id == caso.id))


def _al_resolver(sesion: Session, caso: Caso, actor: Actor, ahora: datetime) -> None:
    """Staff completed the Baja case: close the account (idempotent)."""
    cuenta = cuenta_de_baja(sesion, caso)
    if cuenta is not None:
        cerrar_cuenta(sesion, cuenta, actor, ahora, caso)


def _al_cancelar(sesion: Session, caso: Caso, actor: Actor, ahora: datetime) -> None:
    """The Baja case was cancelled: the account stays and the request is withdrawn."""
    cuenta = cuenta_de_baja(sesion, caso)
    if cuenta is None or cuenta.estado is EstadoCuenta.CERRADA:
        return
    cuenta.baja_solicitada_en = None
    cuenta.baja_caso_id = None
    registrar_evento(sesion, cuenta, "baja_cancelada", actor, ahora, folio=caso.folio)


registrar_efecto_tipo(TIPO_BAJA, EstadoCaso.RESUELTO, _al_resolver)
registrar_efecto_tipo(TIPO_BAJA, EstadoCaso.CANCELADO, _al_cancelar)
