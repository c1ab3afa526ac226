"""Initial catalogs (every deployment) and demo data (dev run only).

Loading is idempotent: existing rows, possibly edited by an administrator, are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.atencion_semilla import cargar_atencion
from casos.catalogo import Area, DiaInhabil, ReglaRuteo, TipoCalendario, TipoCaso

AREAS: tuple[tuple[str, str], ...] = (
    ("atencion", "Atención a Usuarios"),
    ("facturacion", "Facturación"),
    ("ingresos", "Ingresos / pagos"),
    ("medicion", "Medición y lecturas"),
    ("distribucion", "Distribución de recibos"),
    ("calidad", "Calidad y comunicación"),
    ("ti", "Tecnologías de la información"),
    ("cat24", "Centro de atención telefónica 24 h"),
)


@dataclass(frozen=True)
class TipoInicial:
    """A case type as first delivered; targets in business hours."""

    clave: str
    nombre: str
    area: str
    respuesta: str
    resolucion: str
    campos: tuple[str, ...]
    descripcion: str
    calendario: TipoCalendario = TipoCalendario.LABORAL
    es_publico: bool = True


_L = TipoCalendario.LABORAL
TIPOS: tuple[TipoInicial, ...] = (
    TipoInicial(
        "consulta_general",
        "Consulta general",
        "atencion",
        "8",
        "27",
        ("descripcion",),
        "Dudas sobre su contrato, trámites o servicios.",
    ),
    TipoInicial(
        "pagos_no_aplicados",
        "Aclaración de pagos no aplicados",
        "ingresos",
        "8",
        "45",
        ("contrato", "fecha_pago", "monto_pago", "descripcion"),
        "Pagó y el pago no aparece en su saldo.",
    ),
    TipoInicial(
        "altos_consumos",
        "Aclaración de altos consumos",
        "facturacion",
        "8",
        "45",
        ("contrato", "descripcion"),
        "Su factura trae un consumo mayor al habitual.",
    ),
    TipoInicial(
        "recibo_no_entregado",
        "Recibo no entregado",
        "distribucion",
        "8",
        "27",
        ("contrato", "descripcion"),
        "No recibió su recibo en el domicilio.",
    ),
    TipoInicial(
        "sugerencia",
        "Sugerencia / Opinión / Otros",
        "calidad",
        "18",
        "45",
        ("descripcion",),
        "Díganos cómo mejorar el servicio.",
    ),
    TipoInicial(
        "incidencia_ov",
        "Incidencia Oficina Virtual",
        "ti",
        "4",
        "18",
        ("descripcion",),
        "Problemas para registrarse o usar la Oficina Virtual.",
    ),
    TipoInicial(
        "reporte_servicio",
        "Reporte de servicio",
        "cat24",
        "1",
        "24",
        ("descripcion", "direccion"),
        "Fugas o falta de agua: lo atiende el centro telefónico las 24 horas.",
        calendario=TipoCalendario.CONTINUO,
    ),
    TipoInicial(
        "compartenos_lectura",
        "Compártenos tu lectura",
        "medicion",
        "9",
        "18",
        ("contrato", "lectura", "fecha_lectura"),
        "Envíe la lectura de su medidor.",
    ),
    TipoInicial(
        "baja_cuenta",
        "Baja de cuenta",
        "atencion",
        "9",
        "45",
        ("descripcion",),
        "Cancelación de su usuario de la Oficina Virtual.",
        es_publico=False,
    ),
)

# State and CEA non-working days published for the coming years (editable in the admin).
DIAS_INHABILES_CEA: tuple[tuple[date, str], ...] = (
    (date(2026, 4, 2), "Jueves Santo"),
    (date(2026, 4, 3), "Viernes Santo"),
    (date(2026, 11, 2), "Día de Muertos"),
    (date(2026, 12, 12), "Día de la Virgen de Guadalupe"),
    (date(2027, 3, 25), "Jueves Santo"),
    (date(2027, 3, 26), "Viernes Santo"),
    (date(2027, 11, 2), "Día de Muertos"),
    (date(2027, 12, 13), "Día de la Virgen de Guadalupe (se recorre al lunes)"),
)


def cargar_catalogos(sesion: Session) -> dict[str, int]:
    """Insert the areas, case types, default routing, non-working days and the agents' catalogs
    (resolution codes, offices, canned answers) that are missing."""
    creados = {"areas": 0, "tipos": 0, "reglas": 0, "dias": 0}
    areas = {a.clave: a for a in sesion.scalars(select(Area))}
    for clave, nombre in AREAS:
        if clave not in areas:
            areas[clave] = Area(clave=clave, nombre=nombre)
            sesion.add(areas[clave])
            creados["areas"] += 1
    sesion.flush()
    tipos = {t.clave for t in sesion.scalars(select(TipoCaso))}
    for orden, inicial in enumerate(TIPOS):
        if inicial.clave in tipos:
            continue
        tipo = _tipo(inicial, areas[inicial.area], orden)
        sesion.add(tipo)
        sesion.add(
            ReglaRuteo(
                tipo=tipo,
                area=tipo.area,
                prioridad=1000,
                descripcion="Regla predeterminada del tipo",
            )
        )
        creados["tipos"] += 1
        creados["reglas"] += 1
    creados["dias"] = _cargar_dias(sesion)
    sesion.flush()
    creados.update(cargar_atencion(sesion))
    return creados


def _tipo(inicial: TipoInicial, area: Area, orden: int) -> TipoCaso:
    return TipoCaso(
        clave=inicial.clave,
        nombre=inicial.nombre,
        descripcion=inicial.descripcion,
        area=area,
        horas_respuesta=Decimal(inicial.respuesta),
        horas_resolucion=Decimal(inicial.resolucion),
        calendario=inicial.calendario,
        umbral_riesgo_pct=75,
        dias_reapertura=10,
        campos_requeridos=list(inicial.campos),
        es_publico=inicial.es_publico,
        orden=orden,
    )


def _cargar_dias(sesion: Session) -> int:
    existentes = set(sesion.scalars(select(DiaInhabil.fecha).where(DiaInhabil.area_id.is_(None))))
    nuevos = [DiaInhabil(fecha=f, motivo=m) for f, m in DIAS_INHABILES_CEA if f not in existentes]
    sesion.add_all(nuevos)
    return len(nuevos)
