"""Following a request without an account over HTTP: folio + email, the same answer for a wrong
email and a missing folio, one-time links, rate limits, the grant for one folio only."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from casos import limites
from casos.actores import Actor
from casos.adjuntos import ArchivoLimpio, guardar_adjunto
from casos.ciclo import aplicar_accion
from casos.correo import CorreoSalida
from casos.estados import Accion, EstadoCaso
from casos.modelos import Caso
from casos.registro import DatosCaso, registrar_caso
from casos.seguimiento import LIMITE_FOLIO, LIMITE_IP
from tests.casos.archivos_gestion import PDF, imagen, multipart
from tests.casos.cuentas.fabricas_bloqueos import personal, unico
from tests.soporte.formularios import token_csrf

INICIO = "/seguimiento/"


def _caso(bd: Any, app: Any, email: str | None = None) -> Caso:
    ahora = datetime.now(UTC)
    caso = registrar_caso(
        bd.session,
        DatosCaso(
            tipo="consulta_general",
            descripcion="¿Cuándo pasan a revisar?",
            solicitante_nombre="Rosa Ibarra",
            solicitante_email=email or f"rosa.{unico()}@correo.mx",
        ),
        Actor.ciudadano("Rosa Ibarra"),
        ahora,
    )
    bd.session.flush()
    guardar_adjunto(
        bd.session,
        Path(app.config["CARPETA_ADJUNTOS"]),
        caso.id,
        ArchivoLimpio("recibo.pdf", "application/pdf", PDF),
        ahora,
        evento_id=caso.eventos[0].id,
    )
    bd.session.commit()
    return caso


def _consultar(cliente: Any, folio: str, email: str) -> Any:
    csrf = token_csrf(cliente.get(INICIO).get_data(as_text=True))
    return cliente.post(INICIO, data={"csrf_token": csrf, "folio": folio, "email": email})


def _pedir_enlace(cliente: Any, folio: str) -> Any:
    csrf = token_csrf(cliente.get(INICIO).get_data(as_text=True))
    return cliente.post(f"{INICIO}enlace", data={"csrf_token": csrf, "folio_enlace": folio})


def _sin_tokens(html: str) -> str:
    return re.sub(r'value="[^"]*"', "", html)


def test_inicio_prellena_el_folio(cliente: Any) -> None:
    html = cliente.get(f"{INICIO}?folio=OV-2026-000123").get_data(as_text=True)
    assert 'value="OV-2026-000123"' in html and "Envíenme un enlace" in html


def test_folio_y_correo_abren_el_caso(app: Any, cliente: Any, bd: Any) -> None:
    caso = _caso(bd, app)
    respuesta = _consultar(cliente, caso.folio.lower(), caso.solicitante_email.upper())
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == "/seguimiento/caso"
    html = cliente.get("/seguimiento/caso").get_data(as_text=True)
    assert caso.folio in html and "Recibida" in html and "Solicitud registrada" in html
    assert "¿Cuándo pasan a revisar?" in html and "Fecha esperada de solución" in html
    assert "Responda a la CEA" not in html


def test_correo_equivocado_y_folio_inexistente_responden_igual(
    app: Any, cliente: Any, bd: Any
) -> None:
    caso = _caso(bd, app)
    equivocado = _consultar(cliente, caso.folio, "otra@correo.mx")
    inexistente = _consultar(cliente, "OV-2026-999999", "otra@correo.mx")
    assert equivocado.status_code == inexistente.status_code == 200
    uno = _sin_tokens(equivocado.get_data(as_text=True))
    otro = _sin_tokens(inexistente.get_data(as_text=True))
    assert "No encontramos una solicitud con ese folio y ese correo." in uno
    assert uno == otro
    assert cliente.get("/seguimiento/caso").status_code == 302  # nothing granted


def test_campos_vacios(cliente: Any) -> None:
    html = _consultar(cliente, "", "").get_data(as_text=True)
    assert "Folio: escríbalo como aparece en su acuse" in html
    assert "Correo electrónico: escriba el que usó en su solicitud." in html


def test_limite_de_intentos(app: Any, cliente: Any, bd: Any) -> None:
    caso = _caso(bd, app)
    ahora = datetime.now(UTC)
    for _ in range(LIMITE_FOLIO.maximo):
        limites.contar(bd.session, LIMITE_FOLIO, caso.folio, ahora)
    bd.session.commit()
    respuesta = _consultar(cliente, caso.folio, caso.solicitante_email or "")
    assert respuesta.status_code == 429 and int(respuesta.headers["Retry-After"]) > 0
    assert "Hizo demasiados intentos." in respuesta.get_data(as_text=True)
    for _ in range(LIMITE_IP.maximo):
        limites.contar(bd.session, LIMITE_IP, "127.0.0.1", ahora)
    bd.session.commit()
    assert _consultar(cliente, "OV-2026-000001", "a@b.mx").status_code == 429
    assert _pedir_enlace(cliente, "OV-2026-000001").status_code == 429


def _enlace_del_correo(bd: Any, email: str) -> str:
    [correo] = bd.session.scalars(
        select(CorreoSalida).where(
            CorreoSalida.para == email, CorreoSalida.plantilla == "seguimiento_enlace"
        )
    ).all()
    encontrado = re.search(r"http://ov\.pruebas(/seguimiento/enlace/\S+)", correo.texto)
    assert encontrado is not None
    return encontrado.group(1)


def test_enlace_de_un_solo_uso(app: Any, cliente: Any, bd: Any) -> None:
    caso = _caso(bd, app)
    existe = _pedir_enlace(cliente, caso.folio)
    aviso = cliente.get(existe.headers["Location"]).get_data(as_text=True)
    no_existe = _pedir_enlace(cliente, "OV-2026-999999")
    aviso_otro = cliente.get(no_existe.headers["Location"]).get_data(as_text=True)
    assert existe.status_code == no_existe.status_code == 302
    assert "Si hay una solicitud con ese folio" in aviso
    assert _sin_tokens(aviso) == _sin_tokens(aviso_otro)
    enlace = _enlace_del_correo(bd, caso.solicitante_email or "")
    otro = app.test_client()  # the email is opened in another browser
    pagina = otro.get(enlace)
    assert pagina.status_code == 200 and "Ver mi solicitud" in pagina.get_data(as_text=True)
    assert otro.get(enlace).status_code == 200  # looking does not spend it
    csrf = token_csrf(pagina.get_data(as_text=True))
    usado = otro.post(enlace, data={"csrf_token": csrf})
    assert usado.status_code == 302
    assert caso.folio in otro.get("/seguimiento/caso").get_data(as_text=True)
    tercero = app.test_client()
    segunda = tercero.get(enlace)
    assert segunda.status_code == 404 and "Este enlace ya se usó" in segunda.get_data(True)
    repetido = otro.post(enlace, data={"csrf_token": csrf})
    assert repetido.status_code == 404


def test_enlace_falso(cliente: Any) -> None:
    respuesta = cliente.get("/seguimiento/enlace/no-es-un-token")
    assert respuesta.status_code == 404
    assert "Este enlace no es válido" in respuesta.get_data(as_text=True)


def test_el_acceso_es_para_un_solo_folio(app: Any, cliente: Any, bd: Any) -> None:
    primero, segundo = _caso(bd, app), _caso(bd, app)
    _consultar(cliente, primero.folio, primero.solicitante_email or "")
    html = cliente.get("/seguimiento/caso").get_data(as_text=True)
    url = re.search(r'href="(/seguimiento/caso/adjuntos/[^"]+)"', html)
    assert url is not None
    descarga = cliente.get(url.group(1))
    assert descarga.get_data() == PDF
    descarga.close()
    assert descarga.headers["Content-Disposition"].startswith("attachment;")
    _consultar(cliente, segundo.folio, segundo.solicitante_email or "")
    assert segundo.folio in cliente.get("/seguimiento/caso").get_data(as_text=True)
    assert cliente.get(url.group(1)).status_code == 404  # the first one is no longer granted
    assert app.test_client().get(url.group(1)).status_code == 404


def test_responder_sin_cuenta(app: Any, cliente: Any, bd: Any) -> None:
    caso = _caso(bd, app)
    _, agente = personal(bd.session)
    aplicar_accion(
        bd.session,
        caso,
        Accion.SOLICITAR_INFORMACION,
        agente,
        datetime.now(UTC),
        nota="¿Qué número tiene su medidor?",
    )
    bd.session.commit()
    _consultar(cliente, caso.folio, caso.solicitante_email or "")
    html = cliente.get("/seguimiento/caso").get_data(as_text=True)
    assert "Esperamos su respuesta" in html and "¿Qué número tiene su medidor?" in html
    datos = {
        "csrf_token": token_csrf(html),
        "texto": "AB-123456",
        "adjuntos": (imagen("JPEG"), "medidor.jpg"),
    }
    respuesta = cliente.post("/seguimiento/caso/responder", **multipart(datos))
    assert respuesta.status_code == 302
    bd.session.refresh(caso)
    assert caso.estado is EstadoCaso.EN_PROCESO
    assert caso.eventos[-1].actor_nombre == "Rosa Ibarra"
    assert "medidor.jpg" in cliente.get("/seguimiento/caso").get_data(as_text=True)


def test_sin_acceso_no_se_responde_ni_se_ve(cliente: Any) -> None:
    assert cliente.get("/seguimiento/caso").headers["Location"] == INICIO
    csrf = token_csrf(cliente.get(INICIO).get_data(as_text=True))
    respuesta = cliente.post("/seguimiento/caso/responder", data={"csrf_token": csrf})
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == INICIO


def test_terminar_consulta(app: Any, cliente: Any, bd: Any) -> None:
    caso = _caso(bd, app)
    _consultar(cliente, caso.folio, caso.solicitante_email or "")
    html = cliente.get("/seguimiento/caso").get_data(as_text=True)
    cliente.post("/seguimiento/salir", data={"csrf_token": token_csrf(html)})
    assert cliente.get("/seguimiento/caso").status_code == 302


@pytest.mark.parametrize("folio", ["' OR 1=1 --", "<b>OV</b>", "x" * 500, "OV-2026-00000\x00"])
def test_entradas_raras_no_dan_500(cliente: Any, folio: str) -> None:
    respuesta = _consultar(cliente, folio, "a@b.mx")
    assert respuesta.status_code == 200
    assert "<b>OV</b>" not in respuesta.get_data(as_text=True)
