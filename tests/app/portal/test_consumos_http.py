"""*Mis Consumos* over HTTP: pages, downloads, *Compártenos tu lectura* (bad input kept, CSRF,
double submit, confirmation), the meter photo, and a 404 for every id that is not yours."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from markupsafe import escape
from PIL import Image
from sqlalchemy import event, func, select

from app.auth import ruta_opcional
from casos.adjuntos import ArchivoRecibido
from casos.comercial.lecturas_cliente import compartir_lectura
from casos.comercial.modelos import Lectura, OrigenLectura
from casos.correo import CorreoSalida
from casos.modelos import Caso
from casos.sla import ZONA_CEA
from tests.casos.comercial.test_lecturas_cliente import jpeg_con_exif
from tests.casos.cuentas import fabricas_cuenta as f
from tests.soporte.clientes import Historial, cliente_con_historial, entrar
from tests.soporte.formularios import token_csrf

BASE = "/mi-cuenta/consumos"
RE_CLAVE = re.compile(r'name="clave_envio"[^>]*value="([^"]+)"')
ALTO = [12] * 25 + [34]  # October 2026: 34 m³ after months of 12


def _html(respuesta: Any) -> str:
    return str(respuesta.get_data(as_text=True))


def _hoy() -> str:
    return datetime.now(ZONA_CEA).date().isoformat()


@pytest.fixture
def historial(bd: Any, cliente: Any) -> Historial:
    """A signed-in customer whose last month is more than double the usual."""
    nuevo = cliente_con_historial(bd.session, consumos=ALTO)
    bd.session.commit()
    entrar(cliente, nuevo.cuenta)
    return nuevo


def _url(historial: Historial, resto: str = "") -> str:
    return f"{BASE}/{historial.contrato.id}{resto}"


def _formulario(cliente: Any, url: str) -> dict[str, str]:
    html = _html(cliente.get(url))
    clave = RE_CLAVE.search(html)
    assert clave is not None
    return {"csrf_token": token_csrf(html), "clave_envio": clave.group(1)}


def _enviar_lectura(cliente: Any, historial: Historial, **datos: Any) -> Any:
    url = _url(historial, "/lectura")
    campos = {**_formulario(cliente, url), "fecha": _hoy(), **datos}
    return cliente.post(url, data=campos, content_type="multipart/form-data")


def _casos(bd: Any, historial: Historial) -> int:
    consulta = select(func.count()).where(Caso.cuenta_id == historial.cuenta.id)
    total = bd.session.scalar(consulta) or 0
    bd.session.commit()
    return total


# --- pages ----------------------------------------------------------------------------------


def test_un_solo_contrato_va_directo_a_su_pagina(cliente: Any, historial: Historial) -> None:
    respuesta = cliente.get(f"{BASE}/")
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == _url(historial)


def test_varios_contratos_se_elige(bd: Any, cliente: Any) -> None:
    uno, dos = f.contrato(bd.session), f.contrato(bd.session, direccion="Calle Morelos 7")
    cuenta = f.cuenta(bd.session, uno, dos)
    bd.session.commit()
    entrar(cliente, cuenta)
    html = _html(cliente.get(f"{BASE}/"))
    assert uno.numero in html and dos.numero in html and "Calle Morelos 7" in html
    assert f'href="{BASE}/{dos.id}"' in html
    pagina = _html(cliente.get(f"{BASE}/{dos.id}"))
    assert "elegir otro contrato" in pagina


def test_pagina_del_contrato(app: Any, cliente: Any, historial: Historial) -> None:
    respuesta = cliente.get(_url(historial))
    html = _html(respuesta)
    assert respuesta.status_code == 200 and 'aria-current="page"' in html
    assert "Su último consumo" in html and "octubre de 2026" in html and "octubre de 2025" in html
    assert "34 m³" in html and "+22 m³" in html and "+183.3 %" in html
    assert (
        "Su consumo de octubre de 2026 (34 m³) es más del doble de su promedio de los seis "
        "meses anteriores (12 m³). Puede deberse a una fuga." in html
    )
    assert 'href="tel:+524422110066"' in html and "Aclaración de altos consumos" in html
    factura = historial.facturas[-1]
    with app.test_request_context():
        esperado = ruta_opcional(
            "gestiones.formulario",
            "/contacto/altos_consumos",
            tipo="altos_consumos",
            contrato=historial.contrato.id,
            factura=factura.id,
        )
    assert f'href="{escape(esperado)}"' in html
    assert "<svg" in html and "Evolución de su consumo, últimos 24 meses" in html
    assert "Detalle de consumo" in html and "<caption" in html and "28/10/2026" in html
    assert f'href="{_url(historial, "/consumos.csv")}"' in html
    assert f'href="{_url(historial, "/consumos.xlsx")}"' in html
    assert f'href="{_url(historial, "/lectura")}"' in html


def test_sin_aviso_con_consumo_habitual(bd: Any, cliente: Any) -> None:
    historial = cliente_con_historial(bd.session)
    bd.session.commit()
    entrar(cliente, historial.cuenta)
    html = _html(cliente.get(_url(historial)))
    assert "Su último consumo" in html and "Aclaración de altos consumos" not in html


def test_contrato_nuevo_sin_facturas_ni_lecturas(bd: Any, cliente: Any) -> None:
    contrato = f.contrato(bd.session)
    cuenta = f.cuenta(bd.session, contrato)
    bd.session.commit()
    entrar(cliente, cuenta)
    html = _html(cliente.get(f"{BASE}/{contrato.id}"))
    assert "Todavía no hay consumos facturados" in html
    assert "Todavía no hay lecturas de este medidor" in html and "Descargar CSV" not in html


def test_contrato_sin_medidor(bd: Any, cliente: Any) -> None:
    historial = cliente_con_historial(bd.session, meses=3, medidor=None)
    bd.session.commit()
    entrar(cliente, historial.cuenta)
    html = _html(cliente.get(_url(historial)))
    assert "no tiene medidor" in html and "Compártenos tu lectura" not in html
    formulario = _html(cliente.get(_url(historial, "/lectura")))
    assert (
        "se factura con una cuota fija" in formulario
        and '<form method="post" enc' not in formulario
    )
    respuesta = cliente.post(
        _url(historial, "/lectura"),
        data={"csrf_token": token_csrf(formulario), "valor": "100", "fecha": _hoy()},
    )
    assert respuesta.status_code == 200 and _casos(bd, historial) == 0


# --- downloads ------------------------------------------------------------------------------


def test_descargar_csv(cliente: Any, historial: Historial) -> None:
    respuesta = cliente.get(_url(historial, "/consumos.csv"))
    assert respuesta.status_code == 200
    assert respuesta.mimetype == "text/csv"
    disposicion = respuesta.headers["Content-Disposition"]
    assert disposicion == f'attachment; filename="consumos-{historial.contrato.numero}.csv"'
    assert "no-store" in respuesta.headers["Cache-Control"]
    assert respuesta.data.startswith(b"\xef\xbb\xbf")
    filas = list(csv.reader(io.StringIO(respuesta.data.decode("utf-8-sig"))))
    assert filas[0][0] == "Fecha" and len(filas) == 27
    assert filas[1][:3] == ["28/10/2026", str(historial.lecturas[-1].valor), "34"]


def test_descargar_xlsx(cliente: Any, historial: Historial) -> None:
    respuesta = cliente.get(_url(historial, "/consumos.xlsx"))
    assert respuesta.status_code == 200 and respuesta.mimetype.endswith("spreadsheetml.sheet")
    libro = openpyxl.load_workbook(io.BytesIO(respuesta.data))
    hoja = libro["Lecturas"]
    assert hoja.max_row == 27 and hoja["A2"].value == datetime(2026, 10, 28)
    assert libro["Consumo por mes"].max_row == 27


def test_formato_desconocido_es_404(cliente: Any, historial: Historial) -> None:
    assert cliente.get(_url(historial, "/consumos.pdf")).status_code == 404


# --- Compártenos tu lectura -----------------------------------------------------------------


def test_compartir_lectura_con_foto(app: Any, bd: Any, cliente: Any, historial: Historial) -> None:
    pagina = _html(cliente.get(_url(historial, "/lectura")))
    hoy = datetime.now(ZONA_CEA).date()
    assert 'enctype="multipart/form-data"' in pagina and f'value="{hoy:%d/%m/%Y}"' in pagina
    valor = historial.lecturas[-1].valor + 11
    foto = (io.BytesIO(jpeg_con_exif()), "medidor.jpg")

    respuesta = _enviar_lectura(cliente, historial, valor=str(valor), foto=foto)

    assert respuesta.status_code == 302
    assert respuesta.headers["Location"] == _url(historial, "/lectura/recibida")
    recibo = _html(cliente.get(respuesta.headers["Location"]))
    caso = bd.session.scalar(select(Caso).where(Caso.cuenta_id == historial.cuenta.id))
    assert caso is not None and caso.folio in recibo
    assert "Recibimos su lectura" in recibo and f"{valor:,} m³" in recibo
    assert "Le responderemos a más tardar" in recibo and "y con la foto que nos envió" in recibo
    acuse = bd.session.scalar(
        select(CorreoSalida).where(CorreoSalida.para == historial.cuenta.email)
    )
    assert acuse is not None and caso.folio in acuse.asunto
    lectura = bd.session.scalar(select(Lectura).where(Lectura.caso_id == caso.id))
    assert lectura is not None and lectura.origen is OrigenLectura.CLIENTE
    bd.session.commit()

    html = _html(cliente.get(_url(historial)))
    ruta_foto = _url(historial, f"/lecturas/{lectura.id}/foto")
    assert caso.folio in html and f'href="{ruta_foto}"' in html
    descarga = cliente.get(ruta_foto)
    contenido = descarga.get_data()
    descarga.close()  # send_file streams from an open file
    assert descarga.status_code == 200 and descarga.mimetype == "image/jpeg"
    assert descarga.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in descarga.headers["Cache-Control"]
    assert b"Exif" not in contenido
    with Image.open(io.BytesIO(contenido)) as imagen:
        assert len(imagen.getexif()) == 0


def test_datos_no_validos_se_conservan(bd: Any, cliente: Any, historial: Historial) -> None:
    manana = (datetime.now(ZONA_CEA).date() + timedelta(days=1)).isoformat()
    no_imagen = (io.BytesIO(b"MZ\x90\x00 ejecutable"), "medidor.png")
    respuesta = _enviar_lectura(cliente, historial, valor="12a", fecha=manana, foto=no_imagen)
    html = _html(respuesta)
    assert respuesta.status_code == 200 and "Revise los datos marcados" in html
    assert 'value="12a"' in html and f'value="{manana}"' in html
    assert "solo los números negros" in html and "posterior a hoy" in html
    assert "no es un archivo JPEG o PNG válido" in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="valor-ayuda valor-error"' in html
    assert "elíjala otra vez" in html
    assert _casos(bd, historial) == 0


@pytest.mark.parametrize("fecha", ["31/02/2026", "mañana", "2026-13-01", "11/21/2026", "9" * 40])
def test_fecha_ilegible(bd: Any, cliente: Any, historial: Historial, fecha: str) -> None:
    html = _html(_enviar_lectura(cliente, historial, valor="1500", fecha=fecha))
    assert "Escriba la fecha como dd/mm/aaaa." in html and f'value="{fecha}"' in html
    assert _casos(bd, historial) == 0


def test_fecha_escrita_dd_mm_aaaa(bd: Any, cliente: Any, historial: Historial) -> None:
    hoy = datetime.now(ZONA_CEA).date()
    valor = str(historial.lecturas[-1].valor + 3)
    respuesta = _enviar_lectura(cliente, historial, valor=valor, fecha=f"{hoy:%d/%m/%Y}")
    assert respuesta.status_code == 302 and _casos(bd, historial) == 1


def test_lectura_menor_pide_confirmar(bd: Any, cliente: Any, historial: Historial) -> None:
    menor = str(historial.lecturas[-1].valor - 5)
    html = _html(_enviar_lectura(cliente, historial, valor=menor))
    assert "Confirmo que la lectura es correcta" in html and f'value="{menor}"' in html
    assert "Es menor que la lectura anterior" in html and _casos(bd, historial) == 0
    respuesta = _enviar_lectura(cliente, historial, valor=menor, confirmado="y")
    assert respuesta.status_code == 302 and _casos(bd, historial) == 1


def test_sin_csrf_no_se_registra(bd: Any, cliente: Any, historial: Historial) -> None:
    respuesta = cliente.post(_url(historial, "/lectura"), data={"valor": "2000", "fecha": _hoy()})
    assert respuesta.status_code == 400 and "caducó" in _html(respuesta)
    assert _casos(bd, historial) == 0


def test_doble_envio_un_solo_caso(bd: Any, cliente: Any, historial: Historial) -> None:
    url = _url(historial, "/lectura")
    campos = {
        **_formulario(cliente, url),
        "valor": str(historial.lecturas[-1].valor + 2),
        "fecha": _hoy(),
    }
    primera = cliente.post(url, data=campos)
    segunda = cliente.post(url, data=campos)
    assert primera.status_code == segunda.status_code == 302
    assert _casos(bd, historial) == 1


@pytest.mark.parametrize(
    "cambios",
    [
        {"clave_envio": "no vale!"},
        {"valor": "1\x00" * 3000},
        {"foto": "no es un archivo"},
        {"confirmado": "quizá"},
    ],
)
def test_entradas_raras_no_dan_500(
    bd: Any, cliente: Any, historial: Historial, cambios: dict[str, str]
) -> None:
    respuesta = _enviar_lectura(cliente, historial, **{"valor": "1", **cambios})
    assert respuesta.status_code in (200, 302)


def test_recibo_sin_envio_vuelve_a_la_pagina(cliente: Any, historial: Historial) -> None:
    respuesta = cliente.get(_url(historial, "/lectura/recibida"))
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == _url(historial)


# --- nobody else's ids ----------------------------------------------------------------------


@pytest.fixture
def ajeno(app: Any, bd: Any, historial: Historial) -> tuple[Historial, int]:
    """Another customer's contract with a reading they shared with a photo."""
    otro = cliente_con_historial(bd.session, meses=3)
    hecho = compartir_lectura(
        bd.session,
        otro.cuenta,
        otro.contrato.id,
        otro.lecturas[-1].valor + 4,
        datetime.now(ZONA_CEA).date(),
        ArchivoRecibido("m.jpg", jpeg_con_exif()),
        False,
        Path(app.config["CARPETA_ADJUNTOS"]),
        f.actor_de(otro.cuenta),
        datetime.now(ZONA_CEA),
    )
    assert hecho.lectura is not None
    bd.session.commit()
    return otro, hecho.lectura.id


