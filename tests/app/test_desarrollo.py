"""The dev-only mail page: caught emails listed, links clickable, HTML sandboxed with its logo."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from app import create_app
from app.desarrollo import buzon
from app.extensiones import db
from config import RAIZ

ENLACE = "http://ov.pruebas/activar?x=1"
# Real links carry long tokens with no place to break a line: the page must still fit a phone.
ENLACE_LARGO = "http://ov.pruebas/casos/OV-2026-000123/seguimiento?token=" + "a1b2c3d4" * 8
LOGO = (RAIZ / "plantillas" / "correo" / "logo-cea.png").read_bytes()


def correo_de_prueba(asunto: str) -> EmailMessage:
    """A text + HTML email like the scheduler's, with the CEA logo inline as cid:logo-cea."""
    mensaje = EmailMessage()
    mensaje["From"] = "CEA Querétaro — Oficina Virtual <no-responder@cea.localhost>"
    mensaje["To"] = "maria.lopez@ejemplo.mx"
    mensaje["Subject"] = asunto
    mensaje["Date"] = format_datetime(datetime(2026, 11, 22, 3, 0, tzinfo=UTC))
    mensaje.set_content(
        "Hola, María:\n\n"
        f"Active su cuenta en {ENLACE}\n"
        f"Siga su caso en {ENLACE_LARGO}\n"
        "Texto raro: <script>alert('x')</script> y javascript:alert(1)\n"
    )
    mensaje.add_alternative(
        "<html><body>"
        '<img src="cid:logo-cea" width="260" height="64" alt="CEA Querétaro">'
        f'<p>Hola, María. <a href="{ENLACE}">Activar mi cuenta</a></p>'
        "</body></html>",
        subtype="html",
    )
    parte_html = mensaje.get_payload()[1]
    parte_html.add_related(LOGO, "image", "png", cid="<logo-cea>", filename="logo-cea.png")
    return mensaje


def dejar_en_buzon(carpeta: str | Path, mensaje: EmailMessage) -> str:
    """Store a message in the Maildir as the dev SMTP catcher does; returns its key."""
    return buzon.abrir(carpeta).add(mensaje)


def quitar_del_buzon(carpeta: str | Path, clave: str) -> None:
    """Remove a message stored by dejar_en_buzon (the Maildir is shared by the session)."""
    buzon.abrir(carpeta).discard(clave)


class _Pagina(HTMLParser):
    """Links, iframes and the main heading of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.enlaces: list[tuple[str, str]] = []
        self.marcos: list[dict[str, str | None]] = []
        self._enlace: str | None = None
        self._texto: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._enlace = dict(attrs).get("href") or ""
            self._texto = []
        elif tag == "iframe":
            self.marcos.append(dict(attrs))

    def handle_data(self, data: str) -> None:
        if self._enlace is not None:
            self._texto.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._enlace is not None:
            self.enlaces.append((self._enlace, "".join(self._texto).strip()))
            self._enlace = None


def _analizar(html: str) -> _Pagina:
    pagina = _Pagina()
    pagina.feed(html)
    pagina.close()
    return pagina


@pytest.fixture
def capturado(app: Any) -> Iterator[tuple[str, str]]:
    """One caught email in the app's dev Maildir: (key, subject); removed afterwards."""
    asunto = f"Acuse de su solicitud — folio OV-2026-{uuid.uuid4().hex[:6]}"
    carpeta = app.config["BUZON_DESARROLLO"]
    clave = dejar_en_buzon(carpeta, correo_de_prueba(asunto))
    try:
        yield clave, asunto
    finally:
        quitar_del_buzon(carpeta, clave)


def test_lista_de_correos_muestra_el_asunto(cliente: Any, capturado: tuple[str, str]) -> None:
    clave, asunto = capturado
    respuesta = cliente.get("/dev/correos")
    assert respuesta.status_code == 200
    html = respuesta.get_data(as_text=True)
    assert "Correos capturados (solo desarrollo)" in html
    assert (f"/dev/correos/{clave}", asunto) in _analizar(html).enlaces
    assert "maria.lopez@ejemplo.mx" in html
    assert "21/11/2026 21:00" in html  # the Date header, in Querétaro time


def test_correo_muestra_texto_con_enlace_y_html_aislado(
    cliente: Any, capturado: tuple[str, str]
) -> None:
    clave, asunto = capturado
    respuesta = cliente.get(f"/dev/correos/{clave}")
    assert respuesta.status_code == 200
    html = respuesta.get_data(as_text=True)
    pagina = _analizar(html)

    assert f">{asunto}</h1>" in html
    assert (ENLACE, ENLACE) in pagina.enlaces
    assert (ENLACE_LARGO, ENLACE_LARGO) in pagina.enlaces
    assert not any(href.startswith("javascript:") for href, _ in pagina.enlaces)

    (marco,) = pagina.marcos
    sandbox = marco.get("sandbox")
    assert sandbox is not None, "el HTML del correo debe ir en un iframe con sandbox"
    assert "allow-scripts" not in sandbox
    assert "allow-same-origin" not in sandbox
    contenido = marco.get("srcdoc") or ""
    logo = base64.b64encode(LOGO).decode()
    assert f'src="data:image/png;base64,{logo}"' in contenido
    assert "cid:" not in contenido
    assert f'href="{ENLACE}"' in contenido


def test_texto_del_correo_se_escapa(cliente: Any, capturado: tuple[str, str]) -> None:
    clave, _ = capturado
    html = cliente.get(f"/dev/correos/{clave}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_clave_desconocida_da_404(cliente: Any) -> None:
    respuesta = cliente.get("/dev/correos/1700000000.M1P1Q1.no-existe")
    assert respuesta.status_code == 404
    assert "Página no encontrada" in respuesta.get_data(as_text=True)


def test_buzon_vacio_en_carpeta_recien_creada(tmp_path: Path) -> None:
    """An existing empty folder (not yet a Maildir) lists nothing instead of failing."""
    assert buzon.listar(tmp_path) == []
    assert buzon.obtener(tmp_path, "no-existe") is None


def test_sin_buzon_no_hay_paginas_de_desarrollo(app: Any) -> None:
    # Same BASE_URL as the session app: create_app sets the (global) address used in emails.
    aplicacion = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite:///:memory:",
            "BASE_URL": app.config["BASE_URL"],
            "BUZON_DESARROLLO": None,
        }
    )
    try:
        assert "desarrollo" not in aplicacion.blueprints
        cliente = aplicacion.test_client()
        respuesta = cliente.get("/dev/correos")
        assert respuesta.status_code == 404
        assert "Página no encontrada" in respuesta.get_data(as_text=True)
    finally:
        with aplicacion.app_context():
            db.engine.dispose()


def test_pagina_de_contratos_de_demostracion(cliente: Any, bd: Any) -> None:
    from casos.comercial.generador import contratos_de_ejemplo
    from tests.casos.cuentas import fabricas

    contrato = fabricas.contrato(bd.session)
    fabricas.factura(bd.session, contrato, date(2026, 10, 1), "150.00")
    html = cliente.get("/dev/contratos").get_data(as_text=True)
    ejemplos = contratos_de_ejemplo(bd.session)
    assert ejemplos  # ours at least (other tests' committed contracts may come first)
    for ejemplo in ejemplos:
        assert ejemplo.referencia in html
        assert (ejemplo.numero_medidor or ejemplo.importe_ultima_factura) in html
    assert "demo01" in html
