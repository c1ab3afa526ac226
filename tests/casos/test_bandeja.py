"""The Bandeja's queries: order, every filter, keyset pages, visibility, tampered cursors."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.atencion import Comando, ejecutar
from casos.bandeja import FiltrosBandeja, buscar, codificar_cursor, interpretar_busqueda, iterar
from casos.ciclo import aplicar_accion, recalcular_sla
from casos.errores import DatosInvalidos
from casos.estados import ABIERTOS, Accion, EstadoCaso
from casos.modelos import SIN_PLAZO, Caso, EstadoSLA
from casos.personal import Personal, RolPersonal
from tests.casos import fabricas as f


@pytest.fixture
def agente(sesion: Session) -> Personal:
    return f.persona(sesion, "ana", RolPersonal.AGENTE, "atencion", "facturacion")


def _actor(persona: Personal) -> Actor:
    return Actor.personal(persona.nombre, persona.id, origen="127.0.0.1")


def _todos(sesion: Session, persona: Personal, filtros: FiltrosBandeja, limite: int) -> list[int]:
    ids: list[int] = []
    cursor = None
    while True:
        pagina = buscar(sesion, persona, filtros, cursor, limite)
        ids.extend(c.id for c in pagina.casos)
        if pagina.siguiente is None:
            return ids
        cursor = pagina.siguiente


def _mezcla(sesion: Session, ahora: datetime) -> list[Caso]:
    """Cases in two visible areas and one hidden area, with ties on the due time."""
    casos = []
    for horas in (30, 5, 5, 5, 2, 50):
        casos.append(f.caso(sesion, ahora - timedelta(hours=horas)))
        casos.append(f.caso(sesion, ahora - timedelta(hours=horas), tipo="altos_consumos"))
    casos.append(f.caso(sesion, ahora - timedelta(hours=3), tipo="sugerencia"))
    return casos


def test_orden_por_lo_que_vence_primero_y_solo_mis_areas(
    sesion: Session, ahora: datetime, agente: Personal
) -> None:
    casos = _mezcla(sesion, ahora)
    pagina = buscar(sesion, agente, FiltrosBandeja())
    visibles = [c for c in casos if c.area.clave in ("atencion", "facturacion")]
    esperado = sorted(visibles, key=lambda c: (c.prioridad_en, c.id))
    assert [c.id for c in pagina.casos] == [c.id for c in esperado]
    assert pagina.es_primera and pagina.siguiente is None


def test_paginas_sin_duplicados_ni_saltos_con_empates(
    sesion: Session, ahora: datetime, agente: Personal
) -> None:
    casos = _mezcla(sesion, ahora)
    # Two more cases waiting on the citizen: they tie on SIN_PLAZO and go last.
    for caso in casos[:2]:
        ejecutar(
            sesion,
            caso,
            Comando(Accion.SOLICITAR_INFORMACION, "Falta su recibo."),
            _actor(agente),
            ahora,
        )
    assert casos[0].prioridad_en == SIN_PLAZO
    completos = _todos(sesion, agente, FiltrosBandeja(), 50)
    for limite in (1, 2, 3, 5):
        assert _todos(sesion, agente, FiltrosBandeja(), limite) == completos
    assert len(completos) == 12 and completos[-2:] == sorted(c.id for c in casos[:2])


def test_agente_nunca_ve_otra_area(sesion: Session, ahora: datetime, agente: Personal) -> None:
    ajeno = f.caso(sesion, ahora - timedelta(hours=1), tipo="sugerencia")
    for filtros in (
        FiltrosBandeja(),
        FiltrosBandeja(area_id=ajeno.area_id),
        FiltrosBandeja(q=ajeno.folio),
        FiltrosBandeja(q=ajeno.contrato),
        FiltrosBandeja(estado=frozenset({EstadoCaso.NUEVO}), sla_estado=ajeno.sla_estado),
    ):
        assert ajeno.id not in [c.id for c in buscar(sesion, agente, filtros).casos]
    admin = f.persona(sesion, "root", RolPersonal.ADMINISTRADOR)
    assert [c.id for c in buscar(sesion, admin, FiltrosBandeja(q=ajeno.folio)).casos] == [ajeno.id]


@pytest.mark.parametrize(
    "cursor",
    [
        "no-es-base64-!!",
        base64.urlsafe_b64encode(b"hola|mundo").decode(),
        base64.urlsafe_b64encode(b"2026-01-01T00:00:00|5").decode(),  # no zone
        base64.urlsafe_b64encode(b"2026-01-01T00:00:00+00:00|-3").decode(),
        "A" * 500,
    ],
)
def test_cursor_alterado_da_la_primera_pagina_con_aviso(
    sesion: Session, ahora: datetime, agente: Personal, cursor: str
) -> None:
    f.caso(sesion, ahora - timedelta(hours=1))
    pagina = buscar(sesion, agente, FiltrosBandeja(), cursor)
    assert pagina.es_primera and pagina.aviso and len(pagina.casos) == 1


def test_cursor_valido_sigue_donde_quedo(
    sesion: Session, ahora: datetime, agente: Personal
) -> None:
    casos = [f.caso(sesion, ahora - timedelta(hours=h)) for h in (3, 2, 1)]
    cursor = codificar_cursor((casos[0].prioridad_en, casos[0].id))
    pagina = buscar(sesion, agente, FiltrosBandeja(), cursor)
    assert [c.id for c in pagina.casos] == [casos[1].id, casos[2].id] and not pagina.es_primera


def test_filtros_tipo_area_estado_y_asignacion(
    sesion: Session, ahora: datetime, agente: Personal
) -> None:
    general = f.caso(sesion, ahora - timedelta(hours=2))
    consumo = f.caso(sesion, ahora - timedelta(hours=2), tipo="altos_consumos")
    ejecutar(
        sesion,
        consumo,
        Comando(Accion.ASIGNAR, datos={"personal_id": agente.id}),
        _actor(agente),
        ahora,
    )

    def ids(**filtros: object) -> list[int]:
        return [c.id for c in buscar(sesion, agente, FiltrosBandeja(**filtros)).casos]

    assert ids(tipo_id=general.tipo_id) == [general.id]
    assert ids(area_id=consumo.area_id) == [consumo.id]
    assert ids(estado=frozenset({EstadoCaso.ASIGNADO})) == [consumo.id]
    assert ids(asignacion="mios") == [consumo.id]
    assert ids(asignacion="sin_asignar") == [general.id]
    assert ids(asignacion="mios", area_id=general.area_id) == []


def test_filtro_sla_fechas_y_colonia(sesion: Session, ahora: datetime, agente: Personal) -> None:
    viejo = f.caso(sesion, ahora - timedelta(days=10), colonia="Centro Histórico")
    recalcular_sla(sesion, viejo, ahora)
    nuevo = f.caso(sesion, ahora - timedelta(hours=1), colonia="Jurica")

    def ids(**filtros: object) -> list[int]:
        return [c.id for c in buscar(sesion, agente, FiltrosBandeja(**filtros)).casos]

    assert viejo.sla_estado is EstadoSLA.VENCIDO
    assert ids(sla_estado=EstadoSLA.VENCIDO) == [viejo.id]
    assert ids(sla_estado=EstadoSLA.EN_TIEMPO) == [nuevo.id]
    hoy = ahora.date()
    assert ids(creado_desde=hoy) == [nuevo.id]
    assert ids(creado_hasta=hoy - timedelta(days=1)) == [viejo.id]
    assert ids(creado_desde=hoy, creado_hasta=hoy) == [nuevo.id]
    assert ids(colonia="centro") == [viejo.id]
    assert ids(colonia="100%") == []


def test_busqueda_por_folio_contrato_correo_y_nombre(
    sesion: Session, ahora: datetime, agente: Personal
) -> None:
    caso = f.caso(sesion, ahora - timedelta(hours=1), contrato="778899")
    otro = f.caso(sesion, ahora - timedelta(hours=1), contrato="111222")
    otro.solicitante_nombre, otro.solicitante_email = "Lucía Gómez", "lucia@ejemplo.mx"
    sesion.flush()

    def ids(q: str) -> list[int]:
        return [c.id for c in buscar(sesion, agente, FiltrosBandeja(q=q)).casos]

    assert ids(caso.folio.lower()) == [caso.id]
    assert ids("778899") == [caso.id]
    assert ids("LUCIA@Ejemplo.mx") == [otro.id]
    assert ids("luc") == [otro.id]
    assert ids("jorge p") == [caso.id]
    assert ids("Pérez") == []  # a prefix of the name, not any word in it
    assert ids("J_rge") == []  # LIKE wildcards are escaped
    assert interpretar_busqueda(" ov-2026-000123 ").valor == "OV-2026-000123"


def test_estados_finales_por_su_propio_indice(
    sesion: Session, ahora: datetime, agente: Personal
) -> None:
    caso = f.caso(sesion, ahora - timedelta(hours=5))
    abierto = f.caso(sesion, ahora - timedelta(hours=4))
    aplicar_accion(sesion, caso, Accion.RESOLVER, _actor(agente), ahora, nota="Listo.")
    resueltos = buscar(sesion, agente, FiltrosBandeja(estado=frozenset({EstadoCaso.RESUELTO})))
    assert [c.id for c in resueltos.casos] == [caso.id] and resueltos.orden == "vencimiento"
    assert [c.id for c in buscar(sesion, agente, FiltrosBandeja()).casos] == [abierto.id]


def test_paginas_de_estados_finales_sin_duplicados(
    sesion: Session, ahora: datetime, agente: Personal
) -> None:
    casos = [f.caso(sesion, ahora - timedelta(hours=h)) for h in (9, 9, 7, 6)]
    casos.append(f.caso(sesion, ahora - timedelta(hours=8), tipo="altos_consumos"))
    for caso in casos:
        ejecutar(sesion, caso, Comando(Accion.CANCELAR, "Duplicado."), _actor(agente), ahora)
    filtros = FiltrosBandeja(estado=frozenset({EstadoCaso.CANCELADO}))
    completos = _todos(sesion, agente, filtros, 50)
    assert sorted(completos) == sorted(c.id for c in casos)
    assert _todos(sesion, agente, filtros, 2) == completos


def test_filtros_invalidos_dan_mensaje_por_campo() -> None:
    with pytest.raises(DatosInvalidos) as mezcla:
        FiltrosBandeja(estado=frozenset({EstadoCaso.NUEVO, EstadoCaso.CERRADO}))
    assert "estado" in mezcla.value.campos
    with pytest.raises(DatosInvalidos) as fechas:
        FiltrosBandeja(
            creado_desde=datetime(2026, 5, 2).date(), creado_hasta=datetime(2026, 5, 1).date()
        )
    assert "creado_hasta" in fechas.value.campos
    with pytest.raises(DatosInvalidos) as nombre:
        FiltrosBandeja(q="Jorge", estado=frozenset({EstadoCaso.CERRADO}))
    assert "q" in nombre.value.campos
    assert FiltrosBandeja(estado=frozenset()).estado == ABIERTOS


def test_iterar_entrega_todo_por_lotes(sesion: Session, ahora: datetime, agente: Personal) -> None:
    casos = _mezcla(sesion, ahora)
    esperados = [c.id for c in buscar(sesion, agente, FiltrosBandeja(), limite=200).casos]
    folios = {c.id: c.folio for c in casos}
    vistos = [(c.id, c.folio) for c in iterar(sesion, agente, FiltrosBandeja(), lote=5)]
    assert [i for i, _ in vistos] == esperados
    assert all(folios[i] == folio for i, folio in vistos)
