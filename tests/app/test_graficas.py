"""Bar chart geometry: the largest bar fills the chart unless a fixed scale is given."""

from __future__ import annotations

from app.graficas import ABAJO, ALTO, ARRIBA, grafica_barras

ALTURA_UTIL = ALTO - ABAJO - ARRIBA


def _altos(grafica: object) -> list[float]:
    return [float(b.alto) for b in grafica.barras]  # type: ignore[attr-defined]


def test_la_barra_mayor_llena_la_grafica() -> None:
    grafica = grafica_barras([{"etiqueta": "a", "valor": 20}, {"etiqueta": "b", "valor": 10}])
    assert _altos(grafica) == [ALTURA_UTIL, ALTURA_UTIL / 2]


def test_porcentajes_en_escala_fija_de_cien() -> None:
    grafica = grafica_barras([{"etiqueta": "s1", "valor": 20}], unidad="%", escala=100)
    assert _altos(grafica) == [ALTURA_UTIL * 0.2]


def test_sin_puntos_no_hay_barras() -> None:
    assert grafica_barras([]).barras == []
