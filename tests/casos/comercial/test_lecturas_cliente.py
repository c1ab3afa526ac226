"""*Compártenos tu lectura*: validation, confirmation of odd readings, the case it files, the
photo (sniffed, size-limited, EXIF gone), same-day replacement and double submission."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casos.adjuntos import TAMANO_MAXIMO, Adjunto, ArchivoRecibido, ruta_de
from casos.comercial import lecturas_cliente
from casos.comercial.lecturas_cliente import (
    DIAS_MAXIMOS,
    SIN_MEDIDOR,
    LecturaPorConfirmar,
    compartir_lectura,
    foto_de_lectura,
)
from casos.comercial.modelos import Lectura, OrigenLectura, TipoLectura
from casos.correo import CorreoSalida
from casos.cuentas.modelos import Cuenta
from casos.errores import DatosInvalidos, NoEncontrado
from casos.modelos import Caso
from tests.casos.cuentas import fabricas_cuenta as f
from tests.soporte.clientes import Historial, cliente_con_historial

HOY = date(2026, 11, 24)  # the `ahora` fixture's day in Querétaro
# The history's last CEA reading: 28/10/2026, dial 1000 + 24 months of 12..18 m³.


@pytest.fixture
def historial(sesion: Session) -> Historial:
    return cliente_con_historial(sesion, meses=24)


def _compartir(
    sesion: Session,
    historial: Historial,
    ahora: datetime,
    carpeta: Path,
    valor: str | int | None = None,
    fecha: date | None = HOY,
    foto: ArchivoRecibido | None = None,
    confirmado: bool = False,
    cuenta: Cuenta | None = None,
    clave_envio: str | None = None,
):
    cuenta = cuenta or historial.cuenta
    if valor is None:
        valor = historial.lecturas[-1].valor + 10
    return compartir_lectura(
        sesion,
        cuenta,
        historial.contrato.id,
        valor,
        fecha,
        foto,
        confirmado,
        carpeta,
        f.actor_de(cuenta),
        ahora,
        clave_envio=clave_envio,
    )


def _casos(sesion: Session, historial: Historial) -> int:
    consulta = select(func.count()).where(Caso.cuenta_id == historial.cuenta.id)
    return sesion.scalar(consulta) or 0


def jpeg_con_exif(tamano: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG carrying camera make, model and a GPS block in its EXIF."""
    imagen = Image.new("RGB", tamano, (30, 90, 160))
    exif = Image.Exif()
    exif[0x010F] = "Camara Secreta"  # Make
    exif[0x0110] = "Modelo X"  # Model
    exif[0x8825] = {1: "N", 2: (20.0, 35.0, 18.0)}  # GPSInfo: latitude of Querétaro
    salida = io.BytesIO()
    imagen.save(salida, "JPEG", exif=exif.tobytes())
    return salida.getvalue()


# --- the happy path -------------------------------------------------------------------------


def test_guarda_la_lectura_y_registra_el_caso(
    sesion: Session, historial: Historial, ahora: datetime, tmp_path: Path
) -> None:
    anterior = historial.lecturas[-1]
    hecho = _compartir(sesion, historial, ahora, tmp_path, valor=f"{anterior.valor + 9}")

    lectura, caso = hecho.lectura, hecho.caso
    assert lectura is not None and lectura.caso_id == caso.id
    assert (lectura.valor, lectura.consumo, lectura.fecha) == (anterior.valor + 9, 9, HOY)
    assert lectura.tipo is TipoLectura.REAL and lectura.origen is OrigenLectura.CLIENTE
    assert caso.tipo.clave == "compartenos_lectura" and caso.area.clave == "medicion"
    assert caso.cuenta_id == historial.cuenta.id and caso.contrato == historial.contrato.numero
    assert caso.datos == {"lectura": anterior.valor + 9, "fecha_lectura": "2026-11-24"}
    assert caso.solicitante_email == historial.cuenta.email
    assert "Consumo desde entonces: 9 m³" in caso.descripcion
    assert "Sin foto del medidor" in caso.descripcion
    assert hecho.foto is None and hecho.sustituye is None and not hecho.es_repetido
    acuse = sesion.scalar(select(CorreoSalida).where(CorreoSalida.caso_id == caso.id))
    assert acuse is not None and caso.folio in acuse.asunto


