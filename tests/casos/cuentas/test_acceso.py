"""Signing in, throttling, forgotten password / user and reset (casos.cuentas.acceso)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.correo import CorreoSalida
from casos.cuentas import acceso, contrasenas
from casos.cuentas.acceso import (
    CredencialesInvalidas,
    DemasiadosIntentos,
    EnlaceNoValido,
    autenticar,
    olvido_contrasena,
    olvido_usuario,
    restablecer_contrasena,
)
from casos.cuentas.contrasenas import verificar
from casos.cuentas.enlaces import EstadoEnlace
from casos.cuentas.modelos import Cuenta, EstadoCuenta, EventoCuenta
from casos.cuentas.registro import activar_cuenta
from casos.errores import DatosInvalidos
from casos.sesiones import abrir_sesion, sesion_vigente
from tests.casos.cuentas import fabricas as f

CONTRASENA = "nopal azul corre despacio"
NUEVA = "jacaranda lila bajo la lluvia"
IP = "10.9.8.7"
RE_RESTABLECER = re.compile(r"/restablecer/([A-Za-z0-9._-]+)")


def cuenta_activa(sesion: Session, ahora: datetime, contrasena: str = CONTRASENA) -> Cuenta:
    """A registered and activated account (through the real registration services)."""
    cuenta = f.registrar(sesion, f.contrato(sesion), ahora)
    token = f.token_enviado(sesion, cuenta.email or "")
    return activar_cuenta(sesion, token, contrasena, f.CIUDADANO, ahora)


def correos(sesion: Session, para: str, plantilla: str | None = None) -> list[CorreoSalida]:
    """Emails queued for an address (optionally of one template), oldest first."""
    consulta = select(CorreoSalida).where(CorreoSalida.para == para)
    if plantilla:
        consulta = consulta.where(CorreoSalida.plantilla == plantilla)
    sesion.flush()
    return list(sesion.scalars(consulta.order_by(CorreoSalida.id)))


def acciones(sesion: Session, cuenta: Cuenta) -> list[str]:
    """The account's log, oldest first."""
    sesion.flush()
    consulta = select(EventoCuenta.accion).where(EventoCuenta.cuenta_id == cuenta.id)
    return list(sesion.scalars(consulta.order_by(EventoCuenta.id)))


def token_restablecer(correo: CorreoSalida) -> str:
    """The reset token in an email."""
    encontrado = RE_RESTABLECER.search(correo.texto)
    assert encontrado is not None, correo.texto
    return encontrado.group(1)


HASHER_REAL = contrasenas._HASHER


