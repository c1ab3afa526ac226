"""Follow a request without an account: folio plus email, or a one-time link."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("seguimiento", __name__)
