"""Administrators' email templates: file sources, validated versions, the outbox using them in
a sandbox, and a broken version never losing an email."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.auditoria import RegistroAuditoria
from casos.correo import encolar_correo, renderizar
from casos.errores import DatosInvalidos, NoEncontrado
from casos.plantillas_correo import (
    FuentePlantilla,
    PlantillaCorreo,
    fuente_archivo,
    guardar_version,
    nombres_archivo,
    restaurar_archivo,
)
from tests.casos.fabricas import caso

ADMIN = Actor.personal("Adriana Admin", 1, "10.0.0.1")
CUERPO = '{% extends "correo/_base.txt" %}{% block cuerpo %}Folio: {{ caso.folio }}{% endblock %}'


def _contexto(nuevo: Any) -> dict[str, Any]:
    return {"caso": nuevo, "vence_respuesta_en": nuevo.vence_respuesta_en, "es_continuo": False}


def test_fuentes_de_archivo() -> None:
    assert "acuse_caso" in nombres_archivo() and "_base" not in nombres_archivo()
    fuente = fuente_archivo("acuse_caso")
    assert fuente.asunto.startswith("Folio {{ caso.folio }}")
    assert "block asunto" not in fuente.texto and "block cuerpo" in fuente.texto
    with pytest.raises(NoEncontrado):
        fuente_archivo("../config")


def test_version_invalida_se_rechaza(sesion: Session, ahora: datetime) -> None:
    mala = FuentePlantilla("acuse_caso", "", "{% for %}", None)
    with pytest.raises(DatosInvalidos) as error:
        guardar_version(sesion, mala, ADMIN, ahora)
    assert set(error.value.campos) == {"asunto", "texto"}


def test_encolar_usa_la_version_y_restaurar_vuelve_al_archivo(
    sesion: Session, ahora: datetime
) -> None:
    nuevo = caso(sesion, ahora)
    archivo = renderizar("acuse_caso", _contexto(nuevo))
    texto = (
        '{% extends "correo/_base.txt" %}{% block cuerpo %}Folio: {{ caso.folio }}{% endblock %}'
    )
    html = "<p>{{ caso.solicitante_nombre }} <b>{{ '<script>' }}</b></p>"
    guardar_version(
        sesion, FuentePlantilla("acuse_caso", "Acuse {{ caso.folio }}", texto, html), ADMIN, ahora
    )
    correo = encolar_correo(
        sesion, para="a@ejemplo.mx", plantilla="acuse_caso", contexto=_contexto(nuevo), ahora=ahora
    )
    assert correo.asunto == f"Acuse {nuevo.folio}"
    assert f"Folio: {nuevo.folio}" in correo.texto and "no recibe respuestas" in correo.texto
    assert "&lt;script&gt;" in correo.html  # the HTML version is autoescaped
    assert restaurar_archivo(sesion, "acuse_caso", ADMIN, ahora)
    otro = encolar_correo(
        sesion, para="b@ejemplo.mx", plantilla="acuse_caso", contexto=_contexto(nuevo), ahora=ahora
    )
    assert otro.asunto == archivo.asunto
    acciones = sesion.scalars(
        select(RegistroAuditoria.accion).where(RegistroAuditoria.objeto == "plantilla_correo")
    ).all()
    assert sorted(acciones) == ["editar", "restaurar"]


def test_version_rota_no_pierde_el_correo(
    sesion: Session,
    ahora: datetime,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Alembic's fileConfig (run by the web tests' migrations) disables existing loggers.
    monkeypatch.setattr(logging.getLogger("casos.correo"), "disabled", False)
    nuevo = caso(sesion, ahora)
    # Valid syntax, but it fails when rendered (unknown variable, and a sandbox escape).
    sesion.add(
        PlantillaCorreo(
            nombre="acuse_caso",
            asunto="{{ caso.__class__.__mro__ }}",
            texto="{{ no_existe.algo }}",
            html=None,
            actualizado_en=ahora,
            actualizado_por="x",
        )
    )
    sesion.flush()
    with caplog.at_level(logging.ERROR, logger="casos.correo"):
        correo = encolar_correo(
            sesion,
            para="a@ejemplo.mx",
            plantilla="acuse_caso",
            contexto=_contexto(nuevo),
            ahora=ahora,
        )
    assert correo.asunto == renderizar("acuse_caso", _contexto(nuevo)).asunto
    assert "falló" in caplog.text
