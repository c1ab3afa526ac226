"""What the mass case generator reads once: catalogs, calendars, staff, contracts, name pools,
and the arrival curve that spreads N cases over three years of mostly business hours.

Everything here is computed before the first batch, so a batch is pure Python plus one write.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from faker import Faker
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.casos_masivos_curva import Abiertos, Curva, curva, inicios_de_anio
from casos.catalogo import Area, Calendarios, ReglaRuteo, TipoCalendario, TipoCaso
from casos.comercial.colonias import COLONIAS
from casos.comercial.modelos import Contrato, TipoPersona
from casos.personal import Personal, RolPersonal
from casos.reloj import Politica
from casos.ruteo import normalizar

# Relative volume of each seeded type (unknown types added by an administrator get 5).
PESO_TIPO = {
    "consulta_general": 20,
    "pagos_no_aplicados": 12,
    "altos_consumos": 18,
    "recibo_no_entregado": 8,
    "sugerencia": 4,
    "incidencia_ov": 5,
    "reporte_servicio": 20,
    "compartenos_lectura": 10,
    "baja_cuenta": 1,
}
DOMINIOS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com.mx", "prodigy.net.mx")
TAMANO_RESERVA = 800
_UNA_HORA = timedelta(hours=1)


@dataclass(frozen=True)
class Parametros:
    """One generation run: the same parameters always give the same rows."""

    casos: int
    abiertos_pct: float
    semilla: int
    ahora: datetime
    lote: int = 10_000
    anios: int = 3

    def a_json(self) -> dict[str, Any]:
        """Stored in the `ajustes` table so an interrupted run resumes identically."""
        return {
            "casos": self.casos,
            "abiertos_pct": self.abiertos_pct,
            "semilla": self.semilla,
            "ahora": self.ahora.isoformat(),
            "lote": self.lote,
            "anios": self.anios,
        }

    @classmethod
    def de_json(cls, valor: dict[str, Any]) -> Parametros:
        """Inverse of `a_json`."""
        campos = {k: v for k, v in valor.items() if k in cls.__dataclass_fields__}
        return cls(**{**campos, "ahora": datetime.fromisoformat(valor["ahora"])})


@dataclass(frozen=True)
class Tipo:
    """A case type with what the generator needs of it."""

    id: int
    clave: str
    nombre: str
    area_id: int
    pide_contrato: bool
    continuo: bool
    dias_reapertura: int
    horas_respuesta: timedelta
    horas_resolucion: timedelta
    umbral_pct: int
    modelo: TipoCaso


@dataclass(frozen=True)
class ContratoMuestra:
    """A contract a case can refer to."""

    numero: str
    colonia: str
    uso: str | None
    titular: str | None


@dataclass
class Contexto:
    """Everything read or derived once per run."""

    parametros: Parametros
    tipos: list[Tipo]
    pesos_tipo: list[int]
    areas: dict[int, str]
    politicas: dict[tuple[int, int], Politica]
    agentes: dict[int, list[tuple[int, str]]]
    contratos: list[ContratoMuestra]
    nombres: tuple[tuple[str, str], ...]
    apellidos: tuple[tuple[str, str], ...]
    curva: Curva
    inicio_anio: dict[int, int]
    reglas: Reglas
    abiertos: Abiertos
    rutas: dict[tuple[int, str | None, str | None], int] = field(default_factory=dict)

    def area_de(self, tipo: Tipo, colonia: str | None, uso: str | None) -> int:
        """The routing rules' area for a new case (cached per type, colonia and use)."""
        clave = (tipo.id, colonia, uso)
        if clave not in self.rutas:
            self.rutas[clave] = self.reglas.area(tipo, colonia, uso)
        return self.rutas[clave]

    def politica(self, sesion: Session, tipo: Tipo, area_id: int) -> Politica:
        """The SLA policy (targets and the area's real calendar) of a type in an area."""
        clave = (tipo.id, area_id)
        if clave not in self.politicas:
            calendario = Calendarios(sesion).para(tipo.modelo, area_id)
            self.politicas[clave] = Politica(
                tipo=tipo.nombre,
                area=self.areas[area_id],
                objetivo_respuesta=tipo.horas_respuesta,
                objetivo_resolucion=tipo.horas_resolucion,
                umbral_pct=tipo.umbral_pct,
                calendario=calendario,
            )
        return self.politicas[clave]


