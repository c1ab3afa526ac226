"""Signing in, forgotten password or user name, and password reset for customer accounts.

Nothing here tells whether an account exists: failures are counted for the typed name whether
or not it is real, a lock looks the same for both, and the forgotten-password and
forgotten-user requests queue an email only when something matches while the caller always
shows the same answer. Counters live in the database (casos.limites), shared by every worker.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casos import limites
from casos.actores import Actor
from casos.base import exigir_zona
from casos.comercial.modelos import Contrato
from casos.correo import AJUSTES, encolar_correo
from casos.cuentas import contrasenas, registro
from casos.cuentas.bitacora import registrar_evento
from casos.cuentas.enlaces import VIGENCIAS, EstadoEnlace, emitir_enlace, leer_enlace, usar_enlace
from casos.cuentas.modelos import (
    Cuenta,
    CuentaContrato,
    EnlaceCuenta,
    EstadoCuenta,
    PropositoEnlace,
)
from casos.errores import DatosInvalidos, ErrorDominio
from casos.sesiones import cerrar_sesiones_de

_15_MIN = timedelta(minutes=15)
# The fifth failure for one typed user name within 15 minutes locks it for 15 minutes.
LIMITE_USUARIO = limites.Limite("acceso:usuario", 4, _15_MIN, _15_MIN)
# One address (an office NAT may hold many customers) gets more room before its lock.
LIMITE_IP = limites.Limite("acceso:ip", 19, _15_MIN, _15_MIN)
# Forgotten password / user: per address (answered with 429) and per typed target (silent:
# the same answer is shown, only the email is not queued — no mailbox flooding).
LIMITE_OLVIDO_IP = limites.Limite("olvido:ip", 10, timedelta(hours=1), timedelta(hours=1))
LIMITE_OLVIDO_DESTINO = limites.Limite("olvido:destino", 3, timedelta(hours=1))
LIMITE_RESTABLECER_IP = limites.Limite("restablecer:ip", 20, timedelta(hours=1))

MENSAJE_CREDENCIALES = "El usuario o la contraseña no son correctos."
MENSAJE_ENLACE = {
    EstadoEnlace.VENCIDO: "El enlace para restablecer la contraseña venció. Solicite uno nuevo.",
    EstadoEnlace.USADO: "Ese enlace ya se usó. Si necesita cambiar su contraseña otra vez, "
    "solicite un enlace nuevo.",
    EstadoEnlace.INVALIDO: "El enlace no es válido. Cópielo completo del correo o solicite "
    "uno nuevo.",
}
MAX_CUENTAS_POR_CORREO = 5


class CredencialesInvalidas(ErrorDominio):
    """Wrong user name or password (one neutral message for every reason)."""


class DemasiadosIntentos(ErrorDominio):
    """Temporarily locked by a rate limit; `hasta` says until when."""

    def __init__(self, estado: limites.Estado, ahora: datetime) -> None:
        self.segundos = estado.segundos_restantes(ahora)
        minutos = estado.minutos_restantes(ahora)
        unidad = "minuto" if minutos == 1 else "minutos"
        super().__init__(
            f"Demasiados intentos. Por seguridad, espere {minutos} {unidad} "
            "antes de volver a intentarlo."
        )
        self.hasta = estado.hasta


class EnlaceNoValido(ErrorDominio):
    """A reset link that is expired, used or malformed."""

    def __init__(self, estado: EstadoEnlace) -> None:
        super().__init__(MENSAJE_ENLACE.get(estado, MENSAJE_ENLACE[EstadoEnlace.INVALIDO]))
        self.estado = estado


def _ruta_restablecer(token: str) -> str:
    return f"/restablecer/{token}"


def _ruta_activacion(token: str) -> str:
    return f"/registro/activar/{token}"


@dataclass(frozen=True)
class RutasCorreo:
    """Paths on BASE_URL that emailed links open (the web layer passes its url_for paths)."""

    restablecer: Callable[[str], str] = _ruta_restablecer
    activacion: Callable[[str], str] = _ruta_activacion
    acceso: str = "/acceso"
    olvido_contrasena: str = "/olvide-contrasena"


def normalizar_usuario(usuario: str) -> str:
    """A typed user name as stored: trimmed, lower case."""
    return (usuario or "").strip().lower()[:40]


def _actor(cuenta: Cuenta | None, origen_ip: str | None) -> Actor:
    if cuenta is None:
        return Actor.ciudadano("Visitante", None, origen_ip)
    return Actor.ciudadano(str(cuenta), cuenta.id, origen_ip)


def _exigir_libre(sesion: Session, limite: limites.Limite, sujeto: str, ahora: datetime) -> None:
    estado = limites.consultar(sesion, limite, sujeto, ahora)
    if not estado.permitido:
        raise DemasiadosIntentos(estado, ahora)


def _contar(sesion: Session, limite: limites.Limite, sujeto: str, ahora: datetime) -> None:
    estado = limites.contar(sesion, limite, sujeto, ahora)
    if not estado.permitido:
        raise DemasiadosIntentos(estado, ahora)


def _cuenta_por_usuario(sesion: Session, usuario: str) -> Cuenta | None:
    if not usuario or len(usuario) > 8:
        return None
    return sesion.scalar(select(Cuenta).where(Cuenta.usuario == usuario))


def autenticar(
    sesion: Session, usuario: str, contrasena: str, origen_ip: str | None, ahora: datetime
) -> Cuenta:
    """The ACTIVA account (blocked or not) for these credentials; counts and locks failures.

    Raises DemasiadosIntentos (locked: the password is not even checked) or
    CredencialesInvalidas. The caller commits in both cases so the count is kept."""
    ahora = exigir_zona(ahora)
    nombre, ip = normalizar_usuario(usuario) or "(vacio)", origen_ip or "desconocida"
    _exigir_libre(sesion, LIMITE_IP, ip, ahora)
    _exigir_libre(sesion, LIMITE_USUARIO, nombre, ahora)
    cuenta = _cuenta_por_usuario(sesion, nombre)
    correcta = contrasenas.verificar(cuenta.contrasena_hash if cuenta else None, contrasena)
    if cuenta is None or not correcta or cuenta.estado is not EstadoCuenta.ACTIVA:
        _fallo(sesion, cuenta, nombre, ip, ahora)
        raise CredencialesInvalidas(MENSAJE_CREDENCIALES)
    limites.reiniciar(sesion, LIMITE_USUARIO, nombre)
    if contrasenas.requiere_recifrar(cuenta.contrasena_hash or ""):
        cuenta.contrasena_hash = contrasenas.cifrar(contrasena)
    cuenta.ultimo_acceso_en = ahora
    registrar_evento(sesion, cuenta, "acceso", _actor(cuenta, ip), ahora)
    sesion.flush()
    return cuenta


def _fallo(sesion: Session, cuenta: Cuenta | None, nombre: str, ip: str, ahora: datetime) -> None:
    """Count a failed sign-in for the typed name and the address; record it on a real account."""
    por_usuario = limites.contar(sesion, LIMITE_USUARIO, nombre, ahora)
    por_ip = limites.contar(sesion, LIMITE_IP, ip, ahora)
    if cuenta is not None:
        registrar_evento(sesion, cuenta, "acceso_fallido", _actor(None, ip), ahora)
    bloqueo = next((e for e in (por_ip, por_usuario) if not e.permitido), None)
    if bloqueo is None:
        return
    if cuenta is not None and not por_usuario.permitido:
        hasta = por_usuario.hasta.isoformat() if por_usuario.hasta else None
        registrar_evento(sesion, cuenta, "acceso_bloqueado", _actor(None, ip), ahora, hasta=hasta)
    sesion.flush()
    raise DemasiadosIntentos(bloqueo, ahora)


def _cuentas_por_correo(sesion: Session, email: str) -> list[Cuenta]:
    consulta = (
        select(Cuenta)
        # The mailbox keeps the case it was registered with; people type it any way.
        .where(func.lower(Cuenta.email) == email.strip().lower())
        .where(Cuenta.estado != EstadoCuenta.CERRADA)
        .order_by(Cuenta.id)
        .limit(MAX_CUENTAS_POR_CORREO)
    )
    return list(sesion.scalars(consulta))


def _limitar_solicitud(sesion: Session, tipo: str, destino: str, ip: str, ahora: datetime) -> bool:
    """Count a forgotten-* request; raises on the address limit, False past the target's."""
    _contar(sesion, LIMITE_OLVIDO_IP, f"{tipo}:{ip}", ahora)
    estado = limites.contar(sesion, LIMITE_OLVIDO_DESTINO, f"{tipo}:{destino}", ahora)
    return estado.permitido


