"""The public portal: home page, health probe, Spanish error pages, CSRF and Jinja filters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from flask import render_template_string
from sqlalchemy import select

from app import filtros
from app.extensiones import csrf
from casos.catalogo import TipoCaso

TELEFONO = "442 211 00 66"


class _Recursos(HTMLParser):
    """Collects the stylesheets and scripts a page loads, and the document language."""

    def __init__(self) -> None:
        super().__init__()
        self.hojas: list[str] = []
        self.scripts: list[str] = []
        self.scripts_en_linea = 0
        self.idioma: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        atributos = dict(attrs)
        if tag == "html":
            self.idioma = atributos.get("lang")
        elif tag == "link" and "stylesheet" in (atributos.get("rel") or "").split():
            self.hojas.append(atributos.get("href") or "")
        elif tag == "script":
            if atributos.get("src"):
                self.scripts.append(atributos["src"] or "")
            else:
                self.scripts_en_linea += 1


def _recursos(html: str) -> _Recursos:
    analizador = _Recursos()
    analizador.feed(html)
    analizador.close()
    return analizador


# --- home page -----------------------------------------------------------------------------


def test_inicio_en_espanol_con_telefono_y_tramites_publicos(cliente: Any, bd: Any) -> None:
    respuesta = cliente.get("/")
    assert respuesta.status_code == 200
    assert respuesta.mimetype == "text/html"
    html = respuesta.get_data(as_text=True)

    assert _recursos(html).idioma == "es-MX"
    assert "Bienvenido a la Oficina Virtual" in html
    assert TELEFONO in html
    assert 'href="tel:+524422110066"' in html

    publicos = bd.session.scalars(
        select(TipoCaso.nombre).where(TipoCaso.es_publico, TipoCaso.es_activo)
    ).all()
    assert "Aclaración de altos consumos" in publicos
    for nombre in publicos:
        assert nombre in html, f"falta el trámite público {nombre!r} en la portada"
    assert "Baja de cuenta" not in html


def test_inicio_oculta_un_tramite_desactivado(cliente: Any, bd: Any) -> None:
    tipo = bd.session.scalars(
        select(TipoCaso).where(TipoCaso.nombre == "Aclaración de altos consumos")
    ).one()
    tipo.es_activo = False
    bd.session.commit()

    html = cliente.get("/").get_data(as_text=True)
    assert "Aclaración de altos consumos" not in html
    assert "Aclaración de pagos no aplicados" in html


def test_bootstrap_y_estilos_se_sirven_localmente(cliente: Any) -> None:
    recursos = _recursos(cliente.get("/").get_data(as_text=True))
    urls = recursos.hojas + recursos.scripts
    assert any("bootstrap" in url and url.endswith(".css") for url in recursos.hojas), urls
    assert any("bootstrap" in url and url.endswith(".js") for url in recursos.scripts), urls
    assert any(url.endswith("/css/ov.css") for url in recursos.hojas), urls
    assert recursos.scripts_en_linea == 0

    for url in urls:
        partes = urlsplit(url)
        assert not partes.scheme and not partes.netloc, f"{url} no es local (¿CDN?)"
        assert partes.path.startswith("/"), url
        respuesta = cliente.get(url)
        try:
            assert respuesta.status_code == 200, url
            assert len(respuesta.data) > 1000 or url.endswith("ov.css"), url
        finally:
            respuesta.close()


def test_salud_responde_json(cliente: Any) -> None:
    respuesta = cliente.get("/salud")
    assert respuesta.status_code == 200
    assert respuesta.mimetype == "application/json"
    assert respuesta.get_json() == {"estado": "ok"}


# --- errors --------------------------------------------------------------------------------


def test_pagina_inexistente_da_404_en_espanol(cliente: Any) -> None:
    respuesta = cliente.get("/no-existe/esta-pagina")
    assert respuesta.status_code == 404
    html = respuesta.get_data(as_text=True)
    assert _recursos(html).idioma == "es-MX"
    assert "Página no encontrada" in html
    assert "Volver al inicio" in html
    assert TELEFONO in html
    assert "Not Found" not in html


def test_post_a_la_portada_da_405_en_espanol(cliente: Any) -> None:
    respuesta = cliente.post("/", data={"algo": "1"})
    assert respuesta.status_code == 405
    assert "GET" in respuesta.headers["Allow"]
    html = respuesta.get_data(as_text=True)
    assert "Acción no permitida" in html
    assert "Error interno" not in html
    assert "Method Not Allowed" not in html


def test_csrf_activado(app: Any) -> None:
    assert app.extensions["csrf"] is csrf
    assert app.config.get("WTF_CSRF_ENABLED", True) is not False
    assert app.config.get("WTF_CSRF_CHECK_DEFAULT", True) is not False
    assert "POST" in app.config.get("WTF_CSRF_METHODS", ["POST"])


# --- filters -------------------------------------------------------------------------------


def test_dinero() -> None:
    assert filtros.dinero(Decimal("1234.5")) == "$1,234.50"
    assert filtros.dinero(Decimal("-1234.5")) == "-$1,234.50"
    assert filtros.dinero(Decimal("1234567.891")) == "$1,234,567.89"
    assert filtros.dinero(Decimal("0")) == "$0.00"
    assert filtros.dinero(Decimal("-0.001")) == "$0.00"  # no "-$0.00"
    assert filtros.dinero(15) == "$15.00"
    assert filtros.dinero(0.1 + 0.2) == "$0.30"
    assert filtros.dinero(None) == ""


def test_fecha_en_hora_de_la_ciudad_de_mexico() -> None:
    # 03:00 UTC del 22 es todavía el 21 en Querétaro (UTC-6).
    cerca_de_medianoche = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    assert filtros.fecha(cerca_de_medianoche) == "21/11/2026"
    assert filtros.fecha_hora(cerca_de_medianoche) == "21/11/2026 21:00"
    assert filtros.fecha(datetime(2026, 11, 22, 6, 0, tzinfo=UTC)) == "22/11/2026"
    # Sin horario de verano desde 2022: julio también es UTC-6.
    assert filtros.fecha_hora(datetime(2026, 7, 1, 5, 59, tzinfo=UTC)) == "30/06/2026 23:59"
    assert filtros.fecha(date(2026, 1, 5)) == "05/01/2026"
    assert filtros.fecha(None) == ""
    assert filtros.fecha_hora(None) == ""


def test_filtros_registrados_en_jinja(app: Any) -> None:
    with app.app_context():
        texto = render_template_string(
            "{{ monto | dinero }} · {{ instante | fecha }} · {{ instante | fecha_hora }}",
            monto=Decimal("-50"),
            instante=datetime(2026, 11, 22, 3, 0, tzinfo=UTC),
        )
    assert texto == "-$50.00 · 21/11/2026 · 21/11/2026 21:00"