@pytest.fixture(autouse=True)
def hash_rapido(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2id parameters: these tests hash and verify dozens of times."""
    rapido = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(contrasenas, "_HASHER", rapido)
    monkeypatch.setattr(contrasenas, "_HASH_SENUELO", rapido.hash("x" * 10))


@pytest.fixture
def cuenta(sesion: Session, ahora: datetime) -> Cuenta:
    return cuenta_activa(sesion, ahora)


# --- autenticar ------------------------------------------------------------------------------


def test_acceso_correcto(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    usuario = f"  {(cuenta.usuario or '').upper()} "
    assert autenticar(sesion, usuario, CONTRASENA, IP, ahora) is cuenta
    assert cuenta.ultimo_acceso_en == ahora
    assert acciones(sesion, cuenta)[-1] == "acceso"
    evento = sesion.scalars(select(EventoCuenta).order_by(EventoCuenta.id.desc())).first()
    assert evento is not None and evento.origen == IP


def test_contrasena_incorrecta(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    with pytest.raises(CredencialesInvalidas) as error:
        autenticar(sesion, cuenta.usuario or "", "otra cosa cualquiera", IP, ahora)
    assert error.value.mensaje == "El usuario o la contraseña no son correctos."
    assert acciones(sesion, cuenta)[-1] == "acceso_fallido"
    assert cuenta.ultimo_acceso_en is None


def _fallar(sesion: Session, usuario: str, veces: int, ahora: datetime, ip: str = IP) -> list[str]:
    resultados = []
    for _ in range(veces):
        try:
            autenticar(sesion, usuario, "no es la contraseña", ip, ahora)
        except CredencialesInvalidas:
            resultados.append("invalidas")
        except DemasiadosIntentos:
            resultados.append("bloqueo")
    return resultados


def test_quinto_fallo_bloquea_15_minutos(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    usuario = cuenta.usuario or ""
    assert _fallar(sesion, usuario, 5, ahora) == ["invalidas"] * 4 + ["bloqueo"]
    # Locked: even the right password is refused, without being checked.
    with pytest.raises(DemasiadosIntentos) as error:
        autenticar(sesion, usuario, CONTRASENA, "10.0.0.1", ahora + timedelta(minutes=1))
    assert error.value.mensaje.startswith("Demasiados intentos. Por seguridad, espere 14 minutos")
    assert error.value.segundos == 14 * 60
    assert "acceso_bloqueado" in acciones(sesion, cuenta)
    assert autenticar(sesion, usuario, CONTRASENA, IP, ahora + timedelta(minutes=15)) is cuenta


def test_usuario_inexistente_se_bloquea_igual(sesion: Session, ahora: datetime) -> None:
    """The lock does not reveal whether the account exists."""
    assert _fallar(sesion, f.usuario_unico(), 5, ahora) == ["invalidas"] * 4 + ["bloqueo"]
    assert _fallar(sesion, "nombre-demasiado-largo-para-ser-usuario", 5, ahora) == (
        ["invalidas"] * 4 + ["bloqueo"]
    )


def test_acceso_correcto_reinicia_la_cuenta_de_fallos(
    sesion: Session, cuenta: Cuenta, ahora: datetime
) -> None:
    usuario = cuenta.usuario or ""
    assert _fallar(sesion, usuario, 4, ahora) == ["invalidas"] * 4
    autenticar(sesion, usuario, CONTRASENA, IP, ahora)
    assert _fallar(sesion, usuario, 4, ahora) == ["invalidas"] * 4


def test_bloqueo_por_direccion(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    """Twenty failures from one address (different names) lock that address only."""
    resultados = [r for _ in range(20) for r in _fallar(sesion, f.usuario_unico(), 1, ahora)]
    assert resultados == ["invalidas"] * 19 + ["bloqueo"]
    with pytest.raises(DemasiadosIntentos):
        autenticar(sesion, cuenta.usuario or "", CONTRASENA, IP, ahora)
    assert autenticar(sesion, cuenta.usuario or "", CONTRASENA, "10.1.1.1", ahora) is cuenta


def test_cuenta_bloqueada_si_entra(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    """A blocked account signs in; the web layer then shows it why (bloqueo.aviso)."""
    cuenta.es_bloqueada = True
    assert autenticar(sesion, cuenta.usuario or "", CONTRASENA, IP, ahora) is cuenta


def test_pendiente_y_cerrada_no_entran(sesion: Session, ahora: datetime) -> None:
    pendiente = f.registrar(sesion, f.contrato(sesion), ahora)
    with pytest.raises(CredencialesInvalidas):
        autenticar(sesion, pendiente.usuario or "", CONTRASENA, IP, ahora)
    cerrada = cuenta_activa(sesion, ahora)
    cerrada.estado, cerrada.cerrada_en = EstadoCuenta.CERRADA, ahora
    with pytest.raises(CredencialesInvalidas) as error:
        autenticar(sesion, cerrada.usuario or "", CONTRASENA, IP, ahora)
    assert error.value.mensaje == acceso.MENSAJE_CREDENCIALES


def test_recifra_un_hash_antiguo(
    sesion: Session, cuenta: Cuenta, ahora: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contrasenas, "_HASHER", HASHER_REAL)
    debil = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(CONTRASENA)
    cuenta.contrasena_hash = debil
    autenticar(sesion, cuenta.usuario or "", CONTRASENA, IP, ahora)
    assert cuenta.contrasena_hash != debil and cuenta.contrasena_hash.startswith("$argon2id$")
    assert verificar(cuenta.contrasena_hash, CONTRASENA)


# --- olvido de contraseña / usuario ---------------------------------------------------------


def test_olvido_contrasena_por_usuario_o_correo(
    sesion: Session, cuenta: Cuenta, ahora: datetime
) -> None:
    email = cuenta.email or ""
    olvido_contrasena(sesion, cuenta.usuario or "", origen_ip=IP, ahora=ahora)
    olvido_contrasena(sesion, email.upper(), origen_ip=IP, ahora=ahora)
    enviados = correos(sesion, email, "restablecer_contrasena")
    assert len(enviados) == 2
    assert "http://ov.pruebas/restablecer/" in enviados[0].texto
    assert "vence en 2 horas" in enviados[0].texto
    assert acciones(sesion, cuenta).count("restablecer_solicitado") == 2


def test_olvido_contrasena_sin_coincidencia_no_envia(sesion: Session, ahora: datetime) -> None:
    antes = len(list(sesion.scalars(select(CorreoSalida.id))))
    olvido_contrasena(sesion, "nadie", origen_ip=IP, ahora=ahora)
    olvido_contrasena(sesion, "nadie@ejemplo.mx", origen_ip=IP, ahora=ahora)
    olvido_contrasena(sesion, "", origen_ip=IP, ahora=ahora)
    assert len(list(sesion.scalars(select(CorreoSalida.id)))) == antes


def test_olvido_contrasena_de_pendiente_reenvia_activacion(
    sesion: Session, ahora: datetime
) -> None:
    pendiente = f.registrar(sesion, f.contrato(sesion), ahora)
    email = pendiente.email or ""
    primer_token = f.token_enviado(sesion, email)
    olvido_contrasena(sesion, pendiente.usuario or "", origen_ip=IP, ahora=ahora)
    assert [c.plantilla for c in correos(sesion, email)] == ["activacion_cuenta"] * 2
    assert f.token_enviado(sesion, email) != primer_token
    assert correos(sesion, email, "restablecer_contrasena") == []


def test_olvido_contrasena_de_cerrada_no_envia(sesion: Session, ahora: datetime) -> None:
    cerrada = cuenta_activa(sesion, ahora)
    cerrada.estado, cerrada.cerrada_en = EstadoCuenta.CERRADA, ahora
    olvido_contrasena(sesion, cerrada.usuario or "", origen_ip=IP, ahora=ahora)
    assert correos(sesion, cerrada.email or "", "restablecer_contrasena") == []


def test_olvido_limites_por_destino_y_por_direccion(
    sesion: Session, cuenta: Cuenta, ahora: datetime
) -> None:
    # Per target: past three an hour, the same answer but no more email (no mailbox flooding).
    for _ in range(5):
        olvido_contrasena(sesion, cuenta.usuario or "", origen_ip=IP, ahora=ahora)
    assert len(correos(sesion, cuenta.email or "", "restablecer_contrasena")) == 3
    # Per address: the eleventh request in an hour is refused outright.
    for _ in range(5):
        olvido_contrasena(sesion, f.usuario_unico(), origen_ip=IP, ahora=ahora)
    with pytest.raises(DemasiadosIntentos):
        olvido_contrasena(sesion, f.usuario_unico(), origen_ip=IP, ahora=ahora)
    olvido_contrasena(sesion, f.usuario_unico(), origen_ip="10.2.2.2", ahora=ahora)


def test_olvido_usuario_por_correo_y_por_referencia(
    sesion: Session, cuenta: Cuenta, ahora: datetime
) -> None:
    email = cuenta.email or ""
    olvido_usuario(sesion, email, origen_ip=IP, ahora=ahora)
    referencia = cuenta.contratos[0].numero
    olvido_usuario(sesion, f" {referencia[:3]}-{referencia[3:]} ", origen_ip=IP, ahora=ahora)
    enviados = correos(sesion, email, "recordar_usuario")
    assert len(enviados) == 2
    assert all(f"Su usuario es: {cuenta.usuario}" in c.texto for c in enviados)
    assert acciones(sesion, cuenta).count("usuario_recordado") == 2


def test_olvido_usuario_sin_coincidencia_no_envia(sesion: Session, ahora: datetime) -> None:
    antes = len(list(sesion.scalars(select(CorreoSalida.id))))
    olvido_usuario(sesion, "nadie@ejemplo.mx", origen_ip=IP, ahora=ahora)
    olvido_usuario(sesion, f.numero_unico(), origen_ip=IP, ahora=ahora)
    olvido_usuario(sesion, f.contrato(sesion).numero, origen_ip=IP, ahora=ahora)  # no account
    assert len(list(sesion.scalars(select(CorreoSalida.id)))) == antes


# --- restablecer ------------------------------------------------------------------------------


def _pedir_enlace(sesion: Session, cuenta: Cuenta, ahora: datetime) -> str:
    olvido_contrasena(sesion, cuenta.usuario or "", origen_ip=IP, ahora=ahora)
    return token_restablecer(correos(sesion, cuenta.email or "", "restablecer_contrasena")[-1])


def test_restablecer_cambia_contrasena_y_cierra_sesiones(
    sesion: Session, cuenta: Cuenta, ahora: datetime
) -> None:
    _, clave = abrir_sesion(sesion, cuenta_id=cuenta.id, origen=IP, agente=None, ahora=ahora)
    _fallar(sesion, cuenta.usuario or "", 5, ahora)  # locked by someone guessing
    token = _pedir_enlace(sesion, cuenta, ahora)
    despues = ahora + timedelta(minutes=30)
    restablecer_contrasena(sesion, token, NUEVA, origen_ip=IP, ahora=despues)
    assert verificar(cuenta.contrasena_hash, NUEVA) and cuenta.contrasena_cambiada_en == despues
    assert sesion_vigente(sesion, clave, despues) is None
    assert "contrasena_restablecida" in acciones(sesion, cuenta)
    [aviso] = correos(sesion, cuenta.email or "", "contrasena_cambiada")
    assert "cerramos todas las sesiones" in " ".join(aviso.texto.split())
    # The reset lifts the lock: the owner signs in with the new password at once.
    assert autenticar(sesion, cuenta.usuario or "", NUEVA, IP, despues) is cuenta
    with pytest.raises(EnlaceNoValido) as error:
        restablecer_contrasena(
            sesion, token, "otra frase secreta nueva", origen_ip=IP, ahora=despues
        )
    assert error.value.estado is EstadoEnlace.USADO


def test_enlace_vence_a_las_dos_horas(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    token = _pedir_enlace(sesion, cuenta, ahora)
    with pytest.raises(EnlaceNoValido) as error:
        restablecer_contrasena(sesion, token, NUEVA, origen_ip=IP, ahora=ahora + timedelta(hours=2))
    assert error.value.estado is EstadoEnlace.VENCIDO
    assert verificar(cuenta.contrasena_hash, CONTRASENA)


def test_solo_vale_el_enlace_mas_reciente(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    viejo = _pedir_enlace(sesion, cuenta, ahora)
    _pedir_enlace(sesion, cuenta, ahora)
    with pytest.raises(EnlaceNoValido):
        restablecer_contrasena(sesion, viejo, NUEVA, origen_ip=IP, ahora=ahora)


def test_enlace_alterado_o_ajeno(sesion: Session, cuenta: Cuenta, ahora: datetime) -> None:
    token = _pedir_enlace(sesion, cuenta, ahora)
    for malo in (token[:-2] + "xx", "basura", ""):
        with pytest.raises(EnlaceNoValido) as error:
            restablecer_contrasena(sesion, malo, NUEVA, origen_ip=IP, ahora=ahora)
        assert error.value.estado is EstadoEnlace.INVALIDO


def test_contrasena_debil_no_gasta_el_enlace(
    sesion: Session, cuenta: Cuenta, ahora: datetime
) -> None:
    token = _pedir_enlace(sesion, cuenta, ahora)
    for debil in ("corta", "contraseña123", f"{cuenta.usuario}-{cuenta.usuario}-2026"):
        with pytest.raises(DatosInvalidos) as error:
            restablecer_contrasena(sesion, token, debil, origen_ip=IP, ahora=ahora)
        assert "contrasena" in error.value.campos
    restablecer_contrasena(sesion, token, NUEVA, origen_ip=IP, ahora=ahora)
    assert verificar(cuenta.contrasena_hash, NUEVA)
