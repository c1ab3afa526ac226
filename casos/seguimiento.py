"""Following a request without an account: folio plus the email used, or a one-time link.

Nothing here tells whether a folio exists or which email it has: a wrong folio and a wrong
email give the same answer, the emails are compared as hashes in constant time, and both the
address and the folio are rate-limited (a folio's counter exists whether or not the folio
does). A link is an HMAC-signed (case, random secret, expiry); spending it marks a counter
keyed by the secret's hash in the shared limits table, so it opens the case once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from casos import limites
from casos.base import exigir_zona
from casos.correo import encolar_correo
from casos.errores import ErrorDominio
from casos.modelos import Caso

VIGENCIA_ENLACE = timedelta(hours=24)  # ≤ the nightly purge's age: a spent mark outlives it
LIMITE_IP = limites.Limite("seguimiento:ip", 20, timedelta(hours=1))
LIMITE_FOLIO = limites.Limite("seguimiento:folio", 10, timedelta(hours=1))
LIMITE_ENLACE_FOLIO = limites.Limite("seguimiento:enlace:folio", 3, timedelta(hours=1))
USO_ENLACE = limites.Limite("seguimiento:enlace:uso", 1, VIGENCIA_ENLACE)
RE_FOLIO = re.compile(r"^[A-Z]{1,10}-\d{4}-\d{4,9}$")
RUTA_ENLACE = "/seguimiento/enlace/"


class Limitado(ErrorDominio):
    """Too many attempts from this address or for this folio."""

    def __init__(self, estado: limites.Estado) -> None:
        super().__init__("Hizo demasiados intentos.")
        self.estado = estado


def normalizar_folio(texto: str | None) -> str:
    """`ov-2026-000123 ` → `OV-2026-000123` (people dictate and paste folios); anything
    that cannot be in a folio is dropped, so it never reaches a counter key."""
    return re.sub(r"[^0-9A-Za-z-]", "", texto or "").upper()[:40]


def _huella_email(email: str | None) -> bytes:
    return hashlib.sha256((email or "").strip().lower().encode()).digest()


def _contar(
    sesion: Session, ip: str, folio: str, por_folio: limites.Limite, ahora: datetime
) -> None:
    """Count the attempt against the address and the folio (both, always); raise if over."""
    por_ip = limites.contar(sesion, LIMITE_IP, ip, ahora)
    del_folio = limites.contar(sesion, por_folio, folio or "-", ahora)
    for estado in (por_ip, del_folio):
        if not estado.permitido:
            raise Limitado(estado)


def _caso_por_folio(sesion: Session, folio: str) -> Caso | None:
    if not RE_FOLIO.match(folio):
        return None
    return sesion.scalar(select(Caso).where(Caso.folio == folio))


def consultar_por_folio(
    sesion: Session, folio: str, email: str, ip: str, ahora: datetime
) -> Caso | None:
    """The case when folio and email match; None for any mismatch (the same answer)."""
    folio = normalizar_folio(folio)
    _contar(sesion, ip, folio, LIMITE_FOLIO, ahora)
    caso = _caso_por_folio(sesion, folio)
    esperado = caso.solicitante_email if caso is not None else None
    # Compare even when there is no case, so a missing folio takes as long as a wrong email.
    coincide = hmac.compare_digest(_huella_email(email), _huella_email(esperado or "\x00"))
    return caso if caso is not None and esperado and coincide and email.strip() else None


def solicitar_enlace(
    sesion: Session, folio: str, ip: str, clave_firma: str, ahora: datetime
) -> None:
    """Email a one-time link to the case's own address, if there is such a case with one.

    Says nothing either way: the caller shows the same message whatever happened."""
    folio = normalizar_folio(folio)
    _contar(sesion, ip, folio, LIMITE_ENLACE_FOLIO, ahora)
    caso = _caso_por_folio(sesion, folio)
    if caso is None or not caso.solicitante_email:
        return
    token = emitir_enlace(caso, clave_firma, ahora)
    encolar_correo(
        sesion,
        para=caso.solicitante_email,
        plantilla="seguimiento_enlace",
        contexto={
            "caso": caso,
            "ruta_enlace": RUTA_ENLACE + token,
            "horas": int(VIGENCIA_ENLACE.total_seconds() // 3600),
        },
        ahora=ahora,
        caso_id=caso.id,
    )


def _firmador(clave_firma: str) -> URLSafeSerializer:
    if not clave_firma:
        raise RuntimeError("Falta la clave de firma de enlaces (SECRET_KEY).")
    return URLSafeSerializer(
        clave_firma, salt="ov-seguimiento", signer_kwargs={"digest_method": hashlib.sha256}
    )


def emitir_enlace(caso: Caso, clave_firma: str, ahora: datetime) -> str:
    """A signed token that opens this case once, until it expires."""
    expira = int((exigir_zona(ahora) + VIGENCIA_ENLACE).timestamp())
    return str(_firmador(clave_firma).dumps([caso.id, secrets.token_urlsafe(24), expira]))


class EstadoEnlace(StrEnum):
    """What a presented link turned out to be."""

    VALIDO = "valido"
    VENCIDO = "vencido"
    USADO = "usado"
    INVALIDO = "invalido"


@dataclass(frozen=True)
class EnlaceUsado:
    """The outcome of opening a link: its state and, when valid, the case it opens."""

    estado: EstadoEnlace
    caso: Caso | None = None


def _descifrar(token: str, clave_firma: str, ahora: datetime) -> tuple[EstadoEnlace, int, str]:
    """Signature and expiry: (state, case id, hash of the link's secret)."""
    try:
        caso_id, secreto, expira = _firmador(clave_firma).loads(token)
        caso_id, expira, secreto = int(caso_id), int(expira), str(secreto)
    except (BadSignature, ValueError, TypeError):
        return EstadoEnlace.INVALIDO, 0, ""
    if exigir_zona(ahora).timestamp() >= expira:
        return EstadoEnlace.VENCIDO, caso_id, ""
    return EstadoEnlace.VALIDO, caso_id, hashlib.sha256(secreto.encode()).hexdigest()


def leer_enlace(sesion: Session, token: str, clave_firma: str, ahora: datetime) -> EstadoEnlace:
    """What a link is now, without spending it (the page that opens it shows a button)."""
    estado, caso_id, huella = _descifrar(token, clave_firma, ahora)
    if estado is not EstadoEnlace.VALIDO:
        return estado
    marca = sesion.get(limites.ContadorLimite, USO_ENLACE.clave(huella))
    if marca is not None and marca.conteo >= 1:
        return EstadoEnlace.USADO
    return EstadoEnlace.VALIDO if sesion.get(Caso, caso_id) else EstadoEnlace.INVALIDO


def usar_enlace(sesion: Session, token: str, clave_firma: str, ahora: datetime) -> EnlaceUsado:
    """Check a link and spend it; only the first valid use opens the case."""
    estado, caso_id, huella = _descifrar(token, clave_firma, ahora)
    if estado is not EstadoEnlace.VALIDO:
        return EnlaceUsado(estado)
    if not limites.contar(sesion, USO_ENLACE, huella, ahora).permitido:
        return EnlaceUsado(EstadoEnlace.USADO)
    caso = sesion.get(Caso, caso_id)
    if caso is None:
        return EnlaceUsado(EstadoEnlace.INVALIDO)
    return EnlaceUsado(EstadoEnlace.VALIDO, caso)
