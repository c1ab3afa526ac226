"""Email templates edited by administrators: a row overrides the file of the same name in
plantillas/correo/ (subject, text and HTML bodies); deleting the row restores the file's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from casos.actores import Actor
from casos.auditoria import registrar_auditoria
from casos.base import Base, exigir_zona
from casos.errores import DatosInvalidos, NoEncontrado


class PlantillaCorreo(Base):
    """An administrator's version of an email template (rendered in a sandbox)."""

    __tablename__ = "plantillas_correo"

    nombre: Mapped[str] = mapped_column(String(60), primary_key=True)  # e.g. "respuesta_caso"
    asunto: Mapped[str] = mapped_column(String(300))
    texto: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)  # None: built from the text body
    actualizado_en: Mapped[datetime]
    actualizado_por: Mapped[str] = mapped_column(String(200))

    def __str__(self) -> str:
        return self.nombre


# --- services: the file templates, an administrator's version, restoring the file's ----------

CARPETA_CORREO = Path(__file__).resolve().parent.parent / "plantillas" / "correo"
RE_BLOQUE_ASUNTO = re.compile(r"{%-?\s*block\s+asunto\s*-?%}(.*?){%-?\s*endblock\s*-?%}\n?", re.S)
LARGO_ASUNTO = 300


@dataclass(frozen=True)
class FuentePlantilla:
    """The sources of a template: subject, text body and HTML body (Jinja)."""

    nombre: str
    asunto: str
    texto: str
    html: str | None


def nombres_archivo() -> list[str]:
    """Email templates shipped as files (plantillas/correo/<nombre>.txt, partials excluded)."""
    return sorted(p.stem for p in CARPETA_CORREO.glob("*.txt") if not p.stem.startswith("_"))


def fuente_archivo(nombre: str) -> FuentePlantilla:
    """The file version, split as the admin edits it (the subject block apart)."""
    if nombre not in nombres_archivo():
        raise NoEncontrado("No existe esa plantilla de correo.", {"nombre": "No existe."})
    texto = (CARPETA_CORREO / f"{nombre}.txt").read_text(encoding="utf-8")
    html_ruta = CARPETA_CORREO / f"{nombre}.html"
    html = html_ruta.read_text(encoding="utf-8") if html_ruta.exists() else None
    encontrado = RE_BLOQUE_ASUNTO.search(texto)
    asunto = encontrado.group(1).strip() if encontrado else ""
    return FuentePlantilla(nombre, asunto, RE_BLOQUE_ASUNTO.sub("", texto, count=1), html)


def version_de(sesion: Session, nombre: str) -> PlantillaCorreo | None:
    """The administrator's version of a template, if any."""
    return sesion.get(PlantillaCorreo, nombre)


def fuente_vigente(sesion: Session, nombre: str) -> FuentePlantilla:
    """What is sent today: the administrator's version, or the file's."""
    version = version_de(sesion, nombre)
    if version is None:
        return fuente_archivo(nombre)
    return FuentePlantilla(nombre, version.asunto, version.texto, version.html)


def errores_fuente(fuente: FuentePlantilla) -> dict[str, str]:
    """Jinja syntax errors of each source, as {field: Spanish reason}."""
    entorno = SandboxedEnvironment()
    errores: dict[str, str] = {}
    campos = {"asunto": fuente.asunto, "texto": fuente.texto, "html": fuente.html or ""}
    for campo, fuente_campo in campos.items():
        try:
            entorno.parse(fuente_campo)
        except TemplateSyntaxError as error:
            errores[campo] = f"Error de plantilla en la línea {error.lineno}: {error.message}"
    if not fuente.asunto.strip():
        errores["asunto"] = "Escriba el asunto."
    elif len(fuente.asunto) > LARGO_ASUNTO:
        errores["asunto"] = f"Use como máximo {LARGO_ASUNTO} caracteres."
    if not fuente.texto.strip():
        errores["texto"] = "Escriba el texto del correo."
    return errores


def guardar_version(
    sesion: Session, fuente: FuentePlantilla, actor: Actor, ahora: datetime
) -> PlantillaCorreo:
    """Store an administrator's version (validated, audited); flushes."""
    fuente_archivo(fuente.nombre)  # the name must be a shipped template
    errores = errores_fuente(fuente)
    if errores:
        raise DatosInvalidos("Revise la plantilla.", errores)
    version = version_de(sesion, fuente.nombre)
    anterior = None if version is None else (version.asunto, version.texto, version.html)
    if version is None:
        version = PlantillaCorreo(nombre=fuente.nombre)
        sesion.add(version)
    version.asunto, version.texto = fuente.asunto.strip(), fuente.texto
    version.html = fuente.html if fuente.html and fuente.html.strip() else None
    version.actualizado_en = exigir_zona(ahora)
    version.actualizado_por = actor.nombre[:200]
    cambiados = _campos_cambiados(anterior, (version.asunto, version.texto, version.html))
    registrar_auditoria(
        sesion, actor, "editar", "plantilla_correo", ahora, fuente.nombre, campos=cambiados
    )
    sesion.flush()
    return version


def restaurar_archivo(sesion: Session, nombre: str, actor: Actor, ahora: datetime) -> bool:
    """Drop the administrator's version: the file's is used again. False if there was none."""
    version = version_de(sesion, nombre)
    if version is None:
        return False
    sesion.delete(version)
    registrar_auditoria(sesion, actor, "restaurar", "plantilla_correo", ahora, nombre)
    sesion.flush()
    return True


def _campos_cambiados(
    antes: tuple[str, str, str | None] | None, despues: tuple[str, str, str | None]
) -> list[str]:
    nombres = ("asunto", "texto", "html")
    if antes is None:
        return list(nombres)
    return [n for n, a, d in zip(nombres, antes, despues, strict=True) if a != d]
