"""Sending the outbox over real SMTP, with retries and backoff.

A row is marked *enviado* only after the server accepted it, and the job commits right after
each email, so an SMTP outage leaves rows pending (never lost) and a success is never repeated.
Each message carries a Message-ID derived from its row, so a resend after a crash between
"accepted" and "commit" is recognisable by the receiving server.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.base import exigir_zona
from casos.correo import CARPETA_PLANTILLAS, CorreoSalida, EstadoCorreo

LOGO = CARPETA_PLANTILLAS / "correo" / "logo-cea.png"
ESPERA_BASE = timedelta(seconds=30)
ESPERA_MAXIMA = timedelta(hours=1)


@dataclass(frozen=True)
class AjustesSMTP:
    """How to reach the SMTP server (from config.py / the environment)."""

    host: str
    puerto: int
    remitente: str
    usuario: str | None = None
    contrasena: str | None = None
    tls: str = "none"  # none | starttls | ssl
    tiempo_espera: float = 10.0


def construir_mensaje(correo: CorreoSalida, remitente: str, logo: Path = LOGO) -> EmailMessage:
    """The MIME message of an outbox row: text, HTML and the inline CEA logo."""
    mensaje = EmailMessage()
    mensaje["Subject"] = correo.asunto
    mensaje["From"] = remitente
    mensaje["To"] = correo.para
    mensaje["Date"] = format_datetime(correo.creado_en)
    mensaje["Message-ID"] = id_mensaje(correo, remitente)
    mensaje["Auto-Submitted"] = "auto-generated"
    mensaje.set_content(correo.texto)
    mensaje.add_alternative(correo.html, subtype="html")
    if logo.exists():
        parte_html = mensaje.get_payload()[1]
        parte_html.add_related(logo.read_bytes(), "image", "png", cid="<logo-cea>")
    return mensaje


def id_mensaje(correo: CorreoSalida, remitente: str) -> str:
    """`<ov-<id>.<huella>@<dominio del remitente>>`, the same on every attempt of a row.

    Keys contain ':' (not allowed in a Message-ID, which then gets cut at the first one), so
    the key enters only as a hex digest, together with the creation instant: the row ids of a
    rebuilt database start again at 1 and must not repeat earlier messages' ids.
    """
    dominio = parseaddr(remitente)[1].rpartition("@")[2] or "cea.localhost"
    origen = f"{correo.clave or ''}|{exigir_zona(correo.creado_en).isoformat()}"
    huella = hashlib.sha256(origen.encode()).hexdigest()[:16]
    return f"<ov-{correo.id}.{huella}@{dominio}>"


class ConexionSMTP:
    """One SMTP session reused for a batch of emails."""

    def __init__(self, ajustes: AjustesSMTP) -> None:
        self.ajustes = ajustes
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> ConexionSMTP:
        a = self.ajustes
        if a.tls == "ssl":
            self._smtp = smtplib.SMTP_SSL(
                a.host, a.puerto, timeout=a.tiempo_espera, context=ssl.create_default_context()
            )
        else:
            self._smtp = smtplib.SMTP(a.host, a.puerto, timeout=a.tiempo_espera)
            if a.tls == "starttls":
                self._smtp.starttls(context=ssl.create_default_context())
        if a.usuario:
            self._smtp.login(a.usuario, a.contrasena or "")
        return self

    def enviar(self, mensaje: EmailMessage) -> None:
        """Hand one message to the server; raises on refusal."""
        assert self._smtp is not None
        self._smtp.send_message(mensaje)

    def __exit__(self, *_exc: object) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()


def pendientes(sesion: Session, ahora: datetime, limite: int = 50) -> list[int]:
    """Ids of the emails due for an attempt, oldest first."""
    consulta = (
        select(CorreoSalida.id)
        .where(
            CorreoSalida.estado == EstadoCorreo.PENDIENTE,
            CorreoSalida.proximo_intento_en <= exigir_zona(ahora),
        )
        .order_by(CorreoSalida.proximo_intento_en, CorreoSalida.id)
        .limit(limite)
    )
    return list(sesion.scalars(consulta))


def marcar_enviado(correo: CorreoSalida, ahora: datetime) -> None:
    """The server accepted the email."""
    correo.estado = EstadoCorreo.ENVIADO
    correo.enviado_en = ahora
    correo.intentos += 1
    correo.ultimo_error = None


def marcar_fallo(correo: CorreoSalida, error: Exception, ahora: datetime) -> None:
    """Record a failed attempt: permanent refusals stop, anything else retries with backoff."""
    correo.intentos += 1
    correo.ultimo_error = f"{type(error).__name__}: {error}"[:2000]
    if es_rechazo_definitivo(error):
        correo.estado = EstadoCorreo.FALLIDO
        return
    espera = min(ESPERA_BASE * (2 ** min(correo.intentos - 1, 16)), ESPERA_MAXIMA)
    correo.proximo_intento_en = ahora + espera


def es_rechazo_definitivo(error: Exception) -> bool:
    """A 5xx answer about this message or its recipients: retrying will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= codigo < 600 for codigo, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600 and not isinstance(
            error, smtplib.SMTPAuthenticationError
        )
    return False
