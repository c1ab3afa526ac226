"""The maintenance switch as data: off by default, who turned it on, the customer's message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.ajustes import MENSAJE_MANTENIMIENTO, cambiar_mantenimiento, mantenimiento


def test_apagado_si_nunca_se_activo(sesion: Session) -> None:
    assert mantenimiento(sesion).activo is False


def test_activar_y_desactivar(sesion: Session, ahora: datetime) -> None:
    actor = Actor.sistema("Prueba")
    estado = cambiar_mantenimiento(sesion, True, actor, ahora, "  Volvemos a las 14:00.  ")
    assert estado.activo and estado.mensaje == "Volvemos a las 14:00." and estado.desde == ahora
    assert cambiar_mantenimiento(sesion, False, actor, ahora).activo is False
    assert mantenimiento(sesion).activo is False


def test_sin_mensaje_usa_el_aviso_de_la_regla_5(sesion: Session, ahora: datetime) -> None:
    estado = cambiar_mantenimiento(sesion, True, Actor.sistema(), ahora, "   ")
    assert estado.mensaje == MENSAJE_MANTENIMIENTO
    assert "Compártenos tu lectura" in estado.mensaje and "Contacto" in estado.mensaje
