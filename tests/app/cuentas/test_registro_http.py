"""Registration over HTTP: the three phases, the emailed "aquí" link through a real SMTP server,
activation, sign-in, and every refusal a customer can meet on the way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from casos import limites
from casos.comercial.modelos import Contrato
from casos.correo import CorreoSalida
from casos.cuentas.modelos import Cuenta, EstadoCuenta
from casos.cuentas.registro import LIMITE_REENVIO_CUENTA, LIMITE_REENVIO_IP, LIMITE_REGISTRO_IP
from casos.cuentas.verificacion import LIMITE_PRUEBA_CONTRATO, LIMITE_PRUEBA_IP
from casos.envio import AjustesSMTP
from scheduler.trabajos import Contexto, enviar_correos
from tests.casos.cuentas import fabricas as f
from tests.soporte.formularios import enviar, token_csrf
from tests.soporte.smtp import CapturadorSMTP

CONTRASENA = "jacarandas moradas en abril"
RE_AQUI = re.compile(r'<a href="([^"]+)"[^>]*>aquí</a>')
RE_ERROR_CAMPO = re.compile(r'id="([a-z_]+)-error" class="invalid-feedback d-block">([^<]*)<')


# --- helpers -------------------------------------------------------------------------------


LIMITES_POR_DIRECCION = [LIMITE_REGISTRO_IP, LIMITE_PRUEBA_IP, LIMITE_REENVIO_IP]


@pytest.fixture(autouse=True)
def direccion_sin_intentos(bd: Any) -> None:
    """The test client's address starts with no attempts counted (browser tests commit theirs
    to the same database; this deletion is rolled back with the test)."""
    for limite in LIMITES_POR_DIRECCION:
        limites.reiniciar(bd.session, limite, "127.0.0.1")
    bd.session.commit()


@pytest.fixture
def capturador() -> Iterator[CapturadorSMTP]:
    """A real SMTP server on 127.0.0.1."""
    with CapturadorSMTP() as servidor:
        yield servidor


def _enviar_buzon(bd: Any, capturador: CapturadorSMTP) -> dict[str, Any]:
    """Run the scheduler's outbox job against the catcher, inside the test's transaction."""
    conexion = bd.session.get_bind()
    sesiones = sessionmaker(
        bind=conexion, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    smtp = AjustesSMTP("127.0.0.1", capturador.puerto, "CEA <no-responder@cea.localhost>")
    return enviar_correos(Contexto(sesiones=sesiones, smtp=smtp, reloj=lambda: datetime.now(UTC)))


def _correo_para(capturador: CapturadorSMTP, para: str) -> EmailMessage:
    recibidos = [m for m in capturador.esperar(1) if m["To"] == para]
    assert recibidos, f"no llegó correo a {para}"
    return recibidos[-1]


def _enlace_aqui(mensaje: EmailMessage) -> str:
    html = mensaje.get_body(preferencelist=("html",))
    assert html is not None
    encontrado = RE_AQUI.search(html.get_content())
    assert encontrado is not None, "el correo no tiene un enlace «aquí»"
    return encontrado.group(1)


def _errores(html: str) -> dict[str, str]:
    return dict(RE_ERROR_CAMPO.findall(html))


def _fase1(cliente: Any, tipo: str, datos: dict[str, str]) -> Any:
    return enviar(cliente, f"/registro/{tipo}", datos)


def _fase2(cliente: Any, usuario: str, email: str, **extra: str) -> Any:
    datos = {
        "usuario": usuario,
        "email": email,
        "email_confirmacion": email,
        "acepto_terminos": "y",
        "declaro_datos": "y",
        "continuar": "1",
        **extra,
    }
    return enviar(cliente, "/registro/usuario", datos)


@dataclass(frozen=True)
class DatosContrato:
    """What a test needs of a contract once it is committed (no lazy loads afterwards)."""

    id: int
    numero: str
    apellido_paterno: str | None
    apellido_materno: str | None
    numero_medidor: str | None


def _contrato(bd: Any, **datos: Any) -> DatosContrato:
    """A contract committed where the requests see it. Requests share the test's session and
    roll it back when they end, so the test never leaves it with an open transaction (the
    next POST would find one); the outer transaction still undoes everything at the end."""
    c = f.contrato(bd.session, **datos)
    copia = DatosContrato(c.id, c.numero, c.apellido_paterno, c.apellido_materno, c.numero_medidor)
    bd.session.commit()
    return copia


def _leer(bd: Any, consulta: Any) -> Any:
    """One value read in the test's session, which is then left without a transaction."""
    valor = bd.session.scalar(consulta)
    bd.session.rollback()
    return valor


