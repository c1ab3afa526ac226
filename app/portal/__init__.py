"""The customer portal (Oficina Virtual)."""

from app.portal.vistas import bp

__all__ = ["bp"]