def olvido_contrasena(
    sesion: Session,
    usuario_o_email: str,
    *,
    origen_ip: str | None,
    ahora: datetime,
    rutas: RutasCorreo = RutasCorreo(),
) -> None:
    """Queue a reset link (or, for a pending account, its activation again) when the user name
    or email matches an open account. Always returns None: the caller shows one answer."""
    ahora, ip = exigir_zona(ahora), origen_ip or "desconocida"
    texto = (usuario_o_email or "").strip().lower()[:254]
    if not texto or not _limitar_solicitud(sesion, "contrasena", texto, ip, ahora):
        return
    if "@" in texto:
        cuentas = _cuentas_por_correo(sesion, texto)
    else:
        cuentas = [c for c in [_cuenta_por_usuario(sesion, texto)] if c is not None]
    for cuenta in cuentas:
        if cuenta.estado is EstadoCuenta.ACTIVA:
            _enviar_restablecer(sesion, cuenta, ip, ahora, rutas)
        elif cuenta.estado is EstadoCuenta.PENDIENTE:
            _reenviar_activacion(sesion, cuenta, ip, ahora, rutas)
    sesion.flush()


def _reenviar_activacion(
    sesion: Session, cuenta: Cuenta, ip: str, ahora: datetime, rutas: RutasCorreo
) -> None:
    """A pending account asking for a reset gets its activation email again."""
    # Resent too often, or no longer activatable: the answer shown is the same anyway.
    with contextlib.suppress(ErrorDominio):
        registro.reenviar_activacion(
            sesion,
            cuenta,
            _actor(None, ip),
            ahora,
            lambda token: AJUSTES.base_url + rutas.activacion(token),
        )


