"""Rate limits kept in the database (casos.limites): windows, locks, purge, concurrency."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos import limites
from casos.bd import iniciar_escritura
from casos.limites import ContadorLimite, Limite
from tests.conftest import preparar_esquema

TRES_POR_MINUTO = Limite("prueba:tres", 3, timedelta(minutes=1))
CON_BLOQUEO = Limite("prueba:bloqueo", 2, timedelta(minutes=1), timedelta(minutes=10))


def _sujeto() -> str:
    return uuid.uuid4().hex


def test_permite_hasta_el_maximo_y_bloquea_el_siguiente(sesion: Session, ahora: datetime) -> None:
    sujeto = _sujeto()
    estados = [limites.contar(sesion, TRES_POR_MINUTO, sujeto, ahora) for _ in range(4)]
    assert [e.permitido for e in estados] == [True, True, True, False]
    assert estados[-1].hasta == ahora + timedelta(minutes=1)  # no lock given: the window
    assert not limites.consultar(sesion, TRES_POR_MINUTO, sujeto, ahora).permitido


def test_la_ventana_nueva_empieza_de_cero(sesion: Session, ahora: datetime) -> None:
    sujeto = _sujeto()
    for _ in range(3):
        limites.contar(sesion, TRES_POR_MINUTO, sujeto, ahora)
    despues = ahora + timedelta(minutes=1)
    assert limites.contar(sesion, TRES_POR_MINUTO, sujeto, despues).permitido
    fila = sesion.get(ContadorLimite, TRES_POR_MINUTO.clave(sujeto))
    assert fila is not None and fila.conteo == 1 and fila.ventana_inicio_en == despues


def test_bloqueo_dura_su_tiempo_aunque_la_ventana_acabe(sesion: Session, ahora: datetime) -> None:
    sujeto = _sujeto()
    for _ in range(3):
        estado = limites.contar(sesion, CON_BLOQUEO, sujeto, ahora)
    assert not estado.permitido and estado.hasta == ahora + timedelta(minutes=10)
    assert estado.segundos_restantes(ahora) == 600
    assert estado.minutos_restantes(ahora + timedelta(minutes=9, seconds=1)) == 1
    # Past the window but inside the lock: still refused, and the attempt is not counted.
    a_los_5 = ahora + timedelta(minutes=5)
    assert not limites.contar(sesion, CON_BLOQUEO, sujeto, a_los_5).permitido
    assert not limites.consultar(sesion, CON_BLOQUEO, sujeto, a_los_5).permitido
    a_los_10 = ahora + timedelta(minutes=10)
    assert limites.consultar(sesion, CON_BLOQUEO, sujeto, a_los_10).permitido
    assert limites.contar(sesion, CON_BLOQUEO, sujeto, a_los_10).permitido


def test_claves_independientes_y_sin_distinguir_mayusculas(
    sesion: Session, ahora: datetime
) -> None:
    sujeto = _sujeto()
    for _ in range(3):
        limites.contar(sesion, TRES_POR_MINUTO, sujeto.upper(), ahora)
    assert not limites.contar(sesion, TRES_POR_MINUTO, f"  {sujeto} ", ahora).permitido
    assert limites.contar(sesion, TRES_POR_MINUTO, _sujeto(), ahora).permitido
    assert limites.contar(sesion, CON_BLOQUEO, sujeto, ahora).permitido


def test_reiniciar_olvida_la_cuenta(sesion: Session, ahora: datetime) -> None:
    sujeto = _sujeto()
    for _ in range(4):
        limites.contar(sesion, TRES_POR_MINUTO, sujeto, ahora)
    limites.reiniciar(sesion, TRES_POR_MINUTO, sujeto)
    assert limites.consultar(sesion, TRES_POR_MINUTO, sujeto, ahora).permitido
    assert limites.contar(sesion, TRES_POR_MINUTO, sujeto, ahora).permitido


def test_purgar_borra_solo_lo_viejo_y_sin_bloqueo(sesion: Session, ahora: datetime) -> None:
    viejo, bloqueado, reciente = _sujeto(), _sujeto(), _sujeto()
    hace_dos_dias = ahora - timedelta(days=2)
    limites.contar(sesion, TRES_POR_MINUTO, viejo, hace_dos_dias)
    largo = Limite("prueba:largo", 0, timedelta(minutes=1), timedelta(days=3))
    limites.contar(sesion, largo, bloqueado, hace_dos_dias)  # locked until tomorrow
    limites.contar(sesion, TRES_POR_MINUTO, reciente, ahora)
    limites.purgar(sesion, ahora)
    claves = set(sesion.scalars(select(ContadorLimite.clave)))
    assert TRES_POR_MINUTO.clave(viejo) not in claves
    assert largo.clave(bloqueado) in claves
    assert TRES_POR_MINUTO.clave(reciente) in claves


def test_primer_conteo_concurrente_no_pierde_eventos(
    nueva_bd: Callable[[str], str], ahora: datetime
) -> None:
    """Several workers count a brand-new key at once: no duplicate-key error, no lost count."""
    motor = preparar_esquema(nueva_bd("limites"))
    hilos, por_hilo = 4, 10
    limite = Limite("prueba:concurrente", 1000, timedelta(hours=1))
    barrera = threading.Barrier(hilos)
    errores: list[BaseException] = []

    def contar() -> None:
        try:
            barrera.wait(timeout=10)
            for _ in range(por_hilo):
                with Session(motor) as s, s.begin():
                    iniciar_escritura(s)
                    limites.contar(s, limite, "nueva", ahora)
        except BaseException as error:  # reported below, in the test's thread
            errores.append(error)

    try:
        trabajadores = [threading.Thread(target=contar) for _ in range(hilos)]
        for t in trabajadores:
            t.start()
        for t in trabajadores:
            t.join(timeout=60)
        assert errores == []
        with Session(motor) as s:
            fila = s.get(ContadorLimite, limite.clave("nueva"))
            assert fila is not None and fila.conteo == hilos * por_hilo
    finally:
        motor.dispose()
