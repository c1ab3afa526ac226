"""*Mis contratos* and *Mis Facturas*: contract detail, bill history, PDF and CFDI XML."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contratos", __name__)