def _datos_particular(c: DatosContrato, **cambios: str) -> dict[str, str]:
    datos = {
        "referencia": c.numero,
        "apellido_paterno": c.apellido_paterno or "",
        "apellido_materno": c.apellido_materno or "",
        "numero_medidor": c.numero_medidor or "",
    }
    datos.update(cambios)
    return datos


def _registrar(cliente: Any, c: DatosContrato) -> tuple[str, str]:
    """Fases 1 and 2 for a persona física; returns (user name, email)."""
    usuario = f.usuario_unico()
    email = f"{usuario}@correo.ejemplo.mx"
    assert _fase1(cliente, "particular", _datos_particular(c)).status_code == 302
    respuesta = _fase2(cliente, usuario, email)
    assert respuesta.status_code == 302, respuesta.get_data(as_text=True)
    assert respuesta.headers["Location"] == "/registro/enviado"
    return usuario, email


def _token_en_buzon(bd: Any, email: str) -> str:
    texto = _leer(
        bd,
        select(CorreoSalida.texto)
        .where(CorreoSalida.para == email)
        .order_by(CorreoSalida.id.desc())
        .limit(1),
    )
    encontrado = f.RE_ENLACE.search(texto or "")
    assert encontrado is not None
    return encontrado.group(1)


def _cuenta(bd: Any, usuario: str) -> tuple[EstadoCuenta, str, list[int]]:
    """(state, type, linked contract ids) of the account with that user name."""
    cuenta = bd.session.scalars(select(Cuenta).where(Cuenta.usuario == usuario)).one()
    datos = (cuenta.estado, cuenta.tipo.value, [c.id for c in cuenta.contratos])
    bd.session.rollback()
    return datos


# --- end to end ----------------------------------------------------------------------------


def _activar_y_entrar(
    cliente: Any, bd: Any, capturador: CapturadorSMTP, usuario: str, email: str
) -> None:
    """Send the outbox, follow the "aquí" link, set the password, sign in."""
    assert _enviar_buzon(bd, capturador)["enviados"] >= 1
    mensaje = _correo_para(capturador, email)
    assert usuario in mensaje["Subject"]
    enlace = _enlace_aqui(mensaje)
    assert enlace.startswith("http://ov.pruebas/registro/activar/")  # BASE_URL, not the Host
    ruta = urlsplit(enlace).path

    pagina = cliente.get(ruta)
    assert pagina.status_code == 200
    assert pagina.headers["Referrer-Policy"] == "no-referrer"
    html = pagina.get_data(as_text=True)
    assert "Generar contraseña" in html and "Confirmar contraseña" in html
    assert "js/contrasena.js" in html
    assert _cuenta(bd, usuario)[0] is EstadoCuenta.PENDIENTE

    respuesta = cliente.post(
        ruta,
        data={"csrf_token": token_csrf(html), "contrasena": CONTRASENA, "confirmacion": CONTRASENA},
    )
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == "/registro/activada"
    activada = cliente.get("/registro/activada").get_data(as_text=True)
    assert "Cuenta activada" in activada and 'href="/acceso"' in activada
    assert "Accede a tu cuenta" in activada
    assert _cuenta(bd, usuario)[0] is EstadoCuenta.ACTIVA

    entrada = enviar(cliente, "/acceso", {"usuario": usuario.upper(), "contrasena": CONTRASENA})
    assert entrada.status_code == 302, entrada.get_data(as_text=True)
    assert entrada.headers["Location"].startswith("/mi-cuenta")