def test_la_foto_se_guarda_sin_exif(
    sesion: Session, historial: Historial, ahora: datetime, tmp_path: Path
) -> None:
    original = jpeg_con_exif()
    with Image.open(io.BytesIO(original)) as imagen:
        exif = imagen.getexif()
        assert exif.get(0x010F) == "Camara Secreta" and exif.get_ifd(0x8825)
    foto = ArchivoRecibido("../../IMG_2040.JPG", original)

    hecho = _compartir(sesion, historial, ahora, tmp_path, foto=foto)

    adjunto = hecho.foto
    assert adjunto is not None and adjunto.caso_id == hecho.caso.id
    assert adjunto.tipo_mime == "image/jpeg" and adjunto.nombre == "IMG_2040.jpg"
    guardado = ruta_de(tmp_path, adjunto.clave).read_bytes()
    assert b"Exif" not in guardado and b"Camara" not in guardado
    with Image.open(io.BytesIO(guardado)) as imagen:
        assert len(imagen.getexif()) == 0 and imagen.size == (64, 48)
    assert "Con foto del medidor" in hecho.caso.descripcion
    assert hecho.lectura is not None
    cuenta, contrato = historial.cuenta, historial.contrato
    assert foto_de_lectura(sesion, cuenta.id, contrato.id, hecho.lectura.id) == adjunto
    otra = f.cuenta(sesion, f.contrato(sesion))
    assert foto_de_lectura(sesion, otra.id, contrato.id, hecho.lectura.id) is None
    assert foto_de_lectura(sesion, cuenta.id, contrato.id + 1, hecho.lectura.id) is None


def test_sin_lecturas_previas_no_hay_con_que_comparar(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    historial = cliente_con_historial(sesion, meses=0)
    hecho = _compartir(sesion, historial, ahora, tmp_path, valor="987654")
    assert hecho.lectura is not None and hecho.lectura.consumo is None


def test_el_mismo_dia_que_la_lectura_de_la_cea_se_admite(
    sesion: Session, historial: Historial, ahora: datetime, tmp_path: Path
) -> None:
    cea = historial.lecturas[-1]
    hecho = _compartir(sesion, historial, ahora, tmp_path, valor=cea.valor + 1, fecha=cea.fecha)
    assert hecho.lectura is not None and hecho.lectura.consumo == 1


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valor", "razon"),
    [
        ("", "Escriba la lectura"),
        ("  ", "Escriba la lectura"),
        ("1234.5", "solo los números negros"),
        ("-5", "solo los números negros"),
        ("12a4", "solo los números negros"),
        ("١٢٣", "solo los números negros"),  # Arabic-Indic digits pass str.isdigit()
        ("1234567890", "más de 9 dígitos"),
    ],
)
def test_valores_no_validos(
    sesion: Session, historial: Historial, ahora: datetime, tmp_path: Path, valor: str, razon: str
) -> None:
    with pytest.raises(DatosInvalidos) as error:
        _compartir(sesion, historial, ahora, tmp_path, valor=valor)
    assert razon in error.value.campos["valor"]


@pytest.mark.parametrize(
    ("fecha", "razon"),
    [
        (None, "Indique la fecha"),
        (HOY + timedelta(days=1), "no puede ser posterior a hoy"),
        (HOY - timedelta(days=DIAS_MAXIMOS + 1), f"últimos {DIAS_MAXIMOS} días"),
        (date(2026, 10, 27), "Su última lectura registrada es del 28/10/2026"),
    ],
)
def test_fechas_no_validas(
    sesion: Session,
    historial: Historial,
    ahora: datetime,
    tmp_path: Path,
    fecha: date | None,
    razon: str,
) -> None:
    with pytest.raises(DatosInvalidos) as error:
        _compartir(sesion, historial, ahora, tmp_path, fecha=fecha)
    assert razon in error.value.campos["fecha"]
    assert not isinstance(error.value, LecturaPorConfirmar)


