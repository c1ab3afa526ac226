"""Read side of Mis contratos / Mis Facturas: what each query returns and how few it runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from sqlalchemy import event
from sqlalchemy.orm import Session

from casos.comercial import consultas as q
from casos.comercial.modelos import CfdiFactura, TipoLectura
from casos.cuentas.modelos import CuentaContrato
from tests.casos.cuentas import fabricas_cuenta as f
from tests.soporte.clientes import REGISTRADA, cliente_con_historial


@contextmanager
def sentencias(sesion: Session) -> Iterator[list[str]]:
    """The SQL statements run on the session's connection inside the block."""
    vistas: list[str] = []
    conexion = sesion.connection()

    def anotar(*args: object) -> None:
        vistas.append(str(args[2]))

    event.listen(conexion, "before_cursor_execute", anotar)
    try:
        yield vistas
    finally:
        event.remove(conexion, "before_cursor_execute", anotar)


def _vincular(sesion: Session, cuenta: object, contrato: object) -> None:
    cuenta.vinculos.append(CuentaContrato(contrato=contrato, vinculado_en=REGISTRADA))  # type: ignore[attr-defined]
    sesion.flush()


def test_contratos_de_cuenta_en_una_consulta(sesion: Session) -> None:
    h = cliente_con_historial(sesion, meses=14, pendientes=2)
    nuevo = f.contrato(sesion, direccion="Calle Nueva 1")
    _vincular(sesion, h.cuenta, nuevo)
    ajeno = cliente_con_historial(sesion, meses=3)
    sesion.expunge_all()
    with sentencias(sesion) as sql:
        resumenes = q.contratos_de_cuenta(sesion, h.cuenta.id)
        vistos = [(r.contrato.numero, r.ultima, r.saldo, r.ultimo_pago) for r in resumenes]
    assert len(sql) == 1
    assert [v[0] for v in vistos] == [h.contrato.numero, nuevo.numero]
    ultima, pendientes = h.facturas[-1], h.facturas[-2:]
    assert vistos[0][1] is not None and vistos[0][1].id == ultima.id
    assert vistos[0][2] == sum((x.total for x in pendientes), Decimal(0))
    assert vistos[0][3] is not None and vistos[0][3].id == h.pagos[-1].id
    assert vistos[1][1:] == (None, Decimal("0.00"), None)
    assert ajeno.contrato.numero not in [v[0] for v in vistos]


def test_resumen_solo_de_contratos_vinculados(sesion: Session) -> None:
    h = cliente_con_historial(sesion, meses=2)
    otro = cliente_con_historial(sesion, meses=2)
    propio = q.resumen_de_contrato(sesion, h.cuenta.id, h.contrato.id)
    assert propio is not None and propio.contrato.id == h.contrato.id
    assert q.resumen_de_contrato(sesion, h.cuenta.id, otro.contrato.id) is None
    assert q.contrato_de_cuenta(sesion, h.cuenta.id, otro.contrato.id) is None
    assert q.contrato_de_cuenta(sesion, h.cuenta.id, h.contrato.id) == (h.contrato, 1)


def test_un_contrato_del_mismo_titular_sin_vincular_no_se_ve(sesion: Session) -> None:
    h = cliente_con_historial(sesion, meses=2)
    mismo_titular = f.contrato(sesion)  # same holder's name, but not linked to the account
    assert q.contrato_de_cuenta(sesion, h.cuenta.id, mismo_titular.id) is None


def test_historial_los_ultimos_36_meses_sin_cargar_el_xml(sesion: Session) -> None:
    h = cliente_con_historial(sesion, meses=40)
    sesion.add(CfdiFactura(factura_id=h.facturas[-1].id, xml="<cfdi/>"))
    sesion.flush()
    sesion.expunge_all()
    with sentencias(sesion) as sql:
        datos = q.facturas_de_contrato(sesion, h.contrato.id)
    assert len(sql) == 1 and "cfdis.xml" not in sql[0]
    periodos = [fila.factura.periodo for fila in datos.historial]
    assert len(periodos) == q.MESES_HISTORIAL
    assert periodos == sorted(periodos, reverse=True) and periodos[0] == date(2026, 10, 1)
    assert [fila.tiene_xml for fila in datos.historial[:2]] == [True, False]


