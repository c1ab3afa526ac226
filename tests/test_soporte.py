"""Autoverificación rápida de las ayudas de tests/soporte (sin fixtures de conftest)."""

from __future__ import annotations

import smtplib
import socket
import urllib.request
from email.message import EmailMessage
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest
import sqlalchemy as sa

from tests.soporte import navegador
from tests.soporte.postgres import PostgresNoDisponible, ServidorPostgres, buscar_binarios
from tests.soporte.smtp import CapturadorSMTP


def _enviar(puerto: int, asunto: str) -> None:
    """Manda un correo sencillo con smtplib al puerto dado."""
    mensaje = EmailMessage()
    mensaje["From"] = "Oficina Virtual <no-responder@cea.localhost>"
    mensaje["To"] = "usuario@ejemplo.mx"
    mensaje["Subject"] = asunto
    mensaje.set_content("Su trámite fue recibido. Año: 2026.")
    with smtplib.SMTP("127.0.0.1", puerto, timeout=5) as cliente:
        cliente.send_message(mensaje)


def _hay_postgres() -> bool:
    """Indica si hay initdb instalado."""
    try:
        buscar_binarios()
    except PostgresNoDisponible:
        return False
    return True


def test_capturador_smtp_recibe_se_detiene_y_reanuda_en_el_mismo_puerto() -> None:
    """Recibe, rechaza conexiones detenido y vuelve a recibir en el mismo puerto."""
    capturador = CapturadorSMTP().iniciar()
    try:
        puerto = capturador.puerto
        _enviar(puerto, "Primero")
        (recibido,) = capturador.esperar(1)
        assert recibido["Subject"] == "Primero"
        assert "Año: 2026." in recibido.get_content()
        assert capturador.sobres == [("no-responder@cea.localhost", ["usuario@ejemplo.mx"])]

        capturador.detener()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", puerto), timeout=2).close()

        capturador.iniciar()
        assert capturador.puerto == puerto
        _enviar(puerto, "Segundo")
        assert [m["Subject"] for m in capturador.esperar(2)] == ["Primero", "Segundo"]

        capturador.limpiar()
        assert capturador.mensajes == []
        with pytest.raises(TimeoutError):
            capturador.esperar(1, tiempo=0.1)
    finally:
        capturador.detener()


@pytest.mark.skipif(not _hay_postgres(), reason="PostgreSQL (initdb) no está instalado")
def test_servidor_postgres_arranca_responde_y_se_borra() -> None:
    """Arranca el clúster, responde SELECT 1 y borra su carpeta al detenerse."""
    with ServidorPostgres() as servidor:
        carpeta = servidor.carpeta
        assert carpeta is not None and carpeta.exists()
        assert servidor.url.endswith("/ov_pruebas")
        motores = [sa.create_engine(servidor.url), sa.create_engine(servidor.crear_bd("extra"))]
        try:
            for motor in motores:
                with motor.connect() as conexion:
                    assert conexion.execute(sa.text("SELECT 1")).scalar_one() == 1
        finally:
            for motor in motores:
                motor.dispose()
    assert not carpeta.exists()


def test_servidor_wsgi_sirve_y_se_detiene() -> None:
    """Sirve una app WSGI mínima por HTTP real y libera el puerto."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"Oficina Virtual"]

    servidor = navegador.ServidorWSGI(app)
    try:
        with urllib.request.urlopen(servidor.url + "/", timeout=5) as respuesta:
            assert respuesta.read() == b"Oficina Virtual"
    finally:
        servidor.detener()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", servidor.puerto), timeout=2).close()


@pytest.mark.navegador
@pytest.mark.skipif(not navegador.chromium_disponible(), reason="Chromium no está instalado")
def test_chromium_carga_una_pagina_y_guarda_captura() -> None:
    """El Chromium de Debian abre una página servida por ServidorWSGI y la captura."""
    from flask import Flask
    from playwright.sync_api import sync_playwright

    app = Flask(__name__)

    @app.get("/")
    def inicio() -> str:
        return "<title>Soporte</title><h1>Oficina Virtual — señal</h1>"

    with navegador.ServidorWSGI(app) as servidor, sync_playwright() as playwright:
        navegador_chromium = navegador.lanzar_chromium(playwright)
        try:
            pagina = navegador_chromium.new_page()
            pagina.goto(servidor.url + "/")
            assert pagina.locator("h1").inner_text() == "Oficina Virtual — señal"
            ruta = navegador.capturar(pagina, "soporte_autoverificacion")
        finally:
            navegador_chromium.close()
    assert ruta.read_bytes().startswith(b"\x89PNG")