def test_hace_exactamente_sesenta_dias_se_admite(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    historial = cliente_con_historial(sesion, meses=0)
    limite = HOY - timedelta(days=DIAS_MAXIMOS)
    assert _compartir(sesion, historial, ahora, tmp_path, valor=5, fecha=limite).lectura


def test_la_hora_de_queretaro_decide_que_dia_es_hoy(
    sesion: Session, historial: Historial, tmp_path: Path
) -> None:
    # 25/11 03:00 UTC is still 24/11 in Querétaro: the 25th is in the future there.
    noche = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    with pytest.raises(DatosInvalidos) as error:
        _compartir(sesion, historial, noche, tmp_path, fecha=date(2026, 11, 25))
    assert "posterior a hoy" in error.value.campos["fecha"]


def test_foto_que_no_es_imagen(
    sesion: Session, historial: Historial, ahora: datetime, tmp_path: Path
) -> None:
    pdf = ArchivoRecibido("medidor.jpg", b"%PDF-1.7 no soy una foto")
    with pytest.raises(DatosInvalidos) as error:
        _compartir(sesion, historial, ahora, tmp_path, valor="abc", foto=pdf)
    # Both mistakes at once, so the customer fixes them in one go.
    assert "no es un archivo JPEG o PNG válido" in error.value.campos["foto"]
    assert "valor" in error.value.campos
    assert _casos(sesion, historial) == 0


def test_foto_demasiado_grande(
    sesion: Session, historial: Historial, ahora: datetime, tmp_path: Path
) -> None:
    grande = ArchivoRecibido("medidor.jpg", jpeg_con_exif() + b"\0" * TAMANO_MAXIMO)
    with pytest.raises(DatosInvalidos) as error:
        _compartir(sesion, historial, ahora, tmp_path, foto=grande)
    assert "pesa más de 5 MB" in error.value.campos["foto"]
    assert not any(tmp_path.iterdir())


def test_contrato_sin_medidor(sesion: Session, ahora: datetime, tmp_path: Path) -> None:
    historial = cliente_con_historial(sesion, meses=2, medidor=None)
    with pytest.raises(DatosInvalidos) as error:
        _compartir(sesion, historial, ahora, tmp_path)
    assert error.value.mensaje == SIN_MEDIDOR


def test_contrato_de_otra_cuenta(
    sesion: Session, historial: Historial, ahora: datetime, tmp_path: Path
) -> None:
    intrusa = f.cuenta(sesion, f.contrato(sesion))
    with pytest.raises(NoEncontrado):
        _compartir(sesion, historial, ahora, tmp_path, cuenta=intrusa)


# --- readings that must be confirmed --------------------------------------------------------


def test_menor_que_la_anterior_pide_confirmacion(
    sesion: Session, historial: Historial, ahora: datetime, tmp_path: Path
) -> None:
    anterior = historial.lecturas[-1]
    with pytest.raises(LecturaPorConfirmar) as error:
        _compartir(sesion, historial, ahora, tmp_path, valor=anterior.valor - 1)
    assert error.value.motivo == "menor"
    assert f"{anterior.valor:,} del 28/10/2026" in error.value.campos["valor"]
    assert _casos(sesion, historial) == 0

    hecho = _compartir(
        sesion, historial, ahora, tmp_path, valor=anterior.valor - 1, confirmado=True
    )
    assert hecho.lectura is not None and hecho.lectura.consumo is None
    assert "el cliente confirmó que es correcta" in hecho.caso.descripcion


def test_menor_que_una_estimada_lo_dice(
    sesion: Session, historial: Historial, ahora: datetime, tmp_path: Path
) -> None:
    historial.lecturas[-1].tipo = TipoLectura.ESTIMADA
    sesion.flush()
    with pytest.raises(LecturaPorConfirmar) as error:
        _compartir(sesion, historial, ahora, tmp_path, valor=historial.lecturas[-1].valor - 3)
    assert "28/10/2026, estimada" in error.value.campos["valor"]


def test_inverosimil_pide_confirmacion(sesion: Session, ahora: datetime, tmp_path: Path) -> None:
    # Highest month of the last year: 20 m³, so up to 60 m³ passes and 61 asks.
    historial = cliente_con_historial(sesion, meses=12, consumos=[10] * 11 + [20])
    ultima = historial.lecturas[-1].valor
    assert _compartir(sesion, historial, ahora, tmp_path, valor=ultima + 60).lectura
    with pytest.raises(LecturaPorConfirmar) as error:
        _compartir(sesion, historial, ahora, tmp_path, valor=ultima + 61)
    assert error.value.motivo == "alta"
    assert "61 m³" in error.value.campos["valor"] and "(20 m³)" in error.value.campos["valor"]
    hecho = _compartir(sesion, historial, ahora, tmp_path, valor=ultima + 61, confirmado=True)
    assert hecho.lectura is not None and hecho.lectura.consumo == 61


def test_con_poco_historial_el_minimo_es_cincuenta(
    sesion: Session, ahora: datetime, tmp_path: Path
) -> None:
    historial = cliente_con_historial(sesion, meses=3, consumos=[1, 1, 1])
    ultima = historial.lecturas[-1].valor
    assert _compartir(sesion, historial, ahora, tmp_path, valor=ultima + 50).lectura
    with pytest.raises(LecturaPorConfirmar):
        _compartir(sesion, historial, ahora, tmp_path, valor=ultima + 51)


# --- same day, double submission ------------------------------------------------------------


def test_otra_lectura_el_mismo_dia_sustituye_a_la_primera(
    sesion: Session, historial: Historial, ahora: datetime, tmp_path: Path
) -> None:
    base = historial.lecturas[-1].valor
    primera = _compartir(sesion, historial, ahora, tmp_path, valor=base + 5)
    segunda = _compartir(sesion, historial, ahora, tmp_path, valor=base + 4)

    assert segunda.sustituye == primera.caso.folio
    assert segunda.lectura is primera.lectura and segunda.lectura is not None
    assert (segunda.lectura.valor, segunda.lectura.consumo) == (base + 4, 4)
    assert segunda.lectura.caso_id == segunda.caso.id != primera.caso.id
    assert f"folio {primera.caso.folio}" in segunda.caso.descripcion
    del_cliente = select(func.count()).where(
        Lectura.contrato_id == historial.contrato.id, Lectura.origen == OrigenLectura.CLIENTE
    )
    assert sesion.scalar(del_cliente) == 1


def test_doble_envio_registra_un_caso(
    sesion: Session, historial: Historial, ahora: datetime, tmp_path: Path
) -> None:
    foto = ArchivoRecibido("medidor.jpg", jpeg_con_exif())
    primera = _compartir(sesion, historial, ahora, tmp_path, foto=foto, clave_envio="clave-12345")
    # The repeat would now be "lower than" nothing new; it must simply give back the first.
    segunda = _compartir(
        sesion, historial, ahora, tmp_path, valor="1", foto=foto, clave_envio="clave-12345"
    )
    assert segunda.es_repetido and segunda.caso.id == primera.caso.id
    assert segunda.lectura is primera.lectura
    assert _casos(sesion, historial) == 1
    adjuntos = select(func.count()).where(Adjunto.caso_id == primera.caso.id)
    assert sesion.scalar(adjuntos) == 1


def test_clave_de_envio_de_otra_cuenta(
    sesion: Session, historial: Historial, ahora: datetime, tmp_path: Path
) -> None:
    _compartir(sesion, historial, ahora, tmp_path, clave_envio="clave-ajena-1")
    otra = cliente_con_historial(sesion, meses=2)
    with pytest.raises(DatosInvalidos) as error:
        _compartir(sesion, otra, ahora, tmp_path, clave_envio="clave-ajena-1")
    assert "clave_envio" in error.value.campos


def test_doble_envio_simultaneo_no_duplica_la_foto(
    sesion: Session,
    historial: Historial,
    ahora: datetime,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two requests of the same form at once: both miss the early check, registrar_caso gives
    # the second one the first one's case, and nothing more is stored.
    foto = ArchivoRecibido("medidor.jpg", jpeg_con_exif())
    primera = _compartir(sesion, historial, ahora, tmp_path, foto=foto, clave_envio="clave-carrera")
    monkeypatch.setattr(lecturas_cliente, "_ya_compartida", lambda *_: None)
    segunda = _compartir(sesion, historial, ahora, tmp_path, foto=foto, clave_envio="clave-carrera")
    assert segunda.es_repetido and segunda.caso.id == primera.caso.id
    assert segunda.lectura is primera.lectura
    adjuntos = select(func.count()).where(Adjunto.caso_id == primera.caso.id)
    assert sesion.scalar(adjuntos) == 1 and len(list(tmp_path.rglob("*"))) == 2  # dir + file