RUTAS_CON_ID = [
    "",
    "/consumos.csv",
    "/consumos.xlsx",
    "/lectura",
    "/lectura/recibida",
]


@pytest.mark.parametrize("resto", RUTAS_CON_ID)
def test_contrato_ajeno_o_inexistente_es_404(
    cliente: Any, ajeno: tuple[Historial, int], resto: str
) -> None:
    otro, _ = ajeno
    assert cliente.get(f"{BASE}/{otro.contrato.id}{resto}").status_code == 404
    assert cliente.get(f"{BASE}/987654321{resto}").status_code == 404


def test_post_a_contrato_ajeno_es_404(
    bd: Any, cliente: Any, historial: Historial, ajeno: tuple[Historial, int]
) -> None:
    otro, _ = ajeno
    campos = {**_formulario(cliente, _url(historial, "/lectura")), "valor": "5", "fecha": _hoy()}
    assert cliente.post(f"{BASE}/{otro.contrato.id}/lectura", data=campos).status_code == 404
    assert _casos(bd, otro) == 1  # only the one the fixture filed


def test_foto_ajena_es_404(
    cliente: Any, historial: Historial, ajeno: tuple[Historial, int]
) -> None:
    otro, lectura_id = ajeno
    # Their contract, or my contract with their reading id: both unknown to me.
    assert cliente.get(f"{BASE}/{otro.contrato.id}/lecturas/{lectura_id}/foto").status_code == 404
    assert cliente.get(_url(historial, f"/lecturas/{lectura_id}/foto")).status_code == 404
    # A CEA reading of my own contract has no photo.
    mia = historial.lecturas[-1].id
    assert cliente.get(_url(historial, f"/lecturas/{mia}/foto")).status_code == 404


