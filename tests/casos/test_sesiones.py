"""Server-side web sessions (casos.sesiones): only a hash stored, expiry, closing, purge."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.cuentas.modelos import Cuenta
from casos.personal import RolPersonal
from casos.sesiones import (
    DURACION_SESION,
    SesionWeb,
    abrir_sesion,
    cerrar_sesion,
    cerrar_sesiones_de,
    huella_clave,
    purgar_sesiones,
    sesion_vigente,
)
from tests.casos import fabricas as ff
from tests.casos.cuentas import fabricas as f


@pytest.fixture
def cuenta(sesion: Session, ahora: datetime) -> Cuenta:
    return f.registrar(sesion, f.contrato(sesion), ahora)


def _abrir(sesion: Session, cuenta: Cuenta, ahora: datetime) -> tuple[SesionWeb, str]:
    return abrir_sesion(
        sesion, cuenta_id=cuenta.id, origen="10.0.0.9", agente="Navegador", ahora=ahora
    )


def test_guarda_solo_la_huella_de_la_clave(
    sesion: Session, cuenta: Cuenta, ahora: datetime
) -> None:
    fila, clave = _abrir(sesion, cuenta, ahora)
    assert len(clave) >= 40
    assert fila.huella == huella_clave(clave) != clave
    assert clave not in {fila.huella, fila.origen, fila.agente}
    assert fila.expira_en == ahora + DURACION_SESION
    otra, otra_clave = _abrir(sesion, cuenta, ahora)
    assert otra_clave != clave and otra.id != fila.id


def test_vigente_hasta_su_expiracion_absoluta(
    sesion: Session, cuenta: Cuenta, ahora: datetime
) -> None:
    fila, clave = _abrir(sesion, cuenta, ahora)
    assert sesion_vigente(sesion, clave, ahora + timedelta(hours=11, minutes=59)) is fila
    assert sesion_vigente(sesion, clave, ahora + DURACION_SESION) is None
    assert sesion_vigente(sesion, "otra-clave", ahora) is None
    assert sesion_vigente(sesion, "", ahora) is None
    assert sesion_vigente(sesion, "x" * 5000, ahora) is None


def test_cerrar_termina_solo_esa_sesion(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    _, clave = _abrir(sesion, cuenta, ahora)
    _, otra = _abrir(sesion, cuenta, ahora)
    assert cerrar_sesion(sesion, clave, ahora) is True
    assert cerrar_sesion(sesion, clave, ahora) is False  # already closed
    assert sesion_vigente(sesion, clave, ahora) is None
    assert sesion_vigente(sesion, otra, ahora) is not None


def test_cerrar_sesiones_de_una_cuenta(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    claves = [_abrir(sesion, cuenta, ahora)[1] for _ in range(3)]
    ajena = f.registrar(sesion, f.contrato(sesion), ahora)
    _, de_ajena = _abrir(sesion, ajena, ahora)
    assert cerrar_sesiones_de(sesion, cuenta_id=cuenta.id, ahora=ahora) == 3
    assert all(sesion_vigente(sesion, c, ahora) is None for c in claves)
    assert sesion_vigente(sesion, de_ajena, ahora) is not None
    assert cerrar_sesiones_de(sesion, cuenta_id=cuenta.id, ahora=ahora) == 0


def test_sesiones_del_personal(sesion: Session, ahora: datetime) -> None:
    persona = ff.persona(sesion, "sesiones_personal", RolPersonal.AGENTE)
    fila, clave = abrir_sesion(
        sesion, personal_id=persona.id, origen=None, agente=None, ahora=ahora
    )
    assert fila.cuenta_id is None and sesion_vigente(sesion, clave, ahora) is fila
    assert cerrar_sesiones_de(sesion, personal_id=persona.id, ahora=ahora) == 1
    assert sesion_vigente(sesion, clave, ahora) is None


def test_de_cuenta_o_de_personal_no_ambas(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    with pytest.raises(ValueError):
        abrir_sesion(sesion, origen=None, agente=None, ahora=ahora)
    with pytest.raises(ValueError):
        cerrar_sesiones_de(sesion, ahora=ahora)


def test_purga_cerradas_y_vencidas_antiguas(
    sesion: Session, cuenta: Cuenta, ahora: datetime
) -> None:
    hace_40_dias = ahora - timedelta(days=40)
    vieja, _ = _abrir(sesion, cuenta, hace_40_dias)  # expired 40 days ago
    cerrada, clave_cerrada = _abrir(sesion, cuenta, ahora - timedelta(days=31))
    cerrar_sesion(sesion, clave_cerrada, ahora - timedelta(days=31))
    reciente, clave_reciente = _abrir(sesion, cuenta, ahora - timedelta(days=2))
    cerrar_sesion(sesion, clave_reciente, ahora - timedelta(days=2))
    abierta, _ = _abrir(sesion, cuenta, ahora)
    ids = {vieja.id, cerrada.id, reciente.id, abierta.id}
    assert purgar_sesiones(sesion, ahora) == 2
    quedan = set(sesion.scalars(select(SesionWeb.id).where(SesionWeb.id.in_(ids))))
    assert quedan == {reciente.id, abierta.id}
