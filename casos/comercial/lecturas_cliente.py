"""*Compártenos tu lectura*: a customer shares the reading of their meter, with a photo if
they like. It is stored as a customer reading (origen cliente, tipo real) and filed as a case
for the meter-reading area, which checks it before the next bill.

Rules:
- a whole number of m³ (the black digits), dated today or up to DIAS_MAXIMOS days back, never
  before the newest reading on record (the chain of consumptions would break);
- lower than the previous reading, or implying more than FACTOR_INVEROSIMIL × the highest
  monthly consumption of the last year and more than M3_INVEROSIMIL m³, is not refused but
  must be confirmed (a dial that turned over, a replaced meter, a real leak);
- a second reading of the same contract the same day replaces the first (a typo fixed) and
  files its own case, whose description names the folio it replaces;
- a contract without a meter (fixed quota, e.g. colonias where no meters are installed)
  has no dial to read and its bill does not depend on one: it cannot share a reading.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.adjuntos import Adjunto, ArchivoLimpio, ArchivoRecibido, guardar_adjunto, limpiar_archivo
from casos.comercial.consumos import contrato_de_cuenta
from casos.comercial.modelos import Contrato, Lectura, OrigenLectura, TipoLectura
from casos.cuentas.modelos import Cuenta, CuentaContrato
from casos.errores import DatosInvalidos, NoEncontrado
from casos.modelos import Caso
from casos.registro import DatosCaso, registrar_caso
from casos.sla import ZONA_CEA

TIPO_CASO = "compartenos_lectura"
DIAS_MAXIMOS = 60  # an older reading no longer helps the next bill
FACTOR_INVEROSIMIL = 3
M3_INVEROSIMIL = 50
DIGITOS_MAXIMOS = 9
LECTURAS_PREVIAS = 15  # a year of monthly readings and a few of the customer's own
SIN_MEDIDOR = (
    "Este contrato no tiene medidor: se factura con cuota fija, así que no hay lectura que "
    "compartir ni cambiaría su recibo. Si ya le instalaron un medidor, háganoslo saber con "
    "una Consulta general."
)


class LecturaPorConfirmar(DatosInvalidos):
    """The reading looks wrong (lower than the last one, or far too high): the customer must
    tick "Confirmo que la lectura es correcta" and send it again."""

    def __init__(self, motivo: str, razon: str) -> None:
        super().__init__("Revise la lectura y confírmela si es correcta.", {"valor": razon})
        self.motivo = motivo  # "menor" or "alta"


@dataclass(frozen=True)
class LecturaCompartida:
    """What filing a reading produced (or, for a repeated submission, had produced)."""

    caso: Caso
    lectura: Lectura | None  # None only when a later reading of that day replaced it
    foto: Adjunto | None = None
    sustituye: str | None = None  # folio of the same-day reading it replaced
    es_repetido: bool = False


def compartir_lectura(
    sesion: Session,
    cuenta: Cuenta,
    contrato_id: int,
    valor: str | int | None,
    fecha: date | None,
    foto: ArchivoRecibido | None,
    confirmado: bool,
    carpeta: Path,
    actor: Actor,
    ahora: datetime,
    *,
    clave_envio: str | None = None,
) -> LecturaCompartida:
    """Validate the reading, file the case, store the reading and the photo (flushed)."""
    repetido = _ya_compartida(sesion, cuenta, clave_envio)
    if repetido is not None:
        return repetido
    contrato = _contrato_con_medidor(sesion, cuenta, contrato_id)
    numero, limpia = _validar_datos(valor, fecha, foto, ahora.astimezone(ZONA_CEA).date())
    assert fecha is not None
    recientes = _lecturas_recientes(sesion, contrato.id)
    mismo_dia = next((x for x in recientes if _es_del_cliente(x, fecha)), None)
    previas = [x for x in recientes if x is not mismo_dia]
    consumo = _validar_contra_previas(numero, fecha, previas, confirmado)
    sustituye = _folio(sesion, mismo_dia.caso_id) if mismo_dia else None
    datos = _datos_caso(cuenta, contrato, numero, fecha, consumo, previas, limpia, sustituye)
    caso = registrar_caso(sesion, replace(datos, clave_envio=clave_envio), actor, ahora)
    ganadora = sesion.scalar(select(Lectura).where(Lectura.caso_id == caso.id))
    if ganadora is not None:
        # The same form, submitted twice at once, lost the race in registrar_caso (PostgreSQL).
        return LecturaCompartida(caso, ganadora, es_repetido=True)
    lectura = _guardar_lectura(sesion, contrato.id, numero, fecha, consumo, caso, ahora)
    adjunto = guardar_adjunto(sesion, carpeta, caso.id, limpia, ahora) if limpia else None
    return LecturaCompartida(caso, lectura, adjunto, sustituye)


def _contrato_con_medidor(sesion: Session, cuenta: Cuenta, contrato_id: int) -> Contrato:
    encontrado = contrato_de_cuenta(sesion, cuenta.id, contrato_id)
    if encontrado is None:
        raise NoEncontrado("Ese contrato no está vinculado a su cuenta.")
    if not encontrado[0].numero_medidor:
        raise DatosInvalidos(SIN_MEDIDOR)
    return encontrado[0]


def _ya_compartida(sesion: Session, cuenta: Cuenta, clave: str | None) -> LecturaCompartida | None:
    """A second submission of the same form: what the first one filed, nothing new."""
    if not clave:
        return None
    caso = sesion.scalar(select(Caso).where(Caso.clave_envio == clave))
    if caso is None:
        return None
    if caso.cuenta_id != cuenta.id or caso.tipo.clave != TIPO_CASO:
        raise DatosInvalidos(
            "El formulario no es válido; recargue la página.",
            {"clave_envio": "Clave de envío no válida."},
        )
    lectura = sesion.scalar(select(Lectura).where(Lectura.caso_id == caso.id))
    return LecturaCompartida(caso, lectura, es_repetido=True)


def _validar_datos(
    valor: str | int | None, fecha: date | None, foto: ArchivoRecibido | None, hoy: date
) -> tuple[int, ArchivoLimpio | None]:
    """Every field's own checks at once, so the customer fixes them in one go."""
    errores: dict[str, str] = {}
    numero = _numero(valor, errores)
    razon_fecha = _razon_fecha(fecha, hoy)
    if razon_fecha:
        errores["fecha"] = razon_fecha
    limpia = None
    if foto is not None:
        try:
            limpia = limpiar_archivo(foto, solo_imagenes=True, campo="foto")
        except DatosInvalidos as error:
            errores.update(error.campos)
    if errores or numero is None:
        raise DatosInvalidos("Revise los datos marcados.", errores)
    return numero, limpia


