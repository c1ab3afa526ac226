"""A case's clocks, recomputed deterministically from its events.

Three clocks: first response and resolution (end to end, from filing), and the clock of the
area currently holding the case (from the last hand-off). Time *en espera del ciudadano* counts
for none; a resolved case stops the resolution clock and a reopening resumes it. The result
carries the due times the sweep indexes and an explanation an agent can read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from casos.estados import PAUSA_RESOLUCION, PAUSA_TODOS, REGLAS, Accion, EstadoCaso
from casos.modelos import EstadoSLA, EventoCaso
from casos.sla import CalendarioLaboral, fecha_en_palabras, formatear_duracion

Pausa = tuple[datetime, datetime | None]


class EstadoReloj(StrEnum):
    """Where one clock stands."""

    EN_TIEMPO = "en_tiempo"
    EN_RIESGO = "en_riesgo"
    VENCIDO = "vencido"
    CUMPLIDO = "cumplido"
    INCUMPLIDO = "incumplido"
    DETENIDO = "detenido"


NOMBRES_RELOJ = {
    "respuesta": "Primera respuesta",
    "resolucion": "Resolución",
    "turno": "Atención del área actual",
}


@dataclass(frozen=True)
class Hecho:
    """The part of an event the clocks depend on."""

    en: datetime
    accion: Accion
    estado_hacia: EstadoCaso | None = None
    datos: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def de_evento(cls, evento: EventoCaso) -> Hecho:
        """Project a stored event."""
        return cls(evento.en, evento.accion, evento.estado_hacia, evento.datos or {})


@dataclass(frozen=True)
class Politica:
    """The targets and calendar in force for a case (its type and current area)."""

    tipo: str
    area: str
    objetivo_respuesta: timedelta
    objetivo_resolucion: timedelta
    umbral_pct: int
    calendario: CalendarioLaboral


@dataclass(frozen=True)
class Reloj:
    """One clock: its window, pauses, thresholds and state at `ahora`."""

    clave: str
    objetivo: timedelta
    inicio_en: datetime
    inicio_efectivo_en: datetime
    pausas: tuple[Pausa, ...]
    detenido_en: datetime | None
    riesgo_en: datetime | None
    vence_en: datetime | None
    consumido: timedelta
    estado: EstadoReloj
    es_pausado: bool
    dias_inhabiles: tuple[tuple[date, str], ...]

    @property
    def nombre(self) -> str:
        """Spanish name of the clock."""
        return NOMBRES_RELOJ[self.clave]

    @property
    def restante(self) -> timedelta:
        """Business time left before the target (negative once late)."""
        return self.objetivo - self.consumido

    @property
    def es_activo(self) -> bool:
        """Still counting or paused, i.e. not stopped for good."""
        return self.detenido_en is None


@dataclass(frozen=True)
class ResultadoSLA:
    """Everything stored on the case after a recomputation."""

    relojes: tuple[Reloj, ...]
    estado: EstadoSLA
    proximo_en: datetime | None
    pendientes: tuple[tuple[str, str], ...]  # (clock, threshold) reached and not yet recorded
    lineas: tuple[str, ...]
    politica: Politica

    def reloj(self, clave: str) -> Reloj | None:
        """The clock with that key, if the case has it."""
        return next((r for r in self.relojes if r.clave == clave), None)

    def vence(self, clave: str) -> datetime | None:
        """Due time of a clock (None if absent or paused before its due time)."""
        reloj = self.reloj(clave)
        return reloj.vence_en if reloj else None

    def a_json(self) -> dict[str, Any]:
        """A JSON-able explanation stored on the case and returned by the API."""
        return {
            "politica": {
                "tipo": self.politica.tipo,
                "area": self.politica.area,
                "calendario": self.politica.calendario.nombre,
                "objetivo_respuesta_horas": _horas(self.politica.objetivo_respuesta),
                "objetivo_resolucion_horas": _horas(self.politica.objetivo_resolucion),
                "umbral_riesgo_pct": self.politica.umbral_pct,
            },
            "relojes": [_reloj_json(r) for r in self.relojes],
            "estado": self.estado.value,
            "lineas": list(self.lineas),
        }


def calcular_sla(hechos: Sequence[Hecho], politica: Politica, ahora: datetime) -> ResultadoSLA:
    """Recompute every clock of a case from its events, as of `ahora`."""
    if not hechos or hechos[0].accion is not Accion.REGISTRAR:
        raise ValueError("El historial de un caso empieza con su registro.")
    tramos = [(h.en, h.estado_hacia) for h in hechos if h.estado_hacia is not None]
    estado_actual = tramos[-1][1]
    fin_resolucion = _fin_resolucion(hechos, estado_actual)
    relojes = [
        _reloj_respuesta(hechos, tramos, politica, ahora),
        _medir(
            "resolucion",
            hechos[0].en,
            politica.objetivo_resolucion,
            _pausas(tramos, PAUSA_RESOLUCION),
            fin_resolucion,
            politica,
            ahora,
        ),
    ]
    turno = _inicio_turno(hechos)
    if turno is not None:
        relojes.append(
            _medir(
                "turno",
                turno,
                politica.objetivo_resolucion,
                _pausas(tramos, PAUSA_RESOLUCION),
                fin_resolucion,
                politica,
                ahora,
            )
        )
    if estado_actual is EstadoCaso.CANCELADO:
        # A cancelled request is neither met nor missed: its clocks just stop.
        relojes = [_detener(r, tramos[-1][0]) for r in relojes]
    avisados = umbrales_registrados(hechos)
    pendientes, proximo = _umbrales(relojes, avisados, ahora)
    estado = _estado_caso(relojes)
    return ResultadoSLA(
        tuple(relojes),
        estado,
        proximo,
        tuple(pendientes),
        tuple(explicar(relojes, politica, hechos[0].en)),
        politica,
    )


def _reloj_respuesta(
    hechos: Sequence[Hecho],
    tramos: list[tuple[datetime, EstadoCaso]],
    politica: Politica,
    ahora: datetime,
) -> Reloj:
    respondido = next((h.en for h in hechos if REGLAS[h.accion].es_respuesta), None)
    if respondido is None and tramos[-1][1] is EstadoCaso.CANCELADO:
        respondido = tramos[-1][0]
    return _medir(
        "respuesta",
        hechos[0].en,
        politica.objetivo_respuesta,
        _pausas(tramos, PAUSA_TODOS),
        respondido,
        politica,
        ahora,
    )


def _detener(reloj: Reloj, cancelado_en: datetime) -> Reloj:
    if reloj.detenido_en != cancelado_en:
        return reloj
    return replace(reloj, estado=EstadoReloj.DETENIDO)


def _fin_resolucion(hechos: Sequence[Hecho], estado: EstadoCaso) -> datetime | None:
    """When the resolution clock stopped: the last resolution, or the cancellation."""
    if estado is EstadoCaso.CANCELADO:
        return next(h.en for h in reversed(hechos) if h.estado_hacia is EstadoCaso.CANCELADO)
    if estado in (EstadoCaso.RESUELTO, EstadoCaso.CERRADO):
        return next(h.en for h in reversed(hechos) if h.estado_hacia is EstadoCaso.RESUELTO)
    return None


def _inicio_turno(hechos: Sequence[Hecho]) -> datetime | None:
    return next((h.en for h in reversed(hechos) if h.accion is Accion.TURNAR), None)


def _pausas(
    tramos: list[tuple[datetime, EstadoCaso]], estados: frozenset[EstadoCaso]
) -> list[Pausa]:
    """Intervals spent in `estados`; the last one is open if the case is still there."""
    pausas: list[Pausa] = []
    abierta: datetime | None = None
    for en, estado in tramos:
        if estado in estados and abierta is None:
            abierta = en
        elif estado not in estados and abierta is not None:
            pausas.append((abierta, en))
            abierta = None
    if abierta is not None:
        pausas.append((abierta, None))
    return pausas


def _recortar(pausas: Iterable[Pausa], desde: datetime, hasta: datetime | None) -> list[Pausa]:
    """Keep the pauses inside the clock's window [desde, hasta]."""
    recortadas: list[Pausa] = []
    for inicio, fin in pausas:
        if hasta is not None:
            if inicio >= hasta:
                continue
            fin = hasta if fin is None or fin > hasta else fin
        if fin is not None and fin <= desde:
            continue
        recortadas.append((max(inicio, desde), fin))
    return recortadas


