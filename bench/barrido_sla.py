"""Benchmark: one SLA sweep over 1,000,000 cases of which 100,000 are open.

    .venv/bin/python -m bench.barrido_sla                       # SQLite file under bench/resultados
    .venv/bin/python -m bench.barrido_sla --url postgresql+psycopg://…   # an empty PostgreSQL DB

The cases are inserted in bulk (Core executemany), each with its filing event. Open cases are
fresh (their next threshold hours away) except `--vencidos` of them, filed three days ago and
never answered, whose thresholds are due now: the sweep must find exactly those through the
index on `casos.sla_proximo_en`, recompute them, record the events and queue the warnings.
Prints the seeding time, the time of the candidate query and of one whole sweep (commit
included), in steady state (cases due in the last minute) and with a backlog.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

import casos.modelos_todos  # noqa: F401
from casos import semilla
from casos.barrido import LIMITE_POR_BARRIDO, barrer_sla, casos_por_revisar
from casos.base import Base
from casos.bd import crear_motor, iniciar_escritura
from casos.catalogo import Area, TipoCaso
from casos.estados import Accion, EstadoCaso
from casos.modelos import Caso, EstadoSLA, EventoCaso
from casos.personal import Personal, RolPersonal

LOTE = 20_000
AHORA = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # Tuesday 11:00 in Querétaro


def preparar(motor: Engine) -> tuple[list[int], dict[int, int]]:
    """Schema, catalogs and one supervisor per area; returns type ids and their areas."""
    Base.metadata.drop_all(motor)
    Base.metadata.create_all(motor)
    with Session(motor) as sesion, sesion.begin():
        semilla.cargar_catalogos(sesion)
        areas = list(sesion.scalars(select(Area)))
        for area in areas:
            sesion.add(
                Personal(
                    usuario=f"sup{area.id}",
                    nombre=f"Supervisión {area.nombre}",
                    email=f"sup{area.id}@cea.localhost",
                    rol=RolPersonal.SUPERVISOR,
                    areas=[area],
                )
            )
        tipos = [t for t in sesion.scalars(select(TipoCaso)) if t.calendario.value == "laboral"]
        return [t.id for t in tipos], {t.id: t.area_id for t in tipos}


def _fila(
    n: int, tipo_id: int, area_id: int, estado: str, creado: datetime, proximo: datetime | None
) -> dict[str, object]:
    cerrado = estado == EstadoCaso.CERRADO.value
    return {
        "id": n,
        "folio": f"OV-{creado.year}-{n:07d}",
        "canal": "bench",
        "tipo_id": tipo_id,
        "area_id": area_id,
        "estado": estado,
        "descripcion": "Solicitud de prueba",
        "datos": {},
        "solicitante_nombre": "Persona de prueba",
        "solicitante_email": f"p{n}@ejemplo.mx",
        "creado_en": creado,
        "actualizado_en": creado,
        "primera_respuesta_en": creado + timedelta(hours=2) if cerrado else None,
        "resuelto_en": creado + timedelta(days=2) if cerrado else None,
        "cerrado_en": creado + timedelta(days=12) if cerrado else None,
        "cancelado_en": None,
        "vence_respuesta_en": creado + timedelta(hours=8),
        "vence_resolucion_en": creado + timedelta(days=3),
        "vence_turno_en": None,
        "sla_estado": EstadoSLA.EN_TIEMPO.value,
        "sla_proximo_en": proximo,
        "sla_explicacion": {},
        "version": 1,
    }


def sembrar(
    motor: Engine,
    total: int,
    abiertos: int,
    vencidos: int,
    tipos: list[int],
    area_de: dict[int, int],
) -> float:
    """Insert the cases and their filing events in batches; returns seconds."""
    azar = random.Random(2026)
    inicio = time.perf_counter()
    primer_abierto = total - abiertos + 1
    primer_vencido = total - vencidos + 1
    for desde in range(1, total + 1, LOTE):
        casos, eventos = [], []
        for n in range(desde, min(desde + LOTE, total + 1)):
            tipo = azar.choice(tipos)
            if n < primer_abierto:
                creado = AHORA - timedelta(days=azar.uniform(30, 1000))
                estado, proximo = EstadoCaso.CERRADO.value, None
            elif n < primer_vencido:
                creado = AHORA - timedelta(minutes=azar.uniform(1, 120))
                estado, proximo = (
                    EstadoCaso.NUEVO.value,
                    AHORA + timedelta(hours=azar.uniform(2, 40)),
                )
            else:
                creado = AHORA - timedelta(days=3, minutes=azar.uniform(0, 600))
                estado, proximo = (
                    EstadoCaso.NUEVO.value,
                    AHORA - timedelta(seconds=azar.uniform(1, 59)),
                )
            casos.append(_fila(n, tipo, area_de[tipo], estado, creado, proximo))
            eventos.append(
                {
                    "caso_id": n,
                    "en": creado,
                    "accion": Accion.REGISTRAR.value,
                    "estado_hacia": EstadoCaso.NUEVO.value,
                    "actor_tipo": "ciudadano",
                    "actor_nombre": "Persona de prueba",
                    "nota": "",
                    "es_publico": True,
                    "datos": {"area_id": area_de[tipo]},
                }
            )
        with Session(motor) as sesion, sesion.begin():
            iniciar_escritura(sesion)
            sesion.execute(insert(Caso.__table__), casos)
            sesion.execute(insert(EventoCaso.__table__), eventos)
    if motor.dialect.name == "postgresql":
        with motor.begin() as conexion:
            conexion.execute(text("ANALYZE"))
            conexion.execute(text("SELECT setval('casos_id_seq', (SELECT max(id) FROM casos))"))
            conexion.execute(
                text("SELECT setval('eventos_caso_id_seq', (SELECT max(id) FROM eventos_caso))")
            )
    return time.perf_counter() - inicio


def medir_barrido(
    motor: Engine, ahora: datetime, limite: int
) -> tuple[float, float, dict[str, object]]:
    """Time the candidate query and one whole sweep (one transaction, commit included)."""
    with Session(motor) as sesion:
        t0 = time.perf_counter()
        candidatos = casos_por_revisar(sesion, ahora, limite)
        consulta = time.perf_counter() - t0
        sesion.rollback()
    t0 = time.perf_counter()
    with Session(motor) as sesion, sesion.begin():
        iniciar_escritura(sesion)
        resumen = barrer_sla(sesion, ahora, limite)
    total = time.perf_counter() - t0
    datos = resumen.a_json()
    datos["candidatos"] = len(candidatos)
    return consulta, total, datos


def main() -> None:
    """Seed, sweep in steady state, sweep with a backlog, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="base de datos (por omisión, SQLite)")
    parser.add_argument("--casos", type=int, default=1_000_000)
    parser.add_argument("--abiertos", type=int, default=100_000)
    parser.add_argument("--vencidos", type=int, default=1_000)
    args = parser.parse_args()
    url = args.url
    if url is None:
        carpeta = Path(__file__).resolve().parent / "resultados"
        carpeta.mkdir(exist_ok=True)
        archivo = carpeta / "barrido.sqlite3"
        for sufijo in ("", "-wal", "-shm"):
            Path(f"{archivo}{sufijo}").unlink(missing_ok=True)
        url = f"sqlite:///{archivo}"
    motor = crear_motor(url)
    tipos, area_de = preparar(motor)
    segundos = sembrar(motor, args.casos, args.abiertos, args.vencidos, tipos, area_de)
    with Session(motor) as sesion:
        total = sesion.scalar(select(func.count()).select_from(Caso))
        abiertos = sesion.scalar(select(func.count()).where(Caso.cerrado_en.is_(None)))
    print(
        f"motor: {motor.dialect.name}; casos: {total:,}; abiertos: {abiertos:,}; "
        f"siembra: {segundos:.1f} s ({total / segundos:,.0f} casos/s)"
    )
    estable = min(50, args.vencidos)
    escenarios = (
        ("estable: 50 casos con umbral en el último minuto", estable),
        (f"rezago: un lote completo de {LIMITE_POR_BARRIDO} casos", LIMITE_POR_BARRIDO),
    )
    for nombre, limite in escenarios:
        consulta, barrido, datos = medir_barrido(motor, AHORA, limite)
        print(
            f"barrido {nombre}: consulta {consulta * 1000:.1f} ms; "
            f"barrido completo {barrido * 1000:.0f} ms "
            f"({barrido * 1000 / max(limite, 1):.1f} ms/caso); {datos}"
        )
    consulta, barrido, datos = medir_barrido(motor, AHORA - timedelta(hours=1), LIMITE_POR_BARRIDO)
    print(
        f"barrido sin nada pendiente: consulta {consulta * 1000:.1f} ms; "
        f"barrido completo {barrido * 1000:.1f} ms; {datos}"
    )


if __name__ == "__main__":
    main()