def _numero(valor: str | int | None, errores: dict[str, str]) -> int | None:
    texto = str(valor if valor is not None else "").replace(" ", "").replace("\x00", "")
    if not texto:
        errores["valor"] = "Escriba la lectura de su medidor."
    elif not texto.isascii() or not texto.isdigit():
        errores["valor"] = (
            "Escriba solo los números negros del medidor (metros cúbicos), sin puntos, comas "
            "ni letras."
        )
    elif len(texto) > DIGITOS_MAXIMOS:
        errores["valor"] = f"La lectura tiene más de {DIGITOS_MAXIMOS} dígitos; revísela."
    else:
        return int(texto)
    return None


def _razon_fecha(fecha: date | None, hoy: date) -> str | None:
    if fecha is None:
        return "Indique la fecha en que leyó el medidor."
    if fecha > hoy:
        return "La fecha no puede ser posterior a hoy."
    if fecha < hoy - timedelta(days=DIAS_MAXIMOS):
        return (
            f"Recibimos lecturas de los últimos {DIAS_MAXIMOS} días; lea el medidor de nuevo "
            "y envíe la lectura de hoy."
        )
    return None


def _lecturas_recientes(sesion: Session, contrato_id: int) -> list[Lectura]:
    """Newest first, through UNIQUE(contrato_id, fecha, origen)."""
    consulta = (
        select(Lectura)
        .where(Lectura.contrato_id == contrato_id)
        .order_by(Lectura.fecha.desc(), Lectura.origen.desc())
        .limit(LECTURAS_PREVIAS)
    )
    return list(sesion.scalars(consulta))


def _es_del_cliente(lectura: Lectura, fecha: date) -> bool:
    return lectura.fecha == fecha and lectura.origen is OrigenLectura.CLIENTE


def _validar_contra_previas(
    numero: int, fecha: date, previas: list[Lectura], confirmado: bool
) -> int | None:
    """The m³ since the previous reading (None when there is none or the dial went back)."""
    if not previas:
        return None
    anterior = previas[0]
    if fecha < anterior.fecha:
        raise DatosInvalidos(
            "Revise la fecha.",
            {
                "fecha": f"Su última lectura registrada es del {anterior.fecha:%d/%m/%Y}; "
                "la fecha debe ser esa o posterior."
            },
        )
    descripcion = _describir(anterior)
    if numero < anterior.valor:
        if not confirmado:
            raise LecturaPorConfirmar(
                "menor",
                f"Es menor que la lectura anterior ({descripcion}). Revise que copió todos "
                "los números negros, de izquierda a derecha.",
            )
        return None
    consumo = numero - anterior.valor
    maximo = _maximo_del_anio(previas, fecha)
    if consumo > max(FACTOR_INVEROSIMIL * maximo, M3_INVEROSIMIL) and not confirmado:
        raise LecturaPorConfirmar(
            "alta",
            f"Indica un consumo de {consumo:,} m³ desde la lectura anterior ({descripcion}), "
            f"muy por encima de su mayor consumo del último año ({maximo:,} m³). Revise la "
            "lectura; si es correcta, puede haber una fuga.",
        )
    return consumo


