"""Registration, Fases 1 and 2: choose *Registro particular* or *Registro empresa* (after the
aviso de privacidad), prove the contract (*Datos del Cliente*), then *Datos del usuario*.

What the customer typed in each phase is kept in the Flask session (never a password), so
*Regresar* and the browser's back button lose nothing. The rules are in casos.cuentas.registro
and casos.cuentas.verificacion; the URLs are declared in app/cuentas/registro.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.auth import actor_actual, cuenta_actual, ip_cliente, ruta_opcional
from app.cuentas.formularios_registro import (
    FormularioEmpresa,
    FormularioParticular,
    FormularioUsuario,
    prueba_valida,
)
from app.extensiones import db
from casos import limites
from casos.cuentas import registro as servicio
from casos.cuentas.modelos import TipoCuenta
from casos.cuentas.verificacion import (
    ContratoYaVinculado,
    PruebaContrato,
    PruebaNoDisponible,
    contar_intento,
    verificar_contrato,
)
from casos.errores import DatosInvalidos, ErrorDominio

Pagina = str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]
TIPOS = {"particular": TipoCuenta.PARTICULAR, "empresa": TipoCuenta.EMPRESA}
CLAVE_FASES = "registro"  # {"tipo", "cliente": {...}, "usuario": {...}, "verificado": bool}
CLAVE_ENVIADO = "registro_enviado"  # {"cuenta": id, "email": masked address}


def instante() -> datetime:
    """Now, UTC-aware (the one place these views read the clock)."""
    return datetime.now(UTC)


def url_activacion(token: str) -> str:
    """The emailed link: BASE_URL, never the request's Host."""
    return str(current_app.config["BASE_URL"]) + url_for("registro.activar", token=token)


def _fases() -> dict[str, Any]:
    datos = session.get(CLAVE_FASES)
    return dict(datos) if isinstance(datos, dict) else {}


def _guardar_fases(datos: dict[str, Any]) -> None:
    session[CLAVE_FASES] = datos


def _tecleado(form: FlaskForm, campos: tuple[str, ...]) -> dict[str, Any]:
    """What the customer typed, to keep in the session (the forms have no secret fields)."""
    return {nombre: form[nombre].data for nombre in campos}


def marcar_errores(form: FlaskForm, error: ErrorDominio) -> str | None:
    """Put the domain's field errors next to their fields; return the form-level message."""
    sueltos = []
    for nombre, razon in error.campos.items():
        if nombre in form:
            form[nombre].errors = [*form[nombre].errors, razon]
        else:
            sueltos.append(razon)
    if error.campos and not sueltos:
        return "Revise los datos marcados."
    return " ".join([error.mensaje, *sueltos]) if sueltos else error.mensaje


def _limitado(estado: limites.Estado, plantilla: str, **contexto: Any) -> Pagina:
    """Too many attempts: the counter is kept and the page says how long to wait."""
    db.session.commit()
    ahora = instante()
    minutos = estado.minutos_restantes(ahora)
    error = (
        f"Hizo demasiados intentos. Por seguridad, espere {minutos} minutos y vuelva a "
        "intentarlo; lo que escribió se conserva."
    )
    html = render_template(plantilla, error=error, **contexto)
    return html, 429, {"Retry-After": str(estado.segundos_restantes(ahora))}


# --- choose the type ----------------------------------------------------------------------


def inicio() -> Pagina:
    """*Registrate*: the aviso de privacidad, then *Registro particular* or *Registro empresa*."""
    if cuenta_actual() is not None:
        flash("Ya inició sesión. Para agregar otro contrato, use Mi cuenta.", "info")
        return redirect(ruta_opcional("cuenta.inicio", "/mi-cuenta/") or "/mi-cuenta/")
    return render_template("portal/cuentas/registro_inicio.html", tipo=_fases().get("tipo"))


# --- Fase 1 --------------------------------------------------------------------------------


def _form_cliente(
    tipo: TipoCuenta, datos: dict[str, Any]
) -> FormularioParticular | FormularioEmpresa:
    clase = FormularioParticular if tipo is TipoCuenta.PARTICULAR else FormularioEmpresa
    return clase(data=datos.get("cliente") or {})


def _prueba(tipo: TipoCuenta, cliente: dict[str, Any]) -> PruebaContrato:
    """The proof from what was typed in Fase 1 (ticking "no meter" sets the meter aside)."""

    def dato(nombre: str) -> str:
        valor = cliente.get(nombre)
        return valor if isinstance(valor, str) else ""

    medidor = "" if cliente.get("sin_medidor") else dato("numero_medidor")
    return PruebaContrato(
        tipo=tipo,
        referencia=dato("referencia"),
        apellido_paterno=dato("apellido_paterno"),
        apellido_materno=dato("apellido_materno"),
        nombre_empresa=dato("nombre_empresa"),
        numero_medidor=medidor,
        importe_ultima_factura="" if medidor.strip() else dato("importe_ultima_factura"),
    )


