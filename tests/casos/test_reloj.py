"""Case clocks recomputed from events: pauses, hand-offs, thresholds, explanation (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from casos.estados import Accion, EstadoCaso
from casos.modelos import EstadoSLA
from casos.reloj import EstadoReloj, Hecho, Politica, calcular_sla
from casos.sla import ZONA_CEA, CalendarioLaboral

E = EstadoCaso


def mx(anio: int, mes: int, dia: int, hora: int, minuto: int = 0) -> datetime:
    return datetime(anio, mes, dia, hora, minuto, tzinfo=ZONA_CEA)


def politica(respuesta: float = 2, resolucion: float = 16, umbral: int = 75) -> Politica:
    return Politica(
        tipo="Aclaración de altos consumos",
        area="Facturación",
        objetivo_respuesta=timedelta(hours=respuesta),
        objetivo_resolucion=timedelta(hours=resolucion),
        umbral_pct=umbral,
        calendario=CalendarioLaboral.cea(),
    )


def registro(en: datetime) -> Hecho:
    return Hecho(en, Accion.REGISTRAR, E.NUEVO)


def test_viernes_tarde_vence_el_lunes() -> None:
    resultado = calcular_sla([registro(mx(2026, 11, 20, 16, 30))], politica(), mx(2026, 11, 20, 17))
    respuesta = resultado.reloj("respuesta")
    assert respuesta is not None
    assert respuesta.vence_en == mx(2026, 11, 23, 9, 30)
    assert respuesta.riesgo_en == mx(2026, 11, 23, 9, 0)
    assert respuesta.estado is EstadoReloj.EN_TIEMPO
    assert resultado.proximo_en == mx(2026, 11, 23, 9, 0)
    assert resultado.estado is EstadoSLA.EN_TIEMPO


def test_fuera_de_horario_empieza_en_la_siguiente_apertura() -> None:
    sabado = mx(2026, 11, 21, 10)
    resultado = calcular_sla([registro(sabado)], politica(respuesta=1), sabado)
    assert resultado.vence("respuesta") == mx(2026, 11, 23, 9)
    assert any("fuera del horario de atención" in linea for linea in resultado.lineas)
    assert any("lunes 23 de noviembre de 2026 a las 08:00" in linea for linea in resultado.lineas)


def test_pausa_en_espera_que_abarca_un_fin_de_semana() -> None:
    hechos = [
        registro(mx(2026, 11, 19, 10)),  # Thursday
        Hecho(mx(2026, 11, 20, 15), Accion.SOLICITAR_INFORMACION, E.EN_ESPERA),
        Hecho(mx(2026, 11, 23, 10), Accion.RECIBIR_INFORMACION, E.EN_PROCESO),
    ]
    resultado = calcular_sla(hechos, politica(), mx(2026, 11, 23, 11))
    resolucion = resultado.reloj("resolucion")
    assert resolucion is not None
    # 7 h Thursday + 7 h Friday before the pause; 2 h left from Monday 10:00.
    assert resolucion.vence_en == mx(2026, 11, 23, 12)
    assert resolucion.consumido == timedelta(hours=15)
    assert resolucion.pausas == ((mx(2026, 11, 20, 15), mx(2026, 11, 23, 10)),)
    respuesta = resultado.reloj("respuesta")
    assert respuesta is not None and respuesta.estado is EstadoReloj.INCUMPLIDO  # 14 h > 2 h


def test_mientras_espera_al_ciudadano_ningun_reloj_avanza() -> None:
    hechos = [
        registro(mx(2026, 11, 19, 10)),
        Hecho(mx(2026, 11, 19, 11), Accion.SOLICITAR_INFORMACION, E.EN_ESPERA),
    ]
    una_semana_despues = mx(2026, 11, 26, 12)
    resultado = calcular_sla(hechos, politica(), una_semana_despues)
    resolucion = resultado.reloj("resolucion")
    assert resolucion is not None and resolucion.es_pausado
    assert resolucion.vence_en is None and resolucion.consumido == timedelta(hours=1)
    assert resolucion.restante == timedelta(hours=15)
    assert resultado.proximo_en is None and resultado.pendientes == ()
    assert resultado.estado is EstadoSLA.EN_TIEMPO
    assert any("sigue en pausa" in linea for linea in resultado.lineas)


def test_dias_inhabiles_saltados_se_explican() -> None:
    extra = CalendarioLaboral.cea(dias_inhabiles=[(mx(2026, 11, 17, 0).date(), "Día CEA")])
    p = Politica(
        "Consulta general",
        "Atención a Usuarios",
        timedelta(hours=2),
        timedelta(hours=18),
        75,
        extra,
    )
    resultado = calcular_sla([registro(mx(2026, 11, 13, 16))], p, mx(2026, 11, 13, 16))
    # Friday 16:00 + 18 h skips Monday 16/11 (Revolución) and Tuesday 17/11 (Día CEA).
    assert resultado.vence("resolucion") == mx(2026, 11, 19, 16)
    texto = " ".join(resultado.lineas)
    assert "16/11/2026" in texto and "Revolución" in texto and "Día CEA" in texto


def test_umbral_pendiente_hasta_que_se_registra() -> None:
    hechos = [registro(mx(2026, 11, 24, 9))]
    resultado = calcular_sla(hechos, politica(), mx(2026, 11, 24, 10, 40))
    assert resultado.pendientes == (("respuesta", "riesgo"),)
    assert resultado.estado is EstadoSLA.EN_RIESGO
    inicio = resultado.reloj("respuesta").inicio_en.isoformat()  # type: ignore[union-attr]
    hechos.append(
        Hecho(
            mx(2026, 11, 24, 10, 40),
            Accion.ALERTAR_RIESGO,
            None,
            {"reloj": "respuesta", "umbral": "riesgo", "inicio": inicio},
        )
    )
    despues = calcular_sla(hechos, politica(), mx(2026, 11, 24, 10, 40))
    assert despues.pendientes == ()
    assert despues.proximo_en == mx(2026, 11, 24, 11)  # next: the due time


def test_vencido_cubre_el_riesgo_no_registrado() -> None:
    resultado = calcular_sla([registro(mx(2026, 11, 24, 9))], politica(), mx(2026, 11, 30, 9))
    assert ("respuesta", "vencido") in resultado.pendientes
    assert ("respuesta", "riesgo") not in resultado.pendientes
    assert resultado.estado is EstadoSLA.VENCIDO


def test_resolver_detiene_y_reabrir_reanuda_sin_contar_lo_resuelto() -> None:
    hechos = [
        registro(mx(2026, 11, 23, 8)),
        Hecho(mx(2026, 11, 23, 12), Accion.RESOLVER, E.RESUELTO),
        Hecho(mx(2026, 11, 25, 8), Accion.REABRIR, E.EN_PROCESO),
    ]
    resultado = calcular_sla(hechos, politica(), mx(2026, 11, 25, 9))
    resolucion = resultado.reloj("resolucion")
    assert resolucion is not None and resolucion.consumido == timedelta(hours=5)
    assert resolucion.vence_en == mx(2026, 11, 26, 11)  # 4 h used; 12 h from Wednesday 08:00
    cerrado = calcular_sla(hechos[:2], politica(), mx(2026, 11, 30, 9))
    assert cerrado.reloj("resolucion").estado is EstadoReloj.CUMPLIDO  # type: ignore[union-attr]
    assert cerrado.proximo_en is None


def test_turno_abre_el_reloj_del_area_y_el_de_punta_a_punta_sigue() -> None:
    hechos = [
        registro(mx(2026, 11, 23, 8)),
        Hecho(mx(2026, 11, 24, 8), Accion.TURNAR, E.NUEVO, {"area_id": 2}),
    ]
    resultado = calcular_sla(hechos, politica(), mx(2026, 11, 24, 9))
    assert resultado.vence("resolucion") == mx(2026, 11, 24, 15)
    assert resultado.vence("turno") == mx(2026, 11, 25, 15)
    assert "Atención del área actual" in " ".join(resultado.lineas)


def test_recalculo_determinista() -> None:
    hechos = [
        registro(mx(2026, 11, 19, 10)),
        Hecho(mx(2026, 11, 20, 15), Accion.SOLICITAR_INFORMACION, E.EN_ESPERA),
    ]
    uno = calcular_sla(hechos, politica(), mx(2026, 11, 23, 11)).a_json()
    dos = calcular_sla(list(hechos), politica(), mx(2026, 11, 23, 11)).a_json()
    assert uno == dos and uno["relojes"][1]["pausado"] is True


def test_historial_debe_empezar_con_registro() -> None:
    with pytest.raises(ValueError, match="registro"):
        calcular_sla(
            [Hecho(mx(2026, 11, 19, 10), Accion.ATENDER, E.EN_PROCESO)],
            politica(),
            mx(2026, 11, 19, 11),
        )


def test_reloj_continuo_24x7() -> None:
    p = Politica(
        "Reporte de servicio",
        "Centro 24 h",
        timedelta(hours=1),
        timedelta(hours=24),
        75,
        CalendarioLaboral.continuo(),
    )
    domingo = mx(2026, 11, 22, 3)
    resultado = calcular_sla([registro(domingo)], p, domingo)
    assert resultado.vence("respuesta") == domingo + timedelta(hours=1)
    assert resultado.vence("resolucion") == domingo + timedelta(hours=24)


def test_umbral_alcanzado_sigue_pendiente_tras_otra_accion() -> None:
    """An action recomputing after a due time passed must leave that threshold for the sweep."""
    hechos = [
        registro(mx(2026, 11, 24, 9)),
        Hecho(mx(2026, 11, 25, 9), Accion.ASIGNAR, E.ASIGNADO),
    ]
    ahora = mx(2026, 11, 25, 9)
    resultado = calcular_sla(hechos, politica(), ahora)
    assert ("respuesta", "vencido") in resultado.pendientes
    assert resultado.proximo_en is not None and resultado.proximo_en <= ahora