def test_el_dueno_si_ve_su_foto(app: Any, ajeno: tuple[Historial, int]) -> None:
    otro, lectura_id = ajeno
    with app.test_client() as suyo:
        entrar(suyo, otro.cuenta)
        respuesta = suyo.get(f"{BASE}/{otro.contrato.id}/lecturas/{lectura_id}/foto")
        respuesta.close()
        assert respuesta.status_code == 200 and respuesta.mimetype == "image/jpeg"


@pytest.mark.parametrize(
    "ruta",
    ["/", "/1", "/1/consumos.csv", "/1/lectura", "/1/lectura/recibida", "/1/lecturas/1/foto"],
)
def test_sin_sesion_pide_entrar(cliente: Any, ruta: str) -> None:
    respuesta = cliente.get(f"{BASE}{ruta}")
    assert respuesta.status_code == 302 and "/acceso" in respuesta.headers["Location"]


# --- no N+1 ---------------------------------------------------------------------------------


def _sentencias(bd: Any, cliente: Any, url: str) -> list[str]:
    """The SQL statements one request runs (savepoints of the test harness left out)."""
    motor = bd.session.get_bind().engine
    vistas: list[str] = []

    def anotar(_conexion: Any, _cursor: Any, sentencia: str, *_: Any) -> None:
        if sentencia.lstrip().upper().startswith("SELECT"):
            vistas.append(sentencia)

    event.listen(motor, "before_cursor_execute", anotar)
    try:
        assert cliente.get(url).status_code == 200
    finally:
        event.remove(motor, "before_cursor_execute", anotar)
    return vistas


def test_la_pagina_no_crece_en_consultas(
    app: Any, bd: Any, cliente: Any, historial: Historial
) -> None:
    antes = _sentencias(bd, cliente, _url(historial))
    carpeta = Path(app.config["CARPETA_ADJUNTOS"])
    hoy = datetime.now(ZONA_CEA)
    for dias in (3, 2, 1):  # three shared readings, each with its case and photo
        compartir_lectura(
            bd.session,
            historial.cuenta,
            historial.contrato.id,
            historial.lecturas[-1].valor + 10 - dias,
            hoy.date() - timedelta(days=dias),
            ArchivoRecibido("m.jpg", jpeg_con_exif()),
            False,
            carpeta,
            f.actor_de(historial.cuenta),
            hoy,
        )
    bd.session.commit()
    despues = _sentencias(bd, cliente, _url(historial))
    assert len(despues) == len(antes)
    # Loading the contract through the account, the bills and the readings: three queries.
    propias = [s for s in despues if re.search(r"\bFROM (contratos|facturas|lecturas)\b", s)]
    assert len(propias) == 3
