"""Integration tokens for the REST API (call center, commercial system).

A token is shown once when created; only its SHA-256 is stored (it is 32 random bytes, so a
plain hash is enough: nothing to brute-force). The first characters are kept to tell tokens
apart in the admin and the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casos.actores import Actor, TipoActor
from casos.auditoria import registrar_auditoria
from casos.base import Base, exigir_zona
from casos.errores import DatosInvalidos

PREFIJO = "ovt_"
LARGO_VISIBLE = 12  # "ovt_" + 8 characters shown in the admin
# Writing the last-use instant on every request would turn reads into writes; once a minute is
# enough to tell an idle token from a busy one.
REFRESCO_USO = timedelta(minutes=1)


class TokenIntegracion(Base):
    """A bearer token of one integration; revoked tokens stay for the audit log."""

    __tablename__ = "tokens_integracion"
    __table_args__ = (
        CheckConstraint("revocado_en IS NULL OR revocado_en >= creado_en", name="revocado_tras"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nombre: Mapped[str] = mapped_column(String(120))
    prefijo: Mapped[str] = mapped_column(String(LARGO_VISIBLE))
    huella: Mapped[str] = mapped_column(String(64), unique=True)
    creado_en: Mapped[datetime]
    creado_por: Mapped[str] = mapped_column(String(200))
    revocado_en: Mapped[datetime | None]
    revocado_por: Mapped[str | None] = mapped_column(String(200))
    ultimo_uso_en: Mapped[datetime | None]

    @property
    def es_vigente(self) -> bool:
        """Not revoked."""
        return self.revocado_en is None

    def __str__(self) -> str:
        return f"{self.nombre} ({self.prefijo}…)"


def huella(secreto: str) -> str:
    """SHA-256 of a presented token, as stored."""
    return hashlib.sha256(secreto.encode("utf-8", "replace")).hexdigest()


def crear_token(
    sesion: Session, nombre: str, actor: Actor, ahora: datetime
) -> tuple[TokenIntegracion, str]:
    """Create a token for an integration; returns the row and the secret (shown only once)."""
    nombre = " ".join((nombre or "").split())
    if not nombre:
        raise DatosInvalidos("Falta el nombre.", {"nombre": "Escriba el nombre de la integración."})
    if len(nombre) > 120:
        raise DatosInvalidos("Nombre largo.", {"nombre": "Use como máximo 120 caracteres."})
    secreto = PREFIJO + secrets.token_urlsafe(32)
    token = TokenIntegracion(
        nombre=nombre,
        prefijo=secreto[:LARGO_VISIBLE],
        huella=huella(secreto),
        creado_en=exigir_zona(ahora),
        creado_por=actor.nombre[:200],
    )
    sesion.add(token)
    sesion.flush()
    registrar_auditoria(sesion, actor, "crear", "token_integracion", ahora, token.id, nombre=nombre)
    return token, secreto


def revocar_token(sesion: Session, token: TokenIntegracion, actor: Actor, ahora: datetime) -> None:
    """Revoke a token for good (idempotent); flushes."""
    if token.revocado_en is not None:
        return
    token.revocado_en = exigir_zona(ahora)
    token.revocado_por = actor.nombre[:200]
    registrar_auditoria(
        sesion, actor, "revocar", "token_integracion", ahora, token.id, nombre=token.nombre
    )
    sesion.flush()


def autenticar_token(
    sesion: Session, secreto: str | None, ahora: datetime, origen: str | None = None
) -> Actor | None:
    """The integration behind a presented bearer token, or None (unknown or revoked)."""
    if not secreto or not secreto.startswith(PREFIJO) or len(secreto) > 200:
        return None
    # Looked up by its hash: the secret itself is never compared, so timing tells nothing.
    token = sesion.scalar(
        select(TokenIntegracion).where(TokenIntegracion.huella == huella(secreto))
    )
    if token is None or token.revocado_en is not None:
        return None
    ahora = exigir_zona(ahora)
    if token.ultimo_uso_en is None or ahora - token.ultimo_uso_en >= REFRESCO_USO:
        token.ultimo_uso_en = ahora
    return Actor(TipoActor.INTEGRACION, token.nombre, token.id, origen)
