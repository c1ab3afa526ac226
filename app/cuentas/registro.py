"""Blueprint "registro": registration in the manual's three phases, activation by email, and
the legal pages (Aviso de privacidad, Aviso Legal, Condiciones de uso).

/registro → /registro/<particular|empresa> (Fase 1 – Datos del Cliente) → /registro/usuario
(Fase 2 – Datos del usuario) → /registro/enviado (Fase 3 – Enviar (Activación)) → the emailed
/registro/activar/<token> (*Generar contraseña*) → /registro/activada (*Cuenta activada*).
The views live in registro_fases.py and registro_activacion.py; this module maps the URLs.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from app.cuentas import registro_activacion as activacion
from app.cuentas import registro_fases as fases
from casos.cuentas.registro import AVISO_PRIVACIDAD_VERSION

bp = Blueprint("registro", __name__)

_GET, _POST, _AMBOS = ["GET"], ["POST"], ["GET", "POST"]
for ruta, nombre, vista, metodos in [
    ("/registro", "inicio", fases.inicio, _GET),
    ("/registro/usuario", "usuario", fases.usuario, _AMBOS),
    ("/registro/enviado", "enviado", activacion.enviado, _GET),
    ("/registro/reenviar", "reenviar", activacion.reenviar, _POST),
    ("/registro/corregir-email", "corregir_email", activacion.corregir_email, _POST),
    ("/registro/activar/<token>", "activar", activacion.activar, _AMBOS),
    ("/registro/activar/<token>/reenviar", "reenviar_vencido", activacion.reenviar_vencido, _POST),
    ("/registro/activada", "activada", activacion.activada, _GET),
    ("/registro/<tipo>", "cliente", fases.cliente, _AMBOS),
]:
    bp.add_url_rule(ruta, nombre, vista, methods=metodos)


@bp.get("/aviso-de-privacidad")
def aviso_privacidad() -> str:
    """The integral *Aviso de privacidad* (LGPDPPSO)."""
    return render_template("portal/legal/aviso_privacidad.html", version=AVISO_PRIVACIDAD_VERSION)


@bp.get("/aviso-legal")
def aviso_legal() -> str:
    """*Aviso Legal* of the Oficina Virtual."""
    return render_template("portal/legal/aviso_legal.html")


@bp.get("/condiciones-de-uso")
def condiciones() -> str:
    """*Condiciones de uso* of the Oficina Virtual (the operating rules, for customers)."""
    return render_template("portal/legal/condiciones_uso.html")
