"""Read the dev catcher's Maildir: messages as plain data the page can show."""

from __future__ import annotations

import base64
import mailbox
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

RE_ENLACE = re.compile(r"https?://[^\s<>\"')]+")


@dataclass(frozen=True)
class CorreoCapturado:
    """One caught email."""

    clave: str
    de: str
    para: str
    asunto: str
    fecha: datetime | None
    texto: str
    html: str | None


def _leer(ruta: Path, clave: str, caja: mailbox.Maildir) -> CorreoCapturado:
    crudo = caja.get_bytes(clave)
    mensaje = BytesParser(policy=policy.default).parsebytes(crudo)
    assert isinstance(mensaje, EmailMessage)
    texto = mensaje.get_body(preferencelist=("plain",))
    html = mensaje.get_body(preferencelist=("html",))
    return CorreoCapturado(
        clave=clave,
        de=str(mensaje.get("From", "")),
        para=str(mensaje.get("To", "")),
        asunto=str(mensaje.get("Subject", "(sin asunto)")),
        fecha=_fecha(mensaje.get("Date")),
        texto=texto.get_content() if texto else "",
        html=_incrustar_imagenes(mensaje, html.get_content()) if html else None,
    )


def _fecha(valor: object) -> datetime | None:
    try:
        instante = parsedate_to_datetime(str(valor)) if valor else None
    except (TypeError, ValueError):
        return None
    # A "-0000" zone parses as naive: treat it as UTC so sorting and display never mix kinds.
    if instante is not None and instante.tzinfo is None:
        instante = instante.replace(tzinfo=UTC)
    return instante


def _incrustar_imagenes(mensaje: EmailMessage, html: str) -> str:
    """Turn `cid:` references into data URIs so the logo shows in the page's iframe."""
    for parte in mensaje.walk():
        cid = parte.get("Content-ID")
        if cid and parte.get_content_maintype() == "image":
            datos = base64.b64encode(parte.get_payload(decode=True) or b"").decode()
            uri = f"data:{parte.get_content_type()};base64,{datos}"
            html = html.replace(f"cid:{cid.strip('<>')}", uri)
    return html


def abrir(ruta: str | Path) -> mailbox.Maildir:
    """Open the Maildir, creating cur/new/tmp even when the folder already exists but is empty.

    `mailbox.Maildir(create=True)` only creates them for a missing folder; an existing empty
    one (a fresh temp dir, a `mkdir` by hand) would make every listing fail.
    """
    carpeta = Path(ruta)
    for sub in ("tmp", "new", "cur"):
        (carpeta / sub).mkdir(parents=True, exist_ok=True)
    return mailbox.Maildir(str(carpeta), create=True)


def listar(ruta: str | Path, limite: int = 200) -> list[CorreoCapturado]:
    """The newest caught emails first."""
    caja = abrir(ruta)
    # Iterating a Mailbox yields messages, not keys: ask for the keys explicitly.
    correos = [_leer(Path(ruta), clave, caja) for clave in caja.iterkeys()]
    correos.sort(key=lambda c: (c.fecha is not None, c.fecha), reverse=True)
    return correos[:limite]


def obtener(ruta: str | Path, clave: str) -> CorreoCapturado | None:
    """One caught email by its Maildir key, or None."""
    caja = abrir(ruta)
    if clave not in caja:
        return None
    return _leer(Path(ruta), clave, caja)


def partir_enlaces(texto: str) -> list[tuple[str, bool]]:
    """Split text into (piece, is_link) so the template can make links clickable safely."""
    piezas: list[tuple[str, bool]] = []
    posicion = 0
    for hallazgo in RE_ENLACE.finditer(texto):
        piezas.append((texto[posicion : hallazgo.start()], False))
        piezas.append((hallazgo.group(0), True))
        posicion = hallazgo.end()
    piezas.append((texto[posicion:], False))
    return [p for p in piezas if p[0]]