def _enviar_restablecer(
    sesion: Session, cuenta: Cuenta, ip: str, ahora: datetime, rutas: RutasCorreo
) -> None:
    token = emitir_enlace(sesion, cuenta, PropositoEnlace.RESTABLECER, ahora)
    vigencia = VIGENCIAS[PropositoEnlace.RESTABLECER]
    encolar_correo(
        sesion,
        para=cuenta.email or "",
        plantilla="restablecer_contrasena",
        contexto={
            "usuario": cuenta.usuario,
            "ruta_enlace": rutas.restablecer(token),
            "ruta_olvido": rutas.olvido_contrasena,
            "horas": int(vigencia.total_seconds() // 3600),
        },
        ahora=ahora,
    )
    registrar_evento(sesion, cuenta, "restablecer_solicitado", _actor(None, ip), ahora)


def _cuentas_por_referencia(sesion: Session, referencia: str) -> list[Cuenta]:
    numero = "".join(c for c in referencia if c.isalnum())[:20]
    if not numero:
        return []
    consulta = (
        select(Cuenta)
        .join(CuentaContrato, CuentaContrato.cuenta_id == Cuenta.id)
        .join(Contrato, Contrato.id == CuentaContrato.contrato_id)
        .where(Contrato.numero == numero, Cuenta.estado != EstadoCuenta.CERRADA)
    )
    return list(sesion.scalars(consulta))


def olvido_usuario(
    sesion: Session,
    email_o_referencia: str,
    *,
    origen_ip: str | None,
    ahora: datetime,
    rutas: RutasCorreo = RutasCorreo(),
) -> None:
    """Email the user name(s) to the address on record when the email or the contract's
    Referencia matches an open account. Always returns None: the caller shows one answer."""
    ahora, ip = exigir_zona(ahora), origen_ip or "desconocida"
    texto = (email_o_referencia or "").strip().lower()[:254]
    if not texto or not _limitar_solicitud(sesion, "usuario", texto, ip, ahora):
        return
    if "@" in texto:
        cuentas = _cuentas_por_correo(sesion, texto)
    else:
        cuentas = _cuentas_por_referencia(sesion, texto)
    por_correo: dict[str, list[Cuenta]] = {}
    for cuenta in cuentas:
        por_correo.setdefault(cuenta.email or "", []).append(cuenta)
    for email, suyas in por_correo.items():
        encolar_correo(
            sesion,
            para=email,
            plantilla="recordar_usuario",
            contexto={"usuarios": [str(c) for c in suyas], "ruta_acceso": rutas.acceso},
            ahora=ahora,
        )
        for cuenta in suyas:
            registrar_evento(sesion, cuenta, "usuario_recordado", _actor(None, ip), ahora)
    sesion.flush()


def _enlace_valido(sesion: Session, token: str, ahora: datetime) -> tuple[EnlaceCuenta, Cuenta]:
    leido = leer_enlace(sesion, token, PropositoEnlace.RESTABLECER, ahora)
    if leido.estado is not EstadoEnlace.VALIDO or leido.enlace is None:
        raise EnlaceNoValido(leido.estado)
    cuenta = sesion.get(Cuenta, leido.enlace.cuenta_id)
    if cuenta is None or cuenta.estado is not EstadoCuenta.ACTIVA:
        raise EnlaceNoValido(EstadoEnlace.INVALIDO)
    return leido.enlace, cuenta


def cuenta_del_enlace(sesion: Session, token: str, ahora: datetime) -> Cuenta:
    """The account a valid reset link belongs to; EnlaceNoValido otherwise. Changes nothing."""
    return _enlace_valido(sesion, token, exigir_zona(ahora))[1]


def restablecer_contrasena(
    sesion: Session,
    token: str,
    contrasena: str,
    *,
    origen_ip: str | None,
    ahora: datetime,
    rutas: RutasCorreo = RutasCorreo(),
) -> Cuenta:
    """Set a new password through a reset link: single use, every session of the account ends,
    and a "su contraseña cambió" email is queued."""
    ahora, ip = exigir_zona(ahora), origen_ip or "desconocida"
    _contar(sesion, LIMITE_RESTABLECER_IP, ip, ahora)
    enlace, cuenta = _enlace_valido(sesion, token, ahora)
    problemas = contrasenas.problemas_contrasena(contrasena, registro.contexto_contrasena(cuenta))
    if problemas:
        raise DatosInvalidos(problemas[0], {"contrasena": problemas[0]})
    usar_enlace(enlace, ahora)
    cuenta.contrasena_hash = contrasenas.cifrar(contrasena)
    cuenta.contrasena_cambiada_en = ahora
    cerradas = cerrar_sesiones_de(sesion, cuenta_id=cuenta.id, ahora=ahora)
    limites.reiniciar(sesion, LIMITE_USUARIO, normalizar_usuario(cuenta.usuario or ""))
    registrar_evento(
        sesion, cuenta, "contrasena_restablecida", _actor(cuenta, ip), ahora, sesiones=cerradas
    )
    encolar_correo(
        sesion,
        para=cuenta.email or "",
        plantilla="contrasena_cambiada",
        contexto={"usuario": cuenta.usuario, "en": ahora, "ruta_olvido": rutas.olvido_contrasena},
        ahora=ahora,
    )
    sesion.flush()
    return cuenta
