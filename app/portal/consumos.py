"""*Mis Consumos*: consumption, readings, exports and *Compártenos tu lectura*."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("consumos", __name__)
