"""The customer portal (Oficina Virtual): home, *Vías de Contacto*."""

from app.portal import contacto
from app.portal.vistas import bp

__all__ = ["bp", "contacto"]
