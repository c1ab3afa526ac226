"""Gestiones Online / Vías de Contacto in the domain: every problem at once, files with the
case, a signed-in customer's own contracts and bills, the customer's view and answer."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.actores import Actor
from casos.adjuntos import Adjunto, ArchivoLimpio, ArchivoRecibido, guardar_adjunto, ruta_de
from casos.ciclo import aplicar_accion
from casos.cuentas.modelos import CuentaContrato
from casos.errores import DatosInvalidos, TransicionInvalida
from casos.estados import Accion, EstadoCaso
from casos.expediente import caso_de_cuenta, casos_de_cuenta, expediente
from casos.gestiones import presentar_gestion, validar_gestion
from casos.gestiones_datos import datos_de_cliente, datos_publicos, elegir_contrato
from casos.modelos import Caso
from casos.respuestas import responder_caso
from tests.casos import fabricas
from tests.casos.archivos_gestion import EXE, PDF, imagen, pdf_grande
from tests.casos.cuentas import fabricas_bloqueos
from tests.soporte.clientes import REGISTRADA, cliente_con_historial

CIUDADANO = Actor.ciudadano("Rosa Ibarra", origen="10.0.0.1")
HOY = date(2026, 11, 24)


def _publico(tipo: str = "consulta_general", **valores: str) -> dict[str, str]:
    base = {
        "solicitante_nombre": "Rosa Ibarra",
        "solicitante_email": "rosa@correo.mx",
        "descripcion": "Necesito una aclaración.",
    }
    return {**base, **valores}


def test_todos_los_errores_en_una_ronda(sesion: Session) -> None:
    datos = datos_publicos(
        "pagos_no_aplicados",
        {"solicitante_email": "rosa@", "monto_pago": "mil", "fecha_pago": "31/02/2026"},
        "clave-prueba-1",
    )
    with pytest.raises(DatosInvalidos) as error:
        validar_gestion(sesion, datos, {}, HOY, frozenset({"solicitante_nombre"}))
    campos = error.value.campos
    assert campos["solicitante_nombre"] == "Nombre: este dato es obligatorio."
    assert campos["solicitante_email"].startswith("Correo electrónico: escriba una dirección")
    assert campos["monto_pago"].startswith("Monto pagado: escriba una cantidad")
    assert campos["fecha_pago"] == "Fecha del pago: escriba la fecha como dd/mm/aaaa."
    assert campos["contrato"] == "Número de contrato: este dato es obligatorio."
    assert campos["banco"] == "Banco o lugar de pago: este dato es obligatorio."
    assert campos["descripcion"] == "Descripción: este dato es obligatorio."
    assert campos["comprobante"].startswith("Comprobante de pago: adjunte")


def test_sin_correo_ni_telefono_se_dice_junto_con_lo_demas(sesion: Session) -> None:
    datos = datos_publicos("consulta_general", {"descripcion": ""}, "clave-prueba-2")
    with pytest.raises(DatosInvalidos) as error:
        validar_gestion(sesion, datos, {}, HOY, frozenset({"solicitante_nombre"}))
    assert set(error.value.campos) == {"solicitante_nombre", "solicitante_email", "descripcion"}
    assert "correo electrónico o un teléfono" in error.value.campos["solicitante_email"]


@pytest.mark.parametrize(
    ("periodo", "esperado"),
    [
        ("1/2026", None),
        ("10-2026", None),
        ("13/2026", "Mes de la factura: escríbalo como mm/aaaa, p. ej. 10/2026."),
        ("octubre", "Mes de la factura: escríbalo como mm/aaaa, p. ej. 10/2026."),
        ("12/2026", "Mes de la factura: revise el mes y el año."),  # after HOY's month
    ],
)
def test_mes_de_la_factura(sesion: Session, periodo: str, esperado: str | None) -> None:
    valores = _publico("altos_consumos", contrato="100234", periodo_factura=periodo)
    datos = datos_publicos("altos_consumos", valores, "clave-prueba-3")
    if esperado is None:
        gestion = validar_gestion(sesion, datos, {}, HOY)
        assert gestion.datos.campos["periodo_factura"] in ("01/2026", "10/2026")
        return
    with pytest.raises(DatosInvalidos) as error:
        validar_gestion(sesion, datos, {}, HOY)
    assert error.value.campos == {"periodo_factura": esperado}


def test_archivos_se_revisan_por_contenido(sesion: Session) -> None:
    datos = datos_publicos("consulta_general", _publico(), "clave-prueba-4")
    archivos = {
        "adjuntos": [
            ArchivoRecibido("programa.pdf", EXE),
            ArchivoRecibido("grande.pdf", pdf_grande()),
        ]
    }
    with pytest.raises(DatosInvalidos) as error:
        validar_gestion(sesion, datos, archivos, HOY)
    razon = error.value.campos["adjuntos"]
    assert "«programa.pdf» no es un archivo PDF, JPEG o PNG válido." in razon
    assert "«grande.pdf» pesa más de 5 MB" in razon
    buenos = {"adjuntos": [ArchivoRecibido("foto.jpg", imagen("PNG"))]}
    gestion = validar_gestion(sesion, datos, buenos, HOY)
    [limpio] = gestion.archivos
    assert limpio.tipo_mime == "image/png" and limpio.nombre == "foto.png"


def test_como_maximo_cinco_archivos(sesion: Session) -> None:
    datos = datos_publicos("consulta_general", _publico(), "clave-prueba-5")
    archivos = {"adjuntos": [ArchivoRecibido(f"{n}.pdf", PDF) for n in range(6)]}
    with pytest.raises(DatosInvalidos) as error:
        validar_gestion(sesion, datos, archivos, HOY)
    assert error.value.campos == {"adjuntos": "Envíe como máximo 5 archivos en total."}


def _pago_publico() -> tuple[dict[str, str], dict[str, list[ArchivoRecibido]]]:
    valores = _publico(
        "pagos_no_aplicados",
        contrato="100234",
        fecha_pago="2026-11-20",
        monto_pago="$1,234.50",
        banco="BBVA",
    )
    return valores, {"comprobante": [ArchivoRecibido("recibo.pdf", PDF)], "adjuntos": []}


def test_presentar_guarda_archivos_con_el_registro_y_un_doble_envio_es_un_caso(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    valores, archivos = _pago_publico()
    datos = datos_publicos("pagos_no_aplicados", valores, "clave-pago-0001")
    gestion = validar_gestion(sesion, datos, archivos, HOY)
    caso = presentar_gestion(sesion, gestion, tmp_path, CIUDADANO, ahora)
    otra = validar_gestion(sesion, datos, archivos, HOY)
    repetido = presentar_gestion(sesion, otra, tmp_path, CIUDADANO, ahora + timedelta(seconds=2))
    assert repetido.id == caso.id
    [adjunto] = sesion.scalars(select(Adjunto).where(Adjunto.caso_id == caso.id)).all()
    assert adjunto.evento_id == caso.eventos[0].id and adjunto.tipo_mime == "application/pdf"
    assert ruta_de(tmp_path, adjunto.clave).read_bytes() == PDF
    assert caso.datos["monto_pago"] == "1234.50" and caso.datos["banco"] == "BBVA"
    assert caso.canal == "contacto" and caso.cuenta_id is None


def test_cliente_elige_solo_sus_contratos_y_facturas(sesion: Session) -> None:
    mio = cliente_con_historial(sesion, meses=3)
    ajeno = cliente_con_historial(sesion, meses=3)
    cuenta = mio.cuenta
    otro = elegir_contrato(sesion, cuenta, ajeno.contrato.id, ajeno.facturas[0].id)
    assert otro.contrato is None and otro.factura is None
    assert set(otro.errores) == {"contrato", "periodo_factura"}
    por_factura = elegir_contrato(sesion, cuenta, None, mio.facturas[-1].id)
    assert por_factura.contrato is mio.contrato and por_factura.factura is mio.facturas[-1]
    datos = datos_de_cliente(
        cuenta, "altos_consumos", por_factura, {"descripcion": "Subió mucho."}, "clave-cli-01"
    )
    assert datos.cuenta_id == cuenta.id and datos.solicitante_email == cuenta.email
    assert datos.contrato == mio.contrato.numero and datos.uso_contrato == "domestico"
    assert datos.campos == {"periodo_factura": "10/2026", "factura_id": str(mio.facturas[-1].id)}
    assert datos.solicitante_nombre == mio.contrato.titular


def test_factura_de_otro_contrato_propio_se_rechaza(sesion: Session) -> None:
    mio = cliente_con_historial(sesion, meses=2)
    segundo = cliente_con_historial(sesion, meses=2, cuenta=mio.cuenta)
    mio.cuenta.vinculos.append(CuentaContrato(contrato=segundo.contrato, vinculado_en=REGISTRADA))
    sesion.flush()
    eleccion = elegir_contrato(sesion, mio.cuenta, mio.contrato.id, segundo.facturas[0].id)
    assert eleccion.factura is None
    assert "esa factura es de otro contrato" in eleccion.errores["periodo_factura"]


def _caso_de_cliente(sesion: Session, ahora: datetime, tmp_path: Path) -> tuple[Caso, int]:
    historial = cliente_con_historial(sesion, meses=2)
    eleccion = elegir_contrato(sesion, historial.cuenta, historial.contrato.id, None)
    datos = datos_de_cliente(
        historial.cuenta, "consulta_general", eleccion, {"descripcion": "¿Y mi saldo?"}, ""
    )
    archivos = {"adjuntos": [ArchivoRecibido("pantalla.png", imagen())]}
    gestion = validar_gestion(sesion, datos, archivos, HOY)
    return presentar_gestion(sesion, gestion, tmp_path, CIUDADANO, ahora), historial.cuenta.id


def test_expediente_muestra_solo_lo_publico(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    caso, _ = _caso_de_cliente(sesion, ahora, tmp_path)
    _, agente = fabricas_bloqueos.personal(sesion)
    despues = ahora + timedelta(hours=1)
    nota = aplicar_accion(sesion, caso, Accion.NOTA_INTERNA, agente, despues, nota="Secreto")
    sesion.flush()
    interno = ArchivoLimpio("interno.pdf", "application/pdf", PDF)
    guardar_adjunto(sesion, tmp_path, caso.id, interno, despues, evento_id=nota.id)
    guardar_adjunto(sesion, tmp_path, caso.id, interno, despues, es_publico=False)
    vista = expediente(sesion, caso)
    assert vista.estado == "Recibida"
    assert [e.titulo for e in vista.entradas] == ["Solicitud registrada"]
    assert [a.nombre for a in vista.adjuntos] == ["pantalla.png"]
    assert all("Secreto" not in e.nota for e in vista.entradas)


def test_responder_reanuda_el_reloj_y_liga_los_archivos(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    caso, _ = _caso_de_cliente(sesion, ahora, tmp_path)
    _, agente = fabricas_bloqueos.personal(sesion)
    pedido_en = ahora + timedelta(hours=1)
    aplicar_accion(
        sesion, caso, Accion.SOLICITAR_INFORMACION, agente, pedido_en, nota="Envíe su recibo."
    )
    assert caso.vence_resolucion_en is None  # paused while waiting on the customer
    assert expediente(sesion, caso).estado == "Esperamos su respuesta"
    archivos = [ArchivoRecibido("recibo.pdf", PDF)]
    evento = responder_caso(
        sesion, caso, "Aquí está.", archivos, tmp_path, CIUDADANO, pedido_en + timedelta(hours=2)
    )
    assert caso.estado is EstadoCaso.EN_PROCESO and evento.accion is Accion.RECIBIR_INFORMACION
    assert caso.vence_resolucion_en is not None and evento.es_publico
    [adjunto] = sesion.scalars(select(Adjunto).where(Adjunto.evento_id == evento.id)).all()
    assert adjunto.nombre == "recibo.pdf"
    vista = expediente(sesion, caso)
    assert [e.titulo for e in vista.entradas][-2:] == ["La CEA le pide información", "Su respuesta"]
    with pytest.raises(TransicionInvalida):
        responder_caso(sesion, caso, "Otra vez", [], tmp_path, CIUDADANO, pedido_en)


def test_responder_sin_texto_o_con_archivo_malo(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    caso, _ = _caso_de_cliente(sesion, ahora, tmp_path)
    _, agente = fabricas_bloqueos.personal(sesion)
    aplicar_accion(sesion, caso, Accion.SOLICITAR_INFORMACION, agente, ahora, nota="¿Cuándo?")
    malo = [ArchivoRecibido("virus.pdf", EXE)]
    with pytest.raises(DatosInvalidos) as error:
        responder_caso(sesion, caso, "  ", malo, tmp_path, CIUDADANO, ahora)
    assert set(error.value.campos) == {"texto", "adjuntos"}
    assert caso.estado is EstadoCaso.EN_ESPERA


def test_casos_de_cuenta_paginados_y_solo_suyos(sesion: Session, ahora: datetime) -> None:
    historial = cliente_con_historial(sesion, meses=1)
    cuenta_id = historial.cuenta.id
    for n in range(23):
        datos = datos_de_cliente(
            historial.cuenta,
            "consulta_general",
            elegir_contrato(sesion, historial.cuenta, None, None),
            {"descripcion": f"Pregunta {n}"},
            "",
        )
        gestion = validar_gestion(sesion, datos, {}, HOY)
        presentar_gestion(sesion, gestion, Path("/nunca"), CIUDADANO, ahora + timedelta(n))
    ajeno = fabricas.caso(sesion, ahora)
    primera = casos_de_cuenta(sesion, cuenta_id)
    assert primera.total == 23 and primera.paginas == 2 and len(primera.casos) == 20
    assert primera.casos[0].descripcion == "Pregunta 22"  # newest first
    assert len(casos_de_cuenta(sesion, cuenta_id, 2).casos) == 3
    assert casos_de_cuenta(sesion, cuenta_id, 99).numero == 2
    assert caso_de_cuenta(sesion, cuenta_id, ajeno.folio) is None
    assert caso_de_cuenta(sesion, cuenta_id, primera.casos[0].folio) is not None