def test_registro_particular_de_principio_a_fin(
    cliente: Any, bd: Any, capturador: CapturadorSMTP
) -> None:
    c = _contrato(bd)
    inicio = cliente.get("/registro").get_data(as_text=True)
    assert "Aviso de privacidad simplificado" in inicio
    assert 'href="/registro/particular"' in inicio and 'href="/registro/empresa"' in inicio

    fase1 = cliente.get("/registro/particular").get_data(as_text=True)
    for etiqueta in ("Referencia", "Apellido Paterno", "Apellido Materno", "Número de medidor"):
        assert f">{etiqueta}</label>" in fase1
    assert "recibo-ayuda.svg" in fase1 and 'aria-current="step"' in fase1

    usuario, email = _registrar(cliente, c)
    enviado = cliente.get("/registro/enviado").get_data(as_text=True)
    assert email not in enviado and f"{usuario[:2]}•" in enviado  # masked address
    assert "Reenviar correo de activación" in enviado

    _activar_y_entrar(cliente, bd, capturador, usuario, email)


def test_registro_empresa_sin_medidor_de_principio_a_fin(
    cliente: Any, bd: Any, capturador: CapturadorSMTP
) -> None:
    from datetime import date

    c = f.contrato(
        bd.session, razon_social="Tortillería La Esperanza, S. de R.L. de C.V.", medidor=None
    )
    f.factura(bd.session, bd.session.get(Contrato, c.id), date(2026, 10, 1), "2345.60")
    bd.session.commit()
    fase1 = cliente.get("/registro/empresa").get_data(as_text=True)
    assert ">Nombre de la empresa</label>" in fase1 and "Apellido Paterno" not in fase1
    respuesta = _fase1(
        cliente,
        "empresa",
        {
            "referencia": c.numero,
            "nombre_empresa": "TORTILLERIA LA ESPERANZA",
            "numero_medidor": "",
            "sin_medidor": "y",
            "importe_ultima_factura": "$2,345.60",
        },
    )
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == "/registro/usuario"
    usuario = f.usuario_unico()
    email = f"{usuario}@empresa.ejemplo.mx"
    assert _fase2(cliente, usuario, email).status_code == 302
    assert _cuenta(bd, usuario)[1:] == ("empresa", [c.id])

    _activar_y_entrar(cliente, bd, capturador, usuario, email)


# --- Fase 1 --------------------------------------------------------------------------------


def test_errores_junto_al_campo_y_nada_se_pierde(cliente: Any) -> None:
    respuesta = _fase1(
        cliente,
        "particular",
        {"referencia": "12-AB", "apellido_paterno": "", "apellido_materno": "Núñez"},
    )
    html = respuesta.get_data(as_text=True)
    assert respuesta.status_code == 200
    errores = _errores(html)
    assert set(errores) == {"referencia", "apellido_paterno", "numero_medidor"}
    assert "Mi contrato no tiene medidor" in errores["numero_medidor"]
    assert 'value="12-AB"' in html and 'value="Núñez"' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Error: Fase 1" in html


def test_datos_que_no_coinciden_dan_la_misma_respuesta(cliente: Any, bd: Any) -> None:
    c = _contrato(bd)
    intentos = [
        _datos_particular(c, numero_medidor="ZZ-999"),
        _datos_particular(c, apellido_paterno="Otro"),
        _datos_particular(c, referencia="987654321012"),
    ]
    bloques = []
    for datos in intentos:
        html = _fase1(cliente, "particular", datos).get_data(as_text=True)
        bloque = re.search(r'<div class="alert alert-danger"[^>]*>(.*?)</div>', html, re.S)
        assert bloque is not None
        bloques.append(bloque.group(1))
        assert _errores(html) == {}  # never which field
    assert bloques[0] == bloques[1] == bloques[2]
    assert "no coinciden con nuestros registros" in bloques[0]


