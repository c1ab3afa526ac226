"""Server-side web sessions for customers and staff.

The browser's signed cookie only carries a random session key; the row here is what makes it
valid. Logging out (or a password reset, a block, a closure) ends the row, so a copied cookie
stops working at once — which a cookie-only session cannot do.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casos.base import Base


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
