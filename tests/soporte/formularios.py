"""Submitting real forms in HTTP tests: CSRF stays on, so the token is read from the page."""

from __future__ import annotations

import re
from typing import Any

RE_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def token_csrf(html: str) -> str:
    """The CSRF token of the first form in the page."""
    encontrado = RE_CSRF.search(html)
    if encontrado is None:
        raise AssertionError("La página no tiene un formulario con csrf_token.")
    return encontrado.group(1)


def enviar(cliente: Any, url: str, datos: dict[str, Any], pagina: str | None = None) -> Any:
    """GET the form page (or `pagina`), then POST `datos` with its CSRF token."""
    html = cliente.get(pagina or url).get_data(as_text=True)
    return cliente.post(url, data={"csrf_token": token_csrf(html), **datos})
