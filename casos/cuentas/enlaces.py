"""Single-use emailed links: signed, stored only as a hash, expiring, one valid per purpose.

A link's token is an HMAC-signed pair (link id, 256-bit random secret). The signature (keyed
with the app's SECRET_KEY and the link's purpose) rejects forged or altered tokens before any
database work; the stored SHA-256 of the secret makes a database reader unable to use a link;
`usado_en` makes it single-use and `expira_en` makes it expire.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import update
from sqlalchemy.orm import Session

from casos.base import exigir_zona
from casos.cuentas.modelos import Cuenta, EnlaceCuenta, PropositoEnlace

VIGENCIAS = {
    PropositoEnlace.ACTIVACION: timedelta(hours=48),
    PropositoEnlace.RESTABLECER: timedelta(hours=2),
    PropositoEnlace.CAMBIO_EMAIL: timedelta(hours=48),
}


@dataclass
class AjustesEnlaces:
    """The signing key, set at start-up from SECRET_KEY (create_app calls configurar_enlaces)."""

    clave: str | None = None


AJUSTES = AjustesEnlaces()


def configurar_enlaces(clave_secreta: str) -> None:
    """Set the key links are signed with."""
    AJUSTES.clave = clave_secreta


def _firmador(proposito: PropositoEnlace) -> URLSafeSerializer:
    if not AJUSTES.clave:
        raise RuntimeError("Falta configurar la clave de firma de enlaces (SECRET_KEY).")
    return URLSafeSerializer(
        AJUSTES.clave,
        salt=f"ov-enlace-{proposito.value}",
        signer_kwargs={"digest_method": hashlib.sha256},
    )


def _huella(secreto: str) -> str:
    return hashlib.sha256(secreto.encode()).hexdigest()


def emitir_enlace(
    sesion: Session,
    cuenta: Cuenta,
    proposito: PropositoEnlace,
    ahora: datetime,
    dato: str | None = None,
) -> str:
    """Create a link for the account and return its token; earlier unused links of the same
    purpose stop working (only the newest email's link is valid)."""
    ahora = exigir_zona(ahora)
    sesion.execute(
        update(EnlaceCuenta)
        .where(
            EnlaceCuenta.cuenta_id == cuenta.id,
            EnlaceCuenta.proposito == proposito,
            EnlaceCuenta.usado_en.is_(None),
            EnlaceCuenta.expira_en > ahora,
        )
        .values(expira_en=ahora)
    )
    secreto = secrets.token_urlsafe(32)
    enlace = EnlaceCuenta(
        cuenta_id=cuenta.id,
        proposito=proposito,
        huella=_huella(secreto),
        dato=dato,
        creado_en=ahora,
        expira_en=ahora + VIGENCIAS[proposito],
    )
    sesion.add(enlace)
    sesion.flush()
    return str(_firmador(proposito).dumps([enlace.id, secreto]))


class EstadoEnlace(StrEnum):
    """What a presented token turned out to be."""

    VALIDO = "valido"
    VENCIDO = "vencido"
    USADO = "usado"
    INVALIDO = "invalido"


@dataclass(frozen=True)
class EnlaceLeido:
    """A presented token's state, with its link row when the signature was good."""

    estado: EstadoEnlace
    enlace: EnlaceCuenta | None = None

    @property
    def cuenta_id(self) -> int | None:
        """Account the link belongs to (also for expired or used links: to offer a resend)."""
        return self.enlace.cuenta_id if self.enlace else None


def leer_enlace(
    sesion: Session, token: str, proposito: PropositoEnlace, ahora: datetime
) -> EnlaceLeido:
    """Check a token: signature, stored hash, use and expiry. Changes nothing."""
    ahora = exigir_zona(ahora)
    try:
        enlace_id, secreto = _firmador(proposito).loads(token)
        enlace = sesion.get(EnlaceCuenta, int(enlace_id))
    except (BadSignature, ValueError, TypeError):
        return EnlaceLeido(EstadoEnlace.INVALIDO)
    if (
        enlace is None
        or enlace.proposito is not proposito
        or not secrets.compare_digest(enlace.huella, _huella(str(secreto)))
    ):
        return EnlaceLeido(EstadoEnlace.INVALIDO)
    if enlace.usado_en is not None:
        return EnlaceLeido(EstadoEnlace.USADO, enlace)
    if enlace.expira_en <= ahora:
        return EnlaceLeido(EstadoEnlace.VENCIDO, enlace)
    return EnlaceLeido(EstadoEnlace.VALIDO, enlace)


def usar_enlace(enlace: EnlaceCuenta, ahora: datetime) -> None:
    """Spend a link (call in the same transaction as the change it authorises)."""
    enlace.usado_en = exigir_zona(ahora)
