"""Registration (*Registro particular* / *Registro empresa*) and activation by email.

Fase 1 proves the contract (casos.cuentas.verificacion); Fase 2 creates the account here in
state PENDIENTE, linked to its contract, and queues the activation email whose link reads
"aquí"; Fase 3 happens when that link is opened: the customer sets a password and the account
becomes ACTIVA. A pending account cannot sign in. A pending account whose activation link
expired holds nothing: a new registration may take its contract and its user name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casos import limites
from casos.actores import Actor
from casos.base import exigir_zona
from casos.correo import encolar_correo
from casos.cuentas.bitacora import registrar_evento
from casos.cuentas.bloqueos import revisar_cuentas
from casos.cuentas.contrasenas import cifrar, problemas_contrasena
from casos.cuentas.enlaces import EstadoEnlace, emitir_enlace, leer_enlace, usar_enlace
from casos.cuentas.modelos import (
    Cuenta,
    CuentaContrato,
    EstadoCuenta,
    PropositoEnlace,
    TipoCuenta,
)
from casos.cuentas.verificacion import (
    PruebaContrato,
    activacion_vigente,
    cuenta_que_lo_tiene,
    verificar_contrato,
)
from casos.errores import DatosInvalidos, ErrorDominio

USUARIO_MINIMO = 4
USUARIO_MAXIMO = 8  # rule 2e: "hasta ocho caracteres alfanuméricos"
RE_USUARIO = re.compile(rf"^[a-z0-9]{{{USUARIO_MINIMO},{USUARIO_MAXIMO}}}$")
USUARIOS_RESERVADOS = frozenset(
    {"admin", "administ", "root", "cea", "ceaqro", "soporte", "sistema", "oficina", "personal"}
)
PLANTILLA_ACTIVACION = "activacion_cuenta"
# The version of the aviso de privacidad shown at registration (stored on each account).
AVISO_PRIVACIDAD_VERSION = "2026-11"

LIMITE_REGISTRO_IP = limites.Limite("registro:ip", 10, timedelta(hours=1), timedelta(hours=1))
LIMITE_REENVIO_CUENTA = limites.Limite("reenvio_activacion:cuenta", 3, timedelta(hours=1))
LIMITE_REENVIO_IP = limites.Limite("reenvio_activacion:ip", 10, timedelta(hours=1))


@dataclass(frozen=True)
class DatosRegistro:
    """Fase 1 (the proof) and Fase 2 (user name, email, consents) of a registration."""

    tipo: TipoCuenta  # must equal contrato.tipo
    contrato: PruebaContrato
    usuario: str
    email: str
    acepto_terminos: bool
    declaro_datos: bool
    aviso_privacidad_version: str
    email_confirmacion: str | None = None  # "Confirmar email"; None when already compared


class EnlaceNoValido(ErrorDominio):
    """An activation link that is expired, already used or not ours (see `estado`)."""

    def __init__(self, mensaje: str, estado: EstadoEnlace, cuenta_id: int | None = None) -> None:
        super().__init__(mensaje)
        self.estado = estado
        self.cuenta_id = cuenta_id


class DemasiadosIntentos(ErrorDominio):
    """A rate limit was reached; `hasta` says when the subject may try again."""

    def __init__(self, mensaje: str, hasta: datetime | None) -> None:
        super().__init__(mensaje)
        self.hasta = hasta


MENSAJE_NO_VIGENTE = "Este registro ya no está vigente. Regístrese de nuevo."
MENSAJES_ENLACE = {
    EstadoEnlace.VENCIDO: "El enlace de activación venció. Le enviamos uno nuevo si lo pide.",
    EstadoEnlace.USADO: "Este enlace ya se usó: su cuenta ya está activada.",
    EstadoEnlace.INVALIDO: "El enlace no es válido. Revise que lo copió completo del correo.",
}


def normalizar_usuario(usuario: str) -> str:
    """User names are compared and stored in lower case, without surrounding spaces."""
    return (usuario or "").strip().lower()


def normalizar_email(email: str) -> str:
    """The email as email-validator normalises it (no DNS look-up); raises DatosInvalidos."""
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise DatosInvalidos(
            "Revise el correo electrónico.",
            {"email": "Escriba un correo electrónico válido, por ejemplo nombre@dominio.mx."},
        ) from None


def problemas_usuario(usuario: str) -> str | None:
    """Why a user name is not acceptable (format only), or None."""
    limpio = normalizar_usuario(usuario)
    if not limpio:
        return "Escriba un nombre de usuario."
    if not RE_USUARIO.match(limpio):
        return (
            f"El usuario lleva de {USUARIO_MINIMO} a {USUARIO_MAXIMO} letras (sin acentos ni ñ) "
            "o números, sin espacios."
        )
    if limpio in USUARIOS_RESERVADOS:
        return "Ese nombre de usuario no está disponible; elija otro."
    return None


def validar_datos_usuario(datos: DatosRegistro) -> dict[str, str]:
    """Fase 2 field errors (format and consents), keyed by DatosRegistro attribute names."""
    campos: dict[str, str] = {}
    if razon := problemas_usuario(datos.usuario):
        campos["usuario"] = razon
    try:
        email = normalizar_email(datos.email)
    except DatosInvalidos as error:
        campos.update(error.campos)
    else:
        confirmacion = datos.email_confirmacion
        if confirmacion is not None and confirmacion.strip().lower() != email.lower():
            campos["email_confirmacion"] = "Los dos correos no son iguales."
    if not datos.acepto_terminos:
        campos["acepto_terminos"] = (
            "Para registrarse acepte el Aviso Legal y las Condiciones de uso."
        )
    if not datos.declaro_datos:
        campos["declaro_datos"] = "Manifieste que los datos capturados son correctos."
    return campos


def crear_cuenta(
    sesion: Session,
    datos: DatosRegistro,
    actor: Actor,
    ahora: datetime,
    construir_url: Callable[[str], str],
) -> Cuenta:
    """Register a PENDIENTE account linked to the proven contract and queue its activation
    email; `construir_url(token)` returns the public activation address."""
    ahora = exigir_zona(ahora, "fecha de registro")
    if datos.tipo != datos.contrato.tipo:
        raise DatosInvalidos("El tipo de registro no corresponde a los datos del cliente.")
    campos = validar_datos_usuario(datos)
    contrato = verificar_contrato(sesion, datos.contrato, ahora)
    usuario = normalizar_usuario(datos.usuario)
    ocupante = None if "usuario" in campos else _cuenta_por_usuario(sesion, usuario)
    if ocupante is not None and _retiene(sesion, ocupante, ahora):
        campos["usuario"] = "Ese nombre de usuario ya está en uso; elija otro."
    if campos:
        raise DatosInvalidos("Revise los datos marcados.", campos)
    for vencida in {c for c in (ocupante, cuenta_que_lo_tiene(sesion, contrato)) if c}:
        descartar_pendiente(sesion, vencida, actor, ahora)
    try:
        with sesion.begin_nested():
            cuenta = _nueva_cuenta(sesion, datos, usuario, ahora)
            cuenta.vinculos.append(CuentaContrato(contrato=contrato, vinculado_en=ahora))
            sesion.flush()
    except IntegrityError:
        # Someone else took the contract or the user name a moment ago (PostgreSQL race).
        raise DatosInvalidos(
            "Alguien acaba de registrar ese contrato o ese usuario. Revise sus datos.",
            {"usuario": "Si el usuario ya está en uso, elija otro."},
        ) from None
    registrar_evento(
        sesion, cuenta, "registro", actor, ahora, contrato=contrato.numero, tipo=cuenta.tipo.value
    )
    _enviar_activacion(sesion, cuenta, ahora, construir_url)
    # Rule 7 from the first sign-in: a contract with old debt blocks the new account now.
    revisar_cuentas(sesion, [cuenta.id], ahora, actor)
    return cuenta


def _nueva_cuenta(sesion: Session, datos: DatosRegistro, usuario: str, ahora: datetime) -> Cuenta:
    cuenta = Cuenta(
        usuario=usuario,
        email=normalizar_email(datos.email),
        tipo=datos.contrato.tipo,
        estado=EstadoCuenta.PENDIENTE,
        creada_en=ahora,
        terminos_aceptados_en=ahora,
        datos_declarados_en=ahora,
        aviso_privacidad_version=datos.aviso_privacidad_version[:20],
    )
    sesion.add(cuenta)
    return cuenta


def _cuenta_por_usuario(sesion: Session, usuario: str) -> Cuenta | None:
    return sesion.scalars(select(Cuenta).where(func.lower(Cuenta.usuario) == usuario)).first()


def _retiene(sesion: Session, cuenta: Cuenta, ahora: datetime) -> bool:
    """Does the account keep its user name and contracts? Not a pending one gone stale."""
    if cuenta.estado is not EstadoCuenta.PENDIENTE:
        return True
    return activacion_vigente(sesion, cuenta, ahora)


def descartar_pendiente(sesion: Session, cuenta: Cuenta, actor: Actor, ahora: datetime) -> None:
    """Close a never-activated account whose link expired: it frees its contract and user
    name; the row (anonymised) and its log are kept."""
    if cuenta.estado is not EstadoCuenta.PENDIENTE or activacion_vigente(sesion, cuenta, ahora):
        raise ErrorDominio("Solo se descarta un registro pendiente cuyo enlace ya venció.")
    contratos = [c.numero for c in cuenta.contratos]
    registrar_evento(sesion, cuenta, "registro_descartado", actor, ahora, contratos=contratos)
    cuenta.vinculos.clear()
    cuenta.estado, cuenta.cerrada_en = EstadoCuenta.CERRADA, ahora
    cuenta.usuario = cuenta.email = cuenta.telefono = None
    sesion.flush()


def _enviar_activacion(
    sesion: Session, cuenta: Cuenta, ahora: datetime, construir_url: Callable[[str], str]
) -> None:
    token = emitir_enlace(sesion, cuenta, PropositoEnlace.ACTIVACION, ahora)
    enlace = leer_enlace(sesion, token, PropositoEnlace.ACTIVACION, ahora).enlace
    assert enlace is not None  # just issued
    assert cuenta.email is not None  # an open account always has one (CHECK)
    encolar_correo(
        sesion,
        para=cuenta.email,
        plantilla=PLANTILLA_ACTIVACION,
        contexto={
            "usuario": cuenta.usuario,
            "enlace": construir_url(token),
            "vence_en": enlace.expira_en,
            "contratos": [c.numero for c in cuenta.contratos],
            "es_empresa": cuenta.tipo is TipoCuenta.EMPRESA,
        },
        ahora=ahora,
    )


def _exigir_pendiente(cuenta: Cuenta) -> None:
    if cuenta.estado is EstadoCuenta.ACTIVA:
        raise ErrorDominio("Esta cuenta ya está activada.")
    if cuenta.estado is not EstadoCuenta.PENDIENTE or not cuenta.vinculos:
        raise ErrorDominio(MENSAJE_NO_VIGENTE)  # closed, or its contract went to a newer one


def _contar_envio(sesion: Session, cuenta: Cuenta, actor: Actor, ahora: datetime) -> None:
    """One more activation email for the account and the address, or DemasiadosIntentos."""
    for limite, sujeto in (
        (LIMITE_REENVIO_CUENTA, str(cuenta.id)),
        (LIMITE_REENVIO_IP, actor.origen or "desconocido"),
    ):
        estado = limites.contar(sesion, limite, sujeto, ahora)
        if not estado.permitido:
            raise DemasiadosIntentos(
                f"Ya enviamos varios correos. Espere {estado.minutos_restantes(ahora)} minutos "
                "y revise también su carpeta de correo no deseado.",
                estado.hasta,
            )


def reenviar_activacion(
    sesion: Session,
    cuenta: Cuenta,
    actor: Actor,
    ahora: datetime,
    construir_url: Callable[[str], str],
) -> None:
    """Send a fresh activation link (the earlier ones stop working); rate-limited per account
    and per address — the caller commits even when DemasiadosIntentos is raised."""
    ahora = exigir_zona(ahora)
    _exigir_pendiente(cuenta)
    _contar_envio(sesion, cuenta, actor, ahora)
    registrar_evento(sesion, cuenta, "activacion_reenviada", actor, ahora)
    _enviar_activacion(sesion, cuenta, ahora, construir_url)


def corregir_email(
    sesion: Session,
    cuenta: Cuenta,
    email: str,
    email_confirmacion: str,
    actor: Actor,
    ahora: datetime,
    construir_url: Callable[[str], str],
) -> None:
    """Fix a mistyped email of a pending account (from the browser that registered it): the
    activation goes to the new address and the link sent to the old one stops working."""
    ahora = exigir_zona(ahora)
    _exigir_pendiente(cuenta)
    nuevo = normalizar_email(email)
    if email_confirmacion.strip().lower() != nuevo.lower():
        raise DatosInvalidos(
            "Revise el correo electrónico.",
            {"email_confirmacion": "Los dos correos no son iguales."},
        )
    _contar_envio(sesion, cuenta, actor, ahora)
    registrar_evento(sesion, cuenta, "email_corregido", actor, ahora)
    cuenta.email = nuevo
    _enviar_activacion(sesion, cuenta, ahora, construir_url)


def cuenta_de_enlace(
    sesion: Session, token: str, ahora: datetime
) -> tuple[EstadoEnlace, Cuenta | None]:
    """What an activation link is (valid, expired, used, invalid) and whose it is."""
    leido = leer_enlace(sesion, token, PropositoEnlace.ACTIVACION, ahora)
    cuenta = sesion.get(Cuenta, leido.cuenta_id) if leido.cuenta_id else None
    if leido.estado is EstadoEnlace.VALIDO and (
        cuenta is None or cuenta.estado is not EstadoCuenta.PENDIENTE
    ):
        return EstadoEnlace.USADO, cuenta
    return leido.estado, cuenta


def contexto_contrasena(cuenta: Cuenta) -> list[str | None]:
    """The account's own data a password must not be built from."""
    datos: list[str | None] = [cuenta.usuario, cuenta.email]
    if cuenta.email:
        datos.append(cuenta.email.split("@")[0])
    for contrato in cuenta.contratos:
        datos += [contrato.numero, contrato.numero_medidor, contrato.nombre]
        datos += [contrato.apellido_paterno, contrato.apellido_materno, contrato.razon_social]
    return datos


