"""The mass case generator as a library: prepare, write batch after batch, finish.

`generar(sesion, parametros)` does it all in one session (the tests); the command line in
bench/casos_masivos.py commits each batch in its own transaction so a run can resume.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bench.casos_masivos_caso import Generador
from bench.casos_masivos_datos import Contexto, Parametros, contexto
from bench.casos_masivos_escritura import escribir
from bench.casos_masivos_personal import crear_personal
from bench.casos_masivos_solicitud import Solicitud, solicitud
from casos import semilla as semilla_catalogos
from casos.ajustes import Ajuste
from casos.folios import PREFIJO, ContadorFolio, formatear_folio
from casos.modelos import Caso
from casos.sla import ZONA_CEA

CLAVE_AJUSTE = "bench_casos_masivos"


@dataclass
class Resumen:
    """What a run wrote."""

    casos: int = 0
    eventos: int = 0
    segundos: float = 0.0


def lotes_pendientes(hechos: int, parametros: Parametros) -> range:
    """Batches still to write: every batch commits whole, so `hechos` ends on a batch edge."""
    if hechos >= parametros.casos:
        return range(0)
    return range(hechos // parametros.lote, -(-parametros.casos // parametros.lote))


def preparar(sesion: Session, parametros: Parametros) -> int:
    """Catalogs, bench staff and the run record; returns how many cases are already there."""
    semilla_catalogos.cargar_catalogos(sesion)
    crear_personal(sesion, parametros.semilla)
    ajuste = sesion.get(Ajuste, CLAVE_AJUSTE)
    hechos = sesion.scalar(select(func.max(Caso.id))) or 0
    if ajuste is None:
        if hechos:
            raise SystemExit("La base ya tiene casos: use --reiniciar para empezar de cero.")
        sesion.add(
            Ajuste(
                clave=CLAVE_AJUSTE,
                valor=parametros.a_json(),
                actualizado_en=datetime.now(UTC),
                actualizado_por="bench.casos_masivos",
            )
        )
    elif Parametros.de_json(ajuste.valor) != parametros:
        raise SystemExit(
            f"La base tiene una generación con otros parámetros ({ajuste.valor}); "
            "use --reiniciar o las mismas opciones (--ahora incluida) para continuarla."
        )
    sesion.flush()
    return int(hechos)


def fila_base(
    ctx: Contexto, n: int, creado: datetime, s: Solicitud, area_id: int
) -> dict[str, Any]:
    """The columns of case n that do not depend on its history."""
    anio = creado.astimezone(ZONA_CEA).year
    return {
        "id": n + 1,
        "folio": formatear_folio(PREFIJO, anio, n - ctx.inicio_anio[anio] + 1),
        "clave_envio": None,
        "canal": s.canal,
        "tipo_id": s.tipo.id,
        "area_id": area_id,
        "descripcion": s.descripcion,
        "datos": s.datos,
        "contrato": s.contrato.numero if s.contrato else None,
        "colonia": s.colonia,
        "uso_contrato": s.contrato.uso if s.contrato else None,
        "solicitante_nombre": s.nombre,
        "solicitante_email": s.email,
        "solicitante_telefono": s.telefono,
        "cuenta_id": None,
        "creado_en": creado,
        "resuelto_en": None,
        "cerrado_en": None,
        "cancelado_en": None,
        "vence_turno_en": None,
        "version": 1,
        "_dias_reapertura": s.tipo.dias_reapertura,
    }


def escribir_lote(sesion: Session, ctx: Contexto, gen: Generador, lote: int) -> tuple[int, int]:
    """Generate and insert batch number `lote`; returns (cases, events)."""
    p = ctx.parametros
    azar = Random(p.semilla * 1_000_003 + lote)
    desde, hasta = lote * p.lote, min((lote + 1) * p.lote, p.casos)
    casos, eventos = [], []
    for n in range(desde, hasta):
        creado = ctx.curva.instante(n)
        s = solicitud(ctx, azar, creado)
        area_id = ctx.area_de(s.tipo, s.colonia, s.contrato.uso if s.contrato else None)
        abierto = azar.random() < ctx.abiertos.probabilidad(p.ahora - creado)
        base = fila_base(ctx, n, creado, s, area_id)
        fila, filas_ev = gen.caso(base, s, ctx.politica(sesion, s.tipo, area_id), azar, abierto)
        casos.append(fila)
        eventos.extend(filas_ev)
    escribir(sesion.connection(), casos, eventos)
    _avanzar_contadores(sesion, ctx, hasta)
    return len(casos), len(eventos)


def _avanzar_contadores(sesion: Session, ctx: Contexto, hechos: int) -> None:
    """Move each year's folio counter past the last folio generated so far."""
    for anio, inicio in ctx.inicio_anio.items():
        if inicio >= hechos:
            continue
        fin = min(ctx.inicio_anio.get(anio + 1, ctx.parametros.casos), hechos)
        contador = sesion.get(ContadorFolio, (PREFIJO, anio))
        if contador is None:
            sesion.add(ContadorFolio(prefijo=PREFIJO, anio=anio, ultimo=fin - inicio))
        else:
            contador.ultimo = max(contador.ultimo, fin - inicio)
    sesion.flush()


