"""The shared password policy and argon2id hashing (casos.cuentas.contrasenas)."""

from __future__ import annotations

import pytest

from casos.cuentas.contrasenas import (
    LARGO_MAXIMO,
    LARGO_MINIMO,
    cifrar,
    problemas_contrasena,
    requiere_recifrar,
    verificar,
)

CONTEXTO = ["ana2026", "409840727", "ana.lopez@correo.mx", "María Guadalupe", "Hernández"]


@pytest.mark.parametrize(
    "contrasena",
    [
        "nopal azul corre despacio",
        "Tlacuache-Veloz-88-Bicicleta",
        "x7#Kq!p2Lm",  # ten random characters: no composition rule needed or refused
        "el cerro de las campanas amanece nublado en otoño " * 3,  # past zxcvbn's 72
        "ñ" * 3 + " jacarandas moradas en abril",
    ],
)
def test_acepta_contrasenas_fuertes_y_frases_largas(contrasena: str) -> None:
    assert problemas_contrasena(contrasena, CONTEXTO) == []


def test_largo_minimo_y_maximo() -> None:
    assert problemas_contrasena("a" * (LARGO_MINIMO - 1)) == [
        f"La contraseña debe tener al menos {LARGO_MINIMO} caracteres."
    ]
    assert problemas_contrasena("tlacuache " * 21)[0].startswith("La contraseña puede tener hasta")
    assert len("tlacuache " * 21) > LARGO_MAXIMO


@pytest.mark.parametrize(
    "contrasena",
    [
        "contraseña123",
        "password123",
        "qwertyuiop",
        "1234567890",
        "aaaaaaaaaaaa",
        "queretaro2026",
        "teamo12345",
        "guadalupe1",
        "chivas2026!",
    ],
)
def test_rechaza_contrasenas_comunes(contrasena: str) -> None:
    [problema] = problemas_contrasena(contrasena)
    assert "muy común" in problema


@pytest.mark.parametrize(
    "contrasena",
    ["ana2026ana2026", "409840727abc", "ANA.LOPEZ.segura!", "hernandez-x7#Kq", "MariaGuadalupe77"],
)
def test_rechaza_contrasenas_con_datos_propios(contrasena: str) -> None:
    [problema] = problemas_contrasena(contrasena, CONTEXTO)
    assert "usuario" in problema and "contrato" in problema


def test_contexto_vacio_o_corto_no_estorba() -> None:
    assert problemas_contrasena("nopal azul corre despacio", [None, "", "ab"]) == []


def test_cifrado_argon2id() -> None:
    hash_ = cifrar("nopal azul corre despacio")
    assert hash_.startswith("$argon2id$")
    assert hash_ != cifrar("nopal azul corre despacio")  # salted
    assert verificar(hash_, "nopal azul corre despacio")
    assert not verificar(hash_, "nopal azul corre despaci0")
    assert not requiere_recifrar(hash_)


@pytest.mark.parametrize("guardado", [None, "", "no-es-un-hash", "$argon2id$v=19$roto"])
def test_verificar_con_hash_faltante_o_roto(guardado: str | None) -> None:
    assert verificar(guardado, "nopal azul corre despacio") is False