def _medir(
    clave: str,
    inicio: datetime,
    objetivo: timedelta,
    pausas: list[Pausa],
    detenido: datetime | None,
    politica: Politica,
    ahora: datetime,
) -> Reloj:
    cal = politica.calendario
    pausas = _recortar(pausas, inicio, detenido)
    vence = instante_consumo(cal, inicio, pausas, objetivo)
    riesgo = instante_consumo(cal, inicio, pausas, objetivo * politica.umbral_pct / 100)
    corte = min(ahora, detenido) if detenido else ahora
    consumido = consumo_hasta(cal, inicio, pausas, corte)
    es_pausado = detenido is None and bool(pausas) and pausas[-1][1] is None
    estado = _estado_reloj(consumido, objetivo, politica.umbral_pct, detenido)
    fin_dias = (vence or ahora).astimezone(cal.zona).date()
    dias = cal.dias_inhabiles_entre(inicio.astimezone(cal.zona).date(), fin_dias)
    return Reloj(
        clave,
        objetivo,
        inicio,
        cal.siguiente_apertura(inicio),
        tuple(pausas),
        detenido,
        riesgo,
        vence,
        consumido,
        estado,
        es_pausado,
        tuple(dias),
    )


def instante_consumo(
    cal: CalendarioLaboral, inicio: datetime, pausas: Sequence[Pausa], cantidad: timedelta
) -> datetime | None:
    """The instant the clock reaches `cantidad`, or None if an open pause comes first."""
    cursor, consumido = inicio, timedelta(0)
    for desde, hasta in pausas:
        tramo = cal.horas_entre(cursor, desde)
        if consumido + tramo >= cantidad:
            return cal.sumar_horas(cursor, cantidad - consumido)
        consumido += tramo
        if hasta is None:
            return None
        cursor = max(cursor, hasta)
    return cal.sumar_horas(cursor, cantidad - consumido)


