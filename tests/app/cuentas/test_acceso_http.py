"""*Accede a tu cuenta* over HTTP: sign-in, sign-out on the server, idle time, `siguiente`,
throttling, no enumeration, the reset flow through a real SMTP server, CSRF."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from sqlalchemy import event, select
from sqlalchemy.orm import sessionmaker

from casos.cuentas.modelos import Cuenta
from casos.envio import AjustesSMTP
from casos.limites import ContadorLimite
from scheduler.trabajos import Contexto, enviar_correos
from tests.casos.cuentas.test_acceso import CONTRASENA, NUEVA, cuenta_activa
from tests.casos.cuentas.test_acceso import hash_rapido as hash_rapido  # autouse fixture
from tests.soporte.formularios import enviar, token_csrf
from tests.soporte.smtp import CapturadorSMTP

INICIO_CUENTA = "/mi-cuenta/"
RE_CSRF = re.compile(r'name="csrf_token"[^>]*value="[^"]*"')


@pytest.fixture
def cuenta(bd: Any, ahora: datetime) -> Cuenta:
    nueva = cuenta_activa(bd.session, ahora)
    bd.session.commit()  # requests share this session: keep the data past their rollback
    return nueva


def entrar(cliente: Any, usuario: str, contrasena: str = CONTRASENA, **extra: str) -> Any:
    """Submit *Accede a tu cuenta* with its CSRF token."""
    return enviar(cliente, "/acceso", {"usuario": usuario, "contrasena": contrasena, **extra})


def firmado(cliente: Any) -> bool:
    """Does the server take this browser for a signed-in customer? (/acceso sends it on.)"""
    return cliente.get("/acceso").status_code == 302


def sin_csrf(html: str) -> str:
    """The page with its CSRF tokens blanked (they differ on every response)."""
    return RE_CSRF.sub('name="csrf_token"', html)


# --- the page and a sign-in ----------------------------------------------------------------


def test_pagina_con_las_etiquetas_del_manual(cliente: Any) -> None:
    html = cliente.get("/acceso").get_data(as_text=True)
    assert '<h1 class="h2">Accede a tu cuenta</h1>' in html
    assert '<label class="form-label fw-semibold" for="usuario">Usuario</label>' in html
    assert '<label class="form-label fw-semibold" for="contrasena">Contraseña</label>' in html
    assert '<button type="submit" class="btn btn-primary w-100">Acceder</button>' in html
    assert '<a href="/olvide-contrasena">¿Olvidaste tu contraseña?</a>' in html
    assert '<a href="/olvide-usuario">¿Olvidaste tu usuario?</a>' in html
    assert 'type="password"' in html and 'autocomplete="current-password"' in html


def test_entrar_lleva_a_mi_cuenta_y_cambia_el_encabezado(cliente: Any, cuenta: Cuenta) -> None:
    anonimo = cliente.get("/").get_data(as_text=True)
    assert "Accede a tu cuenta" in anonimo and "Mi cuenta" not in anonimo
    respuesta = entrar(cliente, (cuenta.usuario or "").upper())
    assert respuesta.status_code == 302
    assert respuesta.headers["Location"] == INICIO_CUENTA
    html = cliente.get("/").get_data(as_text=True)
    assert ">Mi cuenta</a>" in html
    assert re.search(
        r'<form method="post" action="/salir"[^>]*>\s*<input type="hidden" '
        r'name="csrf_token" value="[^"]+">\s*<button[^>]*>Salir</button>',
        html,
    )


def test_credenciales_incorrectas_conservan_el_usuario(cliente: Any, cuenta: Cuenta) -> None:
    respuesta = entrar(cliente, cuenta.usuario or "", "una contraseña equivocada")
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 200
    assert "El usuario o la contraseña no son correctos." in html
    assert f'value="{cuenta.usuario}"' in html
    assert "una contraseña equivocada" not in html
    assert not firmado(cliente)


def test_campos_vacios_con_error_junto_al_campo(cliente: Any) -> None:
    html = enviar(cliente, "/acceso", {"usuario": "", "contrasena": ""}).get_data(as_text=True)
    assert "Usuario: escriba su usuario." in html
    assert "Contraseña: escriba su contraseña." in html


def test_cuenta_bloqueada_va_al_aviso(cliente: Any, bd: Any, cuenta: Cuenta) -> None:
    cuenta.es_bloqueada = True
    bd.session.commit()
    respuesta = entrar(cliente, cuenta.usuario or "")
    assert respuesta.status_code == 302
    assert respuesta.headers["Location"] == "/mi-cuenta/bloqueo/"


def test_fijacion_de_sesion_cookie_nueva_al_entrar(cliente: Any, cuenta: Cuenta) -> None:
    cliente.get("/acceso")
    antes = cliente.get_cookie("ov_sesion")
    assert antes is not None
    entrar(cliente, cuenta.usuario or "")
    despues = cliente.get_cookie("ov_sesion")
    assert despues is not None and despues.value != antes.value
    # The pre-login cookie (what an attacker could have planted) signs nobody in.
    otro = cliente.application.test_client()
    otro.set_cookie("ov_sesion", antes.value)
    assert not firmado(otro)


# --- sign-out --------------------------------------------------------------------------------


def test_salir_termina_la_sesion_en_el_servidor(cliente: Any, cuenta: Cuenta) -> None:
    entrar(cliente, cuenta.usuario or "")
    copia = cliente.get_cookie("ov_sesion")
    assert copia is not None and firmado(cliente)
    pagina = cliente.get("/salir").get_data(as_text=True)
    assert "¿Desea cerrar su sesión en este dispositivo?" in pagina
    respuesta = cliente.post("/salir", data={"csrf_token": token_csrf(pagina)})
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == "/"
    assert not firmado(cliente)
    # Replaying the cookie copied before signing out no longer authenticates.
    otro = cliente.application.test_client()
    otro.set_cookie("ov_sesion", copia.value)
    assert not firmado(otro)


def test_salir_sin_csrf_se_rechaza(cliente: Any, cuenta: Cuenta) -> None:
    entrar(cliente, cuenta.usuario or "")
    respuesta = cliente.post("/salir")
    assert respuesta.status_code == 400
    assert "El formulario caducó" in respuesta.get_data(as_text=True)
    assert firmado(cliente)


def test_entrar_sin_csrf_se_rechaza(cliente: Any, cuenta: Cuenta) -> None:
    datos = {"usuario": cuenta.usuario, "contrasena": CONTRASENA}
    assert cliente.post("/acceso", data=datos).status_code == 400
    assert not firmado(cliente)


# --- idle time and absolute expiry ------------------------------------------------------------


@pytest.fixture
def reloj(ahora: datetime) -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(ahora, tick=False) as viaje:
        yield viaje


def test_inactividad_de_30_minutos_cierra(
    cliente: Any, cuenta: Cuenta, reloj: time_machine.Coordinates
) -> None:
    entrar(cliente, cuenta.usuario or "")
    reloj.shift(timedelta(minutes=29))
    assert firmado(cliente)  # activity: the idle clock starts again
    reloj.shift(timedelta(minutes=29))
    assert firmado(cliente)
    reloj.shift(timedelta(minutes=31))
    assert not firmado(cliente)


def test_limite_absoluto_de_12_horas(
    cliente: Any, cuenta: Cuenta, reloj: time_machine.Coordinates
) -> None:
    entrar(cliente, cuenta.usuario or "")
    for _ in range(35):  # active every 20 minutes: 11 h 40 min
        reloj.shift(timedelta(minutes=20))
        assert firmado(cliente)
    reloj.shift(timedelta(minutes=20))
    assert not firmado(cliente)


def test_leer_paginas_no_escribe_en_la_base(cliente: Any, bd: Any, cuenta: Cuenta) -> None:
    """Signed-in GETs (idle mark included) touch only the cookie, never the database."""
    entrar(cliente, cuenta.usuario or "")
    escrituras: list[str] = []

    def anotar(_con: Any, _cur: Any, sql: str, *_args: Any) -> None:
        if sql.lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            escrituras.append(sql)

    event.listen(bd.engine, "before_cursor_execute", anotar)
    try:
        for _ in range(3):
            assert cliente.get("/").status_code == 200
        assert firmado(cliente) and escrituras == []
        cliente.post("/salir", data={"csrf_token": token_csrf(cliente.get("/").text)})
        assert escrituras  # the listener does see writes: signing out updates the row
    finally:
        event.remove(bd.engine, "before_cursor_execute", anotar)


# --- siguiente (no open redirects) ---------------------------------------------------------


@pytest.mark.parametrize(
    "siguiente",
    [
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "http:/evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "/%0d%0aSet-Cookie:x=1",
        " /contacto",
        "contacto",
    ],
)
def test_siguiente_ajeno_se_ignora(cliente: Any, cuenta: Cuenta, siguiente: str) -> None:
    respuesta = entrar(cliente, cuenta.usuario or "", siguiente=siguiente)
    assert respuesta.status_code == 302
    destino = respuesta.headers["Location"]
    assert destino in {INICIO_CUENTA, "/%0d%0aSet-Cookie:x=1"}  # encoded: a local path
    assert "evil" not in destino
    assert all("x=1" not in c for c in respuesta.headers.getlist("Set-Cookie"))


def test_siguiente_local_se_respeta(cliente: Any, cuenta: Cuenta) -> None:
    html = cliente.get("/acceso?siguiente=/contacto%3Ftipo%3D1").get_data(as_text=True)
    assert 'name="siguiente" type="hidden" value="/contacto?tipo=1"' in html
    respuesta = entrar(cliente, cuenta.usuario or "", siguiente="/contacto?tipo=1")
    assert respuesta.headers["Location"] == "/contacto?tipo=1"
    # Already signed in: /acceso?siguiente= goes straight there (and never elsewhere).
    assert cliente.get("/acceso?siguiente=/contacto").headers["Location"] == "/contacto"
    assert cliente.get("/acceso?siguiente=//evil.example").headers["Location"] == INICIO_CUENTA


# --- throttling and lock ---------------------------------------------------------------------


def test_quinto_fallo_bloquea_con_retry_after(cliente: Any, cuenta: Cuenta) -> None:
    for _ in range(4):
        assert entrar(cliente, cuenta.usuario or "", "no es esta").status_code == 200
    respuesta = entrar(cliente, cuenta.usuario or "", "no es esta")
    assert respuesta.status_code == 429
    assert 890 <= int(respuesta.headers["Retry-After"]) <= 900
    html = respuesta.get_data(as_text=True)
    assert "Demasiados intentos. Por seguridad, espere 15 minutos" in html
    # The right password is refused too while the lock lasts.
    assert entrar(cliente, cuenta.usuario or "").status_code == 429
    assert not firmado(cliente)


def test_bloqueo_por_direccion_http(cliente: Any, bd: Any) -> None:
    for numero in range(19):
        assert entrar(cliente, f"nadie{numero}", "no es esta").status_code == 200
    respuesta = entrar(cliente, "nadie99", "no es esta")
    assert respuesta.status_code == 429 and "Retry-After" in respuesta.headers
    # The address counted is the peer's: without OV_PROXIES, X-Forwarded-For is not trusted.
    claves = set(bd.session.scalars(select(ContadorLimite.clave)))
    assert "acceso:ip:127.0.0.1" in claves


def test_x_forwarded_for_no_se_cree_sin_proxies(cliente: Any, bd: Any) -> None:
    html = cliente.get("/acceso").get_data(as_text=True)
    cliente.post(
        "/acceso",
        data={"csrf_token": token_csrf(html), "usuario": "nadie", "contrasena": "x"},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    claves = set(bd.session.scalars(select(ContadorLimite.clave)))
    assert "acceso:ip:127.0.0.1" in claves and "acceso:ip:203.0.113.9" not in claves


# --- no enumeration --------------------------------------------------------------------------


def _respuesta(cliente: Any, url: str, datos: dict[str, str]) -> tuple[int, str]:
    respuesta = enviar(cliente, url, datos)
    return respuesta.status_code, sin_csrf(respuesta.get_data(as_text=True))


def test_misma_respuesta_al_entrar_con_usuario_real_o_inventado(
    cliente: Any, cuenta: Cuenta
) -> None:
    real = _respuesta(cliente, "/acceso", {"usuario": cuenta.usuario, "contrasena": "mala"})
    falso = _respuesta(cliente, "/acceso", {"usuario": "zz99zz99", "contrasena": "mala"})
    # The typed name is shown back to its typist; apart from it, not one byte differs.
    assert real[0] == falso[0] == 200
    assert real[1].replace(f'value="{cuenta.usuario}"', "") == falso[1].replace(
        'value="zz99zz99"', ""
    )


def test_olvido_contrasena_misma_respuesta(cliente: Any, bd: Any, cuenta: Cuenta) -> None:
    url = "/olvide-contrasena"
    existe = _respuesta(cliente, url, {"usuario_o_email": cuenta.usuario or ""})
    no_existe = _respuesta(cliente, url, {"usuario_o_email": "zz99zz99"})
    correo = _respuesta(cliente, url, {"usuario_o_email": cuenta.email or ""})
    correo_falso = _respuesta(cliente, url, {"usuario_o_email": "nadie@ejemplo.mx"})
    assert existe == no_existe == correo == correo_falso
    assert existe[0] == 200 and "Revise su correo" in existe[1]


def test_olvido_usuario_misma_respuesta(cliente: Any, cuenta: Cuenta) -> None:
    url = "/olvide-usuario"
    referencia = cuenta.contratos[0].numero
    respuestas = [
        _respuesta(cliente, url, {"email_o_referencia": dato})
        for dato in (cuenta.email or "", "nadie@ejemplo.mx", referencia, "999999999999")
    ]
    assert all(r == respuestas[0] for r in respuestas)
    assert "Si los datos corresponden a una cuenta" in respuestas[0][1]


def test_olvido_limite_por_direccion_429(cliente: Any) -> None:
    for numero in range(10):
        datos = {"usuario_o_email": f"nadie{numero}"}
        assert enviar(cliente, "/olvide-contrasena", datos).status_code == 200
    respuesta = enviar(cliente, "/olvide-contrasena", {"usuario_o_email": "otro"})
    assert respuesta.status_code == 429 and int(respuesta.headers["Retry-After"]) > 0
    assert "Demasiados intentos" in respuesta.get_data(as_text=True)


# --- password reset through a real SMTP server ----------------------------------------------


def _enviar_bandeja(bd: Any, capturador: CapturadorSMTP, para: str) -> list[EmailMessage]:
    """Run the scheduler's outbox job over this test's transaction, into the catcher; return
    the messages to `para` (browser tests may have left other mail committed in the outbox)."""
    sesiones = sessionmaker(bind=bd.session.get_bind(), join_transaction_mode="create_savepoint")
    smtp = AjustesSMTP(capturador.host, capturador.puerto, "CEA <no-responder@cea.localhost>")
    reloj = lambda: datetime.now(UTC) + timedelta(seconds=1)  # noqa: E731
    resultado = enviar_correos(Contexto(sesiones=sesiones, smtp=smtp, reloj=reloj))
    assert resultado is not None and resultado["fallidos"] == 0, resultado
    return [m for m in capturador.esperar(resultado["enviados"]) if m["To"] == para]


def _texto(mensaje: EmailMessage) -> str:
    parte = mensaje.get_body(preferencelist=("plain",))
    assert parte is not None
    return str(parte.get_content())


def test_restablecer_por_correo_de_punta_a_punta(cliente: Any, bd: Any, cuenta: Cuenta) -> None:
    otro = cliente.application.test_client()  # a browser left signed in elsewhere
    entrar(otro, cuenta.usuario or "")
    assert firmado(otro)
    enviar(cliente, "/olvide-contrasena", {"usuario_o_email": cuenta.email or ""})
    with CapturadorSMTP() as capturador:
        [mensaje] = _enviar_bandeja(bd, capturador, cuenta.email or "")
    assert mensaje["To"] == cuenta.email
    assert mensaje["Subject"] == "Restablezca su contraseña de la Oficina Virtual"
    enlace = re.search(r"http://ov\.pruebas(/restablecer/\S+)", _texto(mensaje))
    assert enlace is not None, _texto(mensaje)
    ruta = enlace.group(1)

    pagina = cliente.get(ruta)
    assert pagina.status_code == 200
    assert pagina.headers["Referrer-Policy"] == "no-referrer"
    html = pagina.get_data(as_text=True)
    assert "Nueva contraseña" in html and "Confirmar contraseña" in html
    distinta = {"contrasena": NUEVA, "confirmacion": NUEVA + "x"}
    html = enviar(cliente, ruta, distinta).get_data(as_text=True)
    assert "no coincide con la contraseña nueva" in html
    hecho = enviar(cliente, ruta, {"contrasena": NUEVA, "confirmacion": NUEVA})
    assert "Contraseña actualizada" in hecho.get_data(as_text=True)

    assert not firmado(otro)  # every session of the account ended
    assert cliente.get(ruta).status_code == 410  # single use
    assert entrar(cliente, cuenta.usuario or "").status_code == 200  # old password: no
    assert entrar(cliente, cuenta.usuario or "", NUEVA).status_code == 302
    with CapturadorSMTP() as capturador:
        [aviso] = _enviar_bandeja(bd, capturador, cuenta.email or "")
    assert aviso["Subject"] == "Su contraseña de la Oficina Virtual cambió"


def test_enlace_invalido_no_da_500(cliente: Any) -> None:
    for ruta in ("/restablecer/x", "/restablecer/" + "a" * 3000, "/restablecer/%00%ff"):
        respuesta = cliente.get(ruta)
        assert respuesta.status_code == 404
        assert "Solicitar un enlace nuevo" in respuesta.get_data(as_text=True)


def test_olvido_usuario_por_correo_llega(cliente: Any, bd: Any, cuenta: Cuenta) -> None:
    enviar(cliente, "/olvide-usuario", {"email_o_referencia": cuenta.contratos[0].numero})
    with CapturadorSMTP() as capturador:
        [mensaje] = _enviar_bandeja(bd, capturador, cuenta.email or "")
    assert mensaje["To"] == cuenta.email
    assert f"Su usuario es: {cuenta.usuario}" in _texto(mensaje)
