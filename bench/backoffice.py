"""Benchmark: the back office under gunicorn, 16 staff at once, beside a bare Flask app.

    .venv/bin/python -m bench.casos_masivos --reiniciar --contratos 50000     # the data, once
    .venv/bin/python -m bench.backoffice                                       # SQLite file
    .venv/bin/python -m bench.backoffice --url postgresql+psycopg://…/ov_bench
    .venv/bin/python -m bench.backoffice --pg-desechable --casos 1000000      # own cluster

Starts gunicorn on loopback with the production settings (sync workers, 2 × cores + 1 by
default), signs in 16 agents and 16 supervisors of bench.casos_masivos (bench_agente_NN,
bench_supervisor_NN) through /backoffice/entrar, finds for each agent a deep Bandeja page by
following "Página siguiente" (`--profundidad` times), then measures one endpoint at a time
with 16 clients in a closed loop: the Bandeja's first page, the deep page, the case workspace
(open cases of the agent's areas, in turn) and the supervisors' dashboard; then a bare Flask
"hello world" under the same gunicorn settings. Any status other than 200 is counted and
reported, never fatal. Prints requests/s and p50/p95/p99 per endpoint and a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

import casos.modelos_todos  # noqa: F401
from bench.backoffice_clientes import (
    Agente,
    Fila,
    Medicion,
    cargar,
    en_paralelo,
    entrar,
    pagina_profunda,
    resumir,
)
from bench.casos_masivos_personal import CONTRASENA
from bench.portal import arrancar, puerto_libre
from casos.bd import crear_motor
from casos.modelos import Caso
from casos.personal import Personal

RAIZ = Path(__file__).resolve().parent.parent
OBJETIVOS_MS = {"Bandeja": 50, "Bandeja profunda": 50, "Expediente": 50, "Tablero": 200}


def preparar_agentes(url: str, prefijo: str, n: int, folios: int = 40) -> list[Agente]:
    """The first `n` bench staff whose user name starts with `prefijo`, with open folios."""
    motor = crear_motor(url)
    with Session(motor) as sesion:
        personas = sesion.scalars(
            select(Personal)
            .where(Personal.usuario.startswith(prefijo, autoescape=True))
            .order_by(Personal.id)
            .limit(n)
        ).all()
        agentes = []
        for persona in personas:
            areas = [a.id for a in persona.areas]
            abiertos = sesion.scalars(
                select(Caso.folio)
                .where(Caso.area_id.in_(areas), Caso.prioridad_en.is_not(None))
                .order_by(Caso.id.desc())
                .limit(folios)
            ).all()
            agentes.append(Agente(persona.usuario, list(abiertos)))
    motor.dispose()
    if not agentes:
        raise SystemExit(f"No hay personal {prefijo}*: genere los datos con bench.casos_masivos.")
    return agentes


def explicar(url: str) -> None:
    """EXPLAIN and time the Bandeja-style query for an agent with two areas."""
    motor = crear_motor(url)
    with Session(motor) as sesion:
        persona = sesion.scalar(select(Personal).where(Personal.usuario == "bench_agente_05"))
        areas = sorted(a.id for a in persona.areas) if persona else [1, 2]
        lista = ", ".join(str(a) for a in areas)
        consulta = (
            f"SELECT id FROM casos WHERE area_id IN ({lista}) AND prioridad_en IS NOT NULL "
            "ORDER BY prioridad_en, id LIMIT 50"
        )
        prefijo = "EXPLAIN QUERY PLAN " if motor.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
        print(f"\n{consulta}")
        for fila in sesion.execute(text(prefijo + consulta)):
            print("   ", " | ".join(str(c) for c in fila))
        inicio = time.perf_counter()
        for _ in range(20):
            sesion.execute(text(consulta)).all()
        print(f"    {(time.perf_counter() - inicio) / 20 * 1000:.2f} ms por consulta")
    motor.dispose()


def medir(args: argparse.Namespace, url: str) -> list[Fila]:
    """Sign in, find the deep pages, measure every endpoint, then hello world."""
    agentes = preparar_agentes(url, "bench_agente_", args.clientes)
    supervisores = preparar_agentes(url, "bench_supervisor_", args.clientes)
    fases = (
        ("Bandeja", agentes, lambda a, i: "/backoffice/"),
        ("Bandeja profunda", agentes, lambda a, i: a.profunda or "/backoffice/"),
        ("Expediente", agentes, lambda a, i: f"/backoffice/casos/{a.folios[i % len(a.folios)]}"),
        ("Tablero", supervisores, lambda a, i: "/backoffice/tablero"),
    )
    filas: list[Fila] = []
    puerto = puerto_libre()
    proceso = arrancar("wsgi:app", url, args.workers, puerto)
    try:
        en_paralelo(lambda a: entrar(puerto, a, CONTRASENA), agentes + supervisores)
        inicio = time.perf_counter()
        en_paralelo(lambda a: pagina_profunda(puerto, a, args.profundidad), agentes)
        hondas = sorted(a.profundidad for a in agentes)
        print(f"páginas profundas: {hondas} páginas ({time.perf_counter() - inicio:.0f} s)")
        for nombre, grupo, ruta in fases:
            activos = [a for a in grupo if a.folios] or grupo
            cargar(puerto, nombre, ruta, activos, args.calentar)
            medicion, duracion = cargar(puerto, nombre, ruta, activos, args.segundos)
            filas.append(resumir(nombre, medicion, duracion))
            _imprimir(filas[-1])
    finally:
        proceso.terminate()
        proceso.wait(30)
    filas.append(_hola(args, url))
    return filas


def _hola(args: argparse.Namespace, url: str) -> Fila:
    puerto = puerto_libre()
    proceso = arrancar("bench.hola:app", url, args.workers, puerto)
    try:
        clientes = [Agente(f"hola{i}", []) for i in range(args.clientes)]
        cargar(puerto, "Flask «hola mundo»", lambda a, i: "/", clientes, args.calentar)
        medicion = Medicion()
        medicion, duracion = cargar(
            puerto, "Flask «hola mundo»", lambda a, i: "/", clientes, args.segundos, medicion
        )
    finally:
        proceso.terminate()
        proceso.wait(30)
    fila = resumir("Flask «hola mundo»", medicion, duracion)
    _imprimir(fila)
    return fila


def _ms(valor: float | None) -> str:
    return "—" if valor is None else f"{valor:.1f} ms"


def _imprimir(fila: Fila) -> None:
    print(
        f"  {fila.nombre:<20} {fila.por_segundo:8,.1f} pet/s  p50 {_ms(fila.p50):>9}  "
        f"p95 {_ms(fila.p95):>9}  p99 {_ms(fila.p99):>9}  estados: {fila.estados}"
    )


def tabla(filas: list[Fila], titulo: str) -> str:
    """The figures as a Markdown table, with the targets."""
    lineas = [
        f"| {titulo} | peticiones/s | p50 | p95 | p99 | objetivo p95 | respuestas |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in filas:
        objetivo = OBJETIVOS_MS.get(f.nombre)
        cumple = "" if objetivo is None or f.p95 is None else ("✔" if f.p95 < objetivo else "✘")
        meta = f"< {objetivo} ms {cumple}" if objetivo else "—"
        lineas.append(
            f"| {f.nombre} | {f.por_segundo:,.1f} | {_ms(f.p50)} | {_ms(f.p95)} | {_ms(f.p99)} "
            f"| {meta} | {f.estados} |"
        )
    return "\n".join(lineas)


def _pg_desechable(args: argparse.Namespace) -> tuple[object, str]:
    """A throwaway cluster (tests/soporte/postgres.py: fsync off) filled by bench.casos_masivos."""
    from tests.soporte.postgres import ServidorPostgres

    servidor = ServidorPostgres().iniciar()
    url = servidor.crear_bd("ov_bench")
    orden = [sys.executable, "-m", "bench.casos_masivos", "--url", url, "--reiniciar"]
    orden += ["--casos", str(args.casos), "--contratos", str(args.contratos)]
    subprocess.run(orden, cwd=RAIZ, check=True)
    return servidor, url


def _argumentos() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    por_omision = f"sqlite:///{RAIZ / 'bench' / 'resultados' / 'casos.sqlite3'}"
    parser.add_argument("--url", default=por_omision, help="base de bench.casos_masivos")
    parser.add_argument("--pg-desechable", action="store_true", help="clúster propio y datos")
    parser.add_argument("--casos", type=int, default=1_000_000, help="con --pg-desechable")
    parser.add_argument("--contratos", type=int, default=50_000, help="con --pg-desechable")
    parser.add_argument("--clientes", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--segundos", type=float, default=20)
    parser.add_argument("--calentar", type=float, default=3)
    parser.add_argument("--profundidad", type=int, default=200)
    return parser.parse_args()


def main() -> None:
    """Run the bench and print the figures."""
    args = _argumentos()
    servidor, url = _pg_desechable(args) if args.pg_desechable else (None, args.url)
    try:
        motor = crear_motor(url)
        titulo = f"{motor.dialect.name}, {args.clientes} clientes"
        motor.dispose()
        print(f"{titulo}; gunicorn --workers {args.workers} (sync); base {url.split('@')[-1]}")
        explicar(url)
        filas = medir(args, url)
        print("\n" + tabla(filas, titulo))
    finally:
        if servidor is not None:
            servidor.detener()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
