"""Following a request without an account: folio + email, one-time links, rate limits."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.correo import CorreoSalida
from casos.seguimiento import (
    LIMITE_ENLACE_FOLIO,
    LIMITE_FOLIO,
    LIMITE_IP,
    RUTA_ENLACE,
    VIGENCIA_ENLACE,
    EstadoEnlace,
    Limitado,
    consultar_por_folio,
    emitir_enlace,
    leer_enlace,
    solicitar_enlace,
    usar_enlace,
)
from tests.casos import fabricas

CLAVE = "clave-de-firma-de-pruebas"


def test_folio_y_correo(sesion: Session, ahora: datetime) -> None:
    caso = fabricas.caso(sesion, ahora)
    folio_dictado = f" {caso.folio.lower()} "
    assert consultar_por_folio(sesion, folio_dictado, "Jorge@Ejemplo.mx ", "1.1.1.1", ahora) is caso
    assert consultar_por_folio(sesion, caso.folio, "otro@ejemplo.mx", "1.1.1.1", ahora) is None
    assert consultar_por_folio(sesion, caso.folio, "", "1.1.1.1", ahora) is None
    assert (
        consultar_por_folio(sesion, "OV-1999-999999", "jorge@ejemplo.mx", "1.1.1.1", ahora) is None
    )
    assert consultar_por_folio(sesion, "<script>", "jorge@ejemplo.mx", "1.1.1.1", ahora) is None


def test_limite_por_folio_aunque_cambie_la_ip(sesion: Session, ahora: datetime) -> None:
    caso = fabricas.caso(sesion, ahora)
    for n in range(LIMITE_FOLIO.maximo):
        consultar_por_folio(sesion, caso.folio, f"intento{n}@x.mx", f"10.0.0.{n}", ahora)
    with pytest.raises(Limitado) as error:
        consultar_por_folio(sesion, caso.folio, "jorge@ejemplo.mx", "10.0.1.1", ahora)
    assert error.value.estado.minutos_restantes(ahora) == 60
    # A folio that does not exist is limited the same way (no hint that it is missing).
    for n in range(LIMITE_FOLIO.maximo):
        consultar_por_folio(sesion, "OV-2026-999999", "a@b.mx", f"10.0.2.{n}", ahora)
    with pytest.raises(Limitado):
        consultar_por_folio(sesion, "OV-2026-999999", "a@b.mx", "10.0.3.1", ahora)
    despues = ahora + LIMITE_FOLIO.ventana
    assert consultar_por_folio(sesion, caso.folio, "jorge@ejemplo.mx", "10.0.4.1", despues) is caso


def test_limite_por_ip(sesion: Session, ahora: datetime) -> None:
    for n in range(LIMITE_IP.maximo):
        consultar_por_folio(sesion, f"OV-2026-{n:06d}", "a@b.mx", "10.9.9.9", ahora)
    with pytest.raises(Limitado):
        consultar_por_folio(sesion, "OV-2026-777777", "a@b.mx", "10.9.9.9", ahora)


def test_enlace_de_un_solo_uso(sesion: Session, ahora: datetime) -> None:
    caso = fabricas.caso(sesion, ahora)
    token = emitir_enlace(caso, CLAVE, ahora)
    assert leer_enlace(sesion, token, CLAVE, ahora) is EstadoEnlace.VALIDO
    assert leer_enlace(sesion, token, CLAVE, ahora) is EstadoEnlace.VALIDO  # reading spends nothing
    usado = usar_enlace(sesion, token, CLAVE, ahora + timedelta(minutes=5))
    assert usado.estado is EstadoEnlace.VALIDO and usado.caso is caso
    otra_vez = usar_enlace(sesion, token, CLAVE, ahora + timedelta(minutes=6))
    assert otra_vez.estado is EstadoEnlace.USADO and otra_vez.caso is None
    assert leer_enlace(sesion, token, CLAVE, ahora) is EstadoEnlace.USADO
    nuevo = emitir_enlace(caso, CLAVE, ahora)
    assert usar_enlace(sesion, nuevo, CLAVE, ahora).caso is caso  # each link is its own


def test_enlace_vencido_falsificado_o_con_otra_clave(sesion: Session, ahora: datetime) -> None:
    caso = fabricas.caso(sesion, ahora)
    token = emitir_enlace(caso, CLAVE, ahora)
    vencido = ahora + VIGENCIA_ENLACE
    assert usar_enlace(sesion, token, CLAVE, vencido).estado is EstadoEnlace.VENCIDO
    assert leer_enlace(sesion, token, CLAVE, vencido) is EstadoEnlace.VENCIDO
    assert usar_enlace(sesion, token, "otra-clave", ahora).estado is EstadoEnlace.INVALIDO
    alterado = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert usar_enlace(sesion, alterado, CLAVE, ahora).estado is EstadoEnlace.INVALIDO
    assert usar_enlace(sesion, "basura", CLAVE, ahora).estado is EstadoEnlace.INVALIDO
    assert usar_enlace(sesion, token, CLAVE, ahora).caso is caso  # the failures spent nothing


def _correos(sesion: Session, para: str) -> list[CorreoSalida]:
    consulta = select(CorreoSalida).where(
        CorreoSalida.para == para, CorreoSalida.plantilla == "seguimiento_enlace"
    )
    return list(sesion.scalars(consulta))


def test_solicitar_enlace_escribe_al_correo_del_caso(sesion: Session, ahora: datetime) -> None:
    caso = fabricas.caso(sesion, ahora)
    solicitar_enlace(sesion, caso.folio, "10.1.1.1", CLAVE, ahora)
    solicitar_enlace(sesion, "OV-2026-999998", "10.1.1.1", CLAVE, ahora)  # silently nothing
    sesion.flush()
    [correo] = _correos(sesion, "jorge@ejemplo.mx")
    assert caso.folio in correo.asunto and correo.caso_id == caso.id
    token = correo.texto.split(RUTA_ENLACE, 1)[1].split()[0]
    assert usar_enlace(sesion, token, CLAVE, ahora).caso is caso
    assert "una sola vez" in correo.texto and "24 horas" in correo.texto


def test_solicitar_enlace_limitado_por_folio(sesion: Session, ahora: datetime) -> None:
    caso = fabricas.caso(sesion, ahora)
    for n in range(LIMITE_ENLACE_FOLIO.maximo):
        solicitar_enlace(sesion, caso.folio, f"10.2.0.{n}", CLAVE, ahora)
    with pytest.raises(Limitado):
        solicitar_enlace(sesion, caso.folio, "10.2.1.1", CLAVE, ahora)
    sesion.flush()
    assert len(_correos(sesion, "jorge@ejemplo.mx")) == LIMITE_ENLACE_FOLIO.maximo
