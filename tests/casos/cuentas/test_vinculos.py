"""Several contracts per account: link by proving the contract, unlink (never the last one)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.cuentas.enlaces import emitir_enlace
from casos.cuentas.modelos import (
    Cuenta,
    CuentaContrato,
    EstadoCuenta,
    EventoCuenta,
    PropositoEnlace,
    TipoCuenta,
)
from casos.cuentas.verificacion import MENSAJE_NO_COINCIDE, ContratoYaVinculado
from casos.cuentas.vinculos import (
    MENSAJE_ULTIMO,
    MENSAJE_YA_ES_SUYO,
    desvincular_contrato,
    vincular_contrato,
)
from casos.errores import DatosInvalidos, ErrorDominio, NoEncontrado
from tests.casos.cuentas import fabricas_cuenta as f


def _eventos(sesion: Session, cuenta: Cuenta, accion: str) -> list[EventoCuenta]:
    consulta = select(EventoCuenta).where(
        EventoCuenta.cuenta_id == cuenta.id, EventoCuenta.accion == accion
    )
    return list(sesion.scalars(consulta))


def test_vincula_un_segundo_contrato_con_los_datos_del_recibo(
    sesion: Session, ahora: datetime
) -> None:
    primero, segundo = f.contrato(sesion), f.contrato(sesion, materno=None, medidor="Z-99")
    cuenta = f.cuenta(sesion, primero)
    prueba = f.prueba_de(segundo, apellido_paterno="hernandez", numero_medidor="z 99")

    vinculo = vincular_contrato(sesion, cuenta, prueba, f.actor_de(cuenta), ahora)

    assert vinculo.contrato is segundo and vinculo.vinculado_en == ahora
    assert [c.numero for c in cuenta.contratos] == [primero.numero, segundo.numero]
    [evento] = _eventos(sesion, cuenta, "contrato_vinculado")
    assert evento.detalle == {"contrato": segundo.numero}
    assert evento.origen == "10.9.8.7" and evento.actor_id == cuenta.id


def test_empresa_vincula_con_nombre_de_la_empresa(sesion: Session, ahora: datetime) -> None:
    otro = f.contrato(sesion, razon_social="Tortillería La Espiga, S.A. de C.V.")
    cuenta = f.cuenta(sesion, f.contrato(sesion, razon_social="Molinos"), tipo=TipoCuenta.EMPRESA)
    prueba = f.prueba_de(otro, nombre_empresa="TORTILLERIA LA ESPIGA SA DE CV")
    vincular_contrato(sesion, cuenta, prueba, f.actor_de(cuenta), ahora)
    assert otro in cuenta.contratos


def test_la_prueba_es_la_del_tipo_de_la_cuenta(sesion: Session, ahora: datetime) -> None:
    """A particular account cannot link a company's contract by sending an empresa proof."""
    empresa = f.contrato(sesion, razon_social="Aceros del Bajío")
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    with pytest.raises(DatosInvalidos) as error:
        vincular_contrato(sesion, cuenta, f.prueba_de(empresa), f.actor_de(cuenta), ahora)
    assert "apellido_paterno" in error.value.campos
    assert empresa not in cuenta.contratos


def test_sin_medidor_se_prueba_con_el_total_del_ultimo_recibo(
    sesion: Session, ahora: datetime
) -> None:
    sin_medidor = f.contrato(sesion, medidor=None)
    f.factura(sesion, sin_medidor, date(2026, 9, 1), "180.00")
    f.factura(sesion, sin_medidor, date(2026, 10, 1), "212.40", pagada=False)
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    actor = f.actor_de(cuenta)
    with pytest.raises(DatosInvalidos):
        prueba = f.prueba_de(sin_medidor, importe_ultima_factura="180.00")
        vincular_contrato(sesion, cuenta, prueba, actor, ahora)
    prueba = f.prueba_de(sin_medidor, importe_ultima_factura="$212.40")
    vincular_contrato(sesion, cuenta, prueba, actor, ahora)
    assert sin_medidor in cuenta.contratos


def test_datos_que_no_coinciden_dan_un_mensaje_neutral(sesion: Session, ahora: datetime) -> None:
    otro = f.contrato(sesion)
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    with pytest.raises(DatosInvalidos) as error:
        prueba = f.prueba_de(otro, numero_medidor="XX-000")
        vincular_contrato(sesion, cuenta, prueba, f.actor_de(cuenta), ahora)
    assert error.value.mensaje == MENSAJE_NO_COINCIDE and not error.value.campos
    assert otro not in cuenta.contratos
    assert _eventos(sesion, cuenta, "contrato_vinculado") == []


