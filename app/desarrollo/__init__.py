"""Dev-run only: the page listing the emails caught by the local SMTP catcher."""

from app.desarrollo.vistas import bp

__all__ = ["bp"]
