"""The demo data generator: volumes, variety, consistency, determinism, re-runs, examples."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from casos.comercial.generador import (
    NUMERO_INICIAL,
    ResumenGeneracion,
    contratos_de_ejemplo,
    generar,
)
from casos.comercial.generador_tarifas import TARIFAS, agua_de, conceptos_de, recargo_de
from casos.comercial.modelos import (
    CfdiFactura,
    Contrato,
    EstatusContrato,
    EstatusFactura,
    Factura,
    Lectura,
    Pago,
    TipoLectura,
    TipoPersona,
    UsoContrato,
)
from casos.cuentas.modelos import TipoCuenta
from casos.cuentas.verificacion import PruebaContrato, verificar_contrato
from tests.casos.cuentas import fabricas_cuenta
from tests.conftest import preparar_esquema

HOY = date(2026, 11, 24)
N = 200
MESES = 36


@dataclass
class Generado:
    motor: Engine
    resumen: ResumenGeneracion


@pytest.fixture(scope="module")
def generado(nueva_bd: Callable[[str], str]) -> Iterator[Generado]:
    """One run of 200 contracts with XML into a fresh database, shared by this module."""
    motor = preparar_esquema(nueva_bd("generador"))
    avances: list[int] = []
    resumen = generar(motor, contratos=N, hoy=HOY, progreso=avances.append, procesos=0)
    assert sum(avances) == N
    yield Generado(motor, resumen)
    motor.dispose()


@pytest.fixture
def bd(generado: Generado) -> Iterator[Session]:
    """A session on the generated database whose changes are rolled back."""
    with generado.motor.connect() as conexion:
        transaccion = conexion.begin()
        sesion = Session(bind=conexion, join_transaction_mode="create_savepoint")
        try:
            yield sesion
        finally:
            sesion.close()
            transaccion.rollback()


def _todas(sesion: Session) -> tuple[list[Contrato], dict[int, list[Factura]]]:
    contratos = list(sesion.scalars(select(Contrato).order_by(Contrato.id)))
    facturas: dict[int, list[Factura]] = defaultdict(list)
    for f in sesion.scalars(select(Factura).order_by(Factura.contrato_id, Factura.periodo)):
        facturas[f.contrato_id].append(f)
    return contratos, facturas


def test_volumen_y_resumen(generado: Generado, bd: Session) -> None:
    r = generado.resumen
    contratos, facturas = _todas(bd)
    assert len(contratos) == r.contratos == N
    for c in contratos:
        esperado = MESES if c.estatus is not EstatusContrato.BAJA else len(facturas[c.id])
        assert len(facturas[c.id]) == esperado, c.numero
        assert len(facturas[c.id]) >= 6
    assert sum(len(v) for v in facturas.values()) == r.facturas
    assert bd.scalar(select(func.count()).select_from(Lectura)) == r.lecturas
    assert bd.scalar(select(func.count()).select_from(Pago)) == r.pagos
    assert bd.scalar(select(func.count()).select_from(CfdiFactura)) == r.cfdis == r.facturas
    assert r.filas_por_segundo > 0 and r.bytes_xml > 2000 * r.cfdis
    assert (r.primer_numero, r.ultimo_numero) == (f"{NUMERO_INICIAL:010d}", "0100000200")
    assert all(len(c.numero) == 10 and c.numero.isdigit() for c in contratos)


def test_periodos_y_fechas(bd: Session) -> None:
    _, facturas = _todas(bd)
    primero = next(iter(facturas.values()))
    assert primero[0].periodo == date(2023, 11, 1)
    assert primero[-1].periodo == date(2026, 10, 1)
    for lista in facturas.values():
        for f in lista:
            siguiente = (f.periodo + timedelta(days=32)).replace(day=1)
            assert siguiente < f.emitida_el <= siguiente + timedelta(days=7) and f.emitida_el <= HOY
            assert f.vence_el == f.emitida_el + timedelta(days=20)
            assert f.uuid_cfdi and len(f.uuid_cfdi) == 36 and f.uuid_cfdi[14] == "4"


def test_conceptos_suman_y_estatus_coherente(bd: Session) -> None:
    contratos, facturas = _todas(bd)
    for c in contratos:
        tarifa = TARIFAS[c.tarifa]
        assert tarifa.uso is c.uso
        for f in facturas[c.id]:
            conceptos = (f.agua, f.alcantarillado, f.saneamiento, f.recargos, f.otros, f.iva)
            assert sum(conceptos) == f.total > 0
            centavos = conceptos_de(tarifa, f.m3)
            assert [int(x * 100) for x in conceptos[:3]] + [int(f.iva * 100)] == list(centavos)
            assert (f.iva > 0) is (c.uso is not UsoContrato.DOMESTICO)
            assert 0 <= f.saldo <= f.total
            assert f.estatus is f.estatus_al(HOY)
    assert agua_de(TARIFAS["DOM-M"], 25) == 9850 + 10 * 1240 + 5 * 1580


def test_integridad_referencial(generado: Generado) -> None:
    with generado.motor.connect() as conexion:
        if generado.motor.dialect.name == "sqlite":
            assert conexion.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        huerfanos = conexion.scalar(
            text(
                "SELECT count(*) FROM pagos p JOIN facturas f ON f.id = p.factura_id "
                "WHERE f.contrato_id <> p.contrato_id"
            )
        )
        assert huerfanos == 0


def test_pagos_de_cada_factura(bd: Session) -> None:
    pagos: dict[int, list[Pago]] = defaultdict(list)
    for p in bd.scalars(select(Pago)):
        pagos[p.factura_id or 0].append(p)
    assert 0 not in pagos
    _, facturas = _todas(bd)
    abonos = 0
    for f in (f for lista in facturas.values() for f in lista):
        recibidos = pagos.get(f.id, [])
        assert len(recibidos) <= 1
        if f.estatus is EstatusFactura.PAGADA:
            assert len(recibidos) == 1 and recibidos[0].importe == f.total
        elif recibidos:
            abonos += 1
            assert recibidos[0].importe + f.saldo == f.total
        for p in recibidos:
            assert f.emitida_el < p.fecha <= HOY
            assert p.canal in {"ventanilla", "banco", "tienda", "domiciliacion", "en_linea"}
    assert abonos > 0
    canales = Counter(p.canal for lista in pagos.values() for p in lista)
    assert len(canales) == 5


def test_recargos_sobre_lo_vencido_sin_pagar(bd: Session) -> None:
    pagado_el = {p.factura_id: p.fecha for p in bd.scalars(select(Pago))}
    _, facturas = _todas(bd)
    con_recargos = 0
    for lista in facturas.values():
        for i, f in enumerate(lista):
            vencido = (
                sum(
                    int(a.total * 100)
                    for a in lista[:i]
                    if a.vence_el < f.emitida_el
                    and (a.saldo > 0 or pagado_el[a.id] > f.emitida_el)
                    and not (0 < a.saldo < a.total)  # a part-paid bill bears on its balance
                )
                + sum(int(a.saldo * 100) for a in lista[:i] if 0 < a.saldo < a.total)
            )
            assert int(f.recargos * 100) == recargo_de(vencido), (f.contrato_id, f.periodo)
            con_recargos += f.recargos > 0
    assert con_recargos > 0


def test_lecturas_de_los_contratos_con_medidor(bd: Session) -> None:
    contratos, facturas = _todas(bd)
    lecturas: dict[int, list[Lectura]] = defaultdict(list)
    for lectura in bd.scalars(select(Lectura).order_by(Lectura.contrato_id, Lectura.fecha)):
        lecturas[lectura.contrato_id].append(lectura)
    for c in contratos:
        if c.numero_medidor is None:
            assert c.tarifa.endswith("-CF") and not lecturas[c.id]
            assert all(f.tipo_lectura is TipoLectura.ESTIMADA for f in facturas[c.id])
            assert all(f.lectura_actual is None and f.m3 > 0 for f in facturas[c.id])
            continue
        assert c.tarifa.endswith("-M") and len(lecturas[c.id]) == len(facturas[c.id])
        anterior = facturas[c.id][0].lectura_anterior
        for f, lectura in zip(facturas[c.id], lecturas[c.id], strict=True):
            assert f.lectura_anterior == anterior
            assert (lectura.valor, lectura.consumo, lectura.tipo) == (
                f.lectura_actual,
                f.m3,
                f.tipo_lectura,
            )
            assert f.lectura_actual == anterior + f.m3
            assert lectura.fecha.month == f.periodo.month
            anterior = f.lectura_actual


def test_variedad_de_casos(bd: Session) -> None:
    contratos, facturas = _todas(bd)
    fisicas = [c for c in contratos if c.tipo_persona is TipoPersona.FISICA]
    assert any(c.apellido_materno is None for c in fisicas)
    assert all(c.nombre and c.apellido_paterno for c in fisicas)
    empresas = [c for c in contratos if c.tipo_persona is TipoPersona.MORAL]
    assert empresas and all(c.razon_social for c in empresas)
    assert {c.uso for c in contratos} >= {UsoContrato.DOMESTICO, UsoContrato.COMERCIAL}
    sin_medidor = [c for c in contratos if c.numero_medidor is None]
    assert sin_medidor
    assert {c.colonia for c in sin_medidor} <= {"Santa María Magdalena", "San Pedro Mártir"}
    estimadas = sum(
        f.tipo_lectura is TipoLectura.ESTIMADA
        for c in contratos
        if c.numero_medidor
        for f in facturas[c.id]
    )
    assert 0.04 < estimadas / sum(len(facturas[c.id]) for c in contratos if c.numero_medidor) < 0.12
    limite = HOY - timedelta(days=183)
    todas = [f for lista in facturas.values() for f in lista]
    antiguos = {f.contrato_id for f in todas if f.saldo and f.vence_el < limite}
    recientes = {f.contrato_id for f in todas if f.saldo} - antiguos
    assert antiguos and len(recientes) > len(antiguos)
    assert any(f.recargos > 0 for f in todas)
    assert Counter(c.estatus for c in contratos)[EstatusContrato.ACTIVO] > 0.9 * N


def test_consumo_estacional(bd: Session) -> None:
    mensual: dict[int, list[int]] = defaultdict(list)
    consulta = select(Factura.periodo, Factura.m3).where(Factura.tipo_lectura == TipoLectura.REAL)
    for periodo, m3 in bd.execute(consulta):
        mensual[periodo.month].append(m3)

    def media(meses: tuple[int, ...]) -> float:
        valores = [m for mes in meses for m in mensual[mes]]
        return sum(valores) / len(valores)

    assert media((4, 5, 6)) > 1.15 * media((12, 1, 2))


def _volcado(motor: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every generated row, table by table, in a stable order."""
    ordenes = {
        "contratos": "id",
        "facturas": "id",
        "lecturas": "contrato_id, fecha, origen",
        "pagos": "canal, referencia",
        "cfdis": "factura_id",
    }
    with motor.connect() as conexion:
        return {
            tabla: [
                tuple(fila)[1:] if tabla in ("lecturas", "pagos") else tuple(fila)
                for fila in conexion.execute(text(f"SELECT * FROM {tabla} ORDER BY {orden}"))
            ]
            for tabla, orden in ordenes.items()
        }


