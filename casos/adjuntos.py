"""Files a customer attaches to a case: sniffed, size-limited, images re-encoded, stored apart.

The bytes live in a folder outside the web root under a random name; the row keeps the
original name (for the download), the sniffed type, the size and a SHA-256. Images are
decoded and re-encoded (which drops EXIF, GPS included, and any trailing payload); a PDF
must start like a PDF and is stored as sent.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casos.base import Base
from casos.errores import DatosInvalidos

MB = 1024 * 1024
TAMANO_MAXIMO = 5 * MB
MAXIMO_POR_ENVIO = 5
PIXELES_MAXIMOS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb
TIPOS_IMAGEN = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
TIPO_PDF = ("application/pdf", ".pdf")


class Adjunto(Base):
    """A file attached to a case (and to the event that brought it, when there is one)."""

    __tablename__ = "adjuntos"
    __table_args__ = (Index("ix_adjuntos_caso_id", "caso_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clave: Mapped[str] = mapped_column(String(43), unique=True)  # random; the file's name on disk
    caso_id: Mapped[int] = mapped_column(ForeignKey("casos.id", ondelete="CASCADE"))
    evento_id: Mapped[int | None] = mapped_column(
        ForeignKey("eventos_caso.id", ondelete="SET NULL")
    )
    nombre: Mapped[str] = mapped_column(String(120))  # what the customer called it, cleaned
    tipo_mime: Mapped[str] = mapped_column(String(40))
    tamano: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    es_publico: Mapped[bool] = mapped_column(default=True)  # the customer sees it in the history
    subido_en: Mapped[datetime]


@dataclass(frozen=True)
class ArchivoRecibido:
    """An uploaded file as the web layer hands it over: the name it came with and its bytes."""

    nombre: str
    contenido: bytes


@dataclass(frozen=True)
class ArchivoLimpio:
    """A file that passed the checks, ready to store."""

    nombre: str
    tipo_mime: str
    contenido: bytes


def limpiar_archivo(
    archivo: ArchivoRecibido, *, solo_imagenes: bool = False, campo: str = "adjuntos"
) -> ArchivoLimpio:
    """Sniff the type from the bytes (never the name), limit the size, re-encode images."""
    nombre = archivo.nombre or "archivo"
    if len(archivo.contenido) == 0:
        raise DatosInvalidos("Revise el archivo.", {campo: f"«{nombre}» está vacío."})
    if len(archivo.contenido) > TAMANO_MAXIMO:
        raise DatosInvalidos(
            "Revise el archivo.",
            {campo: f"«{nombre}» pesa más de {TAMANO_MAXIMO // MB} MB; envíe uno más ligero."},
        )
    if not solo_imagenes and archivo.contenido.startswith(b"%PDF-"):
        return ArchivoLimpio(_nombre_seguro(nombre, TIPO_PDF[1]), TIPO_PDF[0], archivo.contenido)
    imagen = _reencodar_imagen(archivo.contenido)
    if imagen is None:
        permitidos = "JPEG o PNG" if solo_imagenes else "PDF, JPEG o PNG"
        raise DatosInvalidos(
            "Revise el archivo.", {campo: f"«{nombre}» no es un archivo {permitidos} válido."}
        )
    tipo_mime, extension, contenido = imagen
    return ArchivoLimpio(_nombre_seguro(nombre, extension), tipo_mime, contenido)


def _reencodar_imagen(contenido: bytes) -> tuple[str, str, bytes] | None:
    try:
        with Image.open(io.BytesIO(contenido)) as imagen:
            formato = imagen.format
            if formato not in TIPOS_IMAGEN or imagen.width * imagen.height > PIXELES_MAXIMOS:
                return None
            imagen.load()
            limpia = ImageOps.exif_transpose(imagen)  # keep the photo upright, then drop EXIF
            salida = io.BytesIO()
            if formato == "JPEG":
                limpia.convert("RGB").save(salida, "JPEG", quality=88, optimize=True)
            else:
                limpia.save(salida, "PNG", optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    tipo_mime, extension = TIPOS_IMAGEN[formato]
    return tipo_mime, extension, salida.getvalue()


def _nombre_seguro(nombre: str, extension: str) -> str:
    """The original name without paths or odd characters, with the extension of its type."""
    base = Path(nombre.replace("\\", "/")).name
    base = unicodedata.normalize("NFKC", base)
    base = re.sub(r"[^\w .()-]", "_", base).strip(" .") or "archivo"
    raiz = base.rsplit(".", 1)[0] if "." in base else base
    return f"{raiz[: 120 - len(extension)]}{extension}"


def guardar_adjunto(
    sesion: Session,
    carpeta: Path,
    caso_id: int,
    archivo: ArchivoLimpio,
    ahora: datetime,
    *,
    evento_id: int | None = None,
    es_publico: bool = True,
) -> Adjunto:
    """Write the bytes under a random name and add the row (flushed, not committed)."""
    clave = secrets.token_urlsafe(32)
    carpeta.mkdir(parents=True, exist_ok=True)
    ruta = ruta_de(carpeta, clave)
    ruta.parent.mkdir(parents=True, exist_ok=True)
    ruta.write_bytes(archivo.contenido)
    adjunto = Adjunto(
        clave=clave,
        caso_id=caso_id,
        evento_id=evento_id,
        nombre=archivo.nombre,
        tipo_mime=archivo.tipo_mime,
        tamano=len(archivo.contenido),
        sha256=hashlib.sha256(archivo.contenido).hexdigest(),
        es_publico=es_publico,
        subido_en=ahora,
    )
    sesion.add(adjunto)
    sesion.flush()
    return adjunto


def ruta_de(carpeta: Path, clave: str) -> Path:
    """Where an attachment's bytes live: two levels of fan-out keep folders small."""
    return carpeta / clave[:2] / clave


def adjuntos_de(sesion: Session, caso_id: int, *, solo_publicos: bool = True) -> list[Adjunto]:
    """A case's attachments, oldest first."""
    consulta = select(Adjunto).where(Adjunto.caso_id == caso_id)
    if solo_publicos:
        consulta = consulta.where(Adjunto.es_publico)
    return list(sesion.scalars(consulta.order_by(Adjunto.id)))