def finalizar(sesion: Session) -> None:
    """On PostgreSQL, move the case id sequence past the ids given here and ANALYZE."""
    if sesion.get_bind().dialect.name == "postgresql":
        sesion.execute(text("SELECT setval('casos_id_seq', (SELECT max(id) FROM casos))"))
    ajuste = sesion.get(Ajuste, CLAVE_AJUSTE)
    if ajuste is not None:
        ajuste.valor = {**ajuste.valor, "completado": True}
    sesion.flush()


def generar(sesion: Session, parametros: Parametros) -> Resumen:
    """The whole generation inside one session (tests); the CLI commits per batch instead."""
    inicio = time.perf_counter()
    hechos = preparar(sesion, parametros)
    ctx = contexto(sesion, parametros)
    gen = Generador(ctx)
    resumen = Resumen()
    for lote in lotes_pendientes(hechos, parametros):
        casos, eventos = escribir_lote(sesion, ctx, gen, lote)
        resumen.casos += casos
        resumen.eventos += eventos
    finalizar(sesion)
    resumen.segundos = time.perf_counter() - inicio
    return resumen


def recalcular_resumenes(sesion: Session, ahora: datetime, dias: int) -> list[str]:
    """Fill the Bandeja summary and the daily compliance, if those modules exist yet."""
    hechos = []
    pasos = (
        ("casos.resumen_bandeja", "recalcular_resumen", lambda f: f(sesion, ahora)),
        ("casos.cumplimiento", "recalcular_dias", lambda f: _por_tramos(f, sesion, ahora, dias)),
        ("casos.cumplimiento", "recalcular_pendientes", lambda f: f(sesion, ahora)),
    )
    for modulo, nombre, llamar in pasos:
        try:
            funcion = getattr(importlib.import_module(modulo), nombre)
        except (ImportError, AttributeError):
            hechos.append(f"{modulo}.{nombre}: no existe, omitido")
            continue
        t0 = time.perf_counter()
        filas = llamar(funcion)
        hechos.append(f"{modulo}.{nombre}: {filas:,} filas en {time.perf_counter() - t0:.1f} s")
    return hechos


def _por_tramos(funcion: object, sesion: Session, ahora: datetime, dias: int) -> int:
    hoy = ahora.astimezone(ZONA_CEA).date()
    total, desde = 0, hoy - timedelta(days=dias)
    while desde <= hoy:
        hasta = min(desde + timedelta(days=365), hoy)
        total += funcion(sesion, desde, hasta, ahora)  # type: ignore[operator]
        desde = hasta + timedelta(days=1)
    return total
