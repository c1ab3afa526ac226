"""Role checks for every back-office route.

Anonymous visitors are sent to the staff sign-in page; a signed-in customer gets 404 (the back
office does not exist for them); a staff member without the role gets 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import abort, redirect, url_for
from werkzeug.wrappers import Response

from app.auth import actor_actual, cuenta_actual, personal_actual, ruta_actual
from casos.actores import Actor
from casos.personal import Personal, RolPersonal

F = TypeVar("F", bound=Callable[..., Any])

TODOS = (RolPersonal.AGENTE, RolPersonal.SUPERVISOR, RolPersonal.ADMINISTRADOR)
SUPERVISION = (RolPersonal.SUPERVISOR, RolPersonal.ADMINISTRADOR)


def negar_acceso(permitidos: frozenset[RolPersonal]) -> Response | None:
    """None when signed-in staff of `permitidos` are asking; otherwise the sign-in redirect
    (anonymous), or 404 (a customer) / 403 (other staff) raised. Shared with the admin."""
    persona = personal_actual()
    if persona is None:
        if cuenta_actual() is not None:
            abort(404)
        return redirect(url_for("backoffice.entrar", siguiente=ruta_actual()))
    if persona.rol not in permitidos:
        abort(403)
    return None


def personal_requerido(*roles: RolPersonal) -> Callable[[F], F]:
    """Only for signed-in staff with one of `roles` (every staff role when none is given)."""
    permitidos = frozenset(roles or TODOS)

    def decorar(vista: F) -> F:
        @functools.wraps(vista)
        def envoltura(*args: Any, **kwargs: Any) -> Any:
            negado = negar_acceso(permitidos)
            if negado is not None:
                return negado
            return vista(*args, **kwargs)

        return cast(F, envoltura)

    return decorar


def persona_actual() -> Personal:
    """The signed-in staff member (inside a `personal_requerido` view)."""
    persona = personal_actual()
    if persona is None:  # pragma: no cover - the decorator guarantees it
        abort(404)
    return persona


def actor_personal() -> Actor:
    """The signed-in staff member as the actor of a service call (with the client address)."""
    return actor_actual()
