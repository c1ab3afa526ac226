"""The mass case generator of the back-office bench, at 2,000 cases on the test database.

Beyond the CHECK constraints (the database enforces them on insert), the stored SLA columns
must be exactly what the real `recalcular_sla` computes from the stored events, for open cases
(generated through `calcular_sla`) and closed ones (generated on the hourly grid).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bench.casos_masivos import generar
from bench.casos_masivos_datos import Parametros
from casos.catalogo import TipoCaso
from casos.ciclo import recalcular_sla
from casos.estados import ABIERTOS, REGLAS, EstadoCaso, destino
from casos.folios import ContadorFolio, siguiente_folio
from casos.modelos import SIN_PLAZO, Caso
from casos.personal import Personal
from casos.ruteo import resolver_area

CASOS = 2_000
COLUMNAS_SLA = (
    "vence_respuesta_en",
    "vence_resolucion_en",
    "vence_turno_en",
    "sla_estado",
    "sla_proximo_en",
    "prioridad_en",
)


@pytest.fixture
def generados(sesion: Session, ahora: datetime) -> list[Caso]:
    """2,000 generated cases (10 % open) with their events loaded."""
    parametros = Parametros(CASOS, 0.10, semilla=7, ahora=ahora, lote=500)
    resumen = generar(sesion, parametros)
    assert resumen.casos == CASOS
    consulta = select(Caso).options(selectinload(Caso.eventos)).order_by(Caso.id)
    return list(sesion.scalars(consulta))


def test_estados_fechas_y_parte_abierta(generados: list[Caso]) -> None:
    estados = Counter(c.estado for c in generados)
    abiertos = sum(n for e, n in estados.items() if e in ABIERTOS)
    assert abs(abiertos / CASOS - 0.10) < 0.03
    assert {EstadoCaso.CERRADO, EstadoCaso.NUEVO, EstadoCaso.EN_ESPERA} <= set(estados)
    for caso in generados:
        assert (caso.estado is EstadoCaso.CERRADO) == (caso.cerrado_en is not None)
        resuelto = caso.estado in (EstadoCaso.RESUELTO, EstadoCaso.CERRADO)
        assert resuelto == (caso.resuelto_en is not None)
        assert (caso.estado is EstadoCaso.CANCELADO) == (caso.cancelado_en is not None)
        assert caso.estado is not EstadoCaso.ASIGNADO or caso.asignado_a_id is not None


def test_folios_unicos_y_contador_adelante(
    sesion: Session, generados: list[Caso], ahora: datetime
) -> None:
    folios = [c.folio for c in generados]
    assert len(set(folios)) == CASOS
    ultimos: dict[int, int] = {}
    for caso in generados:
        coincide = re.fullmatch(r"OV-(\d{4})-(\d{6})", caso.folio)
        assert coincide, caso.folio
        anio, numero = int(coincide.group(1)), int(coincide.group(2))
        ultimos[anio] = max(ultimos.get(anio, 0), numero)
    for anio, ultimo in ultimos.items():
        contador = sesion.get(ContadorFolio, ("OV", anio))
        assert contador is not None and contador.ultimo >= ultimo
    assert siguiente_folio(sesion, ahora) not in set(folios)


def test_eventos_coherentes_con_el_estado(generados: list[Caso], ahora: datetime) -> None:
    cuantos = Counter(len(c.eventos) for c in generados)
    assert min(cuantos) >= 1 and sum(n * k for k, n in cuantos.items()) / CASOS >= 2
    for caso in generados:
        estado = None
        for evento in caso.eventos:
            assert caso.creado_en <= evento.en <= ahora
            assert evento.estado_desde == estado
            if evento.estado_hacia is not None:
                esperado = (
                    REGLAS[evento.accion].hacia
                    if estado is None
                    else destino(evento.accion, estado)
                )
                assert evento.estado_hacia == esperado, (caso.folio, evento.accion)
                estado = evento.estado_hacia
        assert estado == caso.estado, caso.folio
        respuestas = [e.en for e in caso.eventos if REGLAS[e.accion].es_respuesta]
        assert caso.primera_respuesta_en == min(respuestas, default=None)


def test_prioridad_de_la_bandeja(generados: list[Caso]) -> None:
    for caso in generados:
        if caso.estado not in ABIERTOS:
            assert caso.prioridad_en is None
        elif caso.estado is EstadoCaso.EN_ESPERA:
            assert caso.prioridad_en == SIN_PLAZO
        else:
            assert caso.prioridad_en is not None and caso.prioridad_en < SIN_PLAZO


def test_columnas_sla_iguales_a_recalcularlas(
    sesion: Session, generados: list[Caso], ahora: datetime
) -> None:
    abiertos = [c for c in generados if c.estado in ABIERTOS]
    muestra = abiertos + generados[:: max(1, len(generados) // 400)]
    with sesion.no_autoflush:
        for caso in muestra:
            antes = {c: getattr(caso, c) for c in COLUMNAS_SLA}
            recalcular_sla(sesion, caso, ahora)
            despues = {c: getattr(caso, c) for c in COLUMNAS_SLA}
            sesion.expire(caso)
            assert antes == despues, caso.folio


def test_area_segun_el_ruteo(sesion: Session, generados: list[Caso]) -> None:
    tipos = {t.id: t for t in sesion.scalars(select(TipoCaso))}
    rutas: dict[tuple[int, str | None, str | None], int] = {}
    for caso in generados:
        clave = (caso.tipo_id, caso.colonia, caso.uso_contrato)
        if clave not in rutas:
            area, _ = resolver_area(sesion, tipos[caso.tipo_id], colonia=clave[1], uso=clave[2])
            rutas[clave] = area.id
        assert caso.area_id == rutas[clave]
    assert {c.tipo_id for c in generados} == set(tipos)


def test_personal_del_banco_y_reanudacion(sesion: Session, ahora: datetime) -> None:
    parametros = Parametros(600, 0.10, semilla=3, ahora=ahora, lote=250)
    assert generar(sesion, parametros).casos == 600
    agentes = sesion.scalar(
        select(func.count()).where(Personal.usuario.startswith("bench_agente_", autoescape=True))
    )
    assert agentes is not None and 40 <= agentes <= 60
    # The same options again: nothing left to do (an interrupted run resumes the same way).
    assert generar(sesion, parametros).casos == 0
    with pytest.raises(SystemExit):
        generar(sesion, Parametros(700, 0.10, semilla=3, ahora=ahora, lote=250))