def cliente(tipo: str) -> Pagina:
    """*Fase 1 – Datos del Cliente*: prove the contract with the data printed on the bill."""
    tipo_cuenta = TIPOS.get(tipo)
    if tipo_cuenta is None:
        abort(404)
    datos = _fases()
    if datos.get("tipo") != tipo:
        datos = {"tipo": tipo}
    form = _form_cliente(tipo_cuenta, datos)
    contexto: dict[str, Any] = {"form": form, "tipo": tipo, "fase": 1}
    plantilla = "portal/cuentas/registro_cliente.html"
    if not form.is_submitted():
        return render_template(plantilla, **contexto)
    datos.update(cliente=_tecleado(form, form.CAMPOS), verificado=False)
    _guardar_fases(datos)
    if not prueba_valida(form, _prueba(tipo_cuenta, datos["cliente"])):
        return render_template(plantilla, **contexto)
    ahora = instante()
    estado = contar_intento(db.session, form.referencia.data or "", ip_cliente(), ahora)
    if not estado.permitido:
        return _limitado(estado, plantilla, **contexto)
    try:
        verificar_contrato(db.session, _prueba(tipo_cuenta, datos["cliente"]), ahora)
    except DatosInvalidos as error:
        db.session.commit()  # the attempt counts
        incidencia = isinstance(error, PruebaNoDisponible)
        return render_template(
            plantilla, error=marcar_errores(form, error), incidencia=incidencia, **contexto
        )
    except ContratoYaVinculado as error:
        db.session.commit()
        return render_template(plantilla, error=error.mensaje, incidencia=True, **contexto)
    db.session.commit()
    datos["verificado"] = True
    _guardar_fases(datos)
    return redirect(url_for("registro.usuario"))


# --- Fase 2 --------------------------------------------------------------------------------


def _datos_registro(datos: dict[str, Any], form: FormularioUsuario) -> servicio.DatosRegistro:
    tipo = TIPOS[datos["tipo"]]
    return servicio.DatosRegistro(
        tipo=tipo,
        contrato=_prueba(tipo, datos.get("cliente") or {}),
        usuario=form.usuario.data or "",
        email=form.email.data or "",
        email_confirmacion=form.email_confirmacion.data or "",
        acepto_terminos=bool(form.acepto_terminos.data),
        declaro_datos=bool(form.declaro_datos.data),
        aviso_privacidad_version=servicio.AVISO_PRIVACIDAD_VERSION,
    )


def usuario() -> Pagina:
    """*Fase 2 – Datos del usuario*: Usuario, Email, Confirmar email and the consents."""
    datos = _fases()
    if not datos.get("verificado") or datos.get("tipo") not in TIPOS:
        flash("Primero complete la Fase 1 – Datos del Cliente.", "warning")
        return redirect(url_for("registro.cliente", tipo=datos.get("tipo") or "particular"))
    form = FormularioUsuario(data=datos.get("usuario") or {})
    plantilla = "portal/cuentas/registro_usuario.html"
    contexto: dict[str, Any] = {"form": form, "tipo": datos["tipo"], "fase": 2}
    if not form.is_submitted():
        return render_template(plantilla, **contexto)
    datos["usuario"] = _tecleado(form, FormularioUsuario.CAMPOS)
    _guardar_fases(datos)
    if "regresar" in request.form:
        return redirect(url_for("registro.cliente", tipo=datos["tipo"]))
    if not form.validate():
        return render_template(plantilla, **contexto)
    registro = _datos_registro(datos, form)
    if campos := servicio.validar_datos_usuario(registro):
        error = marcar_errores(form, DatosInvalidos("Revise los datos marcados.", campos))
        return render_template(plantilla, error=error, **contexto)
    return _crear(registro, form, plantilla, contexto)


def _crear(
    registro: servicio.DatosRegistro,
    form: FormularioUsuario,
    plantilla: str,
    contexto: dict[str, Any],
) -> Pagina:
    ahora = instante()
    estado = limites.contar(db.session, servicio.LIMITE_REGISTRO_IP, ip_cliente(), ahora)
    if not estado.permitido:
        return _limitado(estado, plantilla, **contexto)
    try:
        with db.session.begin_nested():
            cuenta = servicio.crear_cuenta(
                db.session, registro, actor_actual(), ahora, url_activacion
            )
    except (DatosInvalidos, ContratoYaVinculado) as error:
        db.session.commit()  # the attempt counts
        incidencia = isinstance(error, ContratoYaVinculado | PruebaNoDisponible)
        return render_template(
            plantilla, error=marcar_errores(form, error), incidencia=incidencia, **contexto
        )
    db.session.commit()
    session.pop(CLAVE_FASES, None)
    session[CLAVE_ENVIADO] = {"cuenta": cuenta.id, "email": enmascarar(cuenta.email or "")}
    return redirect(url_for("registro.enviado"))


def enmascarar(email: str) -> str:
    """`ana.lopez@ejemplo.mx` → `an•••••••@ejemplo.mx` (enough to recognise it, not to read it)."""
    local, _, dominio = email.partition("@")
    visibles = 1 if len(local) <= 3 else 2
    return f"{local[:visibles]}{'•' * max(3, len(local) - visibles)}@{dominio}"
