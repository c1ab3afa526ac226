"""The email outbox: every outgoing email is a row written in the transaction that caused it.

The scheduler sends the rows after commit (see casos/envio.py). Templates are `.txt` + `.html`
pairs under plantillas/correo/ with the subject in a `asunto` block.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casos.base import Base, enum_texto, exigir_zona
from casos.plantillas_correo import PlantillaCorreo
from casos.sla import ZONA_CEA, fecha_en_palabras, formatear_duracion

CARPETA_PLANTILLAS = Path(__file__).resolve().parent.parent / "plantillas"
TELEFONO_24H = "442 211 00 66"
log = logging.getLogger(__name__)


@dataclass
class AjustesCorreo:
    """Process-wide settings the email templates need (set at start-up from the config)."""

    base_url: str = "http://127.0.0.1:5000"


AJUSTES = AjustesCorreo()


def configurar_correo(base_url: str) -> None:
    """Set the public address used in email links (app factory and scheduler call this)."""
    AJUSTES.base_url = base_url.rstrip("/")


class EstadoCorreo(StrEnum):
    """Where an outgoing email stands."""

    PENDIENTE = "pendiente"
    ENVIADO = "enviado"
    FALLIDO = "fallido"  # refused for good by the SMTP server (e.g. unknown recipient)


class CorreoSalida(Base):
    """An email waiting to be sent, or the record of one already sent."""

    __tablename__ = "correos_salida"
    __table_args__ = (
        CheckConstraint(
            "(estado = 'enviado' AND enviado_en IS NOT NULL)"
            " OR (estado <> 'enviado' AND enviado_en IS NULL)",
            name="enviado_con_fecha",
        ),
        Index("ix_correos_salida_estado_proximo", "estado", "proximo_intento_en"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clave: Mapped[str | None] = mapped_column(String(64), unique=True)
    plantilla: Mapped[str] = mapped_column(String(60))
    para: Mapped[str] = mapped_column(String(254))
    asunto: Mapped[str] = mapped_column(String(300))
    texto: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    caso_id: Mapped[int | None] = mapped_column(ForeignKey("casos.id", ondelete="SET NULL"))
    estado: Mapped[EstadoCorreo] = mapped_column(
        enum_texto(EstadoCorreo, "estado_correo", 20),
        default=EstadoCorreo.PENDIENTE,
    )
    creado_en: Mapped[datetime]
    proximo_intento_en: Mapped[datetime]
    intentos: Mapped[int] = mapped_column(default=0)
    enviado_en: Mapped[datetime | None]
    ultimo_error: Mapped[str | None] = mapped_column(Text)


def _fecha_corta(instante: datetime | None) -> str:
    return instante.astimezone(ZONA_CEA).strftime("%d/%m/%Y %H:%M") if instante else ""


@lru_cache(maxsize=1)
def entorno_plantillas() -> Environment:
    """The Jinja environment for email templates (HTML autoescaped, text not)."""
    entorno = Environment(
        loader=FileSystemLoader(CARPETA_PLANTILLAS),
        autoescape=select_autoescape(["html"], default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    entorno.filters["en_palabras"] = fecha_en_palabras
    entorno.filters["duracion"] = formatear_duracion
    entorno.filters["fecha_corta"] = _fecha_corta
    entorno.globals["telefono_24h"] = TELEFONO_24H
    return entorno


@dataclass(frozen=True)
class CorreoRenderizado:
    """Subject and both bodies of an email."""

    asunto: str
    texto: str
    html: str


def renderizar(
    plantilla: str, contexto: dict[str, Any], version: PlantillaCorreo | None = None
) -> CorreoRenderizado:
    """Render `correo/<plantilla>.txt` and `.html`; the subject comes from the text's block.

    `version`: an administrator's override; if it fails to render, the file is used (logged)."""
    if version is not None:
        try:
            return renderizar_version(version, contexto)
        except Exception:
            log.exception("La plantilla de correo editada %r falló; uso la del archivo", plantilla)
    entorno = entorno_plantillas()
    contexto = {"base_url": AJUSTES.base_url, **contexto}
    texto_tpl = entorno.get_template(f"correo/{plantilla}.txt")
    html_tpl = entorno.get_template(f"correo/{plantilla}.html")
    asunto = "".join(texto_tpl.blocks["asunto"](texto_tpl.new_context(contexto)))
    contexto["asunto"] = " ".join(asunto.split())
    return CorreoRenderizado(
        asunto=contexto["asunto"],
        texto=texto_tpl.render(contexto).strip() + "\n",
        html=html_tpl.render(contexto),
    )


