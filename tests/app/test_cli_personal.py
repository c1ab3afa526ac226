"""`flask personal crear` / `flask personal contrasena`: staff passwords, argon2id, the policy."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from casos import demo
from casos.cuentas.contrasenas import verificar
from casos.personal import Personal
from casos.sesiones import abrir_sesion, sesion_vigente
from tests.casos.cuentas.test_acceso import hash_rapido as hash_rapido  # autouse fixture

CLAVE = "tejocote dorado en el patio"
OTRA = "cantera gris junto al acueducto"


@pytest.fixture
def cli(app: Any, bd: Any) -> Any:
    """A CLI runner whose commands share the test's rolled-back transaction."""
    return app.test_cli_runner()


def _crear(cli: Any, usuario: str, *extra: str, entrada: str | None = None) -> Any:
    argumentos = ["personal", "crear", "--usuario", usuario, "--nombre", "Rosa Ibarra"]
    argumentos += ["--email", f"{usuario}@cea.localhost", "--rol", "agente", "--area", "atencion"]
    return cli.invoke(args=[*argumentos, *extra], input=entrada)


def _persona(bd: Any, usuario: str) -> Personal | None:
    return bd.session.scalar(select(Personal).where(Personal.usuario == usuario))


def test_crear_pide_la_contrasena_oculta_dos_veces(cli: Any, bd: Any) -> None:
    resultado = _crear(cli, "rosa.i", entrada=f"{CLAVE}\n{CLAVE}\n")
    assert resultado.exit_code == 0, resultado.output
    assert "Cuenta rosa.i creada (agente)." in resultado.output
    assert CLAVE not in resultado.output  # hidden input is not echoed
    persona = _persona(bd, "rosa.i")
    assert persona is not None and persona.contrasena_hash is not None
    assert persona.contrasena_hash.startswith("$argon2id$")
    assert CLAVE not in persona.contrasena_hash
    assert verificar(persona.contrasena_hash, CLAVE)
    assert [a.clave for a in persona.areas] == ["atencion"]


def test_confirmacion_distinta_no_crea_nada(cli: Any, bd: Any) -> None:
    resultado = _crear(cli, "rosa.j", entrada=f"{CLAVE}\n{OTRA}\n")
    assert resultado.exit_code != 0
    assert _persona(bd, "rosa.j") is None


@pytest.mark.parametrize(
    ("clave", "motivo"),
    [
        ("corta", "al menos 10 caracteres"),
        ("password123", "muy común"),
        ("rosa.k-rosa.k-2026", "No use en la contraseña su usuario"),
        ("", "al menos 10 caracteres"),
    ],
)
def test_contrasena_que_no_cumple_se_rechaza(cli: Any, bd: Any, clave: str, motivo: str) -> None:
    resultado = _crear(cli, "rosa.k", "--contrasena-archivo", "-", entrada=f"{clave}\n")
    assert resultado.exit_code == 1
    assert motivo in resultado.output
    assert _persona(bd, "rosa.k") is None


def test_crear_leyendo_de_archivo_o_entrada_estandar(cli: Any, bd: Any, tmp_path: Path) -> None:
    archivo = tmp_path / "clave.txt"
    archivo.write_text(f"{CLAVE}\nlo que sigue no cuenta\n", encoding="utf-8")
    assert _crear(cli, "rosa.l", "--contrasena-archivo", str(archivo)).exit_code == 0
    assert _crear(cli, "rosa.m", "--contrasena-archivo", "-", entrada=f"{OTRA}\n").exit_code == 0
    l_, m_ = _persona(bd, "rosa.l"), _persona(bd, "rosa.m")
    assert l_ is not None and verificar(l_.contrasena_hash, CLAVE)
    assert m_ is not None and verificar(m_.contrasena_hash, OTRA)


def test_sin_contrasena_no_hay_cuenta(cli: Any, bd: Any) -> None:
    resultado = _crear(cli, "rosa.n", entrada="")  # no input at all: no default password
    assert resultado.exit_code != 0
    assert _persona(bd, "rosa.n") is None


def test_cambiar_contrasena_cierra_sus_sesiones(cli: Any, bd: Any) -> None:
    assert _crear(cli, "rosa.o", "--contrasena-archivo", "-", entrada=f"{CLAVE}\n").exit_code == 0
    persona = _persona(bd, "rosa.o")
    assert persona is not None
    ahora = datetime.now(UTC)
    _, clave_sesion = abrir_sesion(
        bd.session, personal_id=persona.id, origen=None, agente=None, ahora=ahora
    )
    bd.session.commit()
    resultado = cli.invoke(
        args=["personal", "contrasena", "--usuario", "rosa.o"], input=f"{OTRA}\n{OTRA}\n"
    )
    assert resultado.exit_code == 0, resultado.output
    assert "sesiones cerradas: 1" in resultado.output
    bd.session.refresh(persona)
    assert verificar(persona.contrasena_hash, OTRA) and not verificar(
        persona.contrasena_hash, CLAVE
    )
    assert sesion_vigente(bd.session, clave_sesion, ahora) is None


def test_cambiar_contrasena_de_quien_no_existe(cli: Any) -> None:
    resultado = cli.invoke(
        args=["personal", "contrasena", "--usuario", "nadie.aqui", "--contrasena-archivo", "-"],
        input=f"{CLAVE}\n",
    )
    assert resultado.exit_code == 1 and "No existe el usuario 'nadie.aqui'" in resultado.output


def test_personal_de_demostracion_tiene_contrasena(bd: Any) -> None:
    personas = demo.cargar_personal(bd.session)
    for p in demo.PERSONAL_DEMO:
        guardado = personas[p.usuario].contrasena_hash
        assert guardado is not None and guardado.startswith("$argon2id$")
        assert verificar(guardado, p.contrasena)
