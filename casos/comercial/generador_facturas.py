"""The generator's hot path: one batch of contracts with their bills, readings and payments.

Everything here produces plain tuples in the column order of generador_escritura.COLUMNAS:
money in whole centavos, dates as ISO strings, instants in the dialect's text form. A batch
depends only on its `Contexto` and `Tarea` (the random generator is seeded from the run's seed
and the batch's first contract number), so batches can be produced in worker processes, in any
order, and still give the same data for the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from casos.comercial.cfdi import DatosCfdi, xml_cfdi
from casos.comercial.generador_contratos import (
    ADEUDO_ANTIGUO,
    CANALES,
    CUMPLIDO,
    RUTAS,
    FichaContrato,
    Reservas,
    nuevo_contrato,
)
from casos.comercial.generador_tarifas import (
    RECARGO_MENSUAL_DIEZMILESIMOS,
    TARIFAS,
    TOPE_TABLA,
    conceptos_de,
    tabla,
)

PLAZO_DIAS = 20  # due date: 20 days after the bill is issued
P_ESTIMADA = 0.08
P_LECTURA_CLIENTE = 0.03  # real readings reported by the customer (origen "cliente")
P_ABONO = 0.3  # debtors who paid part of their first unpaid bill
# January–December shape of Querétaro's demand: hot, dry spring; mild rainy summer; cool winter.
ESTACION = (0.88, 0.90, 1.00, 1.14, 1.20, 1.12, 1.02, 1.00, 0.98, 0.96, 0.92, 0.88)
# Days from issue to payment: 94 % within the due period, 6 % late (21 to 45 days).
RETRASOS = tuple([*range(1, 14)] * 16 + [*range(14, 20)] * 32 + [*range(21, 46)])
PREFIJOS_PAGO = ("VEN", "BAN", "TDA", "DOM", "WEB")
_DOMICILIACION = CANALES.index("domiciliacion")
_BITS_LIBRES_UUID = 122  # a version-4 UUID fixes 4 version bits and 2 variant bits
_VERSION_UUID = 0x00000000_0000_4000_8000_000000000000
_BAJOS_62 = (1 << 62) - 1
NUNCA = 10**9


@dataclass(frozen=True)
class Mes:
    """One billed month: its period and, per route, issue day, reading day and reading instant."""

    periodo: date
    periodo_iso: str
    factor: float
    emision: tuple[int, ...]  # ordinals, capped at `hoy`
    lectura: tuple[str, ...]
    registrada: tuple[str, ...]


@dataclass(frozen=True)
class Contexto:
    """What every batch of a run shares (pickled once per batch for worker processes)."""

    semilla: int
    hoy: int  # ordinal
    meses: tuple[Mes, ...]
    reservas: Reservas
    con_xml: bool
    instante: str  # actualizado_en of every generated row
    fechas: dict[int, str]  # ordinal -> ISO date, from the first issue to hoy + PLAZO_DIAS
    instantes_pago: dict[int, str]  # ordinal -> registrado_en of a payment made that day
    primera_factura: int  # first bill id of the run
    ancho_uuid: int  # the UUID space divided by the run's bills (see uuid_estratificado)


@dataclass(frozen=True)
class Tarea:
    """One batch: `cantidad` contracts from `numero`, with ids reserved from the given ones."""

    numero: int
    contrato_id: int
    factura_id: int  # contract k of the batch uses ids factura_id + k * len(meses) + month
    cantidad: int


@dataclass
class Bloque:
    """The rows of one batch, table by table."""

    contratos: list[tuple[object, ...]] = field(default_factory=list)
    facturas: list[tuple[object, ...]] = field(default_factory=list)
    lecturas: list[tuple[object, ...]] = field(default_factory=list)
    pagos: list[tuple[object, ...]] = field(default_factory=list)
    cfdis: list[tuple[object, ...]] = field(default_factory=list)


def texto_instante(dia: date, hora_utc: int, dialecto: str) -> str:
    """An instant as the column stores it: naive UTC on SQLite, with offset on PostgreSQL."""
    if dialecto == "sqlite":
        return f"{dia.isoformat()} {hora_utc:02d}:00:00.000000"
    return f"{dia.isoformat()} {hora_utc:02d}:00:00+00"


def calendario(hoy: date, meses: int, dialecto: str) -> tuple[Mes, ...]:
    """The billed months, oldest first, ending with the last complete month before `hoy`."""
    ultimo = hoy.replace(day=1) - timedelta(days=1)
    indice = ultimo.year * 12 + ultimo.month - 1 - meses + 1
    lista = []
    for k in range(indice, indice + meses):
        anio, mes = divmod(k, 12)
        periodo = date(anio, mes + 1, 1)
        anio_sig, mes_sig = divmod(k + 1, 12)
        siguiente = date(anio_sig, mes_sig + 1, 1)
        emision = tuple(min(siguiente.replace(day=3 + r), hoy).toordinal() for r in range(RUTAS))
        dias_lectura = [periodo.replace(day=21 + r) for r in range(RUTAS)]
        lista.append(
            Mes(
                periodo=periodo,
                periodo_iso=periodo.isoformat(),
                factor=ESTACION[mes],
                emision=emision,
                lectura=tuple(d.isoformat() for d in dias_lectura),
                registrada=tuple(texto_instante(d, 17, dialecto) for d in dias_lectura),
            )
        )
    return tuple(lista)


def estratos_uuid(facturas: int) -> int:
    """Width of each bill's slice of the UUID space in a run of `facturas` bills."""
    return (1 << _BITS_LIBRES_UUID) // max(facturas, 1)


