"""In-person visits (rule 9): an active office, a date and a time within office hours
(Monday to Friday 08:00–17:00 in Querétaro, not a non-working day of the case's area), never in
the past. The visit is recorded as a public RESPONDER event with `cita_en` (ISO, UTC),
`cita_lugar` and `oficina_id`, which the portal already shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from casos.atencion_catalogos import Oficina
from casos.catalogo import DiaInhabil
from casos.errores import DatosInvalidos
from casos.modelos import Caso
from casos.sla import ZONA_CEA, CalendarioLaboral

APERTURA, CIERRE = time(8, 0), time(17, 0)
DURACION_CITA = timedelta(minutes=30)


def horarios_cita() -> list[str]:
    """The times a visit can start: every half hour from 08:00 to 16:30."""
    inicio = datetime.combine(date(2000, 1, 3), APERTURA)
    ultimo = datetime.combine(date(2000, 1, 3), CIERRE) - DURACION_CITA
    horas, actual = [], inicio
    while actual <= ultimo:
        horas.append(f"{actual:%H:%M}")
        actual += DURACION_CITA
    return horas


def calendario_oficinas(sesion: Session, area_id: int) -> CalendarioLaboral:
    """The CEA office calendar with the non-working days of every area and of `area_id`."""
    filas = sesion.execute(
        select(DiaInhabil.fecha, DiaInhabil.motivo).where(
            or_(DiaInhabil.area_id.is_(None), DiaInhabil.area_id == area_id)
        )
    ).all()
    return CalendarioLaboral.cea(dias_inhabiles=[(f, m) for f, m in filas])


def cita_local(fecha: date, hora: time) -> datetime:
    """A date and time typed in Querétaro as an aware instant."""
    return datetime.combine(fecha, hora, tzinfo=ZONA_CEA)


def instante_cita(valor: Any) -> datetime | None:
    """An aware instant from a datetime or ISO text; None for anything else."""
    if isinstance(valor, datetime):
        return valor if valor.tzinfo is not None else None
    try:
        instante = datetime.fromisoformat(str(valor)) if valor else None
    except ValueError:
        return None
    return instante if instante is not None and instante.tzinfo is not None else None


def razon_fuera_de_horario(
    calendario: CalendarioLaboral, cita: datetime, ahora: datetime
) -> str | None:
    """Why a visit cannot be at `cita` (Spanish), or None when it can."""
    local = cita.astimezone(ZONA_CEA)
    if cita <= ahora:
        return "Esa fecha y hora ya pasaron; elija una futura."
    if local.weekday() >= 5:
        return "Las oficinas atienden de lunes a viernes; elija otro día."
    fin = (local + DURACION_CITA).time()
    if local.time() < APERTURA or local.time() > fin or fin > CIERRE:
        return "Elija una hora entre 8:00 y 16:30 (las oficinas cierran a las 17:00)."
    inhabiles = calendario.dias_inhabiles_entre(local.date(), local.date())
    if inhabiles:
        return f"El {local:%d/%m/%Y} es día inhábil ({inhabiles[0][1]}); elija otro día."
    if not calendario.es_laborable(local):
        return "Ese día no hay atención en oficinas; elija otro."
    return None


def validar_cita(sesion: Session, caso: Caso, datos: dict[str, Any], ahora: datetime) -> None:
    """Check office and time; complete `datos` with what the event and the email show."""
    errores: dict[str, str] = {}
    oficina = sesion.get(Oficina, _entero(datos.get("oficina_id")))
    if oficina is None or not oficina.es_activa:
        errores["oficina_id"] = "Elija una oficina de atención."
    cita = instante_cita(datos.get("cita_en"))
    if cita is None:
        errores["cita_en"] = "Indique la fecha y la hora de la cita."
    else:
        razon = razon_fuera_de_horario(calendario_oficinas(sesion, caso.area_id), cita, ahora)
        if razon:
            errores["cita_en"] = razon
    if errores or oficina is None or cita is None:
        raise DatosInvalidos("Revise los datos de la cita.", errores)
    datos.update(
        cita_en=cita.astimezone(UTC).isoformat(),
        cita_lugar=f"{oficina.nombre} — {oficina.direccion}",
        oficina_id=oficina.id,
        oficina=oficina.nombre,
        oficina_horario=oficina.horario,
    )


def _entero(valor: Any) -> int:
    try:
        return int(valor)
    except (TypeError, ValueError):
        return 0
