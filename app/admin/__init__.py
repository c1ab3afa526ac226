"""Flask-Admin for administrators, built inside the factory (no global Admin).

Every view derives from app.admin.seguridad.AccesoAdministrador (administrators only, on every
URL) and uses Flask-WTF forms, so CSRFProtect and the forms check the same token.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.theme import Bootstrap4Theme
from sqlalchemy import func, select

from app.admin import (
    ajustes,
    bitacora,
    calendario,
    catalogos,
    cuentas,
    integraciones,
    personal,
    plantillas,
)
from app.admin.seguridad import AccesoAdministrador
from app.extensiones import db
from casos.ajustes import mantenimiento
from casos.atencion_catalogos import CodigoResolucion, Oficina, RespuestaPredefinida
from casos.auditoria import RegistroAuditoria
from casos.catalogo import Area, DiaInhabil, ReglaRuteo, TipoCaso
from casos.cuentas.modelos import Cuenta, EventoCuenta
from casos.integraciones import TokenIntegracion
from casos.modelos import EventoCaso
from casos.personal import Personal
from casos.recalculo import SolicitudRecalculo

CATALOGOS = "Catálogos"
CALENDARIO = "Calendario"
PERSONAS = "Personas"
SISTEMA = "Sistema"
BITACORA = "Bitácora"


class Inicio(AccesoAdministrador, AdminIndexView):
    """The admin's home: pending recomputes, maintenance state, latest changes."""

    @expose("/")
    def index(self) -> str:
        pendientes = db.session.scalar(
            select(func.count())
            .select_from(SolicitudRecalculo)
            .where(SolicitudRecalculo.terminada_en.is_(None))
        )
        ultimos = db.session.scalars(
            select(RegistroAuditoria).order_by(RegistroAuditoria.id.desc()).limit(10)
        )
        return self.render(
            "admin/ov_inicio.html",
            recalculos_pendientes=pendientes,
            mantenimiento=mantenimiento(db.session),
            ultimos=list(ultimos),
        )


def registrar_admin(app: Flask) -> None:
    """Build the admin inside the factory (no global Admin)."""
    admin = Admin(
        app,
        name="Administración",
        url="/admin",
        theme=Bootstrap4Theme(base_template="admin/ov_base.html", fluid=True),
        index_view=Inicio(name="Inicio", url="/admin", endpoint="admin"),
    )
    for clase, modelo, nombre, categoria, clave in _vistas():
        argumentos = (modelo, db) if modelo is not None else ()
        admin.add_view(
            clase(
                *argumentos,
                name=nombre,
                category=categoria,
                endpoint=f"admin_{clave}",
                url=clave.replace("_", "-"),
            )
        )


def _vistas() -> list[tuple[Any, Any, str, str, str]]:
    """(view class, model or None, menu name, category, key) of every admin page."""
    return [
        (catalogos.VistaAreas, Area, "Áreas", CATALOGOS, "areas"),
        (catalogos.VistaTiposCaso, TipoCaso, "Tipos de caso", CATALOGOS, "tipos_caso"),
        (catalogos.VistaReglasRuteo, ReglaRuteo, "Reglas de ruteo", CATALOGOS, "reglas_ruteo"),
        (
            catalogos.VistaRespuestas,
            RespuestaPredefinida,
            "Respuestas predefinidas",
            CATALOGOS,
            "respuestas",
        ),
        (catalogos.VistaCodigos, CodigoResolucion, "Códigos de resolución", CATALOGOS, "codigos"),
        (catalogos.VistaOficinas, Oficina, "Oficinas", CATALOGOS, "oficinas"),
        (catalogos.VistaDiasInhabiles, DiaInhabil, "Días inhábiles", CALENDARIO, "dias_inhabiles"),
        (calendario.VistaFeriados, None, "Feriados oficiales", CALENDARIO, "feriados"),
        (
            calendario.VistaRecalculos,
            SolicitudRecalculo,
            "Recálculos de plazos",
            CALENDARIO,
            "recalculos",
        ),
        (personal.VistaPersonal, Personal, "Personal", PERSONAS, "personal"),
        (cuentas.VistaCuentas, Cuenta, "Cuentas de clientes", PERSONAS, "cuentas"),
        (ajustes.VistaMantenimiento, None, "Modo mantenimiento", SISTEMA, "mantenimiento"),
        (plantillas.VistaPlantillas, None, "Plantillas de correo", SISTEMA, "plantillas"),
        (integraciones.VistaTokens, TokenIntegracion, "Tokens de integración", SISTEMA, "tokens"),
        (bitacora.VistaAuditoria, RegistroAuditoria, "Cambios y accesos", BITACORA, "auditoria"),
        (bitacora.VistaEventosCaso, EventoCaso, "Eventos de casos", BITACORA, "eventos_caso"),
        (
            bitacora.VistaEventosCuenta,
            EventoCuenta,
            "Eventos de cuentas",
            BITACORA,
            "eventos_cuenta",
        ),
    ]