def uuid_estratificado(indice: int, ancho: int, azar: Random) -> str:
    """A random version-4 UUID drawn inside slice `indice`: UUIDs grow with the bill id.

    Still 122 random-looking bits spread over the whole space, but in the order the bills are
    inserted, so the unique index on uuid_cfdi is appended to instead of written at random
    (random UUIDs made every batch dirty most of the index's pages: measured, see bench).
    """
    valor = indice * ancho + azar.getrandbits(ancho.bit_length() - 1)
    crudo = (valor >> 74 << 80) | ((valor >> 62) & 0xFFF) << 64 | (valor & _BAJOS_62)
    h = "%032X" % (crudo | _VERSION_UUID)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def generar_bloque(ctx: Contexto, tarea: Tarea) -> Bloque:
    """Generate one batch of contracts and everything they were billed and paid."""
    azar = Random(f"{ctx.semilla}:{tarea.numero}")
    bloque = Bloque()
    meses = len(ctx.meses)
    for k in range(tarea.cantidad):
        fila, ficha = nuevo_contrato(
            azar,
            ctx.reservas,
            tarea.contrato_id + k,
            tarea.numero + k,
            meses,
            ctx.instante,
            ctx.con_xml,
        )
        bloque.contratos.append(fila)
        _facturar(ctx, azar, ficha, tarea.factura_id + k * meses, bloque)
    return bloque