@lru_cache(maxsize=2)
def entorno_sandbox(html: bool) -> SandboxedEnvironment:
    """A sandbox with the email filters, for templates edited by administrators."""
    base = entorno_plantillas()
    entorno = SandboxedEnvironment(
        loader=base.loader,
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    entorno.filters.update(base.filters)
    entorno.globals.update(base.globals)
    return entorno


def renderizar_version(version: PlantillaCorreo, contexto: dict[str, Any]) -> CorreoRenderizado:
    """Render an administrator's version in the sandbox (raises on a broken template)."""
    contexto = {"base_url": AJUSTES.base_url, **contexto}
    asunto = entorno_sandbox(False).from_string(version.asunto).render(contexto)
    contexto["asunto"] = " ".join(asunto.split())
    texto = entorno_sandbox(False).from_string(version.texto).render(contexto).strip() + "\n"
    if version.html:
        html = entorno_sandbox(True).from_string(version.html).render(contexto)
    else:
        html = (
            f'<!doctype html><html lang="es-MX"><head><meta charset="utf-8">'
            f"<title>{escape(contexto['asunto'])}</title></head><body>"
            f'<pre style="white-space:pre-wrap;font-family:Arial,sans-serif">{escape(texto)}'
            "</pre></body></html>"
        )
    return CorreoRenderizado(asunto=contexto["asunto"], texto=texto, html=html)


def encolar_correo(
    sesion: Session,
    *,
    para: str,
    plantilla: str,
    contexto: dict[str, Any],
    ahora: datetime,
    clave: str | None = None,
    caso_id: int | None = None,
) -> CorreoSalida:
    """Write an email to the outbox in the caller's transaction; a repeated `clave` is a no-op."""
    ahora = exigir_zona(ahora, "fecha del correo")
    clave = _resumir(clave) if clave else None
    if clave is not None:
        existente = _por_clave(sesion, clave)
        if existente is not None:
            return existente
    with sesion.no_autoflush:
        version = sesion.get(PlantillaCorreo, plantilla)
    contenido = renderizar(plantilla, contexto, version)
    correo = CorreoSalida(
        clave=clave,
        plantilla=plantilla,
        para=para,
        asunto=contenido.asunto,
        texto=contenido.texto,
        html=contenido.html,
        caso_id=caso_id,
        estado=EstadoCorreo.PENDIENTE,
        creado_en=ahora,
        proximo_intento_en=ahora,
        intentos=0,
    )
    sesion.add(correo)
    return correo


def _por_clave(sesion: Session, clave: str) -> CorreoSalida | None:
    """An email with that key, pending in this session or already in the database."""
    for objeto in sesion.new:
        if isinstance(objeto, CorreoSalida) and objeto.clave == clave:
            return objeto
    # No autoflush: a sweep queues hundreds of emails and flushes them once, at commit.
    with sesion.no_autoflush:
        return sesion.scalar(select(CorreoSalida).where(CorreoSalida.clave == clave))


def _resumir(clave: str) -> str:
    """Keys can be long (case, clock, threshold, person): keep them bounded and unique."""
    return clave if len(clave) <= 64 else hashlib.sha256(clave.encode()).hexdigest()
