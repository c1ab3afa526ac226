"""The workspace's SLA panel: each clock's state, due time and business time left *now*
(from the explanation stored on the case and the case's calendar), plus the explanation lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from casos.catalogo import Calendarios
from casos.modelos import Caso
from casos.reloj import EstadoReloj
from casos.sla import CalendarioLaboral

ETIQUETAS = {
    EstadoReloj.EN_TIEMPO: "En tiempo",
    EstadoReloj.EN_RIESGO: "En riesgo",
    EstadoReloj.VENCIDO: "Vencido",
    EstadoReloj.CUMPLIDO: "Cumplido",
    EstadoReloj.INCUMPLIDO: "Atendido fuera de plazo",
    EstadoReloj.DETENIDO: "Detenido",
}
# CSS class of each state (.bo-sla-*): stopped clocks read neutral.
CLASES = {
    EstadoReloj.EN_TIEMPO: "en_tiempo",
    EstadoReloj.EN_RIESGO: "en_riesgo",
    EstadoReloj.VENCIDO: "vencido",
    EstadoReloj.CUMPLIDO: "cumplido",
    EstadoReloj.INCUMPLIDO: "vencido",
    EstadoReloj.DETENIDO: "detenido",
}


@dataclass(frozen=True)
class FilaReloj:
    """One clock as the panel shows it."""

    clave: str
    nombre: str
    estado: EstadoReloj
    objetivo: timedelta
    vence_en: datetime | None
    restante: timedelta | None  # business time left (negative: late); None once stopped
    es_pausado: bool
    detenido_en: datetime | None

    @property
    def etiqueta(self) -> str:
        """`En tiempo`, `En pausa`…"""
        return "En pausa" if self.es_pausado else ETIQUETAS[self.estado]

    @property
    def clase(self) -> str:
        """The `.bo-sla-*` class."""
        return "pausado" if self.es_pausado else CLASES[self.estado]


@dataclass(frozen=True)
class PanelSLA:
    """Every clock of the case and how its due times were computed."""

    relojes: list[FilaReloj]
    lineas: list[str]


def _fecha(valor: Any) -> datetime | None:
    return datetime.fromisoformat(valor) if valor else None


def _restante(
    cal: CalendarioLaboral, datos: dict[str, Any], vence: datetime | None, ahora: datetime
) -> timedelta | None:
    if datos.get("detenido_en"):
        return None
    if datos.get("pausado") or vence is None:
        objetivo = timedelta(hours=datos.get("objetivo_horas") or 0)
        return objetivo - timedelta(hours=datos.get("consumido_horas") or 0)
    if ahora < vence:
        return cal.horas_entre(ahora, vence)
    return -cal.horas_entre(vence, ahora)


def _fila(cal: CalendarioLaboral, datos: dict[str, Any], ahora: datetime) -> FilaReloj:
    vence = _fecha(datos.get("vence_en"))
    restante = _restante(cal, datos, vence, ahora)
    estado = EstadoReloj(datos.get("estado") or EstadoReloj.EN_TIEMPO)
    if restante is not None and not datos.get("pausado") and restante <= timedelta(0):
        estado = EstadoReloj.VENCIDO  # the sweep may not have passed yet
    return FilaReloj(
        clave=datos.get("reloj", ""),
        nombre=datos.get("nombre", ""),
        estado=estado,
        objetivo=timedelta(hours=datos.get("objetivo_horas") or 0),
        vence_en=vence,
        restante=restante,
        es_pausado=bool(datos.get("pausado")),
        detenido_en=_fecha(datos.get("detenido_en")),
    )


def panel_sla(sesion: Session, caso: Caso, ahora: datetime) -> PanelSLA:
    """The clocks stored on the case, with the time left measured on its calendar now."""
    explicacion = caso.sla_explicacion or {}
    cal = Calendarios(sesion).para(caso.tipo, caso.area_id)
    relojes = [_fila(cal, r, ahora) for r in explicacion.get("relojes", [])]
    return PanelSLA(relojes, list(explicacion.get("lineas", [])))
