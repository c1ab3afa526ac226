"""casos.atencion.ejecutar: each workspace action changes the state, records the event with its
actor and origin, and queues the customer's email once; the clocks pause while the case waits
on the customer and resume when they answer."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.atencion import NOTIFICAR, Comando, ejecutar
from casos.atencion_catalogos import CodigoResolucion, codigos_activos, respuestas_para
from casos.atencion_preparar import rellenar_plantilla
from casos.catalogo import Calendarios
from casos.correo import CorreoSalida
from casos.errores import ConflictoEdicion, DatosInvalidos
from casos.estados import Accion, EstadoCaso
from casos.modelos import Caso
from casos.respuestas import responder_caso
from tests.casos import fabricas

A = Accion


def _correos(sesion: Session, caso: Caso, plantilla: str) -> list[CorreoSalida]:
    sesion.flush()
    consulta = select(CorreoSalida).where(
        CorreoSalida.caso_id == caso.id, CorreoSalida.plantilla == plantilla
    )
    return list(sesion.scalars(consulta))


def _hacer(
    sesion: Session,
    caso: Caso,
    yo: Actor,
    en: datetime,
    accion: Accion,
    nota: str = "",
    **datos: object,
) -> None:
    ejecutar(sesion, caso, Comando(accion, nota, caso.version, dict(datos)), yo, en)


def test_atender_registra_actor_y_origen(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    evento = ejecutar(sesion, caso, Comando(A.ATENDER, version=caso.version), yo, ahora)
    assert caso.estado is EstadoCaso.EN_PROCESO
    assert (evento.actor_tipo, evento.actor_nombre, evento.actor_origen) == (
        "personal",
        yo.nombre,
        "127.0.0.1",
    )


def test_tomar_asigna_al_agente(sesion: Session, ahora: datetime) -> None:
    persona, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    _hacer(sesion, caso, yo, ahora, A.ASIGNAR, personal_id=persona.id)
    assert caso.estado is EstadoCaso.ASIGNADO and caso.asignado_a_id == persona.id


def test_respuesta_publica_encola_correo_una_vez(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    _hacer(sesion, caso, yo, ahora, A.RESPONDER, "Revisamos su recibo.\nTodo correcto.")
    [correo] = _correos(sesion, caso, "respuesta_caso")
    assert correo.para == "jorge@ejemplo.mx" and caso.folio in correo.asunto
    assert "Revisamos su recibo." in correo.texto and "no recibe respuestas" in correo.html
    assert caso.primera_respuesta_en == ahora
    NOTIFICAR[A.RESPONDER](sesion, caso, caso.eventos[-1], ahora)  # a retry
    assert len(_correos(sesion, caso, "respuesta_caso")) == 1


def test_respuesta_con_html_se_escapa_en_el_correo(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    _hacer(sesion, caso, yo, ahora, A.RESPONDER, "<script>alert(1)</script>")
    [correo] = _correos(sesion, caso, "respuesta_caso")
    assert "<script>" not in correo.html and "&lt;script&gt;" in correo.html


def test_sin_correo_del_solicitante_no_se_encola(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    caso.solicitante_email = None
    _hacer(sesion, caso, yo, ahora, A.RESPONDER, "Hola.")
    assert _correos(sesion, caso, "respuesta_caso") == []


def test_pedir_informacion_pausa_y_la_respuesta_reanuda(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    persona, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    _hacer(sesion, caso, yo, ahora, A.ASIGNAR, personal_id=persona.id)
    _hacer(sesion, caso, yo, ahora, A.ATENDER)
    antes = caso.vence_resolucion_en
    assert antes is not None
    pausa = ahora + timedelta(hours=1)
    _hacer(sesion, caso, yo, pausa, A.SOLICITAR_INFORMACION, "Envíe foto del medidor.")
    assert caso.estado is EstadoCaso.EN_ESPERA
    assert all(r["pausado"] for r in caso.sla_explicacion["relojes"] if not r["detenido_en"])
    [pedido] = _correos(sesion, caso, "solicitud_informacion")
    assert caso.folio in pedido.asunto and "Envíe foto del medidor." in pedido.texto
    assert "/seguimiento/?folio=" in pedido.texto  # no account: the follow-up by folio

    regreso = ahora + timedelta(days=1, hours=3)  # Wednesday 13:00
    ciudadano = Actor.ciudadano("Jorge Pérez")
    responder_caso(sesion, caso, "Aquí está la foto.", [], tmp_path, ciudadano, regreso)
    assert caso.estado is EstadoCaso.EN_PROCESO
    calendario = Calendarios(sesion).para(caso.tipo, caso.area_id)
    pausado = calendario.horas_entre(pausa, regreso)
    assert pausado == timedelta(hours=11)
    assert caso.vence_resolucion_en == calendario.sumar_horas(antes, pausado)
    [aviso] = _correos(sesion, caso, "respuesta_recibida_agente")
    assert aviso.para == persona.email and caso.folio in aviso.asunto
    assert "Aquí está la foto." in aviso.texto


def test_respuesta_sin_asignado_no_avisa_a_nadie(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    _hacer(sesion, caso, yo, ahora, A.SOLICITAR_INFORMACION, "¿Su número de contrato?")
    responder_caso(sesion, caso, "100234", [], tmp_path, Actor.ciudadano("J"), ahora)
    assert _correos(sesion, caso, "respuesta_recibida_agente") == []


def test_resolver_exige_codigo_y_lo_guarda(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    with pytest.raises(DatosInvalidos) as error:
        _hacer(sesion, caso, yo, ahora, A.RESOLVER, "")
    assert set(error.value.campos) == {"codigo_resolucion_id", "nota"}
    assert caso.estado is EstadoCaso.NUEVO
    codigo = codigos_activos(sesion)[0]
    _hacer(sesion, caso, yo, ahora, A.RESOLVER, "Se ajustó.", codigo_resolucion_id=codigo.id)
    evento = caso.eventos[-1]
    assert caso.estado is EstadoCaso.RESUELTO
    assert evento.datos["codigo_resolucion_clave"] == codigo.clave
    assert evento.datos["codigo_resolucion"] == codigo.nombre
    [correo] = _correos(sesion, caso, "caso_resuelto")
    assert caso.folio in correo.asunto and codigo.nombre in correo.texto


def test_codigo_inactivo_no_sirve(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    codigo = sesion.scalars(select(CodigoResolucion)).first()
    assert codigo is not None
    codigo.es_activo = False
    with pytest.raises(DatosInvalidos) as error:
        _hacer(sesion, caso, yo, ahora, A.RESOLVER, "Listo.", codigo_resolucion_id=codigo.id)
    assert "codigo_resolucion_id" in error.value.campos


def test_cerrar_reabrir_y_cancelar(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    codigo = codigos_activos(sesion)[0]
    _hacer(sesion, caso, yo, ahora, A.RESOLVER, "Listo.", codigo_resolucion_id=codigo.id)
    _hacer(sesion, caso, yo, ahora, A.CERRAR)
    assert caso.estado is EstadoCaso.CERRADO and caso.cerrado_en == ahora
    _hacer(sesion, caso, yo, ahora, A.REABRIR, "El ciudadano no está de acuerdo.")
    assert caso.estado is EstadoCaso.EN_PROCESO and caso.cerrado_en is None
    _hacer(sesion, caso, yo, ahora, A.CANCELAR, "Duplicado de otro folio.")
    assert caso.estado is EstadoCaso.CANCELADO


def test_nota_interna_no_es_publica_ni_envia(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    _hacer(sesion, caso, yo, ahora, A.NOTA_INTERNA, "Llamé y no contestó.")
    assert caso.eventos[-1].es_publico is False
    sesion.flush()
    assert sesion.scalar(select(func.count()).where(CorreoSalida.caso_id == caso.id)) == 1  # acuse


def test_version_vieja_es_conflicto(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    sesion.flush()
    vista = caso.version  # both agents loaded the page at this version
    ejecutar(sesion, caso, Comando(A.NOTA_INTERNA, "Primero.", vista), yo, ahora)
    with pytest.raises(ConflictoEdicion):
        ejecutar(sesion, caso, Comando(A.NOTA_INTERNA, "Segundo.", vista), yo, ahora)
    assert [e.nota for e in caso.eventos][-1] == "Primero."


def test_rellenar_plantilla(sesion: Session, ahora: datetime) -> None:
    caso = fabricas.caso(sesion, ahora)
    texto = rellenar_plantilla(
        "{nombre}, su folio {folio} ({contrato}). {agente} {otro}", caso, "Ana"
    )
    assert texto == f"Jorge Pérez, su folio {caso.folio} (100234). Ana {{otro}}"


def test_respuestas_predefinidas_por_tipo(sesion: Session, ahora: datetime) -> None:
    caso = fabricas.caso(sesion, ahora, tipo="altos_consumos")
    respuestas = respuestas_para(sesion, caso.tipo_id)
    assert respuestas[0].tipo_id == caso.tipo_id and respuestas[-1].tipo_id is None
    assert "{nombre}" in respuestas[0].texto
