"""The page a blocked customer sees after signing in (/mi-cuenta/bloqueo/)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from html import unescape
from typing import Any

import pytest
import time_machine

from casos.actores import Actor
from casos.cuentas.bloqueos import bloquear_por_mal_uso, revisar_cuentas
from casos.cuentas.modelos import Cuenta
from tests.casos.cuentas import fabricas_bloqueos as f
from tests.soporte.formularios import enviar

AVISO = "/mi-cuenta/bloqueo/"
TELEFONO = "442 211 00 66"
SISTEMA = Actor.sistema("Revisión de adeudos")


@pytest.fixture
def reloj(ahora: datetime) -> Iterator[time_machine.Coordinates]:
    """The web app reads the real clock: hold it at the `ahora` fixture (Tue 24/11/2026)."""
    with time_machine.travel(ahora, tick=False) as viaje:
        yield viaje


def _entrar(cliente: Any, cuenta: Cuenta) -> Any:
    datos = {"usuario": cuenta.usuario, "contrasena": f.CONTRASENA}
    respuesta = enviar(cliente, "/acceso", datos)
    assert respuesta.status_code == 302, respuesta.get_data(as_text=True)
    return respuesta


def _texto(respuesta: Any) -> str:
    """The page's visible text on one line (tags dropped, spaces collapsed)."""
    sin_etiquetas = re.sub(r"<[^>]+>", " ", respuesta.get_data(as_text=True))
    return " ".join(unescape(sin_etiquetas).split())


def _con_adeudo(bd: Any, ahora: datetime) -> tuple[Cuenta, list[str]]:
    moroso, al_dia = f.contrato(bd.session, ahora), f.contrato(bd.session, ahora)
    f.factura(bd.session, moroso, date(2026, 3, 10), "300.00", ahora)
    f.factura(bd.session, moroso, date(2026, 4, 10), "310.50", ahora)
    f.factura(bd.session, moroso, date(2026, 10, 10), "290.00", ahora)
    f.factura(bd.session, al_dia, date(2026, 11, 10), "0", ahora, total="180.00")
    cuenta = f.cuenta(bd.session, ahora, moroso, al_dia)
    revisar_cuentas(bd.session, [cuenta.id], ahora, SISTEMA)
    bd.session.commit()
    return cuenta, [moroso.numero, al_dia.numero]


def test_anonimo_va_a_accede_a_tu_cuenta(cliente: Any) -> None:
    respuesta = cliente.get(AVISO)

    assert respuesta.status_code == 302
    assert respuesta.headers["Location"] == "/acceso?siguiente=/mi-cuenta/bloqueo/"


def test_una_cuenta_sin_bloqueo_va_a_mi_cuenta(
    cliente: Any, bd: Any, ahora: datetime, reloj: Any
) -> None:
    cuenta = f.cuenta(bd.session, ahora, f.contrato(bd.session, ahora))
    bd.session.commit()  # requests share the test's session; their rollback would undo a flush
    _entrar(cliente, cuenta)

    respuesta = cliente.get(AVISO)

    assert respuesta.status_code == 302 and respuesta.headers["Location"] == "/mi-cuenta/"


def test_bloqueo_por_adeudo_muestra_por_que_cuanto_y_como_pagar(
    cliente: Any, bd: Any, ahora: datetime, reloj: Any
) -> None:
    cuenta, (moroso, al_dia) = _con_adeudo(bd, ahora)

    assert _entrar(cliente, cuenta).headers["Location"] == AVISO
    assert cliente.get("/mi-cuenta/").headers["Location"] == AVISO  # nowhere else to go
    respuesta = cliente.get(AVISO)

    assert respuesta.status_code == 200
    texto = _texto(respuesta)
    assert "Su cuenta está bloqueada" in texto and "Bloqueo por adeudo" in texto
    assert "más de seis meses de vencidas" in texto and "regla 7" in texto
    assert f"Contrato {moroso}" in texto and f"Contrato {al_dia}" not in texto
    assert "02/2026 10/03/2026 $300.00 Más de seis meses" in texto
    assert "03/2026 10/04/2026 $310.50 Más de seis meses" in texto
    assert "09/2026 10/10/2026 $290.00 Vencida" in texto
    assert f"Total vencido del contrato {moroso} $900.50" in texto
    assert "Para desbloquear su cuenta pague $610.50" in texto
    assert "Su adeudo vencido total es de $900.50" in texto
    assert "oficinas de la CEA , de lunes a viernes de 8:00 a 17:00" in texto
    assert "bancos y tiendas de conveniencia , con la referencia impresa en su recibo" in texto
    assert "Pago en línea : con tarjeta, aquí mismo: use el botón Pagar de cada factura" in texto
    assert "Pagar 02/2026: $300.00" in texto and "Pagar 09/2026: $290.00" in texto
    assert "se desbloquea sola en cuanto se registre el pago" in texto
    assert "24 a 48 horas hábiles" in texto and TELEFONO in texto
    assert "Bloqueo por uso inadecuado" not in texto


def test_bloqueo_por_mal_uso_muestra_motivo_fin_y_la_llamada(
    cliente: Any, bd: Any, ahora: datetime, reloj: Any
) -> None:
    cuenta = f.cuenta(bd.session, ahora, f.contrato(bd.session, ahora))
    _, actor = f.personal(bd.session)
    motivo = "Envió 200 solicitudes falsas en un día."
    bloquear_por_mal_uso(bd.session, cuenta, 30, motivo, actor, ahora)
    bd.session.commit()

    _entrar(cliente, cuenta)
    texto = _texto(cliente.get(AVISO))

    assert "Bloqueo por uso inadecuado" in texto and "regla 8" in texto
    assert f"Motivo {motivo}" in texto
    assert "Fin del periodo de bloqueo 24/12/2026 10:00" in texto
    assert (
        "Pasado el periodo de bloqueo, su cuenta seguirá bloqueada hasta que solicite su "
        f"reactivación por teléfono al {TELEFONO} ."
    ) in texto
    assert "Antes del 24/12/2026 no es posible reactivar la cuenta." in texto
    assert "Bloqueo por adeudo" not in texto


def test_pasado_el_periodo_sigue_bloqueada_hasta_llamar(
    cliente: Any, bd: Any, ahora: datetime, reloj: Any
) -> None:
    cuenta = f.cuenta(bd.session, ahora, f.contrato(bd.session, ahora))
    _, actor = f.personal(bd.session)
    hace_un_mes = ahora - timedelta(days=31)
    bloquear_por_mal_uso(bd.session, cuenta, 30, "Lenguaje ofensivo.", actor, hace_un_mes)
    bd.session.commit()

    assert _entrar(cliente, cuenta).headers["Location"] == AVISO
    texto = _texto(cliente.get(AVISO))

    assert "Fin del periodo de bloqueo 23/11/2026 10:00" in texto
    assert "El periodo de bloqueo ya terminó" in texto
    assert "seguirá bloqueada hasta que solicite su reactivación por teléfono" in texto


def test_con_los_dos_bloqueos_se_explican_ambos(
    cliente: Any, bd: Any, ahora: datetime, reloj: Any
) -> None:
    cuenta, _ = _con_adeudo(bd, ahora)
    _, actor = f.personal(bd.session)
    bloquear_por_mal_uso(bd.session, cuenta, 7, "Suplantó a otro usuario.", actor, ahora)
    bd.session.commit()

    _entrar(cliente, cuenta)
    texto = _texto(cliente.get(AVISO))

    assert "Bloqueo por adeudo" in texto and "Bloqueo por uso inadecuado" in texto
    assert "Para desbloquear su cuenta pague $610.50" in texto
