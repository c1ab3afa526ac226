"""Placeholder: being written."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("bloqueo", __name__)
