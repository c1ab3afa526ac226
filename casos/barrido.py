"""The SLA sweep: look only at the cases whose next threshold is due, record it once.

The candidates come from an index range scan on `casos.sla_proximo_en`, so the cost follows
the number of cases due now, not the size of the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from casos.actores import Actor
from casos.base import exigir_zona
from casos.catalogo import Calendarios
from casos.ciclo import aplicar_accion, recalcular_sla
from casos.correo import encolar_correo
from casos.estados import Accion
from casos.modelos import Caso
from casos.personal import Personal, supervisores_de
from casos.reloj import NOMBRES_RELOJ, ResultadoSLA

ACTOR_BARRIDO = Actor.sistema("Barrido de plazos")
ACCION_UMBRAL = {"riesgo": Accion.ALERTAR_RIESGO, "vencido": Accion.MARCAR_VENCIDO}


@dataclass
class ResumenBarrido:
    """What one sweep did."""

    revisados: int = 0
    en_riesgo: int = 0
    vencidos: int = 0
    avisos: int = 0
    folios: list[str] = field(default_factory=list)
    _supervisores: dict[int, list[Personal]] = field(default_factory=dict, repr=False)

    def supervisores(self, sesion: Session, area_id: int) -> list[Personal]:
        """The area's supervisors, looked up once per sweep."""
        if area_id not in self._supervisores:
            with sesion.no_autoflush:
                self._supervisores[area_id] = supervisores_de(sesion, area_id)
        return self._supervisores[area_id]

    def a_json(self) -> dict[str, object]:
        """For the job's run record."""
        return {
            "revisados": self.revisados,
            "en_riesgo": self.en_riesgo,
            "vencidos": self.vencidos,
            "avisos": self.avisos,
        }


def casos_por_revisar(sesion: Session, ahora: datetime, limite: int) -> list[int]:
    """Ids of the cases whose next threshold is due, most overdue first."""
    consulta = (
        select(Caso.id)
        .where(Caso.sla_proximo_en <= exigir_zona(ahora))
        .order_by(Caso.sla_proximo_en)
        .limit(limite)
    )
    if sesion.get_bind().dialect.name == "postgresql":
        consulta = consulta.with_for_update(skip_locked=True)
    return list(sesion.scalars(consulta))


# One run handles at most this many cases (about a second on SQLite); a backlog after an
# outage drains over the next minutes instead of holding the write lock for long.
LIMITE_POR_BARRIDO = 300


def barrer_sla(
    sesion: Session, ahora: datetime, limite: int = LIMITE_POR_BARRIDO
) -> ResumenBarrido:
    """Record every due *en riesgo* / *vencido* threshold and warn the areas' supervisors."""
    resumen = ResumenBarrido()
    ids = casos_por_revisar(sesion, ahora, limite)
    if not ids:
        return resumen
    calendarios = Calendarios(sesion)
    casos = sesion.scalars(
        select(Caso).where(Caso.id.in_(ids)).options(selectinload(Caso.eventos))
    ).unique()
    for caso in casos:
        resumen.revisados += 1
        resultado = recalcular_sla(sesion, caso, ahora, calendarios)
        for reloj, umbral in resultado.pendientes:
            _registrar_umbral(sesion, caso, reloj, umbral, resultado, ahora, calendarios, resumen)
    return resumen


def _registrar_umbral(
    sesion: Session,
    caso: Caso,
    reloj: str,
    umbral: str,
    resultado: ResultadoSLA,
    ahora: datetime,
    calendarios: Calendarios,
    resumen: ResumenBarrido,
) -> None:
    medido = resultado.reloj(reloj)
    assert medido is not None
    datos = {
        "reloj": reloj,
        "umbral": umbral,
        "inicio": medido.inicio_en.isoformat(),
        "vence_en": medido.vence_en.isoformat() if medido.vence_en else None,
    }
    nota = (
        f"{NOMBRES_RELOJ[reloj]}: {'plazo vencido' if umbral == 'vencido' else 'plazo en riesgo'}."
    )
    aplicar_accion(
        sesion,
        caso,
        ACCION_UMBRAL[umbral],
        ACTOR_BARRIDO,
        ahora,
        nota=nota,
        datos=datos,
        calendarios=calendarios,
    )
    resumen.folios.append(caso.folio)
    if umbral == "vencido":
        resumen.vencidos += 1
    else:
        resumen.en_riesgo += 1
    supervisores = resumen.supervisores(sesion, caso.area_id)
    resumen.avisos += avisar_supervisores(
        sesion, caso, reloj, umbral, datos["inicio"], ahora, supervisores
    )


def avisar_supervisores(
    sesion: Session,
    caso: Caso,
    reloj: str,
    umbral: str,
    inicio: str,
    ahora: datetime,
    supervisores: list[Personal] | None = None,
) -> int:
    """Queue one warning per supervisor of the case's area, once per clock and threshold."""
    enviados = 0
    if supervisores is None:
        supervisores = supervisores_de(sesion, caso.area_id)
    for persona in supervisores:
        encolar_correo(
            sesion,
            para=persona.email,
            plantilla="aviso_sla",
            contexto={
                "caso": caso,
                "reloj": NOMBRES_RELOJ[reloj],
                "umbral": umbral,
                "persona": persona,
            },
            ahora=ahora,
            clave=f"sla:{caso.id}:{reloj}:{umbral}:{inicio}:{persona.id}",
            caso_id=caso.id,
        )
        enviados += 1
    return enviados
