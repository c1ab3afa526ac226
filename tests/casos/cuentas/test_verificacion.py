"""Proving a contract: every matching rule and edge case of Fase 1 – Datos del Cliente."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from casos import limites
from casos.comercial.modelos import EstatusContrato
from casos.cuentas.modelos import TipoCuenta
from casos.cuentas.registro import descartar_pendiente
from casos.cuentas.verificacion import (
    LIMITE_PRUEBA_CONTRATO,
    LIMITE_PRUEBA_IP,
    MENSAJE_NO_COINCIDE,
    ContratoDeBaja,
    ContratoYaVinculado,
    PruebaContrato,
    PruebaNoDisponible,
    contar_intento,
    cuenta_que_lo_tiene,
    leer_importe,
    normalizar_empresa,
    normalizar_nombre,
    verificar_contrato,
)
from casos.errores import DatosInvalidos
from tests.casos.cuentas import fabricas as f

# --- the happy paths -----------------------------------------------------------------------


def test_particular_con_sus_dos_apellidos_y_medidor(sesion: Session) -> None:
    c = f.contrato(sesion)
    assert verificar_contrato(sesion, f.prueba_de(c)) is c


@pytest.mark.parametrize(
    ("paterno", "materno", "medidor"),
    [
        ("hernandez", "lopez", "ab-123456"),  # case and accents
        ("  HERNÁNDEZ ", "  López  ", " AB 123456 "),  # extra spaces
        ("Hernández", "López", "AB123456"),  # the meter's hyphen left out
        ("Hernández López", "", "AB-123456"),  # both surnames typed in the first field
    ],
)
def test_normaliza_lo_que_escribe_la_persona(
    sesion: Session, paterno: str, materno: str, medidor: str
) -> None:
    c = f.contrato(sesion)
    prueba = f.prueba_de(
        c, apellido_paterno=paterno, apellido_materno=materno, numero_medidor=medidor
    )
    assert verificar_contrato(sesion, prueba) is c


def test_apellidos_compuestos_con_guion_y_punto(sesion: Session) -> None:
    c = f.contrato(sesion, paterno="Ruiz-Esparza", materno="De la O.")
    prueba = f.prueba_de(c, apellido_paterno="ruiz esparza", apellido_materno="de la o")
    assert verificar_contrato(sesion, prueba) is c


def test_referencia_con_o_sin_ceros_a_la_izquierda(sesion: Session) -> None:
    numero = f.numero_unico()
    c = f.contrato(sesion, numero="000" + numero)
    assert verificar_contrato(sesion, f.prueba_de(c, referencia=numero)) is c
    otro = f.contrato(sesion, numero=f.numero_unico())
    assert verificar_contrato(sesion, f.prueba_de(otro, referencia="00" + otro.numero)) is otro
    assert (
        verificar_contrato(
            sesion, f.prueba_de(otro, referencia=otro.numero[:3] + " " + otro.numero[3:])
        )
        is otro
    )


# --- one surname (rule 2b) -------------------------------------------------------------------


def test_titular_con_un_solo_apellido_deja_vacio_el_materno(sesion: Session) -> None:
    c = f.contrato(sesion, paterno="Martínez", materno=None)
    assert verificar_contrato(sesion, f.prueba_de(c, apellido_materno="")) is c


def test_con_un_solo_apellido_en_registro_el_materno_escrito_no_se_compara(
    sesion: Session,
) -> None:
    c = f.contrato(sesion, paterno="Martínez", materno=None)
    assert verificar_contrato(sesion, f.prueba_de(c, apellido_materno="Cualquiera")) is c


def test_registro_con_ambos_apellidos_en_un_campo(sesion: Session) -> None:
    c = f.contrato(sesion, paterno="Martínez Soto", materno=None)
    prueba = f.prueba_de(c, apellido_paterno="Martínez", apellido_materno="Soto")
    assert verificar_contrato(sesion, prueba) is c


def test_si_el_registro_tiene_materno_hay_que_darlo_y_debe_coincidir(sesion: Session) -> None:
    c = f.contrato(sesion)
    for materno in ("", "Lopes"):
        with pytest.raises(DatosInvalidos) as error:
            verificar_contrato(sesion, f.prueba_de(c, apellido_materno=materno))
        assert error.value.mensaje == MENSAJE_NO_COINCIDE
        assert error.value.campos == {}


# --- mismatches are neutral ----------------------------------------------------------------


@pytest.mark.parametrize(
    "cambio",
    [
        {"apellido_paterno": "Hernandes"},
        {"numero_medidor": "AB-123457"},
        {"referencia": "999999999999"},
    ],
)
def test_un_dato_que_no_coincide_da_un_mensaje_neutral(
    sesion: Session, cambio: dict[str, str]
) -> None:
    c = f.contrato(sesion)
    with pytest.raises(DatosInvalidos) as error:
        verificar_contrato(sesion, f.prueba_de(c, **cambio))
    assert type(error.value) is DatosInvalidos
    assert error.value.mensaje == MENSAJE_NO_COINCIDE
    assert error.value.campos == {}  # never which field was wrong


def test_el_tipo_de_registro_debe_corresponder_al_titular(sesion: Session) -> None:
    empresa = f.contrato(sesion, razon_social="Aguas Claras del Bajío, S.A. de C.V.")
    persona = f.contrato(sesion)
    como_particular = PruebaContrato(
        TipoCuenta.PARTICULAR, empresa.numero, apellido_paterno="Aguas", numero_medidor="AB-123456"
    )
    como_empresa = PruebaContrato(
        TipoCuenta.EMPRESA,
        persona.numero,
        nombre_empresa="María Guadalupe Hernández López",
        numero_medidor="AB-123456",
    )
    for prueba in (como_particular, como_empresa):
        with pytest.raises(DatosInvalidos, match="no coinciden"):
            verificar_contrato(sesion, prueba)


# --- formats, per field --------------------------------------------------------------------


def test_errores_de_formato_por_campo(sesion: Session) -> None:
    prueba = PruebaContrato(
        TipoCuenta.PARTICULAR,
        referencia="12A-45",
        apellido_paterno="H3rnández",
        apellido_materno="<script>",
        numero_medidor="AB_12/34",
    )
    with pytest.raises(DatosInvalidos) as error:
        verificar_contrato(sesion, prueba)
    assert set(error.value.campos) == {
        "referencia",
        "apellido_paterno",
        "apellido_materno",
        "numero_medidor",
    }


def test_campos_obligatorios(sesion: Session) -> None:
    with pytest.raises(DatosInvalidos) as error:
        verificar_contrato(sesion, PruebaContrato(TipoCuenta.PARTICULAR, referencia=" "))
    assert set(error.value.campos) == {"referencia", "apellido_paterno", "importe_ultima_factura"}
    with pytest.raises(DatosInvalidos) as error:
        verificar_contrato(sesion, PruebaContrato(TipoCuenta.EMPRESA, referencia="123"))
    assert set(error.value.campos) == {"nombre_empresa", "importe_ultima_factura"}


@pytest.mark.parametrize("referencia", ["1234567890123", "12.5e3", "١٢٣"])
def test_referencia_fuera_de_formato(sesion: Session, referencia: str) -> None:
    with pytest.raises(DatosInvalidos) as error:
        verificar_contrato(
            sesion,
            PruebaContrato(
                TipoCuenta.PARTICULAR, referencia, apellido_paterno="Pérez", numero_medidor="A1"
            ),
        )
    assert "referencia" in error.value.campos


def test_medidor_de_mas_de_20_caracteres(sesion: Session) -> None:
    prueba = PruebaContrato(
        TipoCuenta.PARTICULAR, "123", apellido_paterno="Pérez", numero_medidor="A" * 21
    )
    with pytest.raises(DatosInvalidos) as error:
        verificar_contrato(sesion, prueba)
    assert set(error.value.campos) == {"numero_medidor"}


# --- companies -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "escrito",
    [
        "Aguas Claras del Bajío",
        "AGUAS CLARAS DEL BAJIO SA DE CV",
        "Aguas Claras del Bajío, S.A. de C.V.",
        "aguas claras del bajio s. a. de c. v.",
        "Aguas-Claras del Bajío S.A.",
    ],
)
def test_empresa_sin_puntuacion_ni_forma_societaria(sesion: Session, escrito: str) -> None:
    c = f.contrato(sesion, razon_social="Aguas Claras del Bajío, S.A. de C.V.")
    assert verificar_contrato(sesion, f.prueba_de(c, nombre_empresa=escrito)) is c


@pytest.mark.parametrize(
    ("registro", "escrito"),
    [
        ("Constructora Norte, S. de R.L. de C.V.", "Constructora Norte"),
        ("Constructora Norte S. de R.L.", "constructora norte s de rl"),
        ("Despacho Ruiz y Asociados, S.C.", "Despacho Ruiz y Asociados"),
        ("Club de Leones de Querétaro, A.C.", "Club de Leones de Queretaro AC"),
    ],
)
def test_formas_societarias(sesion: Session, registro: str, escrito: str) -> None:
    c = f.contrato(sesion, razon_social=registro)
    assert verificar_contrato(sesion, f.prueba_de(c, nombre_empresa=escrito)) is c


def test_empresa_con_otro_nombre_no_coincide(sesion: Session) -> None:
    c = f.contrato(sesion, razon_social="Aguas Claras del Bajío, S.A. de C.V.")
    with pytest.raises(DatosInvalidos, match="no coinciden"):
        verificar_contrato(sesion, f.prueba_de(c, nombre_empresa="Aguas Claras"))


def test_normalizadores() -> None:
    assert normalizar_empresa("Grupo S.A. de C.V. S.A. de C.V.") == "grupo"
    assert normalizar_empresa("S.C.") == "sc"  # a name that is only a suffix stays
    assert normalizar_nombre("  Núñez-De la  Peña. ") == "nunez de la pena"


# --- contracts without meter (rule 2c) -----------------------------------------------------


@pytest.mark.parametrize("importe", ["$1,234.50", "1234.50", "1,234.5", "1234.5", "$ 1234.50"])
def test_sin_medidor_con_el_total_del_ultimo_recibo(sesion: Session, importe: str) -> None:
    c = f.contrato(sesion, medidor=None, colonia="Santa María Magdalena")
    f.factura(sesion, c, date(2026, 9, 1), "987.00")
    f.factura(sesion, c, date(2026, 10, 1), "1234.50")
    prueba = f.prueba_de(c, numero_medidor="", importe_ultima_factura=importe)
    assert verificar_contrato(sesion, prueba) is c


def test_sin_medidor_el_importe_es_exacto_y_del_ultimo_recibo(sesion: Session) -> None:
    c = f.contrato(sesion, medidor=None)
    f.factura(sesion, c, date(2026, 9, 1), "987.00")
    f.factura(sesion, c, date(2026, 10, 1), "1234.50")
    for importe in ("987.00", "1234.51", "1234"):
        with pytest.raises(DatosInvalidos, match="no coinciden"):
            verificar_contrato(sesion, f.prueba_de(c, importe_ultima_factura=importe))


def test_sin_medidor_pero_escribe_un_medidor(sesion: Session) -> None:
    c = f.contrato(sesion, medidor=None)
    f.factura(sesion, c, date(2026, 10, 1), "100.00")
    prueba = f.prueba_de(c, numero_medidor="X1", importe_ultima_factura="100.00")
    with pytest.raises(DatosInvalidos, match="no coinciden"):
        verificar_contrato(sesion, prueba)


def test_con_medidor_no_basta_el_importe(sesion: Session) -> None:
    c = f.contrato(sesion)
    f.factura(sesion, c, date(2026, 10, 1), "100.00")
    prueba = f.prueba_de(c, numero_medidor="", importe_ultima_factura="100.00")
    with pytest.raises(DatosInvalidos, match="no coinciden"):
        verificar_contrato(sesion, prueba)


def test_sin_medidor_y_sin_recibos_no_se_puede_comprobar_en_linea(sesion: Session) -> None:
    c = f.contrato(sesion, medidor=None)
    with pytest.raises(PruebaNoDisponible, match="Incidencia Oficina Virtual"):
        verificar_contrato(sesion, f.prueba_de(c, importe_ultima_factura="100.00"))
    # …but only to someone who got the name right.
    with pytest.raises(DatosInvalidos) as error:
        verificar_contrato(
            sesion, f.prueba_de(c, apellido_paterno="Otro", importe_ultima_factura="100.00")
        )
    assert type(error.value) is DatosInvalidos


@pytest.mark.parametrize("texto", ["12,34", "1.234,56", "abc", "$", "-5", "1234.567"])
def test_importes_que_no_se_entienden(texto: str) -> None:
    assert leer_importe(texto) is None


def test_importes() -> None:
    assert leer_importe("$1,234.56") == Decimal("1234.56")
    assert leer_importe("1,234,567") == Decimal("1234567.00")


def test_importe_mal_escrito_es_error_de_formato(sesion: Session) -> None:
    c = f.contrato(sesion, medidor=None)
    with pytest.raises(DatosInvalidos) as error:
        verificar_contrato(sesion, f.prueba_de(c, importe_ultima_factura="mil pesos"))
    assert set(error.value.campos) == {"importe_ultima_factura"}


# --- status and links ----------------------------------------------------------------------


def test_contrato_de_baja_no_se_registra(sesion: Session) -> None:
    c = f.contrato(sesion, estatus=EstatusContrato.BAJA)
    with pytest.raises(ContratoDeBaja, match="dado de baja"):
        verificar_contrato(sesion, f.prueba_de(c))
    with pytest.raises(DatosInvalidos) as error:  # wrong data: the status is not revealed
        verificar_contrato(sesion, f.prueba_de(c, numero_medidor="ZZ-1"))
    assert type(error.value) is DatosInvalidos


def test_contrato_suspendido_si_se_registra(sesion: Session) -> None:
    c = f.contrato(sesion, estatus=EstatusContrato.SUSPENDIDO)
    assert verificar_contrato(sesion, f.prueba_de(c)) is c


def test_contrato_ya_vinculado_a_una_cuenta_pendiente_vigente(
    sesion: Session, ahora: datetime
) -> None:
    c = f.contrato(sesion)
    f.registrar(sesion, c, ahora)
    with pytest.raises(ContratoYaVinculado, match="Incidencia Oficina Virtual"):
        verificar_contrato(sesion, f.prueba_de(c), ahora)
    with pytest.raises(ContratoYaVinculado):
        verificar_contrato(sesion, f.prueba_de(c))  # without a clock: every pending one holds
    # Wrong data still gets the neutral message, not "already linked".
    with pytest.raises(DatosInvalidos):
        verificar_contrato(sesion, f.prueba_de(c, numero_medidor="ZZ-1"), ahora)


def test_una_cuenta_pendiente_vencida_ya_no_retiene_el_contrato(
    sesion: Session, ahora: datetime
) -> None:
    c = f.contrato(sesion)
    f.registrar(sesion, c, ahora)
    despues = ahora + timedelta(hours=48, seconds=1)
    assert cuenta_que_lo_tiene(sesion, c, despues) is None
    assert verificar_contrato(sesion, f.prueba_de(c), despues) is c


def test_una_cuenta_cerrada_no_retiene_el_contrato(sesion: Session, ahora: datetime) -> None:
    c = f.contrato(sesion)
    cuenta = f.registrar(sesion, c, ahora)
    despues = ahora + timedelta(days=3)
    descartar_pendiente(sesion, cuenta, f.CIUDADANO, despues)
    assert cuenta_que_lo_tiene(sesion, c) is None
    assert verificar_contrato(sesion, f.prueba_de(c), despues) is c


def test_empresa_y_particular_iguales_salvo_el_tipo(sesion: Session) -> None:
    c = f.contrato(sesion, razon_social="Panadería La Espiga, S.A. de C.V.", medidor="Q-77")
    prueba = f.prueba_de(c)
    assert prueba.tipo is TipoCuenta.EMPRESA
    with pytest.raises(DatosInvalidos):
        verificar_contrato(sesion, replace(prueba, tipo=TipoCuenta.PARTICULAR))


# --- brute-force guard ---------------------------------------------------------------------


def test_limite_de_intentos_por_contrato(sesion: Session, ahora: datetime) -> None:
    referencia = f.numero_unico()
    ips = [f"10.9.0.{i}" for i in range(LIMITE_PRUEBA_CONTRATO.maximo + 1)]
    estados = [contar_intento(sesion, referencia, ip, ahora) for ip in ips]
    assert all(e.permitido for e in estados[:-1])
    assert not estados[-1].permitido
    # Leading zeros do not make it another contract.
    assert not contar_intento(sesion, "00" + referencia, "10.9.1.1", ahora).permitido
    assert limites.consultar(sesion, LIMITE_PRUEBA_CONTRATO, referencia, ahora).permitido is False
    # An hour later the contract can be tried again.
    assert contar_intento(sesion, referencia, "10.9.1.2", ahora + timedelta(hours=1)).permitido


def test_limite_de_intentos_por_direccion(sesion: Session, ahora: datetime) -> None:
    ip = "10.8.7.6"
    estados = [
        contar_intento(sesion, f.numero_unico(), ip, ahora)
        for _ in range(LIMITE_PRUEBA_IP.maximo + 1)
    ]
    assert all(e.permitido for e in estados[:-1])
    assert not estados[-1].permitido
    assert estados[-1].minutos_restantes(ahora) == 60
