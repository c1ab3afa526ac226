"""Benchmark: *Mis Facturas* and *Mis Consumos* under gunicorn, 16 customers at once.

    .venv/bin/python -m bench.comercial --contratos 500000 --sin-xml        # the data, once
    .venv/bin/python -m bench.portal --url sqlite:///bench/resultados/comercial.sqlite3
    .venv/bin/python -m bench.portal --url postgresql+psycopg://…/ov_bench

Links `--clientes` accounts (bench01…) to contracts spread over the whole table, starts gunicorn
on loopback with the production settings (`--workers` sync workers), signs each customer in
through the real form, then every customer requests its Mis Facturas and Mis Consumos pages in
a closed loop (no think time) for `--segundos`. Prints requests per second and p50/p95/p99 per
page. Then the same load against a bare Flask "hello world" under the same gunicorn settings,
in the same run, as the floor this machine allows.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

import casos.modelos_todos  # noqa: F401
from casos.bd import crear_motor
from casos.comercial.modelos import Contrato
from casos.cuentas.contrasenas import cifrar
from casos.cuentas.modelos import Cuenta, CuentaContrato, EstadoCuenta, TipoCuenta

RAIZ = Path(__file__).resolve().parent.parent
RE_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CONTRASENA = "banco-de-pruebas-" + secrets.token_hex(4)


@dataclass
class Cliente:
    """A bench customer: its sign-in name and the contract it looks at."""

    usuario: str
    contrato_id: int
    cookie: str = ""


@dataclass
class Medicion:
    """Latencies (seconds) per page name, and failures."""

    tiempos: dict[str, list[float]] = field(default_factory=dict)
    errores: int = 0
    candado: threading.Lock = field(default_factory=threading.Lock)

    def anotar(self, pagina: str, segundos: float) -> None:
        with self.candado:
            self.tiempos.setdefault(pagina, []).append(segundos)


def preparar_clientes(url: str, n: int) -> list[Cliente]:
    """(Re)create the bench accounts, each linked to one contract spread over the table."""
    motor = crear_motor(url)
    ahora = datetime.now(UTC)
    clave = cifrar(CONTRASENA)
    with Session(motor) as sesion, sesion.begin():
        viejas = select(Cuenta.id).where(Cuenta.usuario.like("bench%"))
        sesion.execute(delete(CuentaContrato).where(CuentaContrato.cuenta_id.in_(viejas)))
        sesion.execute(delete(Cuenta).where(Cuenta.usuario.like("bench%")))
        total = sesion.scalar(select(func.max(Contrato.id))) or 0
        clientes: list[Cliente] = []
        for i in range(n):
            desde = max((total * i) // n + 1, clientes[-1].contrato_id + 1 if clientes else 0)
            contrato_id = sesion.scalar(
                select(Contrato.id).where(Contrato.id >= desde).order_by(Contrato.id).limit(1)
            )
            assert contrato_id is not None
            usuario = f"bench{i + 1:02d}"
            cuenta = Cuenta(
                usuario=usuario,
                email=f"{usuario}@bench.localhost",
                tipo=TipoCuenta.PARTICULAR,
                estado=EstadoCuenta.ACTIVA,
                contrasena_hash=clave,
                creada_en=ahora,
                activada_en=ahora,
                terminos_aceptados_en=ahora,
                datos_declarados_en=ahora,
                aviso_privacidad_version="bench",
            )
            cuenta.vinculos = [CuentaContrato(contrato_id=contrato_id, vinculado_en=ahora)]
            sesion.add(cuenta)
            clientes.append(Cliente(usuario, contrato_id))
    motor.dispose()
    return clientes


def puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def arrancar(app: str, url: str, workers: int, puerto: int) -> subprocess.Popen[bytes]:
    """gunicorn with sync workers on loopback, production config, logs off."""
    entorno = {
        **os.environ,
        "OV_ENV": "produccion",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "BASE_URL": f"http://127.0.0.1:{puerto}",
        "SESSION_COOKIE_SECURE": "0",
        "OV_INACTIVIDAD_MINUTOS": "600",
    }
    orden = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{puerto}",
        "--log-level",
        "warning",
        app,
    ]
    proceso = subprocess.Popen(orden, cwd=RAIZ, env=entorno)
    esperar_puerto(puerto)
    return proceso


def esperar_puerto(puerto: int, limite: float = 60) -> None:
    fin = time.monotonic() + limite
    while time.monotonic() < fin:
        try:
            with socket.create_connection(("127.0.0.1", puerto), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn no arrancó")


def pedir(
    puerto: int, metodo: str, ruta: str, cookie: str = "", cuerpo: str | None = None
) -> tuple[int, dict[str, str], str]:
    conexion = http.client.HTTPConnection("127.0.0.1", puerto, timeout=30)
    cabeceras = {"Cookie": cookie} if cookie else {}
    if cuerpo is not None:
        cabeceras["Content-Type"] = "application/x-www-form-urlencoded"
    conexion.request(metodo, ruta, body=cuerpo, headers=cabeceras)
    respuesta = conexion.getresponse()
    texto = respuesta.read().decode("utf-8", "replace")
    galletas = respuesta.headers.get_all("Set-Cookie") or []
    conexion.close()
    extra = {"cookie": "; ".join(g.split(";", 1)[0] for g in galletas)}
    return respuesta.status, {**dict(respuesta.headers), **extra}, texto


def entrar(puerto: int, cliente: Cliente) -> None:
    """Sign in through the real form; keep the session cookie."""
    _, cabeceras, html = pedir(puerto, "GET", "/acceso")
    encontrado = RE_CSRF.search(html)
    assert encontrado, "sin csrf en /acceso"
    cookie = cabeceras["cookie"]
    cuerpo = urlencode(
        {"csrf_token": encontrado.group(1), "usuario": cliente.usuario, "contrasena": CONTRASENA}
    )
    estado, cabeceras, _ = pedir(puerto, "POST", "/acceso", cookie, cuerpo)
    assert estado == 302, f"acceso de {cliente.usuario}: {estado}"
    cliente.cookie = cabeceras["cookie"] or cookie


def cargar(
    puerto: int,
    paginas: list[tuple[str, Callable[[int], str]]],
    clientes: list[Cliente],
    segundos: float,
) -> tuple[Medicion, float]:
    """Every customer requests the pages in turn, no think time, for `segundos`."""
    medicion = Medicion()
    fin = time.monotonic() + segundos

    def trabajar(cliente: Cliente) -> None:
        i = 0
        while time.monotonic() < fin:
            nombre, ruta = paginas[i % len(paginas)]
            i += 1
            inicio = time.perf_counter()
            estado, _, _ = pedir(puerto, "GET", ruta(cliente.contrato_id), cliente.cookie)
            if estado != 200:
                medicion.errores += 1
                continue
            medicion.anotar(nombre, time.perf_counter() - inicio)

    hilos = [threading.Thread(target=trabajar, args=(c,)) for c in clientes]
    inicio = time.perf_counter()
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join()
    return medicion, time.perf_counter() - inicio


def informe(titulo: str, medicion: Medicion, duracion: float) -> None:
    todos = [t for ts in medicion.tiempos.values() for t in ts]
    print(f"\n{titulo}: {len(todos) / duracion:,.0f} peticiones/s, {medicion.errores} errores")
    for nombre, tiempos in [*medicion.tiempos.items(), ("todas", todos)]:
        cuantiles = statistics.quantiles(tiempos, n=100)
        print(
            f"  {nombre:<14} n={len(tiempos):>6,}  p50 {cuantiles[49] * 1000:6.1f} ms"
            f"  p95 {cuantiles[94] * 1000:6.1f} ms  p99 {cuantiles[98] * 1000:6.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="base con los datos de bench.comercial")
    parser.add_argument("--clientes", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--segundos", type=float, default=30)
    parser.add_argument("--calentar", type=float, default=5)
    argumentos = parser.parse_args()
    clientes = preparar_clientes(argumentos.url, argumentos.clientes)
    paginas = [
        ("Mis Facturas", lambda c: f"/mi-cuenta/contratos/{c}/facturas"),
        ("Mis Consumos", lambda c: f"/mi-cuenta/consumos/{c}"),
    ]
    print(f"{argumentos.clientes} clientes, gunicorn --workers {argumentos.workers} (sync)")
    print(f"base: {argumentos.url.split('@')[-1]}")
    for nombre, app, pags in (
        ("Oficina Virtual", "wsgi:app", paginas),
        ("Flask «hola mundo»", "bench.hola:app", [("hola", lambda c: "/")]),
    ):
        puerto = puerto_libre()
        proceso = arrancar(app, argumentos.url, argumentos.workers, puerto)
        try:
            if app == "wsgi:app":
                for cliente in clientes:
                    entrar(puerto, cliente)
            cargar(puerto, pags, clientes, argumentos.calentar)
            medicion, duracion = cargar(puerto, pags, clientes, argumentos.segundos)
            informe(nombre, medicion, duracion)
        finally:
            proceso.terminate()
            proceso.wait(30)


if __name__ == "__main__":
    main()
