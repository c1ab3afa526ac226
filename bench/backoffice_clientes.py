"""The back-office bench's clients: staff sign-in through the real form, the deep Bandeja
page reached by following "Página siguiente", and the closed-loop load with status counts."""

from __future__ import annotations

import html
import re
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.portal import RE_CSRF, pedir

RE_ENLACE = re.compile(r'<a\b[^>]*href="([^"]+)"[^>]*>([^<]*)</a>', re.IGNORECASE)


@dataclass
class Agente:
    """A signed-in staff member of the bench: cookie, open folios of its areas, deep page."""

    usuario: str
    folios: list[str]
    cookie: str = ""
    profunda: str = ""
    profundidad: int = 0
    entro: bool = False


@dataclass
class Medicion:
    """Latencies (seconds) of the 200 answers and a count of every status, per endpoint."""

    tiempos: dict[str, list[float]] = field(default_factory=dict)
    estados: dict[str, Counter[int]] = field(default_factory=dict)
    candado: threading.Lock = field(default_factory=threading.Lock)

    def anotar(self, nombre: str, estado: int, segundos: float) -> None:
        """Record one answer."""
        with self.candado:
            self.estados.setdefault(nombre, Counter())[estado] += 1
            if estado == 200:
                self.tiempos.setdefault(nombre, []).append(segundos)


def entrar(puerto: int, agente: Agente, contrasena: str) -> None:
    """Sign in through /backoffice/entrar (CSRF from the form); a failure is noted, not raised."""
    estado, cabeceras, pagina = pedir(puerto, "GET", "/backoffice/entrar")
    token = RE_CSRF.search(pagina)
    if estado != 200 or token is None:
        print(f"  {agente.usuario}: /backoffice/entrar respondió {estado} sin formulario")
        return
    cookie = cabeceras["cookie"]
    cuerpo = urlencode(
        {"csrf_token": token.group(1), "usuario": agente.usuario, "contrasena": contrasena}
    )
    estado, cabeceras, _ = pedir(puerto, "POST", "/backoffice/entrar", cookie, cuerpo)
    agente.entro = estado == 302
    agente.cookie = cabeceras["cookie"] or cookie
    if not agente.entro:
        print(f"  {agente.usuario}: el acceso respondió {estado}")


def siguiente(pagina: str) -> str | None:
    """The href of the "Página siguiente" link of a Bandeja page, if any."""
    for href, texto in RE_ENLACE.findall(pagina):
        if "siguiente" in texto.lower():
            return html.unescape(href)
    return None


def pagina_profunda(puerto: int, agente: Agente, profundidad: int) -> None:
    """Follow "Página siguiente" from the first page up to `profundidad` times."""
    ruta, pasos = "/backoffice/", 0
    while pasos < profundidad:
        estado, _, pagina = pedir(puerto, "GET", ruta, agente.cookie)
        proxima = siguiente(pagina) if estado == 200 else None
        if proxima is None:
            break
        ruta, pasos = proxima, pasos + 1
    agente.profunda, agente.profundidad = ruta, pasos


def en_paralelo(funcion: Callable[[Agente], None], agentes: list[Agente]) -> None:
    """Run `funcion` for every agent, each in its own thread, and wait."""
    hilos = [threading.Thread(target=funcion, args=(a,)) for a in agentes]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join()


def cargar(
    puerto: int,
    nombre: str,
    ruta: Callable[[Agente, int], str],
    agentes: list[Agente],
    segundos: float,
    medicion: Medicion | None = None,
) -> tuple[Medicion, float]:
    """Every agent requests `ruta(agente, i)` in a closed loop (no think time) for `segundos`."""
    medicion = medicion or Medicion()
    fin = time.monotonic() + segundos

    def trabajar(agente: Agente) -> None:
        i = 0
        while time.monotonic() < fin:
            inicio = time.perf_counter()
            try:
                estado, _, _ = pedir(puerto, "GET", ruta(agente, i), agente.cookie)
            except OSError:
                estado = 0  # connection refused or reset: reported as status 0
            medicion.anotar(nombre, estado, time.perf_counter() - inicio)
            i += 1

    inicio = time.perf_counter()
    en_paralelo(trabajar, agentes)
    return medicion, time.perf_counter() - inicio


@dataclass(frozen=True)
class Fila:
    """One endpoint's figures."""

    nombre: str
    por_segundo: float
    p50: float | None
    p95: float | None
    p99: float | None
    estados: str


def resumir(nombre: str, medicion: Medicion, duracion: float) -> Fila:
    """Requests per second (200s only) and percentiles in ms; every status counted."""
    tiempos = medicion.tiempos.get(nombre, [])
    estados = medicion.estados.get(nombre, Counter())
    texto = ", ".join(f"{e}×{n:,}" for e, n in sorted(estados.items()))
    if len(tiempos) < 2:
        return Fila(nombre, len(tiempos) / duracion, None, None, None, texto or "sin respuestas")
    q = statistics.quantiles(tiempos, n=100)
    return Fila(nombre, len(tiempos) / duracion, q[49] * 1000, q[94] * 1000, q[98] * 1000, texto)
