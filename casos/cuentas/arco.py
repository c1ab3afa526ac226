"""ARCO rights over the personal data the portal holds (LGPDPPSO).

Access: `datos_personales` gathers what the portal holds about an account (shown and
downloadable). Rectification: the contact email (confirmed from the new address, the old one
notified) and the phone number. Cancellation is the *Baja de cuenta* (casos.cuentas.baja);
opposition and anything else go through the contact form, answered within 20 business days.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from casos import limites
from casos.actores import Actor, TipoActor
from casos.base import exigir_zona
from casos.correo import encolar_correo
from casos.cuentas.bitacora import registrar_evento
from casos.cuentas.contrasenas import verificar
from casos.cuentas.enlaces import EstadoEnlace, emitir_enlace, leer_enlace, usar_enlace
from casos.cuentas.modelos import (
    Bloqueo,
    Cuenta,
    EnlaceCuenta,
    EstadoCuenta,
    EventoCuenta,
    PropositoEnlace,
)
from casos.errores import DatosInvalidos, ErrorDominio
from casos.estados import Accion
from casos.modelos import Caso, EventoCaso
from casos.registro import RE_EMAIL
from casos.sesiones import SesionWeb
from casos.sla import ZONA_CEA

PLAZO_RESPUESTA_DIAS_HABILES = 20  # LGPDPPSO art. 51, extendable once
PRORROGA_DIAS_HABILES = 10
LIMITE_CONTRASENA = limites.Limite(
    "confirmar_contrasena:cuenta", 5, timedelta(minutes=15), timedelta(minutes=15)
)
LIMITE_CAMBIO_EMAIL = limites.Limite("cambio_email:cuenta", 5, timedelta(days=1))
MENSAJES_ENLACE = {
    EstadoEnlace.VENCIDO: "El enlace para confirmar su nuevo correo venció. Solicite el cambio "
    "de nuevo desde Mis datos personales.",
    EstadoEnlace.USADO: "Este enlace ya se usó: su correo ya fue cambiado.",
    EstadoEnlace.INVALIDO: "El enlace no es válido. Cópielo completo del correo que recibió.",
}


# --- confirming identity -----------------------------------------------------------------


def confirmar_contrasena(sesion: Session, cuenta: Cuenta, contrasena: str, ahora: datetime) -> None:
    """Check the current password before a sensitive change; a few misses lock it a while.

    A miss counts in the database: the caller commits even when this raises."""
    estado = limites.consultar(sesion, LIMITE_CONTRASENA, str(cuenta.id), ahora)
    if estado.permitido and verificar(cuenta.contrasena_hash, contrasena or ""):
        return
    if estado.permitido:
        estado = limites.contar(sesion, LIMITE_CONTRASENA, str(cuenta.id), ahora)
        if estado.permitido:
            mensaje = "La contraseña no es correcta."
            raise DatosInvalidos(mensaje, {"contrasena": mensaje})
    minutos = estado.minutos_restantes(ahora)
    mensaje = f"Demasiados intentos con una contraseña incorrecta. Espere {minutos} minutos."
    raise DatosInvalidos(mensaje, {"contrasena": mensaje})


# --- access ------------------------------------------------------------------------------


def _fecha(instante: datetime | None) -> str | None:
    return instante.astimezone(ZONA_CEA).isoformat(timespec="seconds") if instante else None


def datos_personales(sesion: Session, cuenta: Cuenta, ahora: datetime) -> dict[str, Any]:
    """Everything the portal holds about the account, as JSON-safe data (ARCO access)."""
    return {
        "generado_en": _fecha(exigir_zona(ahora)),
        "responsable": "Comisión Estatal de Aguas de Querétaro (CEA) — Oficina Virtual",
        "cuenta": _datos_cuenta(cuenta),
        "contratos_vinculados": [
            {"numero": v.contrato.numero, "vinculado_en": _fecha(v.vinculado_en)}
            for v in cuenta.vinculos
        ],
        "bloqueos": [_bloqueo(b) for b in _de_cuenta(sesion, Bloqueo, Bloqueo.inicio_en, cuenta)],
        "sesiones": [
            {
                "iniciada_en": _fecha(s.creada_en),
                "expira_en": _fecha(s.expira_en),
                "cerrada_en": _fecha(s.cerrada_en),
                "origen": s.origen,
                "navegador": s.agente,
            }
            for s in _de_cuenta(sesion, SesionWeb, SesionWeb.creada_en, cuenta)
        ],
        "bitacora": [_evento(e) for e in _de_cuenta(sesion, EventoCuenta, EventoCuenta.en, cuenta)],
        "solicitudes": [_solicitud(c) for c in solicitudes_de(sesion, cuenta)],
    }


def registrar_descarga(sesion: Session, cuenta: Cuenta, actor: Actor, ahora: datetime) -> None:
    """Record an ARCO access (the download of the data) in the account's log."""
    registrar_evento(sesion, cuenta, "datos_descargados", actor, exigir_zona(ahora))
    sesion.flush()