def consumo_hasta(
    cal: CalendarioLaboral, inicio: datetime, pausas: Sequence[Pausa], corte: datetime
) -> timedelta:
    """Business time counted between `inicio` and `corte`, pauses excluded."""
    total, cursor = timedelta(0), inicio
    for desde, hasta in pausas:
        if desde >= corte:
            break
        total += cal.horas_entre(cursor, desde)
        if hasta is None or hasta >= corte:
            return total
        cursor = max(cursor, hasta)
    return total + cal.horas_entre(cursor, corte)


def _estado_reloj(
    consumido: timedelta, objetivo: timedelta, umbral_pct: int, detenido: datetime | None
) -> EstadoReloj:
    if detenido is not None:
        return EstadoReloj.CUMPLIDO if consumido <= objetivo else EstadoReloj.INCUMPLIDO
    if consumido >= objetivo:
        return EstadoReloj.VENCIDO
    if consumido >= objetivo * umbral_pct / 100:
        return EstadoReloj.EN_RIESGO
    return EstadoReloj.EN_TIEMPO


def _estado_caso(relojes: Sequence[Reloj]) -> EstadoSLA:
    """The worst state among the clocks still running; a missed resolution stays late."""
    estados = {r.estado for r in relojes if r.clave != "respuesta" or r.es_activo}
    if estados & {EstadoReloj.VENCIDO, EstadoReloj.INCUMPLIDO}:
        return EstadoSLA.VENCIDO
    if EstadoReloj.EN_RIESGO in estados:
        return EstadoSLA.EN_RIESGO
    return EstadoSLA.EN_TIEMPO


def umbrales_registrados(hechos: Iterable[Hecho]) -> set[tuple[str, str, str]]:
    """(clock, threshold, clock start) already recorded by the sweep or a person."""
    registrados: set[tuple[str, str, str]] = set()
    for hecho in hechos:
        if hecho.accion in (Accion.ALERTAR_RIESGO, Accion.MARCAR_VENCIDO):
            clave = (hecho.datos.get("reloj", ""), hecho.datos.get("inicio", ""))
            registrados.add((clave[0], hecho.datos.get("umbral", ""), clave[1]))
            if hecho.datos.get("umbral") == "vencido":
                registrados.add((clave[0], "riesgo", clave[1]))
    return registrados


def _umbrales(
    relojes: Sequence[Reloj], avisados: set[tuple[str, str, str]], ahora: datetime
) -> tuple[list[tuple[str, str]], datetime | None]:
    """Thresholds reached but not recorded, and the next instant the sweep must look."""
    pendientes: list[tuple[str, str]] = []
    proximos: list[datetime] = []
    for reloj in relojes:
        if not reloj.es_activo:
            continue
        inicio = reloj.inicio_en.isoformat()
        for umbral, instante in (("vencido", reloj.vence_en), ("riesgo", reloj.riesgo_en)):
            if instante is None or (reloj.clave, umbral, inicio) in avisados:
                continue
            # A threshold already reached stays due (in the past) until it is recorded, so a
            # recomputation by any other action never hides it from the sweep.
            proximos.append(instante)
            if instante <= ahora:
                pendientes.append((reloj.clave, umbral))
                break  # "vencido" covers "riesgo": record the highest threshold only
    return pendientes, min(proximos, default=None)


