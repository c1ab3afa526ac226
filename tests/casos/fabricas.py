"""Small factories for domain tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.catalogo import Area
from casos.modelos import Caso
from casos.personal import Personal, RolPersonal
from casos.registro import DatosCaso, registrar_caso

CIUDADANO = Actor.ciudadano("Jorge Pérez")


def area(sesion: Session, clave: str) -> Area:
    """A seeded area by key."""
    encontrada = sesion.scalar(select(Area).where(Area.clave == clave))
    assert encontrada is not None, clave
    return encontrada


def caso(sesion: Session, en: datetime, tipo: str = "consulta_general", **extra: object) -> Caso:
    """File a valid case of `tipo` at `en`."""
    campos = {k: str(v) for k, v in extra.items()}
    datos = DatosCaso(
        tipo=tipo,
        descripcion="Mi recibo viene muy alto.",
        solicitante_nombre="Jorge Pérez",
        solicitante_email="jorge@ejemplo.mx",
        contrato=campos.pop("contrato", "100234"),
        campos=campos,
    )
    return registrar_caso(sesion, datos, CIUDADANO, en)


def persona(
    sesion: Session, usuario: str, rol: RolPersonal, *areas: str, nombre: str | None = None
) -> Personal:
    """A staff member of the given areas."""
    alguien = Personal(
        usuario=usuario,
        nombre=nombre or usuario.title(),
        email=f"{usuario}@cea.localhost",
        rol=rol,
        areas=[area(sesion, a) for a in areas],
    )
    sesion.add(alguien)
    sesion.flush()
    return alguien


def agente(sesion: Session, *areas: str) -> tuple[Personal, Actor]:
    """An agent and the actor that represents them."""
    alguien = persona(sesion, "agente", RolPersonal.AGENTE, *areas)
    return alguien, Actor.personal(alguien.nombre, alguien.id, origen="127.0.0.1")