def test_comparativo_con_el_mismo_mes_del_anio_anterior(sesion: Session) -> None:
    h = cliente_con_historial(sesion, meses=26)
    datos = q.facturas_de_contrato(sesion, h.contrato.id)
    comp = datos.comparativo
    actual, anterior = h.facturas[-1], h.facturas[-13]
    assert comp is not None and comp.anterior is not None and comp.importe and comp.m3
    assert (comp.actual.id, comp.anterior.id) == (actual.id, anterior.id)
    assert anterior.periodo == date(2025, 10, 1) == comp.periodo_anterior
    assert comp.importe.diferencia == actual.total - anterior.total
    esperado = ((actual.total - anterior.total) * 100 / anterior.total).quantize(Decimal("0.1"))
    assert comp.importe.porcentaje == esperado
    assert comp.m3.diferencia == actual.m3 - anterior.m3


def test_comparativo_sin_factura_un_anio_antes(sesion: Session) -> None:
    h = cliente_con_historial(sesion, meses=6)
    comp = q.facturas_de_contrato(sesion, h.contrato.id).comparativo
    assert comp is not None and comp.actual.id == h.facturas[-1].id
    assert comp.anterior is None and comp.importe is None and comp.m3 is None
    assert comp.periodo_anterior == date(2025, 10, 1)


def test_porcentaje_indefinido_si_antes_fue_cero(sesion: Session) -> None:
    h = cliente_con_historial(sesion, meses=13, consumos=[0] + [10] * 12)
    comp = q.facturas_de_contrato(sesion, h.contrato.id).comparativo
    assert comp is not None and comp.m3 is not None
    assert comp.m3.diferencia == 10 and comp.m3.porcentaje is None


def test_sin_facturas(sesion: Session) -> None:
    contrato = f.contrato(sesion)
    datos = q.facturas_de_contrato(sesion, contrato.id)
    assert datos.historial == [] and datos.comparativo is None and datos.grafica == []


def test_grafica_24_meses_del_mas_antiguo_al_reciente(sesion: Session) -> None:
    h = cliente_con_historial(sesion, meses=30)
    h.facturas[-2].tipo_lectura = TipoLectura.ESTIMADA
    sesion.flush()
    puntos = q.facturas_de_contrato(sesion, h.contrato.id).grafica
    assert len(puntos) == q.MESES_GRAFICA == 24
    assert puntos[0].etiqueta == "11/24" and puntos[-1].etiqueta == "10/26"
    assert [p.valor for p in puntos] == [x.total for x in h.facturas[-24:]]
    assert [p.destacado for p in puntos].count(True) == 1 and puntos[-1].destacado
    assert puntos[-2].nota == "lectura estimada" and puntos[-1].nota is None


def test_factura_solo_por_su_cuenta_y_contrato(sesion: Session) -> None:
    h = cliente_con_historial(sesion, meses=2)
    otro = cliente_con_historial(sesion, meses=2)
    factura = h.facturas[-1]
    sesion.add(CfdiFactura(factura_id=factura.id, xml="<xml/>"))
    sesion.flush()
    propia = q.factura_de_cuenta(sesion, h.cuenta.id, h.contrato.id, factura.id)
    assert propia is not None and propia.xml == "<xml/>" and propia.contrato.id == h.contrato.id
    sin_xml = q.factura_de_cuenta(sesion, h.cuenta.id, h.contrato.id, h.facturas[0].id)
    assert sin_xml is not None and sin_xml.xml is None
    assert q.factura_de_cuenta(sesion, otro.cuenta.id, h.contrato.id, factura.id) is None
    assert q.factura_de_cuenta(sesion, h.cuenta.id, otro.contrato.id, factura.id) is None
    ajena = otro.facturas[-1].id
    assert q.factura_de_cuenta(sesion, h.cuenta.id, h.contrato.id, ajena) is None


def test_etiquetas() -> None:
    assert q.nombre_periodo(date(2026, 3, 1)) == "marzo de 2026"
    assert q.etiqueta_canal("en_linea") == "Pago en línea"
    assert q.etiqueta_canal("caja_movil") == "Caja movil"
