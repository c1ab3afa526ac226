"""Demo data for the dev run: staff and sample cases in every state. Never loaded in production."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.catalogo import Area
from casos.ciclo import aplicar_accion
from casos.cuentas.contrasenas import cifrar
from casos.estados import Accion
from casos.modelos import Caso
from casos.personal import Personal, RolPersonal
from casos.registro import DatosCaso, registrar_caso
from casos.ruteo import normalizar, turnar

CANAL_DEMO = "demo"


@dataclass(frozen=True)
class PersonaDemo:
    """A demo staff member; `contrasena` is a dev-run value, published in the README."""

    usuario: str
    nombre: str
    rol: RolPersonal
    areas: tuple[str, ...]
    contrasena: str


PERSONAL_DEMO = (
    PersonaDemo(
        "agente",
        "Ana López (agente)",
        RolPersonal.AGENTE,
        ("atencion", "facturacion", "ingresos", "distribucion"),
        "cactus-nube-farol-41",
    ),
    PersonaDemo(
        "agente2",
        "Luis Ramírez (agente)",
        RolPersonal.AGENTE,
        ("medicion", "calidad", "ti", "cat24"),
        "pino-lluvia-cobre-27",
    ),
    PersonaDemo(
        "supervisora",
        "María Hernández (supervisora)",
        RolPersonal.SUPERVISOR,
        (
            "atencion",
            "facturacion",
            "ingresos",
            "medicion",
            "distribucion",
            "calidad",
            "ti",
            "cat24",
        ),
        "molino-tinta-rio-58",
    ),
    PersonaDemo(
        "admin", "Administración OV", RolPersonal.ADMINISTRADOR, (), "brujula-trigo-sal-93"
    ),
)


def ya_cargado(sesion: Session) -> bool:
    """True when the demo cases exist already (the loader is idempotent)."""
    return sesion.scalar(select(Caso.id).where(Caso.canal == CANAL_DEMO).limit(1)) is not None


def cargar_personal(sesion: Session) -> dict[str, Personal]:
    """Create the demo staff that is missing, with their dev-run passwords (argon2id)."""
    areas = {a.clave: a for a in sesion.scalars(select(Area))}
    existentes = {p.usuario: p for p in sesion.scalars(select(Personal))}
    for p in PERSONAL_DEMO:
        if p.usuario not in existentes:
            existentes[p.usuario] = Personal(
                usuario=p.usuario,
                nombre=p.nombre,
                email=f"{p.usuario}@cea.localhost",
                rol=p.rol,
                areas=[areas[c] for c in p.areas],
            )
            sesion.add(existentes[p.usuario])
        if existentes[p.usuario].contrasena_hash is None:
            existentes[p.usuario].contrasena_hash = cifrar(p.contrasena)
    sesion.flush()
    return existentes


def cargar_casos(sesion: Session, ahora: datetime) -> list[Caso]:
    """Sample cases in every state, filed in the recent past, with their real history."""
    personal = cargar_personal(sesion)
    ana = personal["agente"]
    yo = Actor.personal(ana.nombre, ana.id)
    casos: list[Caso] = []
    for guion in GUIONES:
        casos.append(guion(sesion, ahora, yo, ana.id))
    return casos


def _nuevo(
    sesion: Session, en: datetime, tipo: str, nombre: str, texto: str, **extra: object
) -> Caso:
    datos = DatosCaso(
        tipo=tipo,
        descripcion=texto,
        solicitante_nombre=nombre,
        solicitante_email=f"{normalizar(nombre.split()[0])}@ejemplo.mx",
        canal=CANAL_DEMO,
        contrato=extra.pop("contrato", None),  # type: ignore[arg-type]
        colonia=extra.pop("colonia", "Centro"),  # type: ignore[arg-type]
        campos={k: str(v) for k, v in extra.items()},
    )
    return registrar_caso(sesion, datos, Actor.ciudadano(nombre), en)


Guion = Callable[[Session, datetime, Actor, int], Caso]


def _g_nuevo(s: Session, ahora: datetime, _yo: Actor, _id: int) -> Caso:
    return _nuevo(
        s,
        ahora - timedelta(hours=2),
        "consulta_general",
        "Rosa Martínez",
        "¿Qué documentos necesito para cambiar el titular del contrato?",
    )


def _g_asignado(s: Session, ahora: datetime, yo: Actor, ana: int) -> Caso:
    caso = _nuevo(
        s,
        ahora - timedelta(days=2),
        "altos_consumos",
        "Jorge Pérez",
        "Mi recibo de octubre viene al triple de lo normal y no hay fugas.",
        contrato="100234",
    )
    aplicar_accion(
        s, caso, Accion.ASIGNAR, yo, ahora - timedelta(days=1), datos={"personal_id": ana}
    )
    return caso


def _g_en_proceso(s: Session, ahora: datetime, yo: Actor, _ana: int) -> Caso:
    caso = _nuevo(
        s,
        ahora - timedelta(days=3),
        "pagos_no_aplicados",
        "Lucía Gómez",
        "Pagué en el banco y el saldo sigue igual.",
        contrato="100871",
        fecha_pago=(ahora - timedelta(days=8)).date().isoformat(),
        monto_pago="356.00",
        banco="BBVA",
    )
    aplicar_accion(s, caso, Accion.ATENDER, yo, ahora - timedelta(days=2, hours=20))
    aplicar_accion(
        s,
        caso,
        Accion.RESPONDER,
        yo,
        ahora - timedelta(days=2, hours=19),
        nota="Estamos verificando su pago con el banco; le avisaremos al aplicarlo.",
    )
    return caso


def _g_en_espera(s: Session, ahora: datetime, yo: Actor, _ana: int) -> Caso:
    caso = _nuevo(
        s,
        ahora - timedelta(days=4),
        "recibo_no_entregado",
        "Pedro Sánchez",
        "Hace dos meses que no llega el recibo.",
        contrato="101502",
    )
    aplicar_accion(
        s,
        caso,
        Accion.SOLICITAR_INFORMACION,
        yo,
        ahora - timedelta(days=3),
        nota="¿Nos confirma la calle y número exactos del domicilio de entrega?",
    )
    return caso


def _g_resuelto(s: Session, ahora: datetime, yo: Actor, _ana: int) -> Caso:
    caso = _nuevo(
        s,
        ahora - timedelta(days=5),
        "sugerencia",
        "Carmen Ruiz",
        "Sería útil recibir un aviso cuando se programe un corte por mantenimiento.",
    )
    aplicar_accion(
        s,
        caso,
        Accion.RESOLVER,
        yo,
        ahora - timedelta(days=1),
        nota="Gracias: su sugerencia se turnó a Comunicación para los avisos de cortes.",
        datos={"codigo": "atendida"},
    )
    return caso


def _g_cerrado(s: Session, ahora: datetime, yo: Actor, _ana: int) -> Caso:
    caso = _nuevo(
        s,
        ahora - timedelta(days=12),
        "incidencia_ov",
        "Miguel Torres",
        "No puedo registrarme: dice que mi contrato no existe.",
    )
    aplicar_accion(
        s,
        caso,
        Accion.RESOLVER,
        yo,
        ahora - timedelta(days=11),
        nota="Corregimos el registro; ya puede darse de alta.",
        datos={"codigo": "corregido"},
    )
    aplicar_accion(s, caso, Accion.CERRAR, Actor.sistema(), ahora - timedelta(days=1))
    return caso


def _g_cancelado(s: Session, ahora: datetime, yo: Actor, _ana: int) -> Caso:
    caso = _nuevo(
        s,
        ahora - timedelta(days=6),
        "consulta_general",
        "Laura Díaz",
        "Solicitud duplicada por error.",
    )
    aplicar_accion(
        s,
        caso,
        Accion.CANCELAR,
        yo,
        ahora - timedelta(days=5, hours=22),
        nota="Duplicada del folio anterior de la misma persona.",
    )
    return caso


def _g_vencido(s: Session, ahora: datetime, _yo: Actor, _ana: int) -> Caso:
    return _nuevo(
        s,
        ahora - timedelta(days=15),
        "consulta_general",
        "Alberto Ríos",
        "¿Cuál es el horario de la oficina de Av. 5 de Febrero?",
    )


def _g_reporte(s: Session, ahora: datetime, _yo: Actor, _ana: int) -> Caso:
    return _nuevo(
        s,
        ahora - timedelta(minutes=50),
        "reporte_servicio",
        "Sofía Navarro",
        "Fuga en la banqueta frente al número 24.",
        direccion="Calle Hidalgo 24, Centro",
        colonia="Centro",
    )


def _g_turnado(s: Session, ahora: datetime, yo: Actor, _ana: int) -> Caso:
    caso = _nuevo(
        s,
        ahora - timedelta(days=1, hours=3),
        "altos_consumos",
        "Héctor Luna",
        "Creo que el medidor está mal leído.",
        contrato="102210",
    )
    medicion = s.scalar(select(Area).where(Area.clave == "medicion"))
    assert medicion is not None
    turnar(
        s,
        caso,
        medicion.id,
        "Requiere verificar la lectura en campo.",
        yo,
        ahora - timedelta(hours=20),
    )
    return caso


GUIONES: tuple[Guion, ...] = (
    _g_nuevo,
    _g_asignado,
    _g_en_proceso,
    _g_en_espera,
    _g_resuelto,
    _g_cerrado,
    _g_cancelado,
    _g_vencido,
    _g_reporte,
    _g_turnado,
)
