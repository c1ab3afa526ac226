"""Server-side web sessions for customers and staff.

The browser's signed cookie only carries a random session key; the row here is what makes it
valid. Logging out (or a password reset, a block, a closure) ends the row, so a copied cookie
stops working at once — which a cookie-only session cannot do.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from casos.base import Base, exigir_zona

# Absolute life of a signed-in session, however active it is (the idle limit is in the cookie).
DURACION_SESION = timedelta(hours=12)
# Closed or expired rows are kept this long (who signed in from where), then purged.
CONSERVAR_SESIONES = timedelta(days=30)


class SesionWeb(Base):
    """One signed-in browser: a customer account or a staff member."""

    __tablename__ = "sesiones_web"
    __table_args__ = (
        CheckConstraint(
            "(cuenta_id IS NULL) <> (personal_id IS NULL)", name="de_cuenta_o_personal"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    huella: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the cookie key
    cuenta_id: Mapped[int | None] = mapped_column(
        ForeignKey("cuentas.id", ondelete="CASCADE"), index=True
    )
    personal_id: Mapped[int | None] = mapped_column(
        ForeignKey("personal.id", ondelete="CASCADE"), index=True
    )
    creada_en: Mapped[datetime]
    expira_en: Mapped[datetime]  # absolute limit; the idle limit is kept in the cookie
    cerrada_en: Mapped[datetime | None]
    origen: Mapped[str | None] = mapped_column(String(64))
    agente: Mapped[str | None] = mapped_column(String(200))


def huella_clave(clave: str) -> str:
    """The SHA-256 stored for a cookie key (the key itself is never stored)."""
    return hashlib.sha256(clave.encode()).hexdigest()


def abrir_sesion(
    sesion: Session,
    *,
    cuenta_id: int | None = None,
    personal_id: int | None = None,
    origen: str | None,
    agente: str | None,
    ahora: datetime,
    duracion: timedelta = DURACION_SESION,
) -> tuple[SesionWeb, str]:
    """Open a session for an account or a staff member; returns the row and the cookie key."""
    if (cuenta_id is None) == (personal_id is None):
        raise ValueError("Una sesión es de una cuenta o de un miembro del personal, no ambas.")
    ahora = exigir_zona(ahora)
    clave = secrets.token_urlsafe(32)
    fila = SesionWeb(
        huella=huella_clave(clave),
        cuenta_id=cuenta_id,
        personal_id=personal_id,
        creada_en=ahora,
        expira_en=ahora + duracion,
        origen=(origen or None) and origen[:64],
        agente=(agente or None) and agente[:200],
    )
    sesion.add(fila)
    sesion.flush()
    return fila, clave


def sesion_vigente(sesion: Session, clave: str, ahora: datetime) -> SesionWeb | None:
    """The open, unexpired session for a cookie key, or None. Reads only."""
    if not clave or len(clave) > 100:
        return None
    fila = sesion.scalar(select(SesionWeb).where(SesionWeb.huella == huella_clave(clave)))
    if fila is None or fila.cerrada_en is not None or fila.expira_en <= exigir_zona(ahora):
        return None
    return fila


def cerrar_sesion(sesion: Session, clave: str, ahora: datetime) -> bool:
    """End the session of a cookie key (logout); True when an open one was closed."""
    resultado = sesion.execute(
        update(SesionWeb)
        .where(SesionWeb.huella == huella_clave(clave), SesionWeb.cerrada_en.is_(None))
        .values(cerrada_en=exigir_zona(ahora))
        .execution_options(synchronize_session="fetch")
    )
    return bool(resultado.rowcount)


def cerrar_sesiones_de(
    sesion: Session,
    cuenta_id: int | None = None,
    personal_id: int | None = None,
    *,
    ahora: datetime,
) -> int:
    """End every open session of an account or a staff member (password reset, closure)."""
    if (cuenta_id is None) == (personal_id is None):
        raise ValueError("Indique una cuenta o un miembro del personal.")
    condicion = (
        SesionWeb.cuenta_id == cuenta_id
        if cuenta_id is not None
        else SesionWeb.personal_id == personal_id
    )
    resultado = sesion.execute(
        update(SesionWeb)
        .where(condicion, SesionWeb.cerrada_en.is_(None))
        .values(cerrada_en=exigir_zona(ahora))
        .execution_options(synchronize_session="fetch")
    )
    return int(resultado.rowcount)


def purgar_sesiones(
    sesion: Session, ahora: datetime, antiguedad: timedelta = CONSERVAR_SESIONES
) -> int:
    """Delete sessions closed or expired longer ago than `antiguedad` (nightly housekeeping)."""
    limite = exigir_zona(ahora) - antiguedad
    resultado = sesion.execute(
        delete(SesionWeb)
        .where((SesionWeb.expira_en < limite) | (SesionWeb.cerrada_en < limite))
        .execution_options(synchronize_session=False)
    )
    return int(resultado.rowcount)