def _describir(lectura: Lectura) -> str:
    estimada = ", estimada" if lectura.tipo is TipoLectura.ESTIMADA else ""
    return f"{lectura.valor:,} del {lectura.fecha:%d/%m/%Y}{estimada}"


def _maximo_del_anio(previas: list[Lectura], fecha: date) -> int:
    desde = fecha - timedelta(days=365)
    consumos = [x.consumo for x in previas if x.fecha >= desde and x.consumo is not None]
    return max(consumos, default=0)


def _folio(sesion: Session, caso_id: int | None) -> str | None:
    if caso_id is None:
        return None
    return sesion.scalar(select(Caso.folio).where(Caso.id == caso_id))


def _datos_caso(
    cuenta: Cuenta,
    contrato: Contrato,
    numero: int,
    fecha: date,
    consumo: int | None,
    previas: list[Lectura],
    foto: ArchivoLimpio | None,
    sustituye: str | None,
) -> DatosCaso:
    partes = [f"Lectura compartida en Mis Consumos: {numero:,} m³ el {fecha:%d/%m/%Y}."]
    if previas:
        partes.append(f"Lectura anterior: {_describir(previas[0])}.")
    if consumo is not None:
        partes.append(f"Consumo desde entonces: {consumo:,} m³.")
    elif previas:
        partes.append("Es menor que la anterior; el cliente confirmó que es correcta.")
    partes.append("Con foto del medidor." if foto else "Sin foto del medidor.")
    if sustituye:
        partes.append(f"Sustituye la lectura del mismo día enviada con el folio {sustituye}.")
    return DatosCaso(
        tipo=TIPO_CASO,
        descripcion=" ".join(partes),
        solicitante_nombre=contrato.titular,
        solicitante_email=cuenta.email,
        contrato=contrato.numero,
        colonia=contrato.colonia,
        uso_contrato=contrato.uso.value,
        campos={"lectura": str(numero), "fecha_lectura": fecha.isoformat()},
        cuenta_id=cuenta.id,
    )


def _guardar_lectura(
    sesion: Session,
    contrato_id: int,
    numero: int,
    fecha: date,
    consumo: int | None,
    caso: Caso,
    ahora: datetime,
) -> Lectura:
    """Insert the customer's reading of that day, or replace the one already there."""
    for _intento in range(2):
        lectura = sesion.scalar(
            select(Lectura).where(
                Lectura.contrato_id == contrato_id,
                Lectura.fecha == fecha,
                Lectura.origen == OrigenLectura.CLIENTE,
            )
        ) or Lectura(contrato_id=contrato_id, fecha=fecha, origen=OrigenLectura.CLIENTE)
        lectura.valor, lectura.consumo, lectura.tipo = numero, consumo, TipoLectura.REAL
        lectura.registrada_en, lectura.caso_id = ahora, caso.id
        try:
            with sesion.begin_nested():
                sesion.add(lectura)
                sesion.flush()
            return lectura
        except IntegrityError:
            # Another submission of that day won the race (PostgreSQL): replace it instead.
            continue
    raise DatosInvalidos("No pudimos guardar la lectura; intente de nuevo.")


def foto_de_lectura(
    sesion: Session, cuenta_id: int, contrato_id: int, lectura_id: int
) -> Adjunto | None:
    """The meter photo of a reading this account shared, on a contract linked to it."""
    consulta = (
        select(Adjunto)
        .join(Lectura, Lectura.caso_id == Adjunto.caso_id)
        .join(Caso, Caso.id == Lectura.caso_id)
        .join(CuentaContrato, CuentaContrato.contrato_id == Lectura.contrato_id)
        .where(
            Lectura.id == lectura_id,
            Lectura.contrato_id == contrato_id,
            Lectura.origen == OrigenLectura.CLIENTE,
            CuentaContrato.cuenta_id == cuenta_id,
            Caso.cuenta_id == cuenta_id,
            Adjunto.tipo_mime.like("image/%"),
        )
        .order_by(Adjunto.id)
        .limit(1)
    )
    return sesion.scalar(consulta)
