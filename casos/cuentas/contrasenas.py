"""Password policy and hashing, for customers and staff alike.

The policy follows current guidance (NIST SP 800-63B): a minimum length that allows long
passphrases, no composition rules, and a refusal of passwords that are common or built from
the person's own data (user name, contract number, email, name). Hashes are argon2id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

LARGO_MINIMO = 10
LARGO_MAXIMO = 200
LARGO_ZXCVBN = 72  # zxcvbn's own maximum
# zxcvbn's score 3 means "about 10^8 guesses or more": out of reach of an online attack that
# is throttled (see casos.cuentas.acceso) and of the common-password lists.
PUNTAJE_MINIMO = 3

# zxcvbn's dictionaries are English; these are the Spanish (and local) words people reach for.
PALABRAS_LOCALES = [
    "contraseña",
    "contrasena",
    "clave",
    "password",
    "secreto",
    "acceso",
    "usuario",
    "cuenta",
    "oficina",
    "virtual",
    "cea",
    "comision",
    "estatal",
    "aguas",
    "agua",
    "queretaro",
    "qro",
    "mexico",
    "méxico",
    "corregidora",
    "marques",
    "hola",
    "amor",
    "teamo",
    "tequiero",
    "micasa",
    "casa",
    "familia",
    "hijos",
    "bebe",
    "princesa",
    "mama",
    "papa",
    "dios",
    "jesus",
    "jesucristo",
    "guadalupe",
    "virgen",
    "maria",
    "jose",
    "juan",
    "luis",
    "carlos",
    "jorge",
    "miguel",
    "america",
    "chivas",
    "pumas",
    "cruzazul",
    "tigres",
    "rayados",
    "gallos",
    "futbol",
    "azteca",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "domingo",
    "perro",
    "gato",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "qwerty",
    "asdfgh",
]

_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters


def _plano(texto: str) -> str:
    sin_acentos = unicodedata.normalize("NFKD", texto)
    return "".join(c for c in sin_acentos if not unicodedata.combining(c)).casefold()


def _partes_contexto(contexto: Iterable[str | None]) -> list[str]:
    """The person's own data split into the pieces someone might reuse (≥ 4 characters)."""
    partes: set[str] = set()
    for dato in contexto:
        if not dato:
            continue
        plano = _plano(dato)
        partes.add(plano.replace(" ", ""))
        partes.update(re.split(r"[^0-9a-zñ]+", plano))
    return sorted(p for p in partes if len(p) >= 4)


def problemas_contrasena(contrasena: str, contexto: Iterable[str | None] = ()) -> list[str]:
    """Reasons, in Spanish, why a password is refused; an empty list means it is accepted."""
    if len(contrasena) < LARGO_MINIMO:
        return [f"La contraseña debe tener al menos {LARGO_MINIMO} caracteres."]
    if len(contrasena) > LARGO_MAXIMO:
        return [f"La contraseña puede tener hasta {LARGO_MAXIMO} caracteres."]
    plana = _plano(contrasena)
    propias = _partes_contexto(contexto)
    if any(parte in plana for parte in propias):
        return [
            "No use en la contraseña su usuario, su número de contrato, su correo ni su nombre."
        ]
    # zxcvbn refuses more than 72 characters (ValueError); longer passphrases are judged by
    # their first 72, which is plenty to tell a real passphrase from a repeated word.
    resultado = zxcvbn(contrasena[:LARGO_ZXCVBN], user_inputs=[*propias, *PALABRAS_LOCALES])
    if resultado["score"] < PUNTAJE_MINIMO:
        return [
            "Esa contraseña es muy común o fácil de adivinar. "
            "Pruebe con una frase de varias palabras que solo usted conozca."
        ]
    return []


def cifrar(contrasena: str) -> str:
    """An argon2id hash of the password (salted; safe to store)."""
    return _HASHER.hash(contrasena)


def verificar(hash_guardado: str | None, contrasena: str) -> bool:
    """Does the password match the stored hash? False for a missing or malformed hash."""
    if not hash_guardado:
        # Same work as a real check, so timing does not tell a missing account from a bad
        # password.
        _HASHER.verify(_HASH_SENUELO, "x" * LARGO_MINIMO)
        return False
    try:
        return _HASHER.verify(hash_guardado, contrasena)
    except (VerificationError, InvalidHashError):
        return False


def requiere_recifrar(hash_guardado: str) -> bool:
    """True when the hash was made with weaker parameters than today's (rehash at sign-in)."""
    return _HASHER.check_needs_rehash(hash_guardado)


_HASH_SENUELO = _HASHER.hash("x" * LARGO_MINIMO)