def test_contrato_ya_registrado_lleva_a_incidencia(cliente: Any, bd: Any) -> None:
    c = _contrato(bd)
    f.registrar(bd.session, bd.session.get(Contrato, c.id), datetime.now(UTC))
    bd.session.commit()
    html = _fase1(cliente, "particular", _datos_particular(c)).get_data(as_text=True)
    assert "ya está registrado en la Oficina Virtual" in html
    assert 'href="/contacto/incidencia_ov"' in html
    assert cliente.get("/contacto/incidencia_ov").status_code == 200


def test_sin_medidor_y_sin_recibos_lleva_a_incidencia(cliente: Any, bd: Any) -> None:
    c = _contrato(bd, medidor=None)
    datos = _datos_particular(c, sin_medidor="y", importe_ultima_factura="150.00")
    html = _fase1(cliente, "particular", datos).get_data(as_text=True)
    assert "aún no tiene un recibo emitido" in html
    assert 'href="/contacto/incidencia_ov"' in html


def test_contrato_de_baja(cliente: Any, bd: Any) -> None:
    from casos.comercial.modelos import EstatusContrato

    c = _contrato(bd, estatus=EstatusContrato.BAJA)
    html = _fase1(cliente, "particular", _datos_particular(c)).get_data(as_text=True)
    assert "dado de baja" in html


def test_un_solo_apellido(cliente: Any, bd: Any) -> None:
    c = _contrato(bd, paterno="Jiménez", materno=None)
    datos = _datos_particular(c, apellido_paterno="JIMENEZ", apellido_materno="")
    assert _fase1(cliente, "particular", datos).headers["Location"] == "/registro/usuario"


def test_limite_de_intentos_por_contrato(cliente: Any, bd: Any) -> None:
    c = _contrato(bd)
    malos = _datos_particular(c, numero_medidor="ZZ-1")
    for _ in range(LIMITE_PRUEBA_CONTRATO.maximo):
        assert _fase1(cliente, "particular", malos).status_code == 200
    bloqueado = _fase1(cliente, "particular", _datos_particular(c))  # even the right data
    assert bloqueado.status_code == 429
    assert int(bloqueado.headers["Retry-After"]) > 0
    html = bloqueado.get_data(as_text=True)
    assert "demasiados intentos" in html and f'value="{c.numero}"' in html


def test_tipo_desconocido(cliente: Any) -> None:
    assert cliente.get("/registro/gobierno").status_code == 404


def test_sin_csrf_no_se_acepta(cliente: Any, bd: Any) -> None:
    c = _contrato(bd)
    respuesta = cliente.post("/registro/particular", data=_datos_particular(c))
    assert respuesta.status_code == 400


# --- Fase 2 --------------------------------------------------------------------------------


def test_fase_2_sin_fase_1_regresa(cliente: Any) -> None:
    respuesta = cliente.get("/registro/usuario")
    assert respuesta.status_code == 302 and respuesta.headers["Location"] == "/registro/particular"


def test_regresar_y_avanzar_conserva_lo_escrito(cliente: Any, bd: Any) -> None:
    c = _contrato(bd)
    _fase1(cliente, "particular", _datos_particular(c, numero_medidor="ab 123456"))
    regreso = enviar(
        cliente,
        "/registro/usuario",
        {"usuario": "ana2026", "email": "ana@ejemplo.mx", "acepto_terminos": "y", "regresar": "1"},
    )
    assert regreso.headers["Location"] == "/registro/particular"
    fase1 = cliente.get("/registro/particular").get_data(as_text=True)
    assert f'value="{c.numero}"' in fase1 and 'value="ab 123456"' in fase1
    # Continue again without retyping: Fase 2 still has what was typed there.
    assert _fase1(cliente, "particular", _datos_particular(c)).status_code == 302
    fase2 = cliente.get("/registro/usuario").get_data(as_text=True)
    assert 'value="ana2026"' in fase2 and 'value="ana@ejemplo.mx"' in fase2
    casilla = re.search(r'<input[^>]*id="acepto_terminos"[^>]*>', fase2)
    assert casilla is not None and " checked" in casilla.group(0)


def test_cambiar_datos_de_fase_1_pide_comprobarlos_otra_vez(cliente: Any, bd: Any) -> None:
    c = _contrato(bd)
    _fase1(cliente, "particular", _datos_particular(c))
    _fase1(cliente, "particular", _datos_particular(c, numero_medidor="ZZ-1"))
    assert cliente.get("/registro/usuario").status_code == 302