@pytest.fixture(scope="module")
def base_pequena(nueva_bd: Callable[[str], str]) -> Iterator[Engine]:
    """25 contracts without XML in a fresh database (the reference for determinism)."""
    motor = preparar_esquema(nueva_bd("generador_25"))
    generar(motor, contratos=25, hoy=HOY, con_xml=False, procesos=0)
    yield motor
    motor.dispose()


def test_determinista_y_sin_xml(base_pequena: Engine, nueva_bd: Callable[[str], str]) -> None:
    otro = preparar_esquema(nueva_bd("generador_25b"))
    try:
        generar(otro, contratos=25, hoy=HOY, con_xml=False, procesos=0)
        referencia = _volcado(base_pequena)
        assert referencia["cfdis"] == []
        assert _volcado(otro) == referencia
        distinto = preparar_esquema(nueva_bd("generador_25c"))
        generar(distinto, contratos=25, hoy=HOY, semilla=7, con_xml=False, procesos=0)
        assert _volcado(distinto)["facturas"] != referencia["facturas"]
        distinto.dispose()
    finally:
        otro.dispose()


def test_procesos_de_trabajo_dan_lo_mismo(
    base_pequena: Engine, nueva_bd: Callable[[str], str]
) -> None:
    """The benchmark's path (batches generated by a worker process) gives identical rows."""
    otro = preparar_esquema(nueva_bd("generador_procesos"))
    try:
        generar(otro, contratos=25, hoy=HOY, con_xml=False, procesos=1)
        assert _volcado(otro) == _volcado(base_pequena)
        _sin_rastros_de_la_carga(otro)
    finally:
        otro.dispose()