@dataclass(frozen=True)
class Reglas:
    """The active routing rules in memory, applied as `casos.ruteo.resolver_area` does."""

    por_tipo: dict[int, list[tuple[int, str, str]]]  # tipo_id → [(area_id, colonia, uso)]

    @classmethod
    def cargar(cls, sesion: Session) -> Reglas:
        """Read the active rules of active areas, in the order resolver_area tries them."""
        consulta = (
            select(ReglaRuteo)
            .join(Area, ReglaRuteo.area_id == Area.id)
            .where(ReglaRuteo.es_activa, Area.es_activa)
        )
        reglas = sorted(
            sesion.scalars(consulta),
            key=lambda r: (r.prioridad, -(bool(r.colonia) + bool(r.uso_contrato)), r.id),
        )
        por_tipo: dict[int, list[tuple[int, str, str]]] = {}
        for r in reglas:
            fila = (r.area_id, normalizar(r.colonia), normalizar(r.uso_contrato))
            por_tipo.setdefault(r.tipo_id, []).append(fila)
        return cls(por_tipo)

    def area(self, tipo: Tipo, colonia: str | None, uso: str | None) -> int:
        """The first matching rule's area, else the type's own area."""
        colonia_n, uso_n = normalizar(colonia), normalizar(uso)
        for area_id, regla_colonia, regla_uso in self.por_tipo.get(tipo.id, []):
            if (not regla_colonia or regla_colonia == colonia_n) and (
                not regla_uso or regla_uso == uso_n
            ):
                return area_id
        return tipo.area_id


def _ascii(texto: str) -> str:
    plano = unicodedata.normalize("NFKD", texto)
    return "".join(c for c in plano if c.isascii() and c.isalnum()).lower()


def reservas(semilla: int) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """Faker es_MX first names and surnames, drawn once (seeded), with their ASCII forms."""
    falso = Faker("es_MX")
    falso.seed_instance(semilla)
    nombres = tuple((n, _ascii(n)) for n in (falso.first_name() for _ in range(TAMANO_RESERVA)))
    apellidos = tuple((a, _ascii(a)) for a in (falso.last_name() for _ in range(TAMANO_RESERVA)))
    return nombres, apellidos


def cargar_tipos(sesion: Session) -> list[Tipo]:
    """Every active case type of the catalog."""
    tipos = sesion.scalars(select(TipoCaso).where(TipoCaso.es_activo).order_by(TipoCaso.id))
    return [
        Tipo(
            id=t.id,
            clave=t.clave,
            nombre=t.nombre,
            area_id=t.area_id,
            pide_contrato="contrato" in (t.campos_requeridos or []),
            continuo=t.calendario is TipoCalendario.CONTINUO,
            dias_reapertura=t.dias_reapertura,
            horas_respuesta=t.objetivo_respuesta,
            horas_resolucion=t.objetivo_resolucion,
            umbral_pct=t.umbral_riesgo_pct,
            modelo=t,
        )
        for t in tipos
    ]


def cargar_agentes(sesion: Session) -> dict[int, list[tuple[int, str]]]:
    """Active agents by area id (who a generated case is assigned to)."""
    agentes: dict[int, list[tuple[int, str]]] = {}
    consulta = select(Personal).where(Personal.es_activo, Personal.rol == RolPersonal.AGENTE)
    for persona in sesion.scalars(consulta.order_by(Personal.id)):
        for area in persona.areas:
            agentes.setdefault(area.id, []).append((persona.id, persona.nombre))
    return agentes


def cargar_contratos(sesion: Session) -> list[ContratoMuestra]:
    """The commercial data's contracts, if any (number, colonia, use, holder)."""
    c = Contrato
    filas = sesion.execute(
        select(
            c.numero,
            c.colonia,
            c.uso,
            c.tipo_persona,
            c.nombre,
            c.apellido_paterno,
            c.apellido_materno,
            c.razon_social,
        ).order_by(c.id)
    )
    muestras = []
    for numero, colonia, uso, persona, nombre, paterno, materno, razon in filas:
        titular = (
            razon
            if persona == TipoPersona.MORAL
            else " ".join(p for p in (nombre, paterno, materno) if p)
        )
        muestras.append(ContratoMuestra(numero, colonia, str(uso.value), titular))
    return muestras


def contratos_sinteticos(n: int = 50_000) -> list[ContratoMuestra]:
    """Contract numbers in the commercial format when the database has no commercial data."""
    pesos = list(accumulate(col.peso for col in COLONIAS))
    return [
        ContratoMuestra(
            f"{100_000_001 + k:010d}",
            COLONIAS[bisect_right(pesos, (k * 7919) % pesos[-1])].nombre,
            "domestico",
            None,
        )
        for k in range(n)
    ]


def contexto(sesion: Session, parametros: Parametros) -> Contexto:
    """Read the catalogs, staff and contracts and derive the arrival curve."""
    tipos = cargar_tipos(sesion)
    if not tipos:
        raise RuntimeError("No hay tipos de caso: cargue los catálogos (flask catalogos cargar).")
    c = curva(parametros)
    nombres, apellidos = reservas(parametros.semilla)
    return Contexto(
        parametros=parametros,
        tipos=tipos,
        pesos_tipo=list(accumulate(PESO_TIPO.get(t.clave, 5) for t in tipos)),
        areas={a.id: a.nombre for a in sesion.scalars(select(Area))},
        politicas={},
        agentes=cargar_agentes(sesion),
        contratos=cargar_contratos(sesion) or contratos_sinteticos(),
        nombres=nombres,
        apellidos=apellidos,
        curva=c,
        inicio_anio=inicios_de_anio(c),
        reglas=Reglas.cargar(sesion),
        abiertos=Abiertos.para(c, parametros.ahora, parametros.abiertos_pct),
    )
