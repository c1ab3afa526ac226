"""The customer's payments: pay a bill, see each payment's state."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pagos", __name__)