def _sin_rastros_de_la_carga(motor: Engine) -> None:
    """The loader's pooled connection is back to the engine's settings, nothing attached."""
    if motor.dialect.name != "sqlite":
        return
    with motor.connect() as conexion:
        dbapi = conexion.connection.driver_connection
        assert dbapi is not None
        assert dbapi.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL (casos/bd.py)
        assert dbapi.execute("PRAGMA cache_size").fetchone() == (-2000,)
        assert dbapi.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert [fila[1] for fila in dbapi.execute("PRAGMA database_list")] == ["main"]


def test_segunda_corrida_agrega_contratos(nueva_bd: Callable[[str], str]) -> None:
    motor = preparar_esquema(nueva_bd("generador_dos_veces"))
    try:
        primera = generar(motor, contratos=12, hoy=HOY, con_xml=False)
        segunda = generar(motor, contratos=8, hoy=HOY, con_xml=True)
        assert int(segunda.primer_numero) == int(primera.ultimo_numero) + 1
        propia = generar(motor, contratos=3, hoy=HOY, con_xml=False, primer_numero=5_000_000)
        assert propia.primer_numero == "0005000000"
        cuarta = generar(motor, contratos=2, hoy=HOY, con_xml=False)
        _sin_rastros_de_la_carga(motor)
        assert int(cuarta.primer_numero) == int(segunda.ultimo_numero) + 1
        with Session(motor) as sesion:
            assert sesion.scalar(select(func.count()).select_from(Contrato)) == 25
            facturas = sesion.scalar(select(func.count()).select_from(Factura))
            assert facturas == sum(r.facturas for r in (primera, segunda, propia, cuarta))
            cfdis = sesion.scalar(select(func.count()).select_from(CfdiFactura))
            assert cfdis == segunda.facturas
            # The ORM (and the import) can still insert: PostgreSQL's sequences moved past the ids.
            nuevo = fabricas_cuenta.contrato(sesion)
            fabricas_cuenta.factura(sesion, nuevo, date(2026, 10, 1), "100.00")
            assert nuevo.id > 25
            sesion.rollback()
    finally:
        motor.dispose()