def test_fase_2_errores_junto_al_campo(cliente: Any, bd: Any) -> None:
    ocupado = f.usuario_unico()
    primero = _contrato(bd)
    f.registrar(
        bd.session, bd.session.get(Contrato, primero.id), datetime.now(UTC), usuario=ocupado
    )
    bd.session.commit()
    c = _contrato(bd)
    _fase1(cliente, "particular", _datos_particular(c))
    respuesta = enviar(
        cliente,
        "/registro/usuario",
        {
            "usuario": ocupado.upper(),
            "email": "ana@ejemplo.mx",
            "email_confirmacion": "ana@ejemplo.com",
            "continuar": "1",
        },
    )
    html = respuesta.get_data(as_text=True)
    errores = _errores(html)
    assert set(errores) == {"email_confirmacion", "acepto_terminos", "declaro_datos"}
    # The user name is checked once the form is otherwise right.
    respuesta = _fase2(cliente, ocupado.upper(), "ana@ejemplo.mx")
    assert _errores(respuesta.get_data(as_text=True)) == {
        "usuario": "Ese nombre de usuario ya está en uso; elija otro."
    }
    assert (
        bd.session.scalar(
            select(func.count()).select_from(Cuenta).where(Cuenta.email == "ana@ejemplo.mx")
        )
        == 0
    )


def test_usuario_fuera_de_formato(cliente: Any, bd: Any) -> None:
    c = _contrato(bd)
    _fase1(cliente, "particular", _datos_particular(c))
    for malo in ("abc", "ana lópez", "nueveCaracteres"):
        html = _fase2(cliente, malo, "ana@ejemplo.mx").get_data(as_text=True)
        assert "usuario" in _errores(html), malo


# --- Fase 3 and the link -------------------------------------------------------------------


def test_reenviar_desde_fase_3_con_limite(cliente: Any, bd: Any) -> None:
    _usuario, email = _registrar(cliente, _contrato(bd))
    primero = _token_en_buzon(bd, email)
    for _ in range(LIMITE_REENVIO_CUENTA.maximo):
        respuesta = enviar(cliente, "/registro/reenviar", {}, pagina="/registro/enviado")
        assert respuesta.headers["Location"] == "/registro/enviado"
    assert _token_en_buzon(bd, email) != primero
    assert cliente.get(f"/registro/activar/{primero}").status_code == 410
    enviar(cliente, "/registro/reenviar", {}, pagina="/registro/enviado")
    pagina = cliente.get("/registro/enviado").get_data(as_text=True)
    assert "Ya enviamos varios correos" in pagina
    total = _leer(
        bd, select(func.count()).select_from(CorreoSalida).where(CorreoSalida.para == email)
    )
    assert total == 1 + LIMITE_REENVIO_CUENTA.maximo


def test_enlace_vencido_ofrece_reenviar(cliente: Any, bd: Any) -> None:
    usuario, email = _registrar(cliente, _contrato(bd))
    token = _token_en_buzon(bd, email)
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=49), tick=False):
        pagina = cliente.get(f"/registro/activar/{token}")
        assert pagina.status_code == 410
        html = pagina.get_data(as_text=True)
        assert "El enlace venció" in html and "Reenviar correo de activación" in html
        otro = cliente.application.test_client()  # another browser: only the link is needed
        respuesta = otro.post(
            f"/registro/activar/{token}/reenviar", data={"csrf_token": _csrf_de(otro, token)}
        )
        assert respuesta.headers["Location"] == "/registro/enviado"
        nuevo = _token_en_buzon(bd, email)
        assert nuevo != token
        assert otro.get(f"/registro/activar/{nuevo}").status_code == 200
    assert _cuenta(bd, usuario)[0] is EstadoCuenta.PENDIENTE


def _csrf_de(cliente: Any, token: str) -> str:
    return token_csrf(cliente.get(f"/registro/activar/{token}").get_data(as_text=True))


