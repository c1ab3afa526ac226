"""POST /casos, GET /casos/{folio}, GET /casos: filing, idempotency, reading and listing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from casos.modelos import Caso
from tests.app.api.conftest import CASO_VALIDO, crear, nuevo_token


def test_crear_caso_devuelve_201_location_y_el_caso(cliente: Any, bd: Any, auth: Any) -> None:
    respuesta = crear(cliente, auth)
    assert respuesta.status_code == 201
    cuerpo = respuesta.get_json()
    assert respuesta.headers["Location"] == f"/api/v1/casos/{cuerpo['folio']}"
    assert cuerpo["tipo"] == {"clave": "altos_consumos", "nombre": "Aclaración de altos consumos"}
    assert cuerpo["area"]["clave"] == "facturacion"
    assert cuerpo["estado"] == "nuevo" and cuerpo["canal"] == "api"
    assert cuerpo["contrato"] == "100234"
    assert cuerpo["sla"]["estado"] == "en_tiempo" and cuerpo["sla"]["explicacion"]
    assert cuerpo["sla"]["vence_respuesta_en"].endswith("+00:00")
    registro = cuerpo["eventos"][0]
    assert registro["accion"] == "registrar"
    assert registro["actor"] == {"tipo": "integracion", "nombre": "Centro de llamadas"}
    caso = bd.session.scalar(select(Caso).where(Caso.folio == cuerpo["folio"]))
    assert caso.eventos[0].actor_origen == "127.0.0.1"


def test_canal_call_center_y_campos_del_tipo(cliente: Any, bd: Any, auth: Any) -> None:
    respuesta = crear(
        cliente,
        auth,
        tipo="pagos_no_aplicados",
        canal="call_center",
        campos={"fecha_pago": "2026-11-02", "monto_pago": "1,234.5"},
    )
    assert respuesta.status_code == 201, respuesta.get_json()
    cuerpo = respuesta.get_json()
    assert cuerpo["canal"] == "call_center"
    assert cuerpo["datos"] == {"fecha_pago": "2026-11-02", "monto_pago": "1234.50"}


def test_las_validaciones_del_portal_dan_422_por_campo(cliente: Any, bd: Any, auth: Any) -> None:
    respuesta = crear(cliente, auth, descripcion="", solicitante_email="no-es-correo", contrato="x")
    assert respuesta.status_code == 422
    error = respuesta.get_json()["error"]
    assert error["codigo"] == "datos_invalidos"
    assert set(error["campos"]) == {"descripcion", "solicitante_email", "contrato"}
    falta = crear(cliente, auth, tipo="pagos_no_aplicados")  # fecha_pago, monto_pago
    assert set(falta.get_json()["error"]["campos"]) == {"fecha_pago", "monto_pago"}


@pytest.mark.parametrize(
    ("cambios", "campo"),
    [
        ({"tipo": "no_existe"}, "tipo"),
        ({"tipo": "baja_cuenta"}, "tipo"),  # internal type: not through the API
        ({"canal": "portal"}, "canal"),
        ({"prioridad": "alta"}, "prioridad"),
        ({"descripcion": 42}, "descripcion"),
        ({"descripcion": "x" * 5001}, "descripcion"),
        ({"descripcion": "con\x00nulo"}, "descripcion"),
        ({"solicitante_nombre": "\ud800"}, "solicitante_nombre"),
        ({"campos": {"otro": "1"}}, "campos.otro"),
        ({"campos": []}, "campos"),
        ({"tipo": None}, "tipo"),
    ],
)
def test_datos_mal_formados_dan_422(
    cliente: Any, bd: Any, auth: Any, cambios: dict[str, Any], campo: str
) -> None:
    respuesta = crear(cliente, auth, **cambios)
    assert respuesta.status_code == 422
    assert campo in respuesta.get_json()["error"]["campos"]


def test_falta_el_tipo(cliente: Any, bd: Any, auth: Any) -> None:
    respuesta = cliente.post("/api/v1/casos", json={"descripcion": "hola"}, headers=auth)
    assert respuesta.status_code == 422
    assert respuesta.get_json()["error"]["campos"]["tipo"] == "Este dato es obligatorio."


def test_reintento_con_idempotency_key_devuelve_el_mismo_caso(
    cliente: Any, bd: Any, auth: Any
) -> None:
    cabeceras = {**auth, "Idempotency-Key": "llamada-2026-0001"}
    primero = cliente.post("/api/v1/casos", json=CASO_VALIDO, headers=cabeceras)
    segundo = cliente.post("/api/v1/casos", json=CASO_VALIDO, headers=cabeceras)
    assert (primero.status_code, segundo.status_code) == (201, 200)
    assert primero.get_json()["folio"] == segundo.get_json()["folio"]
    assert segundo.headers["Location"] == primero.headers["Location"]
    otro = nuevo_token(bd, "Sistema comercial")[1]
    ajeno = cliente.post(
        "/api/v1/casos",
        json=CASO_VALIDO,
        headers={"Authorization": f"Bearer {otro}", "Idempotency-Key": "llamada-2026-0001"},
    )
    assert ajeno.status_code == 201  # each integration has its own keys
    assert ajeno.get_json()["folio"] != primero.get_json()["folio"]


@pytest.mark.parametrize("clave", ["corta", "con espacio 123", "ñandú-123456", "x" * 49])
def test_idempotency_key_mal_formada_da_400(cliente: Any, bd: Any, auth: Any, clave: str) -> None:
    cabeceras = {**auth, "Idempotency-Key": clave.encode().decode("latin-1")}
    respuesta = cliente.post("/api/v1/casos", json=CASO_VALIDO, headers=cabeceras)
    assert respuesta.status_code == 400
    assert "Idempotency-Key" in respuesta.get_json()["error"]["campos"]


def test_leer_caso_por_folio(cliente: Any, bd: Any, auth: Any) -> None:
    folio = crear(cliente, auth).get_json()["folio"]
    respuesta = cliente.get(f"/api/v1/casos/{folio}", headers=auth)
    assert respuesta.status_code == 200
    cuerpo = respuesta.get_json()
    assert cuerpo["folio"] == folio and cuerpo["version"] >= 1
    assert cuerpo["solicitante"] == {
        "nombre": "María López",
        "email": "maria@ejemplo.mx",
        "telefono": None,
    }
    assert [e["accion"] for e in cuerpo["eventos"]] == ["registrar"]


@pytest.mark.parametrize("folio", ["OV-2026-999999", "nada", "OV-2026-0000%00", "x" * 300])
def test_folio_desconocido_da_404(cliente: Any, bd: Any, auth: Any, folio: str) -> None:
    respuesta = cliente.get(f"/api/v1/casos/{folio}", headers=auth)
    assert respuesta.status_code == 404
    assert respuesta.get_json()["error"]["codigo"] == "no_encontrado"


def _folios(cliente: Any, auth: Any, consulta: str) -> list[str]:
    respuesta = cliente.get(f"/api/v1/casos?{consulta}", headers=auth)
    assert respuesta.status_code == 200, respuesta.get_json()
    return [c["folio"] for c in respuesta.get_json()["casos"]]


def test_listar_con_filtros(cliente: Any, bd: Any, auth: Any) -> None:
    altos = crear(cliente, auth).get_json()["folio"]
    consulta = crear(cliente, auth, tipo="consulta_general", contrato="200-ABC").get_json()
    assert altos in _folios(cliente, auth, "tipo=altos_consumos")
    assert consulta["folio"] not in _folios(cliente, auth, "tipo=altos_consumos")
    assert _folios(cliente, auth, "contrato=200-abc") == [consulta["folio"]]
    assert consulta["folio"] in _folios(cliente, auth, "area=atencion&estado=nuevo")
    assert altos not in _folios(cliente, auth, "area=atencion")
    assert altos in _folios(cliente, auth, "sla_estado=en_tiempo")
    assert _folios(cliente, auth, "tipo=no_existe") == []
    assert _folios(cliente, auth, "creado_hasta=2000-01-01") == []
    assert altos in _folios(cliente, auth, "creado_desde=2000-01-01&creado_hasta=9999-12-31")


def test_paginacion_por_cursor(cliente: Any, bd: Any, auth: Any) -> None:
    creados = [crear(cliente, auth, contrato="PAG-001").get_json()["folio"] for _ in range(5)]
    vistos: list[str] = []
    url = "/api/v1/casos?contrato=PAG-001&limite=2"
    while url:
        pagina = cliente.get(url, headers=auth).get_json()
        assert len(pagina["casos"]) <= 2
        vistos += [c["folio"] for c in pagina["casos"]]
        siguiente = pagina["siguiente"]
        url = f"/api/v1/casos?contrato=PAG-001&limite=2&cursor={siguiente}" if siguiente else ""
    assert vistos == list(reversed(creados))


@pytest.mark.parametrize(
    ("consulta", "parametro"),
    [
        ("cursor=basura", "cursor"),
        ("cursor=djE6LTE", "cursor"),  # "v1:-1"
        ("cursor=%00", "cursor"),
        ("limite=0", "limite"),
        ("limite=101", "limite"),
        ("limite=abc", "limite"),
        ("estado=abierto", "estado"),
        ("sla_estado=tarde", "sla_estado"),
        ("creado_desde=2026-02-30", "creado_desde"),
        ("creado_hasta=24/11/2026", "creado_hasta"),
        ("contrato=%00%00%00%00", "contrato"),
        ("tipo=%FF%FE", "tipo"),
        ("estatus=nuevo", "estatus"),
        ("limite=1&limite=2", "limite"),
    ],
)
def test_parametros_malos_dan_400(
    cliente: Any, bd: Any, auth: Any, consulta: str, parametro: str
) -> None:
    respuesta = cliente.get(f"/api/v1/casos?{consulta}", headers=auth)
    assert respuesta.status_code == 400
    error = respuesta.get_json()["error"]
    assert error["codigo"] == "parametro_invalido" and parametro in error["campos"]


def test_catalogos(cliente: Any, bd: Any, auth: Any) -> None:
    tipos = cliente.get("/api/v1/tipos", headers=auth).get_json()["tipos"]
    claves = {t["clave"] for t in tipos}
    assert "altos_consumos" in claves and "baja_cuenta" not in claves
    pagos = next(t for t in tipos if t["clave"] == "pagos_no_aplicados")
    assert "monto_pago" in pagos["campos_requeridos"]
    areas = cliente.get("/api/v1/areas", headers=auth).get_json()["areas"]
    assert {"clave": "facturacion", "nombre": "Facturación"} in areas
    codigos = cliente.get("/api/v1/codigos-resolucion", headers=auth)
    assert codigos.status_code == 200 and "codigos" in codigos.get_json()