def _prueba(ejemplo: object) -> PruebaContrato:
    campos = PruebaContrato.__dataclass_fields__
    return PruebaContrato(**{k: getattr(ejemplo, k) for k in campos})


def test_contratos_de_ejemplo_se_pueden_registrar(bd: Session) -> None:
    ejemplos = contratos_de_ejemplo(bd, hoy=HOY)
    casos = [e.caso for e in ejemplos]
    assert casos == [
        "Particular",
        "Particular con un solo apellido",
        "Empresa",
        "Sin medidor (cuota fija)",
        "Con adeudo de más de seis meses",
    ]
    assert ejemplos[1].apellido_materno == "" and ejemplos[1].apellido_paterno
    assert ejemplos[2].tipo is TipoCuenta.EMPRESA and ejemplos[2].nombre_empresa
    assert ejemplos[3].numero_medidor == "" and Decimal(ejemplos[3].importe_ultima_factura) > 0
    for ejemplo in ejemplos:
        contrato = verificar_contrato(bd, _prueba(ejemplo))
        assert contrato.numero == ejemplo.referencia
    assert [e.caso for e in contratos_de_ejemplo(bd)] == casos  # without hoy: from the data
    assert len(contratos_de_ejemplo(bd, 2)) == 2

    vinculado = bd.scalar(select(Contrato).where(Contrato.numero == ejemplos[0].referencia))
    assert vinculado is not None
    fabricas_cuenta.cuenta(bd, vinculado)
    assert contratos_de_ejemplo(bd, 1, hoy=HOY)[0].referencia != vinculado.numero


def test_ejemplos_en_una_base_vacia(nueva_bd: Callable[[str], str]) -> None:
    motor = preparar_esquema(nueva_bd("generador_vacia"))
    try:
        with Session(motor) as sesion:
            assert contratos_de_ejemplo(sesion) == []
            assert contratos_de_ejemplo(sesion, hoy=HOY) == []
    finally:
        motor.dispose()