def _horas(duracion: timedelta) -> float:
    return round(duracion.total_seconds() / 3600, 4)


def _iso(instante: datetime | None) -> str | None:
    return instante.isoformat() if instante else None


def _reloj_json(reloj: Reloj) -> dict[str, Any]:
    return {
        "reloj": reloj.clave,
        "nombre": reloj.nombre,
        "objetivo_horas": _horas(reloj.objetivo),
        "inicio_en": _iso(reloj.inicio_en),
        "inicio_efectivo_en": _iso(reloj.inicio_efectivo_en),
        "pausas": [[_iso(a), _iso(b)] for a, b in reloj.pausas],
        "detenido_en": _iso(reloj.detenido_en),
        "riesgo_en": _iso(reloj.riesgo_en),
        "vence_en": _iso(reloj.vence_en),
        "consumido_horas": _horas(reloj.consumido),
        "estado": reloj.estado.value,
        "pausado": reloj.es_pausado,
        "dias_inhabiles": [[d.isoformat(), motivo] for d, motivo in reloj.dias_inhabiles],
    }


def explicar(relojes: Sequence[Reloj], politica: Politica, recibido: datetime) -> list[str]:
    """Plain-Spanish lines telling how each due time was computed."""
    cal = politica.calendario
    lineas = [
        f"Política: {politica.tipo}, atendida por {politica.area}. Primera respuesta en "
        f"{formatear_duracion(politica.objetivo_respuesta)} y resolución en "
        f"{formatear_duracion(politica.objetivo_resolucion)} de tiempo de atención; "
        f"aviso de riesgo al {politica.umbral_pct} % de cada plazo.",
        f"Calendario: {cal.describir()}",
    ]
    inicio_efectivo = cal.siguiente_apertura(recibido)
    texto = f"Recibida {fecha_en_palabras(recibido)}"
    if inicio_efectivo != recibido:
        texto += (
            f", fuera del horario de atención: cuenta desde {fecha_en_palabras(inicio_efectivo)}"
        )
    lineas.append(texto + ".")
    lineas.extend(_explicar_reloj(r) for r in relojes)
    return lineas


def _explicar_reloj(reloj: Reloj) -> str:
    partes = [f"{reloj.nombre} (plazo de {formatear_duracion(reloj.objetivo)}"]
    if reloj.clave == "turno":
        partes.append(f", desde el turno del {fecha_en_palabras(reloj.inicio_en)[3:]}")
    partes.append("): ")
    if reloj.pausas:
        tramos = "; ".join(_tramo_pausa(a, b) for a, b in reloj.pausas)
        partes.append(f"sin contar {tramos}; ")
    if reloj.dias_inhabiles:
        dias = ", ".join(f"{d:%d/%m/%Y} ({motivo})" for d, motivo in reloj.dias_inhabiles)
        partes.append(f"días inhábiles saltados: {dias}; ")
    partes.append(_desenlace(reloj))
    return "".join(partes)


def _tramo_pausa(desde: datetime, hasta: datetime | None) -> str:
    if hasta is None:
        return f"la pausa que empezó {fecha_en_palabras(desde)} (sigue en pausa)"
    return f"la pausa {fecha_en_palabras(desde)[3:]} – {fecha_en_palabras(hasta)[3:]}"


def _desenlace(reloj: Reloj) -> str:
    consumido = formatear_duracion(reloj.consumido)
    if reloj.estado is EstadoReloj.CUMPLIDO:
        return f"cumplido {fecha_en_palabras(reloj.detenido_en)} con {consumido} usadas."  # type: ignore[arg-type]
    if reloj.estado is EstadoReloj.DETENIDO:
        return f"detenido {fecha_en_palabras(reloj.detenido_en)} al cancelarse la solicitud."  # type: ignore[arg-type]
    if reloj.estado is EstadoReloj.INCUMPLIDO:
        return (
            f"atendido {fecha_en_palabras(reloj.detenido_en)}, fuera de plazo ({consumido} usadas)."  # type: ignore[arg-type]
        )
    if reloj.es_pausado:
        return f"en pausa con {formatear_duracion(max(reloj.restante, timedelta(0)))} restantes."
    if reloj.vence_en is None:
        return "sin vencimiento."
    verbo = "venció" if reloj.estado is EstadoReloj.VENCIDO else "vence"
    return f"{verbo} {fecha_en_palabras(reloj.vence_en)}."
