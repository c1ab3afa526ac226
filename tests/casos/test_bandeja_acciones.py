"""Time left per row, and the Bandeja's actions through casos.atencion.ejecutar."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.atencion import Comando, ejecutar
from casos.bandeja_acciones import (
    ErrorLote,
    Seleccion,
    asignar,
    leer_seleccion,
    tomar,
    turnar,
)
from casos.bandeja_plazos import plazos
from casos.ciclo import recalcular_sla
from casos.errores import ConflictoEdicion, DatosInvalidos, NoEncontrado
from casos.estados import Accion, EstadoCaso
from casos.personal import Personal, RolPersonal
from tests.casos import fabricas as f


@pytest.fixture
def agente(sesion: Session) -> Personal:
    return f.persona(sesion, "ana", RolPersonal.AGENTE, "atencion")


def _actor(persona: Personal) -> Actor:
    return Actor.personal(persona.nombre, persona.id, origen="127.0.0.1")


def test_tiempo_restante_en_horas_habiles(
    sesion: Session, ahora: datetime, agente: Personal
) -> None:
    # Filed Tuesday 09:00 local; first response due 8 business hours later (17:00).
    caso = f.caso(sesion, ahora - timedelta(hours=1))
    continuo = f.caso(
        sesion,
        ahora - timedelta(minutes=30),
        tipo="reporte_servicio",
        direccion="Calle 5 de Mayo 10",
    )
    viejo = f.caso(sesion, ahora - timedelta(days=8))
    recalcular_sla(sesion, viejo, ahora)
    espera = f.caso(sesion, ahora - timedelta(hours=2))
    ejecutar(
        sesion,
        espera,
        Comando(Accion.SOLICITAR_INFORMACION, "Envíe su recibo."),
        _actor(agente),
        ahora,
    )
    textos = plazos(sesion, [caso, continuo, viejo, espera], ahora)
    assert textos[caso.id].texto == "vence en 7 h hábiles"
    assert textos[caso.id].reloj == "Primera respuesta"
    assert textos[continuo.id].texto == "vence en 30 min"  # 24x7: no "hábiles"
    assert textos[viejo.id].texto.startswith("vencido hace ") and textos[viejo.id].es_vencido
    assert textos[viejo.id].texto.endswith(" hábiles")
    assert textos[espera.id].texto == "en pausa (espera del ciudadano)"


def test_tomar_asigna_a_quien_toma_con_evento(
    sesion: Session, ahora: datetime, agente: Personal
) -> None:
    caso = f.caso(sesion, ahora - timedelta(hours=1))
    tomar(sesion, agente, Seleccion(caso.id, caso.version), _actor(agente), ahora)
    assert caso.asignado_a_id == agente.id and caso.estado is EstadoCaso.ASIGNADO
    assert caso.eventos[-1].accion is Accion.ASIGNAR and caso.eventos[-1].actor_id == agente.id


def test_tomar_con_version_vieja_da_conflicto(
    sesion: Session, ahora: datetime, agente: Personal
) -> None:
    caso = f.caso(sesion, ahora - timedelta(hours=1))
    with pytest.raises(ConflictoEdicion):
        tomar(sesion, agente, Seleccion(caso.id, caso.version + 1), _actor(agente), ahora)


def test_no_se_toma_un_caso_de_otra_area(
    sesion: Session, ahora: datetime, agente: Personal
) -> None:
    ajeno = f.caso(sesion, ahora - timedelta(hours=1), tipo="sugerencia")
    with pytest.raises(NoEncontrado):
        tomar(sesion, agente, Seleccion(ajeno.id), _actor(agente), ahora)


def test_solo_supervision_asigna_a_otros(
    sesion: Session, ahora: datetime, agente: Personal
) -> None:
    caso = f.caso(sesion, ahora - timedelta(hours=1))
    jefa = f.persona(sesion, "jefa", RolPersonal.SUPERVISOR, "atencion")
    with pytest.raises(DatosInvalidos):
        asignar(sesion, agente, [Seleccion(caso.id)], jefa.id, _actor(agente), ahora)
    asignar(sesion, jefa, [Seleccion(caso.id)], agente.id, _actor(jefa), ahora)
    assert caso.asignado_a_id == agente.id


def test_turnar_lote_con_motivo(sesion: Session, ahora: datetime, agente: Personal) -> None:
    casos = [f.caso(sesion, ahora - timedelta(hours=h)) for h in (1, 2)]
    destino = f.area(sesion, "facturacion")
    with pytest.raises(DatosInvalidos) as sin_motivo:
        turnar(
            sesion, agente, [Seleccion(c.id) for c in casos], destino.id, " ", _actor(agente), ahora
        )
    assert "motivo" in sin_motivo.value.campos
    turnar(
        sesion,
        agente,
        [Seleccion(c.id) for c in casos],
        destino.id,
        "Es de consumo.",
        _actor(agente),
        ahora,
    )
    for caso in casos:
        assert caso.area_id == destino.id and caso.estado is EstadoCaso.NUEVO
        assert (
            caso.eventos[-1].accion is Accion.TURNAR and caso.eventos[-1].nota == "Es de consumo."
        )


def test_turnar_lote_es_todo_o_nada(sesion: Session, ahora: datetime, agente: Personal) -> None:
    bueno = f.caso(sesion, ahora - timedelta(hours=1))
    cerrado = f.caso(sesion, ahora - timedelta(hours=2))
    ejecutar(sesion, cerrado, Comando(Accion.CANCELAR, "Duplicado."), _actor(agente), ahora)
    ajeno = f.caso(sesion, ahora - timedelta(hours=1), tipo="sugerencia")
    sesion.commit()
    seleccion = [Seleccion(bueno.id), Seleccion(cerrado.id), Seleccion(ajeno.id)]
    destino = f.area(sesion, "facturacion").id
    with pytest.raises(ErrorLote) as error:
        turnar(sesion, agente, seleccion, destino, "Reasignación.", _actor(agente), ahora)
    folios = [folio for folio, _ in error.value.rechazos]
    assert cerrado.folio in folios and ajeno.folio not in folios  # never named: not visible
    assert len(folios) == 2 and bueno.folio not in folios
    sesion.rollback()  # what the view does
    sesion.refresh(bueno)
    assert bueno.area.clave == "atencion" and len(bueno.eventos) == 1


@pytest.mark.parametrize("valores", [[], ["x"], ["1:a"], [str(i) for i in range(1, 300)]])
def test_seleccion_invalida(valores: list[str]) -> None:
    with pytest.raises(DatosInvalidos) as error:
        leer_seleccion(valores)
    assert "casos" in error.value.campos


def test_seleccion_valida() -> None:
    assert leer_seleccion(["3:2", "3:2", "4"]) == [Seleccion(3, 2), Seleccion(4, None)]