def test_errores_de_formato_van_junto_al_campo(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    prueba = f.prueba_de(f.contrato(sesion), referencia="abc", apellido_paterno="")
    with pytest.raises(DatosInvalidos) as error:
        vincular_contrato(sesion, cuenta, prueba, f.actor_de(cuenta), ahora)
    assert {"referencia", "apellido_paterno"} <= set(error.value.campos)


def test_contrato_de_otra_cuenta_se_rechaza_sin_decir_de_quien(
    sesion: Session, ahora: datetime
) -> None:
    ajeno = f.contrato(sesion)
    duena = f.cuenta(sesion, ajeno)
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    with pytest.raises(ContratoYaVinculado) as error:
        vincular_contrato(sesion, cuenta, f.prueba_de(ajeno), f.actor_de(cuenta), ahora)
    assert "Incidencia Oficina Virtual" in error.value.mensaje
    assert duena.usuario not in error.value.mensaje
    assert ajeno in duena.contratos and ajeno not in cuenta.contratos


def test_contrato_propio_ya_vinculado(sesion: Session, ahora: datetime) -> None:
    propio = f.contrato(sesion)
    cuenta = f.cuenta(sesion, propio)
    with pytest.raises(DatosInvalidos) as error:
        prueba = f.prueba_de(propio, referencia=f"0{propio.numero}")
        vincular_contrato(sesion, cuenta, prueba, f.actor_de(cuenta), ahora)
    assert error.value.campos == {"referencia": MENSAJE_YA_ES_SUYO}
    assert len(cuenta.vinculos) == 1


def test_registro_pendiente_vencido_ya_no_retiene_el_contrato(
    sesion: Session, ahora: datetime
) -> None:
    contrato = f.contrato(sesion)
    pendiente = f.cuenta(sesion, contrato)
    pendiente.estado, pendiente.contrasena_hash, pendiente.activada_en = (
        EstadoCuenta.PENDIENTE,
        None,
        None,
    )
    sesion.flush()
    emitir_enlace(sesion, pendiente, PropositoEnlace.ACTIVACION, ahora - timedelta(days=3))
    cuenta = f.cuenta(sesion, f.contrato(sesion))

    vincular_contrato(sesion, cuenta, f.prueba_de(contrato), f.actor_de(cuenta), ahora)

    assert contrato in cuenta.contratos
    assert pendiente.estado is EstadoCuenta.CERRADA and pendiente.vinculos == []


def test_cuenta_no_activa_no_vincula(sesion: Session, ahora: datetime) -> None:
    cuenta = f.cuenta(sesion, f.contrato(sesion))
    cuenta.estado, cuenta.cerrada_en = EstadoCuenta.CERRADA, ahora
    with pytest.raises(ErrorDominio):
        prueba = f.prueba_de(f.contrato(sesion))
        vincular_contrato(sesion, cuenta, prueba, f.actor_de(cuenta), ahora)


def test_desvincular_libera_el_contrato(sesion: Session, ahora: datetime) -> None:
    primero, segundo = f.contrato(sesion), f.contrato(sesion)
    f.factura(sesion, segundo, date(2026, 10, 1), "150.00")
    cuenta = f.cuenta(sesion, primero, segundo)

    liberado = desvincular_contrato(sesion, cuenta, segundo.id, f.actor_de(cuenta), ahora)

    assert liberado is segundo and cuenta.contratos == [primero]
    assert (
        sesion.scalar(select(CuentaContrato).where(CuentaContrato.contrato_id == segundo.id))
        is None
    )
    [evento] = _eventos(sesion, cuenta, "contrato_desvinculado")
    assert evento.detalle == {"contrato": segundo.numero}
    otra = f.cuenta(sesion, f.contrato(sesion))
    vincular_contrato(sesion, otra, f.prueba_de(segundo), f.actor_de(otra), ahora)
    assert segundo in otra.contratos


def test_no_se_desvincula_el_ultimo_contrato(sesion: Session, ahora: datetime) -> None:
    unico = f.contrato(sesion)
    cuenta = f.cuenta(sesion, unico)
    with pytest.raises(ErrorDominio) as error:
        desvincular_contrato(sesion, cuenta, unico.id, f.actor_de(cuenta), ahora)
    assert error.value.mensaje == MENSAJE_ULTIMO and "baja" in error.value.mensaje
    assert cuenta.contratos == [unico]
    assert _eventos(sesion, cuenta, "contrato_desvinculado") == []


def test_no_se_desvincula_el_contrato_de_otra_cuenta(sesion: Session, ahora: datetime) -> None:
    ajeno = f.contrato(sesion)
    duena = f.cuenta(sesion, ajeno, f.contrato(sesion))
    cuenta = f.cuenta(sesion, f.contrato(sesion), f.contrato(sesion))
    with pytest.raises(NoEncontrado):
        desvincular_contrato(sesion, cuenta, ajeno.id, f.actor_de(cuenta), ahora)
    assert ajeno in duena.contratos


def test_vincular_un_contrato_con_adeudo_antiguo_bloquea_en_el_acto_y_desvincular_libera(
    sesion: Session, ahora: datetime
) -> None:
    primero, con_deuda = f.contrato(sesion), f.contrato(sesion)
    f.factura(sesion, con_deuda, date(2025, 12, 1), "350.00", pagada=False)  # vence 26/12/2025
    f.factura(sesion, con_deuda, date(2026, 10, 1), "120.00")
    cuenta = f.cuenta(sesion, primero)

    vincular_contrato(sesion, cuenta, f.prueba_de(con_deuda), f.actor_de(cuenta), ahora)
    assert cuenta.es_bloqueada  # rule 7 at once, not at the nightly run

    desvincular_contrato(sesion, cuenta, con_deuda.id, f.actor_de(cuenta), ahora)
    assert not cuenta.es_bloqueada