def exportar_json(datos: dict[str, Any]) -> str:
    """The access data as a readable UTF-8 JSON document."""
    return json.dumps(datos, ensure_ascii=False, indent=2, default=str) + "\n"


def _datos_cuenta(cuenta: Cuenta) -> dict[str, Any]:
    return {
        "usuario": cuenta.usuario,
        "email": cuenta.email,
        "telefono": cuenta.telefono,
        "tipo": cuenta.tipo.value,
        "estado": cuenta.estado.value,
        "creada_en": _fecha(cuenta.creada_en),
        "activada_en": _fecha(cuenta.activada_en),
        "aviso_legal_y_condiciones_aceptados_en": _fecha(cuenta.terminos_aceptados_en),
        "datos_declarados_correctos_en": _fecha(cuenta.datos_declarados_en),
        "aviso_de_privacidad_version": cuenta.aviso_privacidad_version,
        "contrasena_cambiada_en": _fecha(cuenta.contrasena_cambiada_en),
        "ultimo_acceso_en": _fecha(cuenta.ultimo_acceso_en),
        "baja_solicitada_en": _fecha(cuenta.baja_solicitada_en),
    }


def _de_cuenta(sesion: Session, modelo: Any, orden: Any, cuenta: Cuenta) -> list[Any]:
    consulta = select(modelo).where(modelo.cuenta_id == cuenta.id).order_by(orden, modelo.id)
    return list(sesion.scalars(consulta))


def _bloqueo(bloqueo: Bloqueo) -> dict[str, Any]:
    return {
        "motivo": bloqueo.motivo.value,
        "detalle": bloqueo.detalle,
        "adeudo": str(bloqueo.adeudo) if bloqueo.adeudo is not None else None,
        "inicio_en": _fecha(bloqueo.inicio_en),
        "fin_periodo_en": _fecha(bloqueo.fin_periodo_en),
        "levantado_en": _fecha(bloqueo.levantado_en),
    }


def _evento(evento: EventoCuenta) -> dict[str, Any]:
    es_personal = evento.actor_tipo == TipoActor.PERSONAL.value
    return {
        "en": _fecha(evento.en),
        "accion": evento.accion,
        "quien": "Personal de la CEA" if es_personal else evento.actor_nombre,
        "origen": None if es_personal else evento.origen,
        "detalle": evento.detalle,
    }


def solicitudes_de(sesion: Session, cuenta: Cuenta) -> list[Caso]:
    """Cases filed from the account, or with its email, or its Baja case (newest first)."""
    desde_cuenta = select(EventoCaso.caso_id).where(
        EventoCaso.accion == Accion.REGISTRAR,
        EventoCaso.actor_tipo == TipoActor.CIUDADANO.value,
        EventoCaso.actor_id == cuenta.id,
    )
    condiciones = [Caso.id.in_(desde_cuenta), Caso.id == (cuenta.baja_caso_id or 0)]
    if cuenta.email:
        condiciones.append(func.lower(Caso.solicitante_email) == cuenta.email.lower())
    consulta = select(Caso).where(or_(*condiciones)).order_by(Caso.creado_en.desc(), Caso.id)
    return list(sesion.scalars(consulta.limit(1000)))


def _solicitud(caso: Caso) -> dict[str, Any]:
    return {
        "folio": caso.folio,
        "tipo": caso.tipo.nombre,
        "estado": caso.estado.etiqueta,
        "registrada_en": _fecha(caso.creado_en),
        "actualizada_en": _fecha(caso.actualizado_en),
        "resuelta_en": _fecha(caso.resuelto_en),
        "cerrada_en": _fecha(caso.cerrado_en),
        "cancelada_en": _fecha(caso.cancelado_en),
    }


# --- rectification -----------------------------------------------------------------------


def normalizar_email(texto: str | None) -> str:
    """An email as stored: trimmed, lower case."""
    return (texto or "").strip().lower()


def solicitar_cambio_email(
    sesion: Session,
    cuenta: Cuenta,
    nuevo: str,
    confirmacion: str,
    actor: Actor,
    ahora: datetime,
    enlace: Callable[[str], str],
) -> None:
    """Send a confirmation link to the new address (`enlace(token)` builds its URL); the
    email changes only when the link is followed."""
    ahora = exigir_zona(ahora)
    nuevo = _validar_email_nuevo(cuenta, nuevo, confirmacion)
    if not limites.contar(sesion, LIMITE_CAMBIO_EMAIL, str(cuenta.id), ahora).permitido:
        raise DatosInvalidos(
            "Ya solicitó varios cambios de correo hoy. Intente mañana o llame al 442 211 00 66."
        )
    token = emitir_enlace(sesion, cuenta, PropositoEnlace.CAMBIO_EMAIL, ahora, dato=nuevo)
    encolar_correo(
        sesion,
        para=nuevo,
        plantilla="cambio_email",
        contexto={"usuario": cuenta.usuario, "enlace": enlace(token), "vigencia_horas": 48},
        ahora=ahora,
    )
    registrar_evento(sesion, cuenta, "cambio_email_solicitado", actor, ahora)


