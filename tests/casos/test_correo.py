"""The outbox: templates rendered into a pending row, idempotent keys, the MIME message."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, cast

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.correo import CorreoSalida, EstadoCorreo, encolar_correo, renderizar
from casos.envio import LOGO, construir_mensaje
from casos.modelos import Caso
from casos.registro import DatosCaso, registrar_caso
from casos.sla import ZONA_CEA

REMITENTE = "Oficina Virtual CEA <no-responder@cea.localhost>"


def _caso(sesion: Session, ahora: datetime, email_ciudadano: str | None = None) -> Caso:
    datos = DatosCaso(
        tipo="consulta_general",
        descripcion="¿Cómo cambio el titular del contrato?",
        solicitante_nombre="Rosa Martínez",
        solicitante_email=email_ciudadano,
        solicitante_telefono="442 123 45 67",
    )
    return registrar_caso(sesion, datos, Actor.ciudadano("Rosa Martínez"), ahora)


def _contexto_acuse(caso: Caso) -> dict[str, Any]:
    return {"caso": caso, "vence_respuesta_en": caso.vence_respuesta_en, "es_continuo": False}


def _contar_clave(sesion: Session, clave: str) -> int:
    consulta = select(func.count()).select_from(CorreoSalida).where(CorreoSalida.clave == clave)
    return sesion.scalar(consulta) or 0


def test_encolar_escribe_fila_pendiente_con_la_plantilla(sesion: Session, ahora: datetime) -> None:
    caso = _caso(sesion, ahora)
    esperado = renderizar("acuse_caso", _contexto_acuse(caso))

    correo = encolar_correo(
        sesion,
        para="rosa@ejemplo.mx",
        plantilla="acuse_caso",
        contexto=_contexto_acuse(caso),
        ahora=ahora.astimezone(ZONA_CEA),
        clave=f"prueba-acuse:{caso.folio}",
        caso_id=caso.id,
    )
    sesion.flush()  # the service leaves the flush to the caller's unit of work

    guardado = sesion.get(CorreoSalida, correo.id)
    assert guardado is not None
    assert guardado.estado is EstadoCorreo.PENDIENTE and guardado.intentos == 0
    assert guardado.enviado_en is None and guardado.ultimo_error is None
    assert guardado.creado_en == ahora and guardado.proximo_intento_en == ahora
    assert guardado.plantilla == "acuse_caso" and guardado.caso_id == caso.id
    assert guardado.asunto == f"Folio {caso.folio}: recibimos su solicitud (Consulta general)"
    assert (guardado.asunto, guardado.texto, guardado.html) == (
        esperado.asunto,
        esperado.texto,
        esperado.html,
    )
    assert caso.folio in guardado.texto and "Estimado(a) Rosa Martínez:" in guardado.texto
    assert caso.folio in guardado.html and 'src="cid:logo-cea"' in guardado.html


def test_registrar_con_correo_encola_el_acuse(sesion: Session, ahora: datetime) -> None:
    caso = _caso(sesion, ahora, email_ciudadano="rosa@ejemplo.mx")
    [acuse] = sesion.scalars(select(CorreoSalida).where(CorreoSalida.caso_id == caso.id))
    assert acuse.plantilla == "acuse_caso" and acuse.clave == f"acuse:{caso.folio}"
    assert acuse.estado is EstadoCorreo.PENDIENTE and acuse.para == "rosa@ejemplo.mx"


def test_clave_repetida_devuelve_la_misma_fila(sesion: Session, ahora: datetime) -> None:
    caso = _caso(sesion, ahora)
    clave = f"prueba-repetida:{caso.folio}"
    primero = encolar_correo(
        sesion,
        para="rosa@ejemplo.mx",
        plantilla="acuse_caso",
        contexto=_contexto_acuse(caso),
        ahora=ahora,
        clave=clave,
    )
    segundo = encolar_correo(
        sesion,
        para="otra@ejemplo.mx",
        plantilla="acuse_caso",
        contexto=_contexto_acuse(caso),
        ahora=ahora + timedelta(minutes=5),
        clave=clave,
    )
    assert segundo.id == primero.id
    assert segundo.para == "rosa@ejemplo.mx" and segundo.creado_en == ahora
    assert _contar_clave(sesion, clave) == 1


def test_clave_larga_se_resume_y_sigue_siendo_idempotente(sesion: Session, ahora: datetime) -> None:
    caso = _caso(sesion, ahora)
    clave = f"prueba-larga:{caso.folio}:" + "x" * 100
    argumentos: dict[str, Any] = {
        "para": "rosa@ejemplo.mx",
        "plantilla": "acuse_caso",
        "contexto": _contexto_acuse(caso),
        "ahora": ahora,
        "clave": clave,
    }
    primero = encolar_correo(sesion, **argumentos)
    segundo = encolar_correo(sesion, **argumentos)
    assert primero.clave is not None and len(primero.clave) == 64 and primero.clave != clave
    assert segundo.id == primero.id and _contar_clave(sesion, primero.clave) == 1


def test_fecha_sin_zona_se_rechaza_sin_escribir(sesion: Session, ahora: datetime) -> None:
    caso = _caso(sesion, ahora)
    antes = sesion.scalar(select(func.count()).select_from(CorreoSalida))
    with pytest.raises(ValueError, match="no tiene zona horaria"):
        encolar_correo(
            sesion,
            para="rosa@ejemplo.mx",
            plantilla="acuse_caso",
            contexto=_contexto_acuse(caso),
            ahora=ahora.replace(tzinfo=None),
            clave=f"prueba-ingenua:{caso.folio}",
        )
    assert sesion.scalar(select(func.count()).select_from(CorreoSalida)) == antes


def _partes(mensaje: EmailMessage) -> dict[str, EmailMessage]:
    return {
        parte.get_content_type(): cast(EmailMessage, parte)
        for parte in mensaje.walk()
        if not parte.is_multipart()
    }


def test_construir_mensaje_multiparte_con_logo(sesion: Session, ahora: datetime) -> None:
    caso = _caso(sesion, ahora, email_ciudadano="rosa@ejemplo.mx")
    correo = sesion.scalar(select(CorreoSalida).where(CorreoSalida.caso_id == caso.id))
    assert correo is not None

    mensaje = construir_mensaje(correo, REMITENTE)
    # What the SMTP server receives: serialised and parsed back.
    recibido = cast(
        EmailMessage, email.message_from_bytes(mensaje.as_bytes(), policy=email.policy.default)
    )

    assert recibido.is_multipart() and recibido.get_content_type() == "multipart/alternative"
    assert recibido["From"] == REMITENTE and recibido["To"] == "rosa@ejemplo.mx"
    assert recibido["Subject"] == correo.asunto
    assert recibido["Auto-Submitted"] == "auto-generated"
    id_mensaje = recibido["Message-ID"]
    assert id_mensaje.startswith(f"<ov-{correo.id}.") and id_mensaje.endswith("@cea.localhost>")
    assert not recibido["Message-ID"].defects
    # The same row always gets the same Message-ID (a resend is recognisable).
    assert construir_mensaje(correo, REMITENTE)["Message-ID"] == id_mensaje

    partes = _partes(recibido)
    assert set(partes) == {"text/plain", "text/html", "image/png"}
    assert partes["text/plain"].get_content() == correo.texto
    assert caso.folio in partes["text/html"].get_content()
    logo = partes["image/png"]
    assert logo["Content-ID"] == "<logo-cea>"
    assert logo.get_content() == LOGO.read_bytes()
    relacionada = next(p for p in recibido.walk() if p.get_content_type() == "multipart/related")
    assert [p.get_content_type() for p in relacionada.iter_parts()] == ["text/html", "image/png"]


def test_ids_de_mensaje_distintos_por_fila(sesion: Session, ahora: datetime) -> None:
    caso = _caso(sesion, ahora)
    ids = set()
    for numero in range(3):
        correo = encolar_correo(
            sesion,
            para="rosa@ejemplo.mx",
            plantilla="acuse_caso",
            contexto=_contexto_acuse(caso),
            ahora=ahora,
            clave=f"prueba-id:{caso.folio}:{numero}",
        )
        ids.add(construir_mensaje(correo, REMITENTE)["Message-ID"])
    assert len(ids) == 3