def test_enlace_usado_y_falso(cliente: Any, bd: Any) -> None:
    _usuario, email = _registrar(cliente, _contrato(bd))
    token = _token_en_buzon(bd, email)
    html = cliente.get(f"/registro/activar/{token}").get_data(as_text=True)
    datos = {"csrf_token": token_csrf(html), "contrasena": CONTRASENA, "confirmacion": CONTRASENA}
    assert cliente.post(f"/registro/activar/{token}", data=datos).status_code == 302

    usado = cliente.get(f"/registro/activar/{token}")
    assert usado.status_code == 410
    assert "ya se usó" in usado.get_data(as_text=True)
    assert 'href="/acceso"' in usado.get_data(as_text=True)
    falso = cliente.get(f"/registro/activar/{token[:-3]}xyz")
    assert falso.status_code == 404 and "no es válido" in falso.get_data(as_text=True)
    assert cliente.get("/registro/activar/%00%ff").status_code == 404


def test_contrasena_revisada_en_el_servidor(cliente: Any, bd: Any) -> None:
    c = _contrato(bd)
    usuario, email = _registrar(cliente, c)
    token = _token_en_buzon(bd, email)
    html = cliente.get(f"/registro/activar/{token}").get_data(as_text=True)
    csrf = token_csrf(html)
    casos_malos = {
        f"{usuario}12345": "No use en la contraseña su usuario",
        f"recibo{c.numero}": "No use en la contraseña su usuario",
        "corta": "al menos 10 caracteres",
        "password123": "muy común",
        CONTRASENA: "no son iguales",
    }
    for contrasena, mensaje in casos_malos.items():
        confirmacion = contrasena if contrasena != CONTRASENA else CONTRASENA + "x"
        respuesta = cliente.post(
            f"/registro/activar/{token}",
            data={"csrf_token": csrf, "contrasena": contrasena, "confirmacion": confirmacion},
        )
        assert respuesta.status_code == 200
        assert mensaje in respuesta.get_data(as_text=True), contrasena
        assert f'value="{contrasena}"' not in respuesta.get_data(as_text=True)  # never echoed
    assert _cuenta(bd, usuario)[0] is EstadoCuenta.PENDIENTE


def test_enlace_del_correo_usa_base_url(cliente: Any, bd: Any) -> None:
    c = _contrato(bd)
    html = cliente.get("/registro/particular", base_url="http://malo.ejemplo").get_data(
        as_text=True
    )
    cliente.post(
        "/registro/particular",
        data={"csrf_token": token_csrf(html), **_datos_particular(c)},
        base_url="http://malo.ejemplo",
    )
    usuario = f.usuario_unico()
    email = f"{usuario}@ejemplo.mx"
    html = cliente.get("/registro/usuario", base_url="http://malo.ejemplo").get_data(as_text=True)
    cliente.post(
        "/registro/usuario",
        data={
            "csrf_token": token_csrf(html),
            "usuario": usuario,
            "email": email,
            "email_confirmacion": email,
            "acepto_terminos": "y",
            "declaro_datos": "y",
        },
        base_url="http://malo.ejemplo",
    )
    texto = _leer(
        bd, select(CorreoSalida.texto + CorreoSalida.html).where(CorreoSalida.para == email)
    )
    assert "http://ov.pruebas/registro/activar/" in texto
    assert "malo.ejemplo" not in texto


def test_corregir_el_correo_en_la_fase_3(cliente: Any, bd: Any) -> None:
    usuario, email = _registrar(cliente, _contrato(bd))
    viejo = _token_en_buzon(bd, email)
    nuevo_email = f"{usuario}@bien.ejemplo.mx"
    malo = enviar(
        cliente,
        "/registro/corregir-email",
        {"email": nuevo_email, "email_confirmacion": "otro@bien.ejemplo.mx"},
        pagina="/registro/enviado",
    )
    html = malo.get_data(as_text=True)
    assert malo.status_code == 200 and _errores(html) == {
        "email_confirmacion": "Los dos correos no son iguales."
    }
    assert f'value="{nuevo_email}"' in html and '<details class="card ov-tarjeta" open>' in html
    bueno = enviar(
        cliente,
        "/registro/corregir-email",
        {"email": nuevo_email, "email_confirmacion": nuevo_email},
        pagina="/registro/enviado",
    )
    assert bueno.headers["Location"] == "/registro/enviado"
    pagina = cliente.get("/registro/enviado").get_data(as_text=True)
    assert "@bien.ejemplo.mx" in pagina and "Corregimos su correo" in pagina
    assert cliente.get(f"/registro/activar/{viejo}").status_code == 410
    assert cliente.get(f"/registro/activar/{_token_en_buzon(bd, nuevo_email)}").status_code == 200


