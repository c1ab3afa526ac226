"""The geometry and labels of the server-drawn bar charts (plantillas/_macros/graficas.html),
computed in Python: a Jinja loop doing arithmetic and macro calls per bar cost more than the
rest of the page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from app.filtros import dinero

ANCHO, ALTO, MARGEN, ABAJO, ARRIBA = 640, 220, 8, 28, 12
ETIQUETAS_MAXIMAS = 12


@dataclass(frozen=True)
class Barra:
    """One bar: its rectangle, its axis label (if shown) and its figure in words."""

    x: str
    y: str
    ancho: str
    alto: str
    centro: str
    etiqueta: str
    texto: str
    nota: str
    clase: str
    con_etiqueta: bool


@dataclass(frozen=True)
class Grafica:
    """A whole chart: its bars and the largest figure (for the SVG's description)."""

    barras: list[Barra]
    maximo: str


def _valor(punto: Any, nombre: str, defecto: Any = None) -> Any:
    if isinstance(punto, dict):
        return punto.get(nombre, defecto)
    return getattr(punto, nombre, defecto)


def cifra(valor: float | int, formato: str, unidad: str) -> str:
    """`$1,234.56` or `1,234 m³`."""
    if formato == "dinero":
        return dinero(valor)
    return f"{valor:,} {unidad}".strip()


def grafica_barras(
    puntos: Iterable[Any], formato: str = "numero", unidad: str = "", escala: float | None = None
) -> Grafica:
    """Lay out the bars of `puntos` (etiqueta, valor, optional destacado and nota).

    `escala` fixes the value of a full-height bar (100 for percentages, so 20 % never looks
    like a full bar); by default the largest value fills the chart."""
    lista = list(puntos)
    n = len(lista)
    if not n:
        return Grafica([], "")
    valores = [_valor(p, "valor", 0) or 0 for p in lista]
    tope = escala or max(max(valores), 0) or 1
    paso = (ANCHO - MARGEN * 2) / n
    ancho = paso * 0.7
    cada = n // ETIQUETAS_MAXIMAS + 1
    barras = []
    for i, (punto, valor) in enumerate(zip(lista, valores, strict=True)):
        alto = (ALTO - ABAJO - ARRIBA) * (valor / tope) if valor > 0 else 0
        x = MARGEN + paso * i + (paso - ancho) / 2
        nota = _valor(punto, "nota") or ""
        clase = " ov-grafica-destacada" if _valor(punto, "destacado") else ""
        barras.append(
            Barra(
                x=f"{x:.1f}",
                y=f"{ALTO - ABAJO - alto:.1f}",
                ancho=f"{ancho:.1f}",
                alto=f"{alto:.1f}",
                centro=f"{x + ancho / 2:.1f}",
                etiqueta=str(_valor(punto, "etiqueta", "")),
                texto=cifra(valor, formato, unidad),
                nota=nota,
                clase=clase + (" ov-grafica-nota" if nota else ""),
                con_etiqueta=n <= ETIQUETAS_MAXIMAS or i % cada == 0 or i == n - 1,
            )
        )
    return Grafica(barras, cifra(max(valores), formato, unidad))


def registrar(app: Flask) -> None:
    """Expose the layout function to templates."""
    app.jinja_env.globals["grafica_barras"] = grafica_barras
