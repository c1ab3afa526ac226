"""One case's history: the staff and citizen steps, the sweep's alerts, and the event rows.

A history is a list of steps (instant, action, actor, note, data) in time order; the states
before and after each step follow from `casos.estados.REGLAS`, exactly as `aplicar_accion`
records them. Alerts (*plazo en riesgo* / *plazo vencido*) are added where the SLA sweep would
have recorded them: a minute after a threshold passed while its clock was running.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random
from typing import Any

from casos.estados import REGLAS, Accion, EstadoCaso
from casos.reloj import NOMBRES_RELOJ

UN_MINUTO = timedelta(minutes=1)
BARRIDO = ("sistema", None, "Barrido de plazos")
CIERRE = ("sistema", None, "Cierre automático")

Actor = tuple[str, int | None, str]

NOTAS: dict[Accion, tuple[str, ...]] = {
    Accion.RESPONDER: (
        "Recibimos su solicitud y ya la estamos revisando; le informaremos el resultado.",
        "Su caso fue turnado al personal de campo; en breve le confirmamos la visita.",
        "Revisamos su cuenta: el ajuste se verá reflejado en su próximo recibo.",
    ),
    Accion.SOLICITAR_INFORMACION: (
        "Para continuar, envíenos una fotografía legible del medidor con la lectura actual.",
        "Por favor adjunte el comprobante de pago (ticket o captura de la transferencia).",
        "Indíquenos un teléfono y horario en que podamos visitarle.",
    ),
    Accion.RECIBIR_INFORMACION: (
        "Adjunto la información que me pidieron.",
        "Ya les mandé el comprobante, quedo atento.",
    ),
    Accion.RESOLVER: (
        "Se aplicó el pago a su cuenta; su saldo ya está actualizado.",
        "Se ajustó el consumo del periodo con base en la lectura real del medidor.",
        "Se atendió el reporte; el servicio quedó restablecido.",
        "Le dimos la información solicitada. Gracias por escribirnos.",
    ),
    Accion.CANCELAR: ("Cancelada a petición del ciudadano.", "Solicitud duplicada."),
    Accion.ATENDER: ("",),
}


@dataclass(slots=True)
class Paso:
    """One thing that happened, before the states are filled in."""

    en: datetime
    accion: Accion
    actor: Actor
    nota: str = ""
    datos: dict[str, Any] = field(default_factory=dict)


def nota(azar: Random, accion: Accion) -> str:
    """A plausible note for the action (empty when the action takes none)."""
    opciones = NOTAS.get(accion)
    return azar.choice(opciones) if opciones else ""


def alertas(
    clave: str,
    inicio: datetime,
    umbrales: tuple[datetime | None, datetime | None],
    hasta: datetime,
) -> tuple[list[Paso], set[str]]:
    """The sweep's alerts of one clock whose thresholds passed before `hasta` (its stop or now).

    Returns the steps and which thresholds ("riesgo", "vencido") they record."""
    pasos: list[Paso] = []
    registrados: set[str] = set()
    for umbral, instante in zip(("riesgo", "vencido"), umbrales, strict=True):
        if instante is None or instante + UN_MINUTO >= hasta:
            continue
        accion = Accion.ALERTAR_RIESGO if umbral == "riesgo" else Accion.MARCAR_VENCIDO
        texto = "plazo vencido" if umbral == "vencido" else "plazo en riesgo"
        datos = {
            "reloj": clave,
            "umbral": umbral,
            "inicio": inicio.isoformat(),
            "vence_en": umbrales[1].isoformat() if umbrales[1] else None,
        }
        pasos.append(
            Paso(instante + UN_MINUTO, accion, BARRIDO, f"{NOMBRES_RELOJ[clave]}: {texto}.", datos)
        )
        registrados.add(umbral)
    return pasos, registrados


def filas_eventos(caso_id: int, pasos: list[Paso]) -> tuple[list[tuple[Any, ...]], EstadoCaso]:
    """Event rows in time order with `estado_desde`/`estado_hacia`; and the final state."""
    pasos = sorted(pasos, key=lambda p: p.en)  # stable: same-instant steps keep their order
    filas: list[tuple[Any, ...]] = []
    estado: EstadoCaso | None = None
    for paso in pasos:
        regla = REGLAS[paso.accion]
        hacia = regla.hacia if regla.hacia is not None else None
        filas.append(
            (
                caso_id,
                paso.en,
                paso.accion.value,
                estado.value if estado is not None else None,
                hacia.value if hacia is not None else None,
                paso.actor[0],
                paso.actor[1],
                paso.actor[2],
                None,
                paso.nota,
                regla.es_publica,
                paso.datos,
            )
        )
        if hacia is not None:
            estado = hacia
    assert estado is not None
    return filas, estado


def primera_respuesta(pasos: list[Paso]) -> datetime | None:
    """When the area first answered (the first step that counts as a response)."""
    return min((p.en for p in pasos if REGLAS[p.accion].es_respuesta), default=None)


def ajustar_a_ahora(pasos: list[Paso], creado: datetime, ahora: datetime) -> list[Paso]:
    """Squeeze a timeline that would end after `ahora` into [creado, ahora) proportionally."""
    ultimo = max(p.en for p in pasos)
    if ultimo <= ahora:
        return pasos
    factor = max((ahora - UN_MINUTO - creado) / (ultimo - creado), 0.0)
    for paso in pasos:
        paso.en = creado + (paso.en - creado) * factor
        paso.en = paso.en.replace(microsecond=0)
    return pasos
