"""Staff sign-in for the back office: the same neutral answer and lockouts as customers'."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casos import limites
from casos.actores import Actor, TipoActor
from casos.auditoria import registrar_auditoria
from casos.base import exigir_zona
from casos.cuentas import contrasenas
from casos.cuentas.acceso import CredencialesInvalidas, DemasiadosIntentos
from casos.personal import Personal

_15_MIN = timedelta(minutes=15)
LIMITE_USUARIO = limites.Limite("personal:usuario", 4, _15_MIN, _15_MIN)
LIMITE_IP = limites.Limite("personal:ip", 19, _15_MIN, _15_MIN)
MENSAJE = "El usuario o la contraseña no son correctos."


def autenticar_personal(
    sesion: Session, usuario: str, contrasena: str, origen_ip: str | None, ahora: datetime
) -> Personal:
    """The active staff member for these credentials; counts failures and locks (15 min).

    Raises DemasiadosIntentos or CredencialesInvalidas; the caller commits either way so the
    counts and the audit entry are kept."""
    ahora = exigir_zona(ahora)
    nombre = (usuario or "").strip().lower()[:40] or "(vacio)"
    ip = origen_ip or "desconocida"
    for limite, sujeto in ((LIMITE_USUARIO, nombre), (LIMITE_IP, ip)):
        estado = limites.consultar(sesion, limite, sujeto, ahora)
        if not estado.permitido:
            raise DemasiadosIntentos(estado, ahora)
    persona = sesion.scalar(select(Personal).where(func.lower(Personal.usuario) == nombre))
    valido = persona is not None and persona.es_activo
    # Verify even for an unknown name so the answer takes the same time either way.
    correcta = contrasenas.verificar(persona.contrasena_hash if valido else None, contrasena or "")
    if not (valido and correcta):
        # Who tried, as typed, and from where (the id only when the name is a real account).
        actor = Actor(TipoActor.PERSONAL, nombre, persona.id if persona else None, ip)
        registrar_auditoria(sesion, actor, "acceso_fallido", "personal", ahora, usuario=nombre)
        estados = [limites.contar(sesion, LIMITE_USUARIO, nombre, ahora)]
        estados.append(limites.contar(sesion, LIMITE_IP, ip, ahora))
        bloqueo = next((e for e in estados if not e.permitido), None)
        if bloqueo is not None:
            raise DemasiadosIntentos(bloqueo, ahora)
        raise CredencialesInvalidas(MENSAJE)
    assert persona is not None
    limites.reiniciar(sesion, LIMITE_USUARIO, nombre)
    persona.ultimo_acceso_en = ahora
    if persona.contrasena_hash and contrasenas.requiere_recifrar(persona.contrasena_hash):
        persona.contrasena_hash = contrasenas.cifrar(contrasena)
    registrar_auditoria(
        sesion,
        Actor.personal(persona.nombre, persona.id, ip),
        "entrar",
        "personal",
        ahora,
        persona.id,
    )
    return persona
