"""In-person visits: office hours, working days, future only; recorded for the portal."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.atencion import Comando, ejecutar
from casos.atencion_catalogos import Oficina
from casos.atencion_visitas import cita_local, horarios_cita
from casos.correo import CorreoSalida
from casos.errores import DatosInvalidos
from casos.estados import Accion
from casos.expediente import expediente
from tests.casos import fabricas


def _agendar(sesion: Session, ahora: datetime, cuando: datetime, oficina_id: int | None = None):
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    oficina = sesion.scalars(select(Oficina)).first()
    assert oficina is not None
    datos = {
        "oficina_id": oficina.id if oficina_id is None else oficina_id,
        "cita_en": cuando.isoformat(),
    }
    comando = Comando(Accion.RESPONDER, "Traiga su INE y su último recibo.", caso.version, datos)
    return caso, oficina, ejecutar(sesion, caso, comando, yo, ahora)


def test_horarios() -> None:
    assert horarios_cita()[0] == "08:00" and horarios_cita()[-1] == "16:30"


def test_cita_valida_queda_en_el_evento_el_portal_y_el_correo(
    sesion: Session, ahora: datetime
) -> None:
    cuando = cita_local(date(2026, 11, 26), time(9, 30))  # Thursday
    caso, oficina, evento = _agendar(sesion, ahora, cuando)
    assert evento.datos["cita_en"] == "2026-11-26T15:30:00+00:00"
    assert (
        evento.datos["oficina_id"] == oficina.id and oficina.direccion in evento.datos["cita_lugar"]
    )
    entrada = expediente(sesion, caso).entradas[-1]
    assert entrada.cita_en == datetime(2026, 11, 26, 15, 30, tzinfo=UTC)
    correo = sesion.scalar(select(CorreoSalida).where(CorreoSalida.plantilla == "cita_presencial"))
    assert correo is not None and caso.folio in correo.asunto
    assert "jueves 26 de noviembre de 2026 a las 09:30" in correo.texto
    assert "Traiga su INE" in correo.texto


@pytest.mark.parametrize(
    ("fecha", "hora", "razon"),
    [
        (date(2026, 11, 23), time(10), "ya pasaron"),
        (date(2026, 11, 28), time(10), "lunes a viernes"),
        (date(2026, 11, 26), time(7, 30), "entre 8:00 y 16:30"),
        (date(2026, 11, 26), time(16, 45), "entre 8:00 y 16:30"),
        (date(2027, 3, 25), time(10), "Jueves Santo"),
        (date(2026, 12, 25), time(10), "día inhábil"),
    ],
)
def test_cita_rechazada(
    sesion: Session, ahora: datetime, fecha: date, hora: time, razon: str
) -> None:
    with pytest.raises(DatosInvalidos) as error:
        _agendar(sesion, ahora, cita_local(fecha, hora))
    assert razon in error.value.campos["cita_en"]


def test_cita_sin_oficina(sesion: Session, ahora: datetime) -> None:
    with pytest.raises(DatosInvalidos) as error:
        _agendar(sesion, ahora, cita_local(date(2026, 11, 26), time(10)), oficina_id=0)
    assert set(error.value.campos) == {"oficina_id"}
