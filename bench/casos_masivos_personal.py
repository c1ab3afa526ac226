"""The bench's staff: ~50 agents spread over the areas by case volume, two supervisors per area.

Users `bench_agente_01`… and `bench_supervisor_01`…, all with the password printed by the
generator. For a benchmark database only: the password is public.
"""

from __future__ import annotations

from collections import Counter

from faker import Faker
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.casos_masivos_datos import PESO_TIPO
from casos.catalogo import Area, TipoCaso
from casos.cuentas.contrasenas import cifrar
from casos.personal import Personal, RolPersonal

CONTRASENA = "banco-de-pruebas-backoffice-2026"
AGENTES = 50
SUPERVISORES_POR_AREA = 2


def agentes_por_area(sesion: Session, areas: list[Area], total: int = AGENTES) -> list[Area]:
    """One area per agent, in proportion to the cases each area receives (at least two)."""
    volumen: Counter[int] = Counter()
    for tipo in sesion.scalars(select(TipoCaso)):
        volumen[tipo.area_id] += PESO_TIPO.get(tipo.clave, 5)
    suma = sum(volumen.values()) or 1
    reparto = {a.id: max(2, round(total * volumen[a.id] / suma)) for a in areas}
    return [a for a in areas for _ in range(reparto[a.id])]


def crear_personal(sesion: Session, semilla: int) -> int:
    """Create the bench staff if missing; returns how many accounts were created."""
    if sesion.scalar(select(Personal.id).where(Personal.usuario == "bench_agente_01")):
        return 0
    areas = list(sesion.scalars(select(Area).where(Area.es_activa).order_by(Area.id)))
    falso = Faker("es_MX")
    falso.seed_instance(semilla)
    clave = cifrar(CONTRASENA)
    asignadas = agentes_por_area(sesion, areas)
    for i, area in enumerate(asignadas, start=1):
        extra = [areas[(areas.index(area) + 1) % len(areas)]] if i % 5 == 0 else []
        _agregar(sesion, f"bench_agente_{i:02d}", RolPersonal.AGENTE, [area, *extra], falso, clave)
    for i, area in enumerate(a for a in areas for _ in range(SUPERVISORES_POR_AREA)):
        usuario = f"bench_supervisor_{i + 1:02d}"
        _agregar(sesion, usuario, RolPersonal.SUPERVISOR, [area], falso, clave)
    sesion.flush()
    return len(asignadas) + len(areas) * SUPERVISORES_POR_AREA


def _agregar(
    sesion: Session, usuario: str, rol: RolPersonal, areas: list[Area], falso: Faker, clave: str
) -> None:
    sesion.add(
        Personal(
            usuario=usuario,
            nombre=f"{falso.first_name()} {falso.last_name()}",
            email=f"{usuario}@cea.localhost",
            rol=rol,
            contrasena_hash=clave,
            areas=areas,
        )
    )
