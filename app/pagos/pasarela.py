"""The provider's side: signed confirmations, the return page and the sandbox's hosted page."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pasarela", __name__)
