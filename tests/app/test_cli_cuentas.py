"""`flask cuentas bloquear / reactivar / revisar-adeudos / bloqueos`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from app.cli_cuentas import cuentas_cli
from casos.cuentas.bloqueos import bloqueos_vigentes
from casos.cuentas.modelos import Cuenta, EventoCuenta, MotivoBloqueo
from tests.casos.cuentas import fabricas_bloqueos as f

MOTIVO = "Envió 200 solicitudes falsas en un día."


@pytest.fixture
def cli(app: Any, bd: Any) -> Any:
    """Invoke `flask cuentas …` over the test's rolled-back transaction."""
    app.cli.add_command(cuentas_cli)  # app/cli.py registers it too once the lead wires it
    runner = app.test_cli_runner()

    def invocar(*args: str) -> Any:
        # A command starts its own transaction, as in a fresh process: end the test's reads.
        bd.session.rollback()
        return runner.invoke(args=["cuentas", *args])

    return invocar


@pytest.fixture
def reloj(ahora: datetime) -> Iterator[Any]:
    """The commands read the real clock: hold it at the `ahora` fixture (Tue 24/11/2026)."""
    with time_machine.travel(ahora, tick=False) as viaje:
        yield viaje


@pytest.fixture
def datos(bd: Any, ahora: datetime) -> tuple[Cuenta, str]:
    """An active account and a staff member's user name, committed for the commands."""
    cuenta = f.cuenta(bd.session, ahora, f.contrato(bd.session, ahora))
    persona, _ = f.personal(bd.session)
    bd.session.commit()
    return cuenta, persona.usuario


def _bloquear(cli: Any, usuario: str | None, personal: str, dias: str = "30") -> Any:
    return cli(
        "bloquear", "--usuario", usuario or "", "--dias", dias, "--motivo", MOTIVO,
        "--personal", personal,
    )  # fmt: skip


def test_bloquear_y_reactivar_pasado_el_periodo(
    cli: Any, bd: Any, datos: tuple[Cuenta, str], reloj: Any, ahora: datetime
) -> None:
    cuenta, personal = datos

    bloqueo = _bloquear(cli, cuenta.usuario, personal)

    assert bloqueo.exit_code == 0, bloqueo.output
    assert f"Cuenta {cuenta.usuario} bloqueada por mal uso hasta el 24/12/2026 10:00" in (
        bloqueo.output
    )
    bd.session.refresh(cuenta)
    assert cuenta.es_bloqueada
    (vigente,) = bloqueos_vigentes(bd.session, cuenta)
    assert vigente.motivo is MotivoBloqueo.MAL_USO and vigente.detalle == MOTIVO

    motivo = "Solicitud telefónica 442 211 00 66, folio de llamada 88231."
    temprano = cli("reactivar", "--usuario", cuenta.usuario, "--motivo", motivo,
                   "--personal", personal)  # fmt: skip
    assert temprano.exit_code == 1
    assert "el jueves 24 de diciembre de 2026 a las 10:00" in temprano.output

    reloj.move_to(ahora + timedelta(days=30, minutes=1))
    tarde = cli("reactivar", "--usuario", cuenta.usuario.upper(), "--motivo", motivo,
                "--personal", personal)  # fmt: skip

    assert tarde.exit_code == 0, tarde.output
    assert f"Cuenta {cuenta.usuario} reactivada; ya no está bloqueada." in tarde.output
    bd.session.refresh(cuenta)
    assert not cuenta.es_bloqueada
    eventos = bd.session.scalars(
        select(EventoCuenta).where(EventoCuenta.cuenta_id == cuenta.id).order_by(EventoCuenta.id)
    ).all()
    assert [(e.accion, e.actor_tipo, e.origen) for e in eventos] == [
        ("bloqueo_mal_uso", "personal", "consola"),
        ("reactivacion", "personal", "consola"),
    ]

    historial = cli("bloqueos", "--usuario", cuenta.usuario)
    assert historial.exit_code == 0
    assert f"{cuenta.usuario} · mal_uso · desde 24/11/2026 10:00" in historial.output
    assert "fin del periodo: 24/12/2026 10:00" in historial.output
    assert f"levantado el 24/12/2026 10:01 por Laura Supervisora {personal}: {motivo}" in (
        historial.output
    )


@pytest.mark.parametrize(
    ("cambio", "mensaje"),
    [
        ({"personal": "nadie"}, "No hay personal activo con usuario 'nadie'"),
        ({"usuario": "zzzzzzzz"}, "No existe la cuenta con usuario 'zzzzzzzz'"),
        ({"dias": "0"}, "Indique un periodo de 1 a 365 días."),
    ],
)
def test_bloquear_con_datos_equivocados_no_cambia_nada(
    cli: Any,
    bd: Any,
    datos: tuple[Cuenta, str],
    reloj: Any,
    cambio: dict[str, str],
    mensaje: str,
) -> None:
    cuenta, personal = datos
    argumentos = {"usuario": cuenta.usuario, "personal": personal, "dias": "30", **cambio}

    resultado = _bloquear(cli, argumentos["usuario"], argumentos["personal"], argumentos["dias"])

    assert resultado.exit_code == 1 and mensaje in resultado.output
    bd.session.refresh(cuenta)
    assert not cuenta.es_bloqueada and bloqueos_vigentes(bd.session, cuenta) == []


def test_revisar_adeudos_bloquea_y_el_pago_desbloquea(
    cli: Any, bd: Any, reloj: Any, ahora: datetime
) -> None:
    c = f.contrato(bd.session, ahora)
    vieja = f.factura(bd.session, c, date(2026, 1, 10), "720.00", ahora)
    cuenta = f.cuenta(bd.session, ahora, c)
    bd.session.commit()

    todas = cli("revisar-adeudos")

    assert todas.exit_code == 0, todas.output
    assert todas.output.startswith("Revisión de adeudos: {'revisadas': ")
    bd.session.refresh(cuenta)
    assert cuenta.es_bloqueada

    f.pagar(bd.session, vieja)
    bd.session.commit()
    una = cli("revisar-adeudos", "--contrato", c.numero, "--contrato", "000")

    assert una.exit_code == 0, una.output
    assert "Aviso: no existe el contrato 000." in una.output
    assert "{'revisadas': 1, 'bloqueadas': 0, 'levantadas': 1, 'actualizadas': 0}" in una.output
    bd.session.refresh(cuenta)
    assert not cuenta.es_bloqueada

    vigentes = cli("bloqueos", "--vigentes")
    assert vigentes.exit_code == 0 and f" {cuenta.usuario} · " not in vigentes.output
    historial = cli("bloqueos")
    assert f" {cuenta.usuario} · adeudo · desde 24/11/2026 10:00" in historial.output
    assert "Total: $720.00." in historial.output