def _validar_email_nuevo(cuenta: Cuenta, nuevo: str, confirmacion: str) -> str:
    nuevo = normalizar_email(nuevo)
    if not nuevo or len(nuevo) > 254 or not RE_EMAIL.match(nuevo):
        mensaje = "Escriba una dirección válida, p. ej. nombre@dominio.mx."
        raise DatosInvalidos("Revise el correo.", {"email": mensaje})
    if normalizar_email(confirmacion) != nuevo:
        mensaje = "Los dos correos no coinciden."
        raise DatosInvalidos("Revise el correo.", {"confirmacion": mensaje})
    if nuevo == normalizar_email(cuenta.email):
        mensaje = "Ese ya es el correo de su cuenta."
        raise DatosInvalidos("Revise el correo.", {"email": mensaje})
    return nuevo


def leer_cambio_email(sesion: Session, token: str, ahora: datetime) -> Cuenta:
    """The account a valid email-change link belongs to; ErrorDominio with the reason if not."""
    return _enlace_cambio(sesion, token, ahora)[0]


def _enlace_cambio(sesion: Session, token: str, ahora: datetime) -> tuple[Cuenta, EnlaceCuenta]:
    leido = leer_enlace(sesion, token, PropositoEnlace.CAMBIO_EMAIL, ahora)
    if leido.estado is not EstadoEnlace.VALIDO or leido.enlace is None:
        raise ErrorDominio(MENSAJES_ENLACE[leido.estado])
    cuenta = sesion.get(Cuenta, leido.enlace.cuenta_id)
    if cuenta is None or cuenta.estado is not EstadoCuenta.ACTIVA or not leido.enlace.dato:
        raise ErrorDominio(MENSAJES_ENLACE[EstadoEnlace.INVALIDO])
    return cuenta, leido.enlace


def confirmar_cambio_email(sesion: Session, token: str, actor: Actor, ahora: datetime) -> Cuenta:
    """Follow the link: the account's email becomes the confirmed one; the old one is told."""
    ahora = exigir_zona(ahora)
    cuenta, enlace = _enlace_cambio(sesion, token, ahora)
    nuevo = enlace.dato or ""
    anterior, cuenta.email = cuenta.email, nuevo
    usar_enlace(enlace, ahora)
    if actor.id != cuenta.id:  # whoever holds the link acts for the account
        actor = Actor.ciudadano(str(cuenta), cuenta.id, actor.origen)
    registrar_evento(sesion, cuenta, "email_cambiado", actor, ahora)
    if anterior:
        encolar_correo(
            sesion,
            para=anterior,
            plantilla="cambio_email_aviso",
            contexto={"usuario": cuenta.usuario, "nuevo": enmascarar_email(nuevo)},
            ahora=ahora,
        )
    sesion.flush()
    return cuenta


def enmascarar_email(email: str) -> str:
    """`ana.lopez@correo.mx` → `a********@correo.mx` (enough to recognise, not to copy)."""
    usuario, _, dominio = email.partition("@")
    return f"{usuario[:1]}{'*' * max(len(usuario) - 1, 3)}@{dominio}"


def normalizar_telefono(texto: str | None) -> str | None:
    """A Mexican 10-digit number as `442 211 00 66`; None when empty; ValueError if invalid."""
    digitos = re.sub(r"[\s().+-]", "", texto or "")
    if not digitos:
        return None
    if digitos.startswith("52") and len(digitos) == 12:
        digitos = digitos[2:]
    if not digitos.isdigit() or len(digitos) != 10:
        raise ValueError("Escriba 10 dígitos, p. ej. 442 211 00 66.")
    return f"{digitos[:3]} {digitos[3:6]} {digitos[6:8]} {digitos[8:]}"


def cambiar_telefono(
    sesion: Session, cuenta: Cuenta, telefono: str, actor: Actor, ahora: datetime
) -> None:
    """Set (or remove, when empty) the account's contact phone."""
    try:
        nuevo = normalizar_telefono(telefono)
    except ValueError as error:
        raise DatosInvalidos("Revise el teléfono.", {"telefono": str(error)}) from None
    if nuevo == cuenta.telefono:
        return
    cuenta.telefono = nuevo
    registrar_evento(sesion, cuenta, "telefono_cambiado", actor, exigir_zona(ahora))
    sesion.flush()