def _facturar(ctx: Contexto, azar: Random, c: FichaContrato, primer_id: int, b: Bloque) -> None:
    """Bills, readings and payments of one contract.

    One long loop on purpose: it runs 18 million times in the benchmark, so lookups are bound
    to locals and money comes from the precomputed tariff table.
    """
    t = tabla(c.tarifa)
    agua_t, alc_t, san_t, iva_t = t.agua, t.alcantarillado, t.saneamiento, t.iva
    aleatorio = azar.random
    fechas, hoy, ruta, cid, instante = ctx.fechas, ctx.hoy, c.ruta, c.id, ctx.instante
    m3_fijo = TARIFAS[c.tarifa].m3_cuota_fija or 0
    dial = real = c.lectura_inicial
    recientes: list[int] = []
    abiertas: list[tuple[int, int, int]] = []  # (due, paid on, amount) of late or unpaid bills
    for i in range(c.facturas):
        mes = ctx.meses[i]
        emision = mes.emision[ruta]
        vence = emision + PLAZO_DIAS
        fid = primer_id + i
        if c.con_medidor:
            real += int(c.base_m3 * mes.factor * (0.8 + 0.4 * aleatorio()) + 0.5)
            if recientes and aleatorio() < P_ESTIMADA:
                m3, tipo = min(sum(recientes) // len(recientes), real - dial), "estimada"
            else:
                m3, tipo = real - dial, "real"
            anterior, dial = dial, dial + m3
            origen = "cliente" if tipo == "real" and aleatorio() < P_LECTURA_CLIENTE else "cea"
            b.lecturas.append(
                (cid, mes.lectura[ruta], dial, m3, tipo, origen, mes.registrada[ruta])
            )
            recientes.append(m3)
            if len(recientes) > 3:
                del recientes[0]
            actual: int | None = dial
        else:
            m3, tipo, anterior, actual = m3_fijo, "estimada", None, None
        if m3 < TOPE_TABLA:
            agua, alc, san, iva = agua_t[m3], alc_t[m3], san_t[m3], iva_t[m3]
        else:
            agua, alc, san, iva = conceptos_de(t.tarifa, m3)
        recargos = 0
        if abiertas:
            abiertas = [a for a in abiertas if a[1] > emision]
            vencido = sum(a[2] for a in abiertas if a[0] < emision)
            recargos = (vencido * RECARGO_MENSUAL_DIEZMILESIMOS + 5000) // 10000
        total = agua + alc + san + recargos + iva
        saldo = 0
        if i < c.corte:
            x = aleatorio()
            canal = c.canal if x < 0.85 else int((x - 0.85) / 0.15 * 5)
            retraso = RETRASOS[int(aleatorio() * len(RETRASOS))]
            if canal == _DOMICILIACION:
                retraso = PLAZO_DIAS - 1
            pagado = emision + retraso
            if pagado > hoy:
                saldo, pagado = total, NUNCA
            else:
                referencia = f"{PREFIJOS_PAGO[canal]}{fid:012d}"
                pago = (cid, fid, fechas[pagado], total, CANALES[canal], referencia)
                b.pagos.append((*pago, ctx.instantes_pago[pagado]))
        else:
            saldo, pagado = total, NUNCA
            if i == c.corte and c.perfil != CUMPLIDO and aleatorio() < P_ABONO:
                saldo = _abonar(ctx, azar, c, fid, emision, total, b)
        estatus = "pagada" if not saldo else ("vencida" if hoy > vence else "pendiente")
        if pagado > vence:
            abiertas.append((vence, pagado, saldo or total))
        uuid = uuid_estratificado(fid - ctx.primera_factura, ctx.ancho_uuid, azar)
        b.facturas.append(
            (fid, cid, mes.periodo_iso, fechas[emision], fechas[vence], anterior, actual, m3,
             tipo, agua, alc, san, recargos, 0, iva, total, saldo, estatus, uuid, instante)
        )  # fmt: skip
        if ctx.con_xml:
            b.cfdis.append(
                (fid, _xml(c, mes, fid, uuid, emision, m3, agua, alc, san, recargos, iva))
            )


def _abonar(
    ctx: Contexto, azar: Random, c: FichaContrato, fid: int, emision: int, total: int, b: Bloque
) -> int:
    """A partial payment on a debtor's first unpaid bill; returns what is still owed."""
    pagado = emision + azar.randint(5, 15)
    if pagado > ctx.hoy:
        return total
    importe = total * azar.randint(20, 80) // 100
    if importe <= 0:
        return total
    canal = 0 if c.perfil == ADEUDO_ANTIGUO else c.canal
    referencia = f"{PREFIJOS_PAGO[canal]}{fid:012d}"
    pago = (c.id, fid, ctx.fechas[pagado], importe, CANALES[canal], referencia)
    b.pagos.append((*pago, ctx.instantes_pago[pagado]))
    return total - importe


def _xml(
    c: FichaContrato, mes: Mes, fid: int, uuid: str, emision: int, m3: int, *importes: int
) -> str:
    """The demo CFDI of a generated bill."""
    agua, alc, san, recargos, iva = importes
    assert c.receptor is not None
    return xml_cfdi(
        DatosCfdi(
            folio=str(fid),
            uuid=uuid,
            emitida_el=date.fromordinal(emision),
            periodo=mes.periodo,
            referencia=c.numero,
            m3=m3,
            causa_iva=not c.domestico,
            agua=agua,
            alcantarillado=alc,
            saneamiento=san,
            recargos=recargos,
            otros=0,
            iva=iva,
            receptor=c.receptor,
        )
    )