def activar_cuenta(
    sesion: Session, enlace: str, contrasena: str, actor: Actor, ahora: datetime
) -> Cuenta:
    """Spend the activation link, set the password (policy checked) and make the account
    ACTIVA. Raises EnlaceNoValido or DatosInvalidos (campos["contrasena"])."""
    ahora = exigir_zona(ahora)
    leido = leer_enlace(sesion, enlace, PropositoEnlace.ACTIVACION, ahora)
    estado, cuenta = cuenta_de_enlace(sesion, enlace, ahora)
    if estado is not EstadoEnlace.VALIDO or cuenta is None or leido.enlace is None:
        raise EnlaceNoValido(MENSAJES_ENLACE[estado], estado, cuenta.id if cuenta else None)
    problemas = problemas_contrasena(contrasena, contexto_contrasena(cuenta))
    if problemas:
        raise DatosInvalidos("Revise la contraseña.", {"contrasena": " ".join(problemas)})
    usar_enlace(leido.enlace, ahora)
    cuenta.contrasena_hash = cifrar(contrasena)
    cuenta.estado = EstadoCuenta.ACTIVA
    cuenta.activada_en = cuenta.contrasena_cambiada_en = ahora
    registrar_evento(sesion, cuenta, "activacion", actor, ahora)
    sesion.flush()
    return cuenta