def test_fase_3_sin_registro_previo(cliente: Any) -> None:
    assert cliente.get("/registro/enviado").headers["Location"] == "/registro"
    respuesta = enviar(cliente, "/registro/reenviar", {}, pagina="/registro/particular")
    assert respuesta.headers["Location"] == "/registro"


def test_cuenta_pendiente_no_puede_entrar(cliente: Any, bd: Any) -> None:
    usuario, _email = _registrar(cliente, _contrato(bd))
    respuesta = enviar(cliente, "/acceso", {"usuario": usuario, "contrasena": CONTRASENA})
    assert respuesta.status_code != 302
    assert _cuenta(bd, usuario)[0] is EstadoCuenta.PENDIENTE


def test_limite_de_registros_por_direccion(cliente: Any, bd: Any) -> None:
    ocupado = f.usuario_unico()
    primero = _contrato(bd)
    f.registrar(
        bd.session, bd.session.get(Contrato, primero.id), datetime.now(UTC), usuario=ocupado
    )
    bd.session.commit()
    _fase1(cliente, "particular", _datos_particular(_contrato(bd)))
    for _ in range(LIMITE_REGISTRO_IP.maximo):
        assert _fase2(cliente, ocupado, "ana@ejemplo.mx").status_code == 200
    bloqueado = _fase2(cliente, f.usuario_unico(), "ana@ejemplo.mx")
    assert bloqueado.status_code == 429 and "demasiados intentos" in bloqueado.get_data(
        as_text=True
    )


def test_con_sesion_iniciada_el_registro_lleva_a_mi_cuenta(cliente: Any, bd: Any) -> None:
    from casos.cuentas.registro import activar_cuenta

    c = _contrato(bd)
    cuenta = f.registrar(bd.session, bd.session.get(Contrato, c.id), datetime.now(UTC))
    usuario, email = cuenta.usuario or "", cuenta.email or ""
    token = f.token_enviado(bd.session, email)
    activar_cuenta(bd.session, token, CONTRASENA, f.CIUDADANO, datetime.now(UTC))
    bd.session.commit()
    assert (
        enviar(cliente, "/acceso", {"usuario": usuario, "contrasena": CONTRASENA}).status_code
        == 302
    )
    respuesta = cliente.get("/registro")
    assert respuesta.status_code == 302 and respuesta.headers["Location"].startswith("/mi-cuenta")


@pytest.mark.parametrize("campo", ["referencia", "apellido_paterno", "numero_medidor"])
def test_caracteres_raros_no_rompen_nada(cliente: Any, campo: str) -> None:
    datos = {"referencia": "123", "apellido_paterno": "Pérez", "numero_medidor": "A1"}
    datos[campo] = "x\x00\ud7ff'; DROP TABLE contratos;--" * 3
    assert _fase1(cliente, "particular", datos).status_code == 200


# --- legal pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ruta", "titulo", "texto"),
    [
        ("/aviso-de-privacidad", "Aviso de privacidad integral", "20 días hábiles"),
        ("/aviso-legal", "Aviso Legal", "Comisión Estatal de Aguas de Querétaro"),
        ("/condiciones-de-uso", "Condiciones de uso", "442 211 00 66"),
    ],
)
def test_paginas_legales(cliente: Any, ruta: str, titulo: str, texto: str) -> None:
    respuesta = cliente.get(ruta)
    assert respuesta.status_code == 200
    html = respuesta.get_data(as_text=True)
    assert titulo in html and texto in html
