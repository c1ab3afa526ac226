"""Filing: validation, folio, routing, acknowledgement email, idempotency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.catalogo import Area, ReglaRuteo, TipoCaso
from casos.correo import CorreoSalida
from casos.errores import DatosInvalidos, NoEncontrado
from casos.estados import Accion, EstadoCaso
from casos.modelos import Caso, EventoCaso
from casos.registro import DatosCaso, registrar_caso

CIUDADANA = Actor.ciudadano("Rosa Martínez")


def _datos(**extra: object) -> DatosCaso:
    base: dict[str, object] = {
        "tipo": "consulta_general",
        "descripcion": "¿Cómo cambio el titular?",
        "solicitante_nombre": "Rosa Martínez",
        "solicitante_email": "Rosa@Ejemplo.mx",
    }
    base.update(extra)
    return DatosCaso(**base)  # type: ignore[arg-type]


def _contar(sesion: Session, modelo: type) -> int:
    return sesion.scalar(select(func.count()).select_from(modelo)) or 0


def test_registra_con_folio_area_evento_y_plazos(sesion: Session, ahora: datetime) -> None:
    caso = registrar_caso(sesion, _datos(), CIUDADANA, ahora)

    assert caso.folio.startswith("OV-2026-") and len(caso.folio) == 14
    assert caso.estado is EstadoCaso.NUEVO
    assert caso.area.clave == "atencion"
    assert caso.solicitante_email == "rosa@ejemplo.mx"
    [evento] = caso.eventos
    assert evento.accion is Accion.REGISTRAR and evento.estado_hacia is EstadoCaso.NUEVO
    assert evento.actor_nombre == "Rosa Martínez" and evento.es_publico
    # Tuesday 10:00 + 8 business hours = Wednesday 09:00 (Querétaro), 15:00 UTC.
    assert caso.vence_respuesta_en == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    assert caso.sla_explicacion["lineas"][0].startswith("Política: Consulta general")


def test_folios_crecen_y_no_se_repiten(sesion: Session, ahora: datetime) -> None:
    folios = [registrar_caso(sesion, _datos(), CIUDADANA, ahora).folio for _ in range(3)]
    numeros = [int(f.rsplit("-", 1)[1]) for f in folios]
    assert numeros == sorted(numeros) and len(set(numeros)) == 3
    assert numeros[1] == numeros[0] + 1


def test_folio_reinicia_por_anio_de_queretaro(sesion: Session) -> None:
    # 1 Jan 2027 03:00 UTC is still 31 Dec 2026 in Querétaro.
    fin_de_anio = datetime(2027, 1, 1, 3, 0, tzinfo=UTC)
    assert registrar_caso(sesion, _datos(), CIUDADANA, fin_de_anio).folio.startswith("OV-2026-")
    enero = datetime(2027, 1, 4, 16, 0, tzinfo=UTC)
    assert registrar_caso(sesion, _datos(), CIUDADANA, enero).folio == "OV-2027-000001"


def test_acuse_en_la_bandeja_de_salida(sesion: Session, ahora: datetime) -> None:
    caso = registrar_caso(sesion, _datos(), CIUDADANA, ahora)
    correo = sesion.scalar(select(CorreoSalida).where(CorreoSalida.caso_id == caso.id))
    assert correo is not None and correo.para == "rosa@ejemplo.mx"
    assert caso.folio in correo.asunto and caso.folio in correo.texto and caso.folio in correo.html
    assert "a más tardar el miércoles 25 de noviembre de 2026 a las 09:00" in correo.texto
    assert "no recibe respuestas" in correo.texto and "442 211 00 66" in correo.texto
    assert 'src="cid:logo-cea"' in correo.html


def test_texto_se_guarda_tal_cual_y_se_escapa_en_html(sesion: Session, ahora: datetime) -> None:
    texto = "<script>alert('x')</script> & más"
    caso = registrar_caso(sesion, _datos(solicitante_nombre=texto), CIUDADANA, ahora)
    assert caso.solicitante_nombre == texto
    correo = sesion.scalar(select(CorreoSalida).where(CorreoSalida.caso_id == caso.id))
    assert correo is not None
    assert "<script>" not in correo.html and "&lt;script&gt;" in correo.html


def test_doble_envio_crea_un_solo_caso(sesion: Session, ahora: datetime) -> None:
    antes = _contar(sesion, Caso)
    primero = registrar_caso(sesion, _datos(clave_envio="formulario-123"), CIUDADANA, ahora)
    segundo = registrar_caso(
        sesion, _datos(clave_envio="formulario-123"), CIUDADANA, ahora + timedelta(seconds=1)
    )
    assert primero.id == segundo.id
    assert _contar(sesion, Caso) == antes + 1


def test_tipo_desconocido(sesion: Session, ahora: datetime) -> None:
    with pytest.raises(NoEncontrado) as error:
        registrar_caso(sesion, _datos(tipo="no_existe"), CIUDADANA, ahora)
    assert "tipo" in error.value.campos


def test_campos_obligatorios_por_tipo_sin_escribir_nada(sesion: Session, ahora: datetime) -> None:
    antes = (_contar(sesion, Caso), _contar(sesion, EventoCaso), _contar(sesion, CorreoSalida))
    with pytest.raises(DatosInvalidos) as error:
        registrar_caso(
            sesion,
            _datos(tipo="pagos_no_aplicados", contrato="", campos={"monto_pago": "-5"}),
            CIUDADANA,
            ahora,
        )
    campos = error.value.campos
    assert set(campos) == {"contrato", "fecha_pago", "monto_pago"}
    assert "obligatorio" in campos["contrato"] and "mayor que cero" in campos["monto_pago"]
    despues = (_contar(sesion, Caso), _contar(sesion, EventoCaso), _contar(sesion, CorreoSalida))
    assert despues == antes


@pytest.mark.parametrize(
    ("campo", "valor", "fragmento"),
    [
        ("solicitante_email", "sin-arroba", "dirección válida"),
        ("solicitante_telefono", "12345", "10 dígitos"),
        ("contrato", "ab", "4 a 20"),
        ("descripcion", "x" * 5001, "5,000"),
    ],
)
def test_mensajes_claros_por_campo(
    sesion: Session, ahora: datetime, campo: str, valor: str, fragmento: str
) -> None:
    with pytest.raises(DatosInvalidos) as error:
        registrar_caso(sesion, _datos(**{campo: valor}), CIUDADANA, ahora)
    assert fragmento in error.value.campos[campo]


def test_fecha_de_pago_futura(sesion: Session, ahora: datetime) -> None:
    datos = _datos(
        tipo="pagos_no_aplicados",
        contrato="100234",
        campos={"fecha_pago": "30/11/2026", "monto_pago": "356.00"},
    )
    with pytest.raises(DatosInvalidos) as error:
        registrar_caso(sesion, datos, CIUDADANA, ahora)
    assert "futura" in error.value.campos["fecha_pago"]


def test_sin_medio_de_contacto(sesion: Session, ahora: datetime) -> None:
    with pytest.raises(DatosInvalidos) as error:
        registrar_caso(sesion, _datos(solicitante_email=None), CIUDADANA, ahora)
    assert "solicitante_email" in error.value.campos


def test_fecha_sin_zona_horaria(sesion: Session) -> None:
    with pytest.raises(ValueError, match="zona horaria"):
        registrar_caso(sesion, _datos(), CIUDADANA, datetime(2026, 11, 24, 10, 0))


def test_ruteo_por_colonia_con_regla_editable(sesion: Session, ahora: datetime) -> None:
    tipo = sesion.scalar(select(TipoCaso).where(TipoCaso.clave == "consulta_general"))
    ti = sesion.scalar(select(Area).where(Area.clave == "ti"))
    assert tipo is not None and ti is not None
    sesion.add(ReglaRuteo(tipo=tipo, area=ti, colonia="Santa María Magdalena", prioridad=10))
    sesion.flush()
    en_colonia = registrar_caso(sesion, _datos(colonia="SANTA MARIA  magdalena"), CIUDADANA, ahora)
    en_otra = registrar_caso(sesion, _datos(colonia="Centro"), CIUDADANA, ahora)
    assert en_colonia.area.clave == "ti"
    assert en_otra.area.clave == "atencion"
    assert en_colonia.eventos[0].datos["regla_id"] is not None


def test_reporte_de_servicio_corre_24x7(sesion: Session) -> None:
    sabado_noche = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)  # Friday 22:00 in Querétaro
    caso = registrar_caso(
        sesion,
        _datos(tipo="reporte_servicio", campos={"direccion": "Hidalgo 24, Centro"}),
        CIUDADANA,
        sabado_noche,
    )
    assert caso.area.clave == "cat24"
    assert caso.vence_respuesta_en == sabado_noche + timedelta(hours=1)
