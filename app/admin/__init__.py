"""Flask-Admin for administrators. OWNED BY THE ADMIN HELPER: replace this placeholder."""

from __future__ import annotations

from flask import Flask


def registrar_admin(app: Flask) -> None:
    """Build the admin inside the factory (no global Admin)."""
    return None
