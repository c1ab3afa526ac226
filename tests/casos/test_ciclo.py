"""The lifecycle: every action through one function, illegal ones refused, events recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casos.ciclo import aplicar_accion
from casos.errores import DatosInvalidos, TransicionInvalida
from casos.estados import REGLAS, Accion, EstadoCaso, acciones_posibles, destino
from casos.ruteo import turnar
from tests.casos import fabricas

E = EstadoCaso


def test_tabla_de_transiciones() -> None:
    assert destino(Accion.ATENDER, E.NUEVO) is E.EN_PROCESO
    assert destino(Accion.SOLICITAR_INFORMACION, E.EN_PROCESO) is E.EN_ESPERA
    assert destino(Accion.RECIBIR_INFORMACION, E.EN_ESPERA) is E.EN_PROCESO
    assert destino(Accion.CERRAR, E.RESUELTO) is E.CERRADO
    assert destino(Accion.CERRAR, E.EN_PROCESO) is None
    assert destino(Accion.RESPONDER, E.ASIGNADO) is E.ASIGNADO  # no state change
    assert destino(Accion.REGISTRAR, E.NUEVO) is None
    assert all(destino(a, E.CANCELADO) is None for a in Accion)
    assert Accion.ALERTAR_RIESGO not in acciones_posibles(E.NUEVO)
    assert Accion.REABRIR in acciones_posibles(E.CERRADO)


def test_recorrido_completo_con_historial(sesion: Session, ahora: datetime) -> None:
    persona, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    pasos = [
        (Accion.ASIGNAR, {"personal_id": persona.id}, "", E.ASIGNADO),
        (Accion.ATENDER, {}, "", E.EN_PROCESO),
        (Accion.SOLICITAR_INFORMACION, {}, "¿Nos envía una foto del medidor?", E.EN_ESPERA),
        (Accion.RECIBIR_INFORMACION, {}, "Adjunto la foto.", E.EN_PROCESO),
        (Accion.RESOLVER, {"codigo": "ajuste"}, "Se ajustó el consumo.", E.RESUELTO),
        (Accion.CERRAR, {}, "", E.CERRADO),
    ]
    for minutos, (accion, datos, nota, esperado) in enumerate(pasos, start=1):
        evento = aplicar_accion(
            sesion, caso, accion, yo, ahora + timedelta(minutes=minutos), nota=nota, datos=datos
        )
        assert caso.estado is esperado
        assert evento.estado_hacia is esperado and evento.actor_id == persona.id
        assert evento.actor_origen == "127.0.0.1"
    assert [e.accion for e in caso.eventos] == [Accion.REGISTRAR, *(p[0] for p in pasos)]
    assert caso.asignado_a_id == persona.id
    assert caso.primera_respuesta_en == ahora + timedelta(minutes=3)
    assert caso.cerrado_en == ahora + timedelta(minutes=6)
    publicos = [e.accion for e in caso.eventos if e.es_publico]
    assert Accion.ASIGNAR not in publicos and Accion.SOLICITAR_INFORMACION in publicos


def test_transicion_ilegal_no_cambia_nada(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    version, eventos = caso.version, len(caso.eventos)
    with pytest.raises(TransicionInvalida, match="«nuevo»"):
        aplicar_accion(sesion, caso, Accion.CERRAR, yo, ahora)
    assert caso.estado is E.NUEVO and len(caso.eventos) == eventos
    sesion.flush()
    assert caso.version == version


def test_nota_obligatoria_y_acotada(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    with pytest.raises(DatosInvalidos) as error:
        aplicar_accion(sesion, caso, Accion.RESOLVER, yo, ahora, nota="   ")
    assert "nota" in error.value.campos
    with pytest.raises(DatosInvalidos):
        aplicar_accion(sesion, caso, Accion.RESPONDER, yo, ahora, nota="x" * 20_001)
    assert caso.estado is E.NUEVO


def test_asignar_solo_a_personal_del_area(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "facturacion")
    caso = fabricas.caso(sesion, ahora)  # goes to "atencion"
    with pytest.raises(DatosInvalidos, match="no pertenece"):
        aplicar_accion(sesion, caso, Accion.ASIGNAR, yo, ahora, datos={"personal_id": yo.id})
    with pytest.raises(DatosInvalidos):
        aplicar_accion(sesion, caso, Accion.ASIGNAR, yo, ahora, datos={"personal_id": 999_999})


def test_turnar_cambia_area_limpia_asignacion_y_abre_reloj_del_area(
    sesion: Session, ahora: datetime
) -> None:
    persona, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    aplicar_accion(sesion, caso, Accion.ASIGNAR, yo, ahora, datos={"personal_id": persona.id})
    facturacion = fabricas.area(sesion, "facturacion")
    evento = turnar(
        sesion, caso, facturacion.id, "Es de facturación.", yo, ahora + timedelta(hours=1)
    )
    assert caso.area_id == facturacion.id and caso.asignado_a_id is None
    assert caso.estado is E.NUEVO
    assert evento.datos["area_desde"] == "Atención a Usuarios"
    assert caso.vence_turno_en is not None
    # The end-to-end clock keeps its original due time; the area's clock starts at hand-off.
    assert caso.vence_turno_en > caso.vence_resolucion_en
    with pytest.raises(DatosInvalidos, match="ya está"):
        turnar(sesion, caso, facturacion.id, "Otra vez", yo, ahora + timedelta(hours=2))
    with pytest.raises(DatosInvalidos):
        turnar(sesion, caso, facturacion.id + 999, "Área que no existe", yo, ahora)


def test_reabrir_dentro_del_plazo(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    aplicar_accion(sesion, caso, Accion.RESOLVER, yo, ahora, nota="Listo.")
    aplicar_accion(sesion, caso, Accion.REABRIR, yo, ahora + timedelta(days=3), nota="Sigue.")
    assert caso.estado is E.EN_PROCESO and caso.resuelto_en is None
    aplicar_accion(sesion, caso, Accion.RESOLVER, yo, ahora + timedelta(days=4), nota="Ahora sí.")
    with pytest.raises(TransicionInvalida, match="10 días"):
        aplicar_accion(sesion, caso, Accion.REABRIR, yo, ahora + timedelta(days=15), nota="?")


def test_cancelar_detiene_los_relojes(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    aplicar_accion(sesion, caso, Accion.CANCELAR, yo, ahora, nota="Duplicado.")
    assert caso.estado is E.CANCELADO and caso.cancelado_en == ahora
    assert caso.sla_proximo_en is None
    estados = {r["reloj"]: r["estado"] for r in caso.sla_explicacion["relojes"]}
    assert estados == {"respuesta": "detenido", "resolucion": "detenido"}


def test_fecha_sin_zona(sesion: Session, ahora: datetime) -> None:
    _, yo = fabricas.agente(sesion, "atencion")
    caso = fabricas.caso(sesion, ahora)
    with pytest.raises(ValueError, match="zona horaria"):
        aplicar_accion(sesion, caso, Accion.ATENDER, yo, datetime(2026, 11, 24, 10))


def test_la_base_de_datos_ata_estado_y_fechas(sesion: Session, ahora: datetime) -> None:
    caso = fabricas.caso(sesion, ahora)
    with pytest.raises(IntegrityError), sesion.begin_nested():
        sesion.execute(text("UPDATE casos SET estado = 'cerrado' WHERE id = :id"), {"id": caso.id})
    with pytest.raises(IntegrityError), sesion.begin_nested():
        sesion.execute(
            text("UPDATE casos SET estado = 'asignado', asignado_a_id = NULL WHERE id = :id"),
            {"id": caso.id},
        )


def test_cada_regla_tiene_etiqueta() -> None:
    assert all(regla.etiqueta for regla in REGLAS.values())


def test_ahora_utc_de_referencia(ahora: datetime) -> None:
    assert ahora == datetime(2026, 11, 24, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    ("accion", "estado"), [(Accion.RESOLVER, E.RESUELTO), (Accion.CANCELAR, E.CANCELADO)]
)
def test_caso_cargado_sin_historial(
    sesion: Session, ahora: datetime, accion: Accion, estado: EstadoCaso
) -> None:
    """A case fetched without its events (as a view does) can still change state."""
    from casos.modelos import Caso

    _, yo = fabricas.agente(sesion, "atencion")
    caso_id = fabricas.caso(sesion, ahora).id
    sesion.flush()
    sesion.expunge_all()
    caso = sesion.get(Caso, caso_id)
    assert caso is not None
    aplicar_accion(sesion, caso, accion, yo, ahora + timedelta(hours=1), nota="Listo.")
    sesion.flush()
    assert caso.estado is estado
