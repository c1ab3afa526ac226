"""Placeholder: being written."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cuenta", __name__)
