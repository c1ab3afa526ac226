"""Registration (Fase 2) and activation (Fase 3) in the domain, without Flask."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.correo import CorreoSalida
from casos.cuentas.contrasenas import verificar
from casos.cuentas.enlaces import EstadoEnlace
from casos.cuentas.modelos import Cuenta, CuentaContrato, EstadoCuenta, EventoCuenta
from casos.cuentas.registro import (
    LIMITE_REENVIO_CUENTA,
    DemasiadosIntentos,
    EnlaceNoValido,
    activar_cuenta,
    corregir_email,
    crear_cuenta,
    cuenta_de_enlace,
    descartar_pendiente,
    problemas_usuario,
    reenviar_activacion,
)
from casos.cuentas.verificacion import ContratoYaVinculado
from casos.errores import DatosInvalidos, ErrorDominio
from tests.casos.cuentas import fabricas as f

CONTRASENA = "nopal azul corre despacio"


def _acciones(sesion: Session, cuenta: Cuenta) -> list[str]:
    consulta = (
        select(EventoCuenta.accion)
        .where(EventoCuenta.cuenta_id == cuenta.id)
        .order_by(EventoCuenta.id)
    )
    return list(sesion.scalars(consulta))


def test_registro_crea_cuenta_pendiente_con_su_contrato_y_correo(
    sesion: Session, ahora: datetime
) -> None:
    c = f.contrato(sesion)
    datos = f.datos_registro(f.prueba_de(c), usuario="  AnaQro1 ", email="Ana.Lopez@Ejemplo.MX")
    datos = replace(datos, email_confirmacion="ana.lopez@ejemplo.mx")
    cuenta = crear_cuenta(sesion, datos, f.CIUDADANO, ahora, f.url_activacion)

    assert cuenta.estado is EstadoCuenta.PENDIENTE
    assert cuenta.usuario == "anaqro1"
    assert cuenta.email == "Ana.Lopez@ejemplo.mx"  # the domain is lower-cased, not the mailbox
    assert cuenta.contrasena_hash is None and cuenta.activada_en is None
    assert cuenta.contratos == [c]
    assert cuenta.terminos_aceptados_en == ahora and cuenta.datos_declarados_en == ahora
    assert cuenta.aviso_privacidad_version == "2026-11"
    assert _acciones(sesion, cuenta) == ["registro"]
    evento = sesion.scalars(select(EventoCuenta).where(EventoCuenta.cuenta_id == cuenta.id)).one()
    assert evento.origen == "10.1.2.3" and evento.detalle["contrato"] == c.numero

    correo = sesion.scalars(select(CorreoSalida).where(CorreoSalida.para == cuenta.email)).one()
    assert correo.plantilla == "activacion_cuenta"
    assert "anaqro1" in correo.asunto
    assert '">aquí</a>' in correo.html
    assert "http://ov.pruebas/registro/activar/" in correo.texto
    assert "entre aquí:" in correo.texto
    assert "vence el 26/11/2026 10:00" in correo.texto  # 48 h, Querétaro time


def test_fase_2_campos_invalidos(sesion: Session, ahora: datetime) -> None:
    c = f.contrato(sesion)
    datos = f.datos_registro(
        f.prueba_de(c),
        usuario="ana_1",
        email="ana@",
        acepto_terminos=False,
        declaro_datos=False,
    )
    with pytest.raises(DatosInvalidos) as error:
        crear_cuenta(sesion, datos, f.CIUDADANO, ahora, f.url_activacion)
    assert set(error.value.campos) == {"usuario", "email", "acepto_terminos", "declaro_datos"}
    assert sesion.scalars(select(Cuenta).where(Cuenta.usuario == "ana_1")).first() is None


def test_confirmar_email_debe_ser_igual(sesion: Session, ahora: datetime) -> None:
    c = f.contrato(sesion)
    datos = f.datos_registro(f.prueba_de(c), email_confirmacion="otra@ejemplo.mx")
    with pytest.raises(DatosInvalidos) as error:
        crear_cuenta(sesion, datos, f.CIUDADANO, ahora, f.url_activacion)
    assert set(error.value.campos) == {"email_confirmacion"}


@pytest.mark.parametrize(
    ("usuario", "valido"),
    [
        ("ana1", True),
        ("ABCDEFGH", True),
        ("12345678", True),
        ("abc", False),  # under the minimum of 4
        ("abcdefghi", False),  # over eight (rule 2e)
        ("ana lópez", False),
        ("añoso", False),
        ("ana.1", False),
        ("admin", False),
        ("", False),
    ],
)
def test_formato_de_usuario(usuario: str, valido: bool) -> None:
    assert (problemas_usuario(usuario) is None) is valido


def test_usuario_unico_sin_importar_mayusculas(sesion: Session, ahora: datetime) -> None:
    usuario = f.usuario_unico()
    f.registrar(sesion, f.contrato(sesion), ahora, usuario=usuario)
    otro = f.contrato(sesion)
    with pytest.raises(DatosInvalidos) as error:
        crear_cuenta(
            sesion,
            f.datos_registro(f.prueba_de(otro), usuario=usuario.upper()),
            f.CIUDADANO,
            ahora,
            f.url_activacion,
        )
    assert error.value.campos == {"usuario": "Ese nombre de usuario ya está en uso; elija otro."}


def test_contrato_ya_vinculado(sesion: Session, ahora: datetime) -> None:
    c = f.contrato(sesion)
    f.registrar(sesion, c, ahora)
    with pytest.raises(ContratoYaVinculado):
        f.registrar(sesion, c, ahora + timedelta(hours=47))


def test_datos_del_cliente_se_vuelven_a_comprobar(sesion: Session, ahora: datetime) -> None:
    c = f.contrato(sesion)
    prueba = f.prueba_de(c, numero_medidor="ZZ-0")
    with pytest.raises(DatosInvalidos, match="no coinciden"):
        crear_cuenta(sesion, f.datos_registro(prueba), f.CIUDADANO, ahora, f.url_activacion)


def test_registro_pendiente_vencido_cede_contrato_y_usuario(
    sesion: Session, ahora: datetime
) -> None:
    c = f.contrato(sesion)
    usuario = f.usuario_unico()
    vieja = f.registrar(sesion, c, ahora, usuario=usuario)
    despues = ahora + timedelta(hours=49)

    nueva = f.registrar(sesion, c, despues, usuario=usuario)

    assert nueva.id != vieja.id and nueva.usuario == usuario and nueva.contratos == [c]
    sesion.refresh(vieja)
    assert vieja.estado is EstadoCuenta.CERRADA and vieja.cerrada_en == despues
    assert vieja.usuario is None and vieja.email is None and vieja.contratos == []
    assert vieja.activada_en is None  # never activated: not a cancelled (rule 6) account
    assert _acciones(sesion, vieja) == ["registro", "registro_descartado"]
    vinculos = sesion.scalars(select(CuentaContrato).where(CuentaContrato.contrato_id == c.id))
    assert [v.cuenta_id for v in vinculos] == [nueva.id]


def test_usuario_de_registro_vencido_con_otro_contrato(sesion: Session, ahora: datetime) -> None:
    usuario = f.usuario_unico()
    primero, segundo = f.contrato(sesion), f.contrato(sesion)
    vieja = f.registrar(sesion, primero, ahora, usuario=usuario)
    nueva = f.registrar(sesion, segundo, ahora + timedelta(days=3), usuario=usuario)
    assert nueva.usuario == usuario
    assert vieja.estado is EstadoCuenta.CERRADA
    # The first contract is free again.
    assert f.registrar(sesion, primero, ahora + timedelta(days=3)).contratos == [primero]


def test_no_se_descarta_una_cuenta_vigente(sesion: Session, ahora: datetime) -> None:
    cuenta = f.registrar(sesion, f.contrato(sesion), ahora)
    with pytest.raises(ErrorDominio):
        descartar_pendiente(sesion, cuenta, f.CIUDADANO, ahora + timedelta(hours=1))


# --- activation ----------------------------------------------------------------------------


def test_activacion_fija_la_contrasena_y_gasta_el_enlace(sesion: Session, ahora: datetime) -> None:
    cuenta = f.registrar(sesion, f.contrato(sesion), ahora)
    assert cuenta.email is not None
    token = f.token_enviado(sesion, cuenta.email)
    assert cuenta_de_enlace(sesion, token, ahora) == (EstadoEnlace.VALIDO, cuenta)

    activada = activar_cuenta(sesion, token, CONTRASENA, f.CIUDADANO, ahora + timedelta(hours=1))

    assert activada is cuenta and cuenta.estado is EstadoCuenta.ACTIVA
    assert cuenta.contrasena_hash is not None and cuenta.contrasena_hash.startswith("$argon2id$")
    assert verificar(cuenta.contrasena_hash, CONTRASENA)
    assert cuenta.activada_en == ahora + timedelta(hours=1)
    assert _acciones(sesion, cuenta) == ["registro", "activacion"]
    # Single use.
    assert cuenta_de_enlace(sesion, token, ahora)[0] is EstadoEnlace.USADO
    with pytest.raises(EnlaceNoValido) as error:
        activar_cuenta(sesion, token, CONTRASENA + " otra", f.CIUDADANO, ahora)
    assert error.value.estado is EstadoEnlace.USADO
    assert verificar(cuenta.contrasena_hash, CONTRASENA)


def test_enlace_vencido_a_las_48_horas(sesion: Session, ahora: datetime) -> None:
    cuenta = f.registrar(sesion, f.contrato(sesion), ahora)
    assert cuenta.email is not None
    token = f.token_enviado(sesion, cuenta.email)
    limite = ahora + timedelta(hours=48)
    assert cuenta_de_enlace(sesion, token, limite - timedelta(seconds=1))[0] is EstadoEnlace.VALIDO
    with pytest.raises(EnlaceNoValido) as error:
        activar_cuenta(sesion, token, CONTRASENA, f.CIUDADANO, limite)
    assert error.value.estado is EstadoEnlace.VENCIDO
    assert error.value.cuenta_id == cuenta.id  # so the page can offer a resend
    assert cuenta.estado is EstadoCuenta.PENDIENTE


@pytest.mark.parametrize(
    "alterar",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # bad signature
        lambda t: "x" + t,
        lambda t: "",
        lambda t: "a.b",
    ],
)
def test_enlace_falso(sesion: Session, ahora: datetime, alterar: object) -> None:
    cuenta = f.registrar(sesion, f.contrato(sesion), ahora)
    assert cuenta.email is not None
    token = alterar(f.token_enviado(sesion, cuenta.email))  # type: ignore[operator]
    with pytest.raises(EnlaceNoValido) as error:
        activar_cuenta(sesion, token, CONTRASENA, f.CIUDADANO, ahora)
    assert error.value.estado is EstadoEnlace.INVALIDO and error.value.cuenta_id is None


@pytest.mark.parametrize(
    "contrasena",
    [
        "corta",
        "contraseña123",
        "qwertyuiop",
        "1234567890",
        "{usuario}2026!!",
        "Hernandez1975",
        "contrato {numero}",
        "{local}@correo",
        "AB-123456xyz",
    ],
)
def test_contrasena_debe_cumplir_la_politica(
    sesion: Session, ahora: datetime, contrasena: str
) -> None:
    c = f.contrato(sesion)
    cuenta = f.registrar(sesion, c, ahora)
    assert cuenta.email is not None and cuenta.usuario is not None
    token = f.token_enviado(sesion, cuenta.email)
    texto = contrasena.format(
        usuario=cuenta.usuario, numero=c.numero, local=cuenta.email.split("@")[0]
    )
    with pytest.raises(DatosInvalidos) as error:
        activar_cuenta(sesion, token, texto, f.CIUDADANO, ahora)
    assert set(error.value.campos) == {"contrasena"}
    assert cuenta.estado is EstadoCuenta.PENDIENTE
    assert cuenta_de_enlace(sesion, token, ahora)[0] is EstadoEnlace.VALIDO  # not spent


def test_frase_larga_aceptada(sesion: Session, ahora: datetime) -> None:
    cuenta = f.registrar(sesion, f.contrato(sesion), ahora)
    assert cuenta.email is not None
    frase = "el cerro de las campanas amanece nublado en otoño " * 3
    activar_cuenta(sesion, f.token_enviado(sesion, cuenta.email), frase, f.CIUDADANO, ahora)
    assert cuenta.estado is EstadoCuenta.ACTIVA


# --- resend --------------------------------------------------------------------------------


def test_reenvio_emite_un_enlace_nuevo_y_anula_el_anterior(
    sesion: Session, ahora: datetime
) -> None:
    cuenta = f.registrar(sesion, f.contrato(sesion), ahora)
    assert cuenta.email is not None
    viejo = f.token_enviado(sesion, cuenta.email)
    despues = ahora + timedelta(days=3)
    reenviar_activacion(sesion, cuenta, f.CIUDADANO, despues, f.url_activacion)
    nuevo = f.token_enviado(sesion, cuenta.email)

    assert nuevo != viejo
    assert cuenta_de_enlace(sesion, viejo, despues)[0] is EstadoEnlace.VENCIDO
    activar_cuenta(sesion, nuevo, CONTRASENA, f.CIUDADANO, despues + timedelta(hours=47))
    assert cuenta.estado is EstadoCuenta.ACTIVA
    assert _acciones(sesion, cuenta) == ["registro", "activacion_reenviada", "activacion"]


def test_reenvio_limitado_por_cuenta(sesion: Session, ahora: datetime) -> None:
    cuenta = f.registrar(sesion, f.contrato(sesion), ahora)
    for _ in range(LIMITE_REENVIO_CUENTA.maximo):
        reenviar_activacion(sesion, cuenta, f.CIUDADANO, ahora, f.url_activacion)
    with pytest.raises(DemasiadosIntentos, match="Espere 60 minutos"):
        reenviar_activacion(sesion, cuenta, f.CIUDADANO, ahora, f.url_activacion)


def test_no_se_reenvia_a_una_cuenta_activa_o_descartada(sesion: Session, ahora: datetime) -> None:
    c = f.contrato(sesion)
    cuenta = f.registrar(sesion, c, ahora)
    assert cuenta.email is not None
    activar_cuenta(sesion, f.token_enviado(sesion, cuenta.email), CONTRASENA, f.CIUDADANO, ahora)
    with pytest.raises(ErrorDominio, match="ya está activada"):
        reenviar_activacion(sesion, cuenta, f.CIUDADANO, ahora, f.url_activacion)

    vieja = f.registrar(sesion, f.contrato(sesion), ahora)
    descartar_pendiente(sesion, vieja, f.CIUDADANO, ahora + timedelta(days=3))
    with pytest.raises(ErrorDominio, match="ya no está vigente"):
        reenviar_activacion(sesion, vieja, f.CIUDADANO, ahora, f.url_activacion)


def test_enlace_de_un_registro_descartado(sesion: Session, ahora: datetime) -> None:
    c = f.contrato(sesion)
    vieja = f.registrar(sesion, c, ahora)
    assert vieja.email is not None
    token = f.token_enviado(sesion, vieja.email)
    despues = ahora + timedelta(days=3)
    f.registrar(sesion, c, despues)
    estado, cuenta = cuenta_de_enlace(sesion, token, despues)
    assert estado is EstadoEnlace.VENCIDO and cuenta is vieja
    assert cuenta.estado is EstadoCuenta.CERRADA


# --- fixing a mistyped email ---------------------------------------------------------------


def test_corregir_email_envia_el_enlace_a_la_nueva_direccion(
    sesion: Session, ahora: datetime
) -> None:
    cuenta = f.registrar(sesion, f.contrato(sesion), ahora)
    assert cuenta.email is not None
    viejo = f.token_enviado(sesion, cuenta.email)
    corregir_email(
        sesion, cuenta, "Nueva@Ejemplo.mx", "nueva@ejemplo.mx", f.CIUDADANO, ahora, f.url_activacion
    )
    assert cuenta.email == "Nueva@ejemplo.mx"
    nuevo = f.token_enviado(sesion, "Nueva@ejemplo.mx")
    assert cuenta_de_enlace(sesion, viejo, ahora)[0] is EstadoEnlace.VENCIDO
    assert cuenta_de_enlace(sesion, nuevo, ahora) == (EstadoEnlace.VALIDO, cuenta)
    assert _acciones(sesion, cuenta) == ["registro", "email_corregido"]


def test_corregir_email_valida_y_no_sirve_a_cuentas_activas(
    sesion: Session, ahora: datetime
) -> None:
    cuenta = f.registrar(sesion, f.contrato(sesion), ahora)
    assert cuenta.email is not None
    with pytest.raises(DatosInvalidos) as error:
        corregir_email(sesion, cuenta, "x@", "x@", f.CIUDADANO, ahora, f.url_activacion)
    assert set(error.value.campos) == {"email"}
    with pytest.raises(DatosInvalidos) as error:
        corregir_email(
            sesion, cuenta, "a@ejemplo.mx", "b@ejemplo.mx", f.CIUDADANO, ahora, f.url_activacion
        )
    assert set(error.value.campos) == {"email_confirmacion"}
    activar_cuenta(sesion, f.token_enviado(sesion, cuenta.email), CONTRASENA, f.CIUDADANO, ahora)
    with pytest.raises(ErrorDominio, match="ya está activada"):
        corregir_email(
            sesion, cuenta, "a@ejemplo.mx", "a@ejemplo.mx", f.CIUDADANO, ahora, f.url_activacion
        )


def test_usuario_con_caracteres_nulos_no_llega_a_la_base(sesion: Session, ahora: datetime) -> None:
    datos = f.datos_registro(f.prueba_de(f.contrato(sesion)), usuario="ana\x00b")
    datos = replace(datos, email="ana@ejemplo.mx", email_confirmacion="ana@ejemplo.mx")
    with pytest.raises(DatosInvalidos) as error:
        crear_cuenta(sesion, datos, f.CIUDADANO, ahora, f.url_activacion)
    assert set(error.value.campos) == {"usuario"}


def test_registrar_un_contrato_con_adeudo_antiguo_deja_la_cuenta_bloqueada(
    sesion: Session, ahora: datetime
) -> None:
    c = f.contrato(sesion)
    f.factura(sesion, c, date(2025, 11, 1), "480.00", pagada=False)  # due 26/11/2025
    cuenta = f.registrar(sesion, c, ahora)
    assert cuenta.estado is EstadoCuenta.PENDIENTE
    assert cuenta.es_bloqueada  # rule 7: it will see the debt page at its first sign-in
