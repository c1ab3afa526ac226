"""Staff members for back-office tests, and signing them in through the real form."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.catalogo import Area
from casos.cuentas.contrasenas import cifrar
from casos.personal import Personal, RolPersonal
from tests.soporte.formularios import enviar

CONTRASENA_PERSONAL = "brisa-cantera-nogal-72"
_HASH: dict[str, str] = {}  # argon2 is slow on purpose: hash the shared test password once


def crear_personal(
    sesion: Session,
    usuario: str,
    rol: RolPersonal = RolPersonal.AGENTE,
    *areas: str,
    nombre: str | None = None,
    activo: bool = True,
) -> Personal:
    """A staff member of the areas with those keys (created if missing), password set."""
    if CONTRASENA_PERSONAL not in _HASH:
        _HASH[CONTRASENA_PERSONAL] = cifrar(CONTRASENA_PERSONAL)
    lista = []
    for clave in areas:
        area = sesion.scalar(select(Area).where(Area.clave == clave))
        if area is None:
            area = Area(clave=clave, nombre=f"Área {clave}")
            sesion.add(area)
        lista.append(area)
    persona = Personal(
        usuario=usuario,
        nombre=nombre or f"{usuario.title()} ({rol.value})",
        email=f"{usuario}@cea.localhost",
        rol=rol,
        areas=lista,
        es_activo=activo,
        contrasena_hash=_HASH[CONTRASENA_PERSONAL],
    )
    sesion.add(persona)
    sesion.flush()
    return persona


def entrar_personal(cliente: Any, usuario: str, contrasena: str = CONTRASENA_PERSONAL) -> Any:
    """Sign a staff member in through /backoffice/entrar; returns the response (a redirect)."""
    return enviar(cliente, "/backoffice/entrar", {"usuario": usuario, "contrasena": contrasena})
