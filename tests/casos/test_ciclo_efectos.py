"""Per-type effects of the lifecycle: what reaching a state means beyond the case itself."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from casos import ciclo
from casos.actores import Actor
from casos.ciclo import EFECTOS_TIPO, aplicar_accion, registrar_efecto_tipo
from casos.errores import TransicionInvalida
from casos.estados import Accion, EstadoCaso
from casos.modelos import Caso
from config import RAIZ
from tests.casos import fabricas

PERSONAL = Actor.personal("Agente", 1, origen="127.0.0.1")
Llamada = tuple[int, EstadoCaso, str, datetime]


@pytest.fixture
def llamadas() -> Iterator[list[Llamada]]:
    """Record every call of a test effect on consulta_general → resuelto / cancelado."""
    vistas: list[Llamada] = []

    def efecto(_sesion: Session, caso: Caso, actor: Actor, ahora: datetime) -> None:
        vistas.append((caso.id, caso.estado, actor.nombre, ahora))

    claves = [("consulta_general", EstadoCaso.RESUELTO), ("consulta_general", EstadoCaso.CANCELADO)]
    for clave in claves:
        registrar_efecto_tipo(*clave, efecto)
        registrar_efecto_tipo(*clave, efecto)  # registering twice runs it once
    try:
        yield vistas
    finally:
        for clave in claves:
            EFECTOS_TIPO[clave].remove(efecto)


def test_el_efecto_corre_al_entrar_al_estado(
    sesion: Session, ahora: datetime, llamadas: list[Llamada]
) -> None:
    caso = fabricas.caso(sesion, ahora)
    aplicar_accion(sesion, caso, Accion.ATENDER, PERSONAL, ahora)
    aplicar_accion(sesion, caso, Accion.NOTA_INTERNA, PERSONAL, ahora, nota="Revisando")
    assert llamadas == []
    despues = ahora + timedelta(hours=1)
    aplicar_accion(sesion, caso, Accion.RESOLVER, PERSONAL, despues, nota="Listo")
    assert llamadas == [(caso.id, EstadoCaso.RESUELTO, "Agente", despues)]
    # Internal notes on a resolved case do not "enter" it again; closing is another state.
    aplicar_accion(sesion, caso, Accion.NOTA_INTERNA, PERSONAL, despues, nota="Nota")
    aplicar_accion(sesion, caso, Accion.CERRAR, PERSONAL, despues)
    assert len(llamadas) == 1


def test_otro_tipo_no_dispara_el_efecto(
    sesion: Session, ahora: datetime, llamadas: list[Llamada]
) -> None:
    caso = fabricas.caso(sesion, ahora, tipo="altos_consumos")
    aplicar_accion(sesion, caso, Accion.RESOLVER, PERSONAL, ahora, nota="Listo")
    aplicar_accion(sesion, fabricas.caso(sesion, ahora), Accion.CANCELAR, PERSONAL, ahora, nota="x")
    assert [estado for _, estado, _, _ in llamadas] == [EstadoCaso.CANCELADO]


def test_una_transicion_ilegal_no_dispara_nada(
    sesion: Session, ahora: datetime, llamadas: list[Llamada]
) -> None:
    caso = fabricas.caso(sesion, ahora)
    aplicar_accion(sesion, caso, Accion.CANCELAR, PERSONAL, ahora, nota="Duplicado")
    with pytest.raises(TransicionInvalida):
        aplicar_accion(sesion, caso, Accion.RESOLVER, PERSONAL, ahora, nota="Listo")
    assert len(llamadas) == 1


def test_los_modulos_con_efectos_se_cargan_solos(sesion: Session, ahora: datetime) -> None:
    """The Baja module registers its effects even if nobody imported it (no import cycle)."""
    assert "casos.cuentas.baja" in ciclo.MODULOS_CON_EFECTOS
    caso = fabricas.caso(sesion, ahora)
    aplicar_accion(sesion, caso, Accion.RESOLVER, PERSONAL, ahora, nota="Listo")
    assert EFECTOS_TIPO.get(("baja_cuenta", EstadoCaso.RESUELTO))
    assert EFECTOS_TIPO.get(("baja_cuenta", EstadoCaso.CANCELADO))


def test_ciclo_no_importa_cuentas() -> None:
    """The lifecycle imports no account module; the Baja module imports cleanly on its own."""
    codigo = (
        "import sys, casos.ciclo; assert 'casos.cuentas.baja' not in sys.modules; "
        "import casos.cuentas.baja"
    )
    subprocess.run([sys.executable, "-c", codigo], cwd=RAIZ, check=True, timeout=60)
