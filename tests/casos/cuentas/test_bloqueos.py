"""Blocks: debt older than six months (rule 7) and misuse for a set period (rule 8)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from casos.actores import Actor, TipoActor
from casos.correo import CorreoSalida
from casos.cuentas.adeudos import (
    adeudos_antiguos,
    adeudos_vencidos,
    fecha_limite_adeudo,
    restar_meses,
)
from casos.cuentas.bloqueos import (
    bloquear_por_mal_uso,
    bloqueos_vigentes,
    historial_bloqueos,
    reactivar,
    revisar_bloqueos_por_adeudo,
    revisar_cuentas,
)
from casos.cuentas.modelos import Bloqueo, Cuenta, EstadoCuenta, EventoCuenta, MotivoBloqueo
from casos.errores import DatosInvalidos, ErrorDominio, TransicionInvalida
from tests.casos.cuentas import fabricas_bloqueos as f
from tests.conftest import MOTOR_BD

SISTEMA = Actor.sistema("Revisión de adeudos")
SEIS_MESES = date(2026, 5, 24)  # six calendar months before the `ahora` fixture (24/11/2026)


def _eventos(sesion: Session, cuenta: Cuenta) -> list[EventoCuenta]:
    consulta = select(EventoCuenta).where(EventoCuenta.cuenta_id == cuenta.id)
    return list(sesion.scalars(consulta.order_by(EventoCuenta.id)))


def _correos(sesion: Session, cuenta: Cuenta) -> list[CorreoSalida]:
    consulta = select(CorreoSalida).where(CorreoSalida.para == cuenta.email)
    return list(sesion.scalars(consulta.order_by(CorreoSalida.id)))


def _con_deuda(sesion: Session, ahora: datetime, vence_el: date, saldo: str = "350.40") -> Cuenta:
    c = f.contrato(sesion, ahora)
    f.factura(sesion, c, vence_el, saldo, ahora)
    return f.cuenta(sesion, ahora, c)


# --- the six-month line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dia", "limite"),
    [
        (date(2026, 11, 24), date(2026, 5, 24)),
        (date(2026, 3, 15), date(2025, 9, 15)),
        (date(2026, 8, 31), date(2026, 2, 28)),
        (date(2028, 8, 31), date(2028, 2, 29)),
        (date(2026, 12, 31), date(2026, 6, 30)),
    ],
)
def test_seis_meses_calendario_atras(dia: date, limite: date) -> None:
    assert restar_meses(dia, 6) == limite


def test_el_dia_se_cuenta_en_hora_de_queretaro() -> None:
    # 05:30 UTC on the 25th is still 23:30 on the 24th in Querétaro.
    assert fecha_limite_adeudo(datetime(2026, 11, 25, 5, 30, tzinfo=UTC)) == date(2026, 5, 24)
    assert fecha_limite_adeudo(datetime(2026, 11, 25, 6, 0, tzinfo=UTC)) == date(2026, 5, 25)


def test_justo_seis_meses_no_bloquea_un_dia_mas_si(sesion: Session, ahora: datetime) -> None:
    justo = _con_deuda(sesion, ahora, SEIS_MESES)
    pasado = _con_deuda(sesion, ahora, SEIS_MESES - timedelta(days=1))

    resumen = revisar_cuentas(sesion, [justo.id, pasado.id], ahora, SISTEMA)

    assert resumen.a_json() == {"revisadas": 2, "bloqueadas": 1, "levantadas": 0, "actualizadas": 0}
    assert not justo.es_bloqueada and bloqueos_vigentes(sesion, justo) == []
    assert pasado.es_bloqueada
    assert [b.motivo for b in bloqueos_vigentes(sesion, pasado)] == [MotivoBloqueo.ADEUDO]


def test_a_medianoche_de_queretaro_la_factura_cruza_la_linea(
    sesion: Session, ahora: datetime
) -> None:
    cuenta = _con_deuda(sesion, ahora, SEIS_MESES)
    antes = datetime(2026, 11, 25, 5, 59, tzinfo=UTC)  # 23:59 on the 24th, local time

    assert revisar_cuentas(sesion, [cuenta.id], antes, SISTEMA).bloqueadas == 0
    assert revisar_cuentas(sesion, [cuenta.id], antes + timedelta(minutes=1), SISTEMA).bloqueadas
    assert cuenta.es_bloqueada


def test_una_factura_pagada_o_reciente_no_bloquea(sesion: Session, ahora: datetime) -> None:
    c = f.contrato(sesion, ahora)
    f.factura(sesion, c, date(2025, 1, 10), "0", ahora, total="420.00")  # old but paid
    f.factura(sesion, c, date(2026, 10, 10), "380.00", ahora)  # overdue, but recent
    cuenta = f.cuenta(sesion, ahora, c)

    assert revisar_cuentas(sesion, [cuenta.id], ahora, SISTEMA).bloqueadas == 0
    assert not cuenta.es_bloqueada


# --- blocking and lifting --------------------------------------------------------------------


def test_varios_contratos_basta_uno_con_adeudo_antiguo(sesion: Session, ahora: datetime) -> None:
    al_corriente, reciente, moroso = (f.contrato(sesion, ahora) for _ in range(3))
    f.factura(sesion, al_corriente, date(2026, 11, 10), "0", ahora, total="199.00")
    f.factura(sesion, reciente, date(2026, 9, 10), "250.00", ahora)
    f.factura(sesion, moroso, date(2026, 3, 10), "300.00", ahora)
    f.factura(sesion, moroso, date(2026, 4, 10), "310.50", ahora)
    f.factura(sesion, moroso, date(2026, 10, 10), "290.00", ahora)  # overdue, < 6 months
    cuenta = f.cuenta(sesion, ahora, al_corriente, reciente, moroso)

    resumen = revisar_bloqueos_por_adeudo(sesion, None, ahora, SISTEMA)

    assert resumen.bloqueadas >= 1
    assert cuenta.es_bloqueada
    (bloqueo,) = bloqueos_vigentes(sesion, cuenta)
    assert bloqueo.motivo is MotivoBloqueo.ADEUDO
    assert bloqueo.adeudo == Decimal("610.50")  # only what is over six months
    assert bloqueo.inicio_en == ahora and bloqueo.creado_por == "Revisión de adeudos"
    assert bloqueo.detalle == (
        f"Adeudo con más de seis meses de vencido en contrato {moroso.numero}: "
        "2 facturas vencidas desde el 10/03/2026 ($610.50). Total: $610.50."
    )
    (evento,) = _eventos(sesion, cuenta)
    assert evento.accion == "bloqueo_adeudo" and evento.en == ahora
    assert evento.actor_tipo == TipoActor.SISTEMA.value
    assert evento.detalle["adeudo"] == "610.50" and evento.detalle["contratos"] == [moroso.numero]
    (correo,) = _correos(sesion, cuenta)
    assert correo.plantilla == "bloqueo_adeudo"
    assert correo.asunto == "Su cuenta de la Oficina Virtual está bloqueada por adeudo"
    assert f"Contrato {moroso.numero}: 2 facturas vencidas desde el 10/03/2026: $610.50" in (
        correo.texto
    )
    assert "Total por pagar para desbloquear su cuenta: $610.50" in correo.texto
    assert "24 a 48 horas hábiles" in correo.texto and "/mi-cuenta/bloqueo/" in correo.texto


def test_el_pago_levanta_el_bloqueo_en_cuanto_se_importa(sesion: Session, ahora: datetime) -> None:
    c = f.contrato(sesion, ahora)
    vieja = f.factura(sesion, c, date(2026, 2, 10), "512.00", ahora)
    cuenta = f.cuenta(sesion, ahora, c)
    revisar_bloqueos_por_adeudo(sesion, [c.id], ahora, SISTEMA)
    (bloqueo,) = bloqueos_vigentes(sesion, cuenta)

    f.pagar(sesion, vieja)
    importacion = Actor.sistema("Importación de pagos")
    despues = ahora + timedelta(hours=3)
    resumen = revisar_bloqueos_por_adeudo(sesion, [c.id], despues, importacion)

    assert resumen.a_json() == {"revisadas": 1, "bloqueadas": 0, "levantadas": 1, "actualizadas": 0}
    assert not cuenta.es_bloqueada and bloqueos_vigentes(sesion, cuenta) == []
    assert bloqueo.levantado_en == despues and bloqueo.levantado_por == "Importación de pagos"
    assert bloqueo.motivo_levantamiento is not None and "seis meses" in bloqueo.motivo_levantamiento
    assert [e.accion for e in _eventos(sesion, cuenta)] == ["bloqueo_adeudo", "desbloqueo_adeudo"]
    levantado = _correos(sesion, cuenta)[-1]
    assert levantado.plantilla == "bloqueo_levantado"
    assert levantado.asunto == "Su cuenta de la Oficina Virtual ya no está bloqueada"
    assert "Gracias por su pago" in levantado.texto


def test_un_pago_parcial_actualiza_el_importe_sin_duplicar(
    sesion: Session, ahora: datetime
) -> None:
    c = f.contrato(sesion, ahora)
    primera = f.factura(sesion, c, date(2026, 1, 10), "200.00", ahora)
    f.factura(sesion, c, date(2026, 2, 10), "150.00", ahora)
    cuenta = f.cuenta(sesion, ahora, c)
    revisar_cuentas(sesion, [cuenta.id], ahora, SISTEMA)

    f.pagar(sesion, primera)
    resumen = revisar_bloqueos_por_adeudo(sesion, [c.id], ahora, SISTEMA)

    assert resumen.actualizadas == 1 and resumen.bloqueadas == resumen.levantadas == 0
    (bloqueo,) = historial_bloqueos(sesion, cuenta)
    assert bloqueo.adeudo == Decimal("150.00") and bloqueo.levantado_en is None
    assert "1 factura vencida desde el 10/02/2026 ($150.00)" in bloqueo.detalle
    actualizado = _eventos(sesion, cuenta)[-1]
    assert actualizado.accion == "bloqueo_adeudo_actualizado"
    assert actualizado.detalle["adeudo_anterior"] == "350.00"
    assert len(_correos(sesion, cuenta)) == 1  # no new email for a smaller amount


def test_correr_dos_veces_no_cambia_nada(sesion: Session, ahora: datetime) -> None:
    bloqueada = _con_deuda(sesion, ahora, date(2025, 12, 10))
    libre = _con_deuda(sesion, ahora, date(2026, 11, 10))
    ids = [bloqueada.id, libre.id]
    revisar_cuentas(sesion, ids, ahora, SISTEMA)
    eventos, correos = len(_eventos(sesion, bloqueada)), len(_correos(sesion, bloqueada))

    segunda = revisar_cuentas(sesion, ids, ahora + timedelta(days=1), SISTEMA)

    assert segunda.a_json() == {"revisadas": 2, "bloqueadas": 0, "levantadas": 0, "actualizadas": 0}
    assert len(historial_bloqueos(sesion, bloqueada)) == 1
    assert historial_bloqueos(sesion, libre) == []
    assert len(_eventos(sesion, bloqueada)) == eventos
    assert len(_correos(sesion, bloqueada)) == correos


def test_las_cuentas_cerradas_nunca_se_tocan(sesion: Session, ahora: datetime) -> None:
    c = f.contrato(sesion, ahora)
    f.factura(sesion, c, date(2025, 6, 10), "990.00", ahora)
    cerrada = f.cuenta(sesion, ahora, c, estado=EstadoCuenta.CERRADA)

    por_contrato = revisar_bloqueos_por_adeudo(sesion, [c.id], ahora, SISTEMA)
    directa = revisar_cuentas(sesion, [cerrada.id], ahora, SISTEMA)

    assert por_contrato.revisadas == 0
    assert directa.bloqueadas == 0
    assert not cerrada.es_bloqueada and historial_bloqueos(sesion, cerrada) == []


def test_una_cuenta_pendiente_se_bloquea_sin_correo(sesion: Session, ahora: datetime) -> None:
    c = f.contrato(sesion, ahora)
    f.factura(sesion, c, date(2025, 6, 10), "990.00", ahora)
    pendiente = f.cuenta(sesion, ahora, c, estado=EstadoCuenta.PENDIENTE)

    revisar_bloqueos_por_adeudo(sesion, [c.id], ahora, SISTEMA)

    assert pendiente.es_bloqueada
    assert [e.accion for e in _eventos(sesion, pendiente)] == ["bloqueo_adeudo"]
    assert _correos(sesion, pendiente) == []  # its address is not confirmed yet


def test_solo_se_revisan_las_cuentas_de_los_contratos_indicados(
    sesion: Session, ahora: datetime
) -> None:
    otra = _con_deuda(sesion, ahora, date(2025, 6, 10))
    c = f.contrato(sesion, ahora)
    f.cuenta(sesion, ahora, c)

    resumen = revisar_bloqueos_por_adeudo(sesion, [c.id, 999_999_999], ahora, SISTEMA)

    assert resumen.revisadas == 1 and resumen.bloqueadas == 0
    assert not otra.es_bloqueada


def test_adeudos_vencidos_por_contrato_para_la_pagina(sesion: Session, ahora: datetime) -> None:
    c1, c2 = f.contrato(sesion, ahora), f.contrato(sesion, ahora)
    f.factura(sesion, c1, date(2026, 4, 10), "100.00", ahora)
    f.factura(sesion, c1, date(2026, 8, 10), "120.00", ahora)
    f.factura(sesion, c1, date(2026, 12, 10), "130.00", ahora)  # not due yet
    f.factura(sesion, c2, date(2026, 10, 10), "80.00", ahora)
    cuenta = f.cuenta(sesion, ahora, c1, c2)

    primero, segundo = adeudos_vencidos(sesion, cuenta, ahora)

    assert primero.numero == c1.numero and primero.domicilio == c1.domicilio
    assert [(x.vence_el, x.saldo, x.bloquea) for x in primero.facturas] == [
        (date(2026, 4, 10), Decimal("100.00"), True),
        (date(2026, 8, 10), Decimal("120.00"), False),
    ]
    assert primero.total == Decimal("220.00") and primero.total_bloquea == Decimal("100.00")
    assert segundo.numero == c2.numero and segundo.total_bloquea == 0


@pytest.mark.skipif(MOTOR_BD != "sqlite", reason="plan de consulta de SQLite")
def test_la_revision_usa_el_indice_parcial_de_adeudos(sesion: Session, ahora: datetime) -> None:
    cuenta = _con_deuda(sesion, ahora, date(2025, 6, 10))
    conexion = sesion.connection()
    capturadas: list[tuple[str, Any]] = []

    def capturar(_con: Any, _cursor: Any, sql: str, parametros: Any, *_: Any) -> None:
        capturadas.append((sql, parametros))

    event.listen(conexion, "before_cursor_execute", capturar)
    try:
        adeudos_antiguos(sesion, [cuenta.id], SEIS_MESES)
    finally:
        event.remove(conexion, "before_cursor_execute", capturar)
    (sql, parametros), *_ = capturadas
    plan = conexion.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parametros).all()
    assert any("ix_facturas_adeudo" in str(fila[-1]) for fila in plan), plan


# --- misuse (rule 8) ---------------------------------------------------------------------------


def test_mal_uso_periodo_luego_sigue_bloqueada_hasta_reactivar(
    sesion: Session, ahora: datetime
) -> None:
    cuenta = f.cuenta(sesion, ahora, f.contrato(sesion, ahora))
    supervisora, actor = f.personal(sesion)

    bloqueo = bloquear_por_mal_uso(
        sesion, cuenta, 30, "Envió 200 solicitudes falsas en un día.", actor, ahora
    )

    assert cuenta.es_bloqueada and bloqueo.motivo is MotivoBloqueo.MAL_USO
    assert bloqueo.fin_periodo_en == ahora + timedelta(days=30)
    assert bloqueo.creado_por == supervisora.nombre
    aviso = _correos(sesion, cuenta)[-1]
    assert aviso.plantilla == "bloqueo_mal_uso"
    assert "Envió 200 solicitudes falsas en un día." in aviso.texto
    assert "el jueves 24 de diciembre de 2026 a las 10:00" in aviso.texto
    assert "seguirá bloqueada hasta que" in aviso.texto and "442 211 00 66" in aviso.texto

    with pytest.raises(TransicionInvalida) as temprano:
        reactivar(sesion, cuenta, "Solicitud telefónica, folio 1234.", actor, ahora)
    assert "el jueves 24 de diciembre de 2026 a las 10:00" in temprano.value.mensaje

    # The period is over, and still the account stays blocked until staff act.
    despues = ahora + timedelta(days=31)
    assert cuenta.es_bloqueada and bloqueos_vigentes(sesion, cuenta) == [bloqueo]
    with pytest.raises(DatosInvalidos) as sin_motivo:
        reactivar(sesion, cuenta, "  ", actor, despues)
    assert "motivo" in sin_motivo.value.campos

    motivo = "Solicitud telefónica 442 211 00 66, folio de llamada 88231."
    reactivar(sesion, cuenta, motivo, actor, despues)

    assert not cuenta.es_bloqueada and bloqueos_vigentes(sesion, cuenta) == []
    assert bloqueo.levantado_en == despues and bloqueo.levantado_por == supervisora.nombre
    assert bloqueo.motivo_levantamiento == motivo
    assert _correos(sesion, cuenta)[-1].plantilla == "bloqueo_levantado"


def test_cada_bloqueo_y_desbloqueo_queda_en_la_bitacora(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, ahora, f.contrato(sesion, ahora))
    supervisora, actor = f.personal(sesion)
    bloquear_por_mal_uso(sesion, cuenta, 1, "Lenguaje ofensivo en las solicitudes.", actor, ahora)
    despues = ahora + timedelta(days=2)
    reactivar(sesion, cuenta, "Llamada al 442 211 00 66, folio 5521.", actor, despues)

    bloqueo, reactivacion = _eventos(sesion, cuenta)

    assert (bloqueo.accion, bloqueo.en, bloqueo.actor_id) == ("bloqueo_mal_uso", ahora, actor.id)
    assert bloqueo.actor_tipo == "personal" and bloqueo.actor_nombre == supervisora.nombre
    assert bloqueo.origen == "10.1.2.3"
    assert bloqueo.detalle["motivo"] == "Lenguaje ofensivo en las solicitudes."
    assert bloqueo.detalle["dias"] == 1
    assert (reactivacion.accion, reactivacion.en) == ("reactivacion", despues)
    assert reactivacion.actor_nombre == supervisora.nombre
    assert reactivacion.detalle["motivo"] == "Llamada al 442 211 00 66, folio 5521."
    assert reactivacion.detalle["sigue_bloqueada"] is False


def test_reactivar_no_levanta_un_bloqueo_por_adeudo(sesion: Session, ahora: datetime) -> None:
    cuenta = _con_deuda(sesion, ahora, date(2025, 6, 10))
    revisar_cuentas(sesion, [cuenta.id], ahora, SISTEMA)
    _, actor = f.personal(sesion)
    bloquear_por_mal_uso(sesion, cuenta, 5, "Suplantó a otro usuario.", actor, ahora)

    with pytest.raises(TransicionInvalida):
        bloquear_por_mal_uso(sesion, cuenta, 5, "Otra vez lo mismo, ahora.", actor, ahora)
    reactivar(sesion, cuenta, "Llamada del titular, folio 3321.", actor, ahora + timedelta(days=6))

    assert cuenta.es_bloqueada
    assert [b.motivo for b in bloqueos_vigentes(sesion, cuenta)] == [MotivoBloqueo.ADEUDO]
    aviso = _correos(sesion, cuenta)[-1]
    assert aviso.asunto == "Se levantó un bloqueo de su cuenta de la Oficina Virtual"
    assert "sigue bloqueada por adeudo con más de seis meses de vencido" in aviso.texto
    with pytest.raises(TransicionInvalida, match="se levanta solo"):
        reactivar(sesion, cuenta, "Llamada del titular, folio 3322.", actor, ahora)


def test_pagar_con_un_bloqueo_por_mal_uso_vigente_deja_la_cuenta_bloqueada(
    sesion: Session, ahora: datetime
) -> None:
    c = f.contrato(sesion, ahora)
    vieja = f.factura(sesion, c, date(2025, 6, 10), "990.00", ahora)
    cuenta = f.cuenta(sesion, ahora, c)
    revisar_cuentas(sesion, [cuenta.id], ahora, SISTEMA)
    _, actor = f.personal(sesion)
    bloquear_por_mal_uso(sesion, cuenta, 5, "Suplantó a otro usuario.", actor, ahora)

    f.pagar(sesion, vieja)
    assert revisar_bloqueos_por_adeudo(sesion, [c.id], ahora, SISTEMA).levantadas == 1

    assert cuenta.es_bloqueada
    assert [b.motivo for b in bloqueos_vigentes(sesion, cuenta)] == [MotivoBloqueo.MAL_USO]


@pytest.mark.parametrize(
    ("dias", "motivo", "campos"),
    [
        (0, "Envió solicitudes falsas.", {"dias"}),
        (366, "Envió solicitudes falsas.", {"dias"}),
        (7, "corto", {"motivo"}),
        (7, "x" * 2001, {"motivo"}),
        (-1, "", {"dias", "motivo"}),
    ],
)
def test_datos_del_bloqueo_validados(
    sesion: Session, ahora: datetime, dias: int, motivo: str, campos: set[str]
) -> None:
    cuenta = f.cuenta(sesion, ahora, f.contrato(sesion, ahora))
    _, actor = f.personal(sesion)

    with pytest.raises(DatosInvalidos) as error:
        bloquear_por_mal_uso(sesion, cuenta, dias, motivo, actor, ahora)

    assert set(error.value.campos) == campos
    assert not cuenta.es_bloqueada


@pytest.mark.parametrize(
    "actor",
    [Actor.ciudadano("alguien", 1), Actor.sistema(), Actor(TipoActor.PERSONAL, "Sin id", None)],
)
def test_solo_el_personal_bloquea_y_reactiva(
    sesion: Session, ahora: datetime, actor: Actor
) -> None:
    cuenta = f.cuenta(sesion, ahora, f.contrato(sesion, ahora))

    with pytest.raises(ErrorDominio, match="Solo el personal de la CEA"):
        bloquear_por_mal_uso(sesion, cuenta, 5, "Envió solicitudes falsas.", actor, ahora)
    with pytest.raises(ErrorDominio, match="Solo el personal de la CEA"):
        reactivar(sesion, cuenta, "Llamada del titular, folio 1.", actor, ahora)


def test_no_se_bloquea_una_cuenta_cerrada(sesion: Session, ahora: datetime) -> None:
    cerrada = f.cuenta(sesion, ahora, estado=EstadoCuenta.CERRADA)
    _, actor = f.personal(sesion)

    with pytest.raises(TransicionInvalida, match="cerrada"):
        bloquear_por_mal_uso(sesion, cerrada, 5, "Envió solicitudes falsas.", actor, ahora)

    total = sesion.scalar(
        select(func.count()).select_from(Bloqueo).where(Bloqueo.cuenta_id == cerrada.id)
    )
    assert total == 0
