"""The SLA sweep: only what is due, recorded once, supervisors warned once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from casos.barrido import barrer_sla, casos_por_revisar
from casos.ciclo import aplicar_accion
from casos.correo import CorreoSalida
from casos.estados import Accion
from casos.modelos import EstadoSLA, EventoCaso
from casos.personal import RolPersonal
from tests.casos import fabricas


def _avisos(sesion: Session, caso_id: int) -> list[str]:
    consulta = select(CorreoSalida.asunto).where(
        CorreoSalida.caso_id == caso_id, CorreoSalida.plantilla == "aviso_sla"
    )
    return list(sesion.scalars(consulta))


def _eventos(sesion: Session, caso_id: int, accion: Accion) -> int:
    consulta = select(func.count()).where(
        EventoCaso.caso_id == caso_id, EventoCaso.accion == accion
    )
    return sesion.scalar(consulta) or 0


def test_riesgo_y_vencido_una_sola_vez(sesion: Session, ahora: datetime) -> None:
    fabricas.persona(sesion, "sup", RolPersonal.SUPERVISOR, "atencion", nombre="Supervisora")
    fabricas.persona(sesion, "otra", RolPersonal.SUPERVISOR, "facturacion")
    caso = fabricas.caso(sesion, ahora)  # Tuesday 10:00; response due Wednesday 09:00
    assert caso.sla_proximo_en == ahora + timedelta(hours=6)  # 75 % of 8 h

    riesgo = ahora + timedelta(hours=6, minutes=1)
    resumen = barrer_sla(sesion, riesgo)
    assert (resumen.revisados, resumen.en_riesgo, resumen.vencidos) == (1, 1, 0)
    assert caso.sla_estado is EstadoSLA.EN_RIESGO
    assert _eventos(sesion, caso.id, Accion.ALERTAR_RIESGO) == 1
    assert _avisos(sesion, caso.id) == [f"Plazo en riesgo: folio {caso.folio} (Primera respuesta)"]

    assert barrer_sla(sesion, riesgo).revisados == 0  # nothing due: the next threshold is later
    vencido = datetime.fromisoformat("2026-11-25T15:00:00+00:00")
    resumen = barrer_sla(sesion, vencido)
    assert resumen.vencidos == 1 and caso.sla_estado is EstadoSLA.VENCIDO
    barrer_sla(sesion, vencido)
    barrer_sla(sesion, vencido + timedelta(minutes=1))
    assert _eventos(sesion, caso.id, Accion.MARCAR_VENCIDO) == 1
    assert len(_avisos(sesion, caso.id)) == 2  # only the area's supervisor, once per threshold


def test_un_caso_en_espera_no_se_marca(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    aplicar_accion(sesion, caso, Accion.SOLICITAR_INFORMACION, yo, ahora, nota="¿Foto?")
    assert caso.sla_proximo_en is None
    assert caso.id not in casos_por_revisar(sesion, ahora + timedelta(days=30), 100)


def test_respuesta_a_tiempo_deja_solo_el_reloj_de_resolucion(
    sesion: Session, ahora: datetime
) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    aplicar_accion(sesion, caso, Accion.RESPONDER, yo, ahora + timedelta(hours=1), nota="Hola.")
    assert caso.sla_proximo_en is not None
    assert caso.vence_resolucion_en is not None
    assert caso.sla_proximo_en > caso.vence_respuesta_en  # type: ignore[operator]
    resumen = barrer_sla(sesion, ahora + timedelta(days=1))
    assert resumen.revisados == 0


def test_el_barrido_usa_el_indice_de_vencimientos(sesion: Session, ahora: datetime) -> None:
    if sesion.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL's planner may seq-scan a tiny table; the benchmark measures it there
    plan = sesion.execute(
        text(
            "EXPLAIN QUERY PLAN SELECT id FROM casos WHERE sla_proximo_en <= :a "
            "ORDER BY sla_proximo_en LIMIT 10"
        ),
        {"a": ahora},
    ).all()
    assert any("ix_casos_sla_proximo_en" in str(fila) for fila in plan), plan


def test_vencimiento_pasado_antes_de_otra_accion_se_registra(
    sesion: Session, ahora: datetime
) -> None:
    persona, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    dia_siguiente = ahora + timedelta(days=1)  # the response was due at 09:00; it is 10:00
    aplicar_accion(
        sesion, caso, Accion.ASIGNAR, yo, dia_siguiente, datos={"personal_id": persona.id}
    )
    assert caso.sla_proximo_en is not None and caso.sla_proximo_en <= dia_siguiente
    resumen = barrer_sla(sesion, dia_siguiente)
    assert resumen.vencidos == 1
    assert _eventos(sesion, caso.id, Accion.MARCAR_VENCIDO) == 1
