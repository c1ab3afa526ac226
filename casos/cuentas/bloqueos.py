"""Account blocks: debt older than six months (rule 7) and misuse for a set period (rule 8).

Rule 7: an account is blocked while any contract linked to it has an unpaid bill more than six
months overdue (exact definition in casos.cuentas.adeudos); the block lifts as soon as none
remains.

Rule 8: staff block for misuse for a set number of days; once the period is over the account
stays blocked until staff reactivate it after a request by phone (442 211 00 66).

`Cuenta.es_bloqueada` mirrors "an unlifted Bloqueo exists". Every block, change and lift writes
an account event; the customer of an active account gets an email on block and on lift.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.actores import Actor, TipoActor
from casos.base import exigir_zona
from casos.correo import encolar_correo
from casos.cuentas.adeudos import (
    ESTADOS_REVISADOS,
    AdeudoAntiguo,
    adeudos_antiguos,
    dinero,
    fecha_limite_adeudo,
    lotes_de_cuentas,
)
from casos.cuentas.bitacora import registrar_evento
from casos.cuentas.modelos import Bloqueo, Cuenta, EstadoCuenta, MotivoBloqueo
from casos.errores import DatosInvalidos, ErrorDominio, TransicionInvalida
from casos.sla import fecha_en_palabras

DIAS_MAXIMOS = 365
LARGO_MINIMO_MOTIVO = 10
LARGO_MAXIMO_MOTIVO = 2000
MOTIVO_PAGADO = "Ya no hay facturas con más de seis meses de vencidas en sus contratos."


@dataclass
class ResumenBloqueos:
    """What one debt review did."""

    revisadas: int = 0
    bloqueadas: int = 0
    levantadas: int = 0
    actualizadas: int = 0

    def a_json(self) -> dict[str, int]:
        """For the job's run record and the CLI."""
        return asdict(self)


# --- rule 7: debt ------------------------------------------------------------------------------


def revisar_bloqueos_por_adeudo(
    sesion: Session, contrato_ids: Iterable[int] | None, ahora: datetime, actor: Actor
) -> ResumenBloqueos:
    """Block the accounts holding debt older than six months, lift those that no longer do.

    `contrato_ids`: the contracts whose bills or payments changed (import, online payment);
    None reviews every open account. Flushes; the caller commits (the nightly job commits
    after each batch: casos.cuentas.adeudos.cuentas_por_revisar + `revisar_cuentas`)."""
    resumen = ResumenBloqueos()
    for lote in lotes_de_cuentas(sesion, contrato_ids):
        revisar_cuentas(sesion, lote, ahora, actor, resumen)
    return resumen


def revisar_cuentas(
    sesion: Session,
    cuenta_ids: Iterable[int],
    ahora: datetime,
    actor: Actor,
    resumen: ResumenBloqueos | None = None,
) -> ResumenBloqueos:
    """Apply rule 7 to these accounts (closed ones are skipped); e.g. after unlinking one."""
    ahora = exigir_zona(ahora)
    resumen = resumen if resumen is not None else ResumenBloqueos()
    ids = sorted(set(cuenta_ids))
    resumen.revisadas += len(ids)
    if not ids:
        return resumen
    adeudos = adeudos_antiguos(sesion, ids, fecha_limite_adeudo(ahora))
    vigentes = _bloqueos_por_adeudo(sesion, ids)
    por_cambiar = sorted(
        i for i in set(adeudos) | set(vigentes) if _hay_cambio(adeudos.get(i), vigentes.get(i))
    )
    if not por_cambiar:
        return resumen
    # Lock the rows (PostgreSQL; SQLite writers are already serialised) and read the blocks
    # again: an import and the nightly job reviewing the same account never both block it.
    cuentas = list(
        sesion.scalars(
            select(Cuenta)
            .where(Cuenta.id.in_(por_cambiar), Cuenta.estado.in_(ESTADOS_REVISADOS))
            .order_by(Cuenta.id)
            .with_for_update()
        )
    )
    adeudos = adeudos_antiguos(sesion, por_cambiar, fecha_limite_adeudo(ahora))
    vigentes = _bloqueos_por_adeudo(sesion, por_cambiar, releer=True)
    for cuenta in cuentas:
        adeudo, bloqueo = adeudos.get(cuenta.id), vigentes.get(cuenta.id)
        if _hay_cambio(adeudo, bloqueo):
            _contar(resumen, adeudo, bloqueo)
            _aplicar(sesion, cuenta, adeudo, bloqueo, ahora, actor)
    return resumen


def _bloqueos_por_adeudo(
    sesion: Session, cuenta_ids: list[int], releer: bool = False
) -> dict[int, Bloqueo]:
    consulta = (
        select(Bloqueo)
        .where(
            Bloqueo.cuenta_id.in_(cuenta_ids),
            Bloqueo.motivo == MotivoBloqueo.ADEUDO,
            Bloqueo.levantado_en.is_(None),
        )
        .order_by(Bloqueo.id.desc())
        .execution_options(populate_existing=releer)
    )
    # Newest first, so the dict keeps each account's oldest open block (there should be one).
    return {b.cuenta_id: b for b in sesion.scalars(consulta)}


def _hay_cambio(adeudo: AdeudoAntiguo | None, bloqueo: Bloqueo | None) -> bool:
    if adeudo is None or bloqueo is None:
        return adeudo is not None or bloqueo is not None
    return bloqueo.adeudo != adeudo.total or bloqueo.detalle != adeudo.detalle


def _contar(resumen: ResumenBloqueos, adeudo: AdeudoAntiguo | None, antes: Bloqueo | None) -> None:
    if adeudo is not None and antes is None:
        resumen.bloqueadas += 1
    elif adeudo is None and antes is not None:
        resumen.levantadas += 1
    elif adeudo is not None:
        resumen.actualizadas += 1


def _aplicar(
    sesion: Session,
    cuenta: Cuenta,
    adeudo: AdeudoAntiguo | None,
    bloqueo: Bloqueo | None,
    ahora: datetime,
    actor: Actor,
) -> None:
    if adeudo is None and bloqueo is not None:
        _levantar(sesion, cuenta, bloqueo, MOTIVO_PAGADO, ahora, actor, "desbloqueo_adeudo")
    elif adeudo is not None and bloqueo is None:
        _bloquear_por_adeudo(sesion, cuenta, adeudo, ahora, actor)
    elif adeudo is not None and bloqueo is not None:
        anterior = bloqueo.adeudo
        bloqueo.adeudo, bloqueo.detalle = adeudo.total, adeudo.detalle
        registrar_evento(
            sesion,
            cuenta,
            "bloqueo_adeudo_actualizado",
            actor,
            ahora,
            bloqueo_id=bloqueo.id,
            adeudo_anterior=str(anterior),
            adeudo=str(adeudo.total),
            detalle=adeudo.detalle,
        )


def _bloquear_por_adeudo(
    sesion: Session, cuenta: Cuenta, adeudo: AdeudoAntiguo, ahora: datetime, actor: Actor
) -> None:
    bloqueo = _nuevo_bloqueo(
        sesion, cuenta, MotivoBloqueo.ADEUDO, adeudo.detalle, actor, ahora, adeudo=adeudo.total
    )
    registrar_evento(
        sesion,
        cuenta,
        "bloqueo_adeudo",
        actor,
        ahora,
        bloqueo_id=bloqueo.id,
        adeudo=str(adeudo.total),
        detalle=adeudo.detalle,
        contratos=[c.numero for c in adeudo.contratos],
    )
    contratos = [
        {
            "numero": c.numero,
            "facturas": c.facturas,
            "desde": f"{c.desde:%d/%m/%Y}",
            "importe": dinero(c.importe),
        }
        for c in adeudo.contratos
    ]
    contexto = {"contratos": contratos, "total": dinero(adeudo.total)}
    _avisar(sesion, cuenta, bloqueo, "bloqueo_adeudo", "inicio", contexto, ahora)


# --- rule 8: misuse -----------------------------------------------------------------------------


def bloquear_por_mal_uso(
    sesion: Session, cuenta: Cuenta, dias: int, motivo: str, actor: Actor, ahora: datetime
) -> Bloqueo:
    """Staff block an account for misuse for `dias` days; it stays blocked after that until
    staff reactivate it (rule 8). The reason is shown to the customer."""
    ahora = exigir_zona(ahora)
    _exigir_personal(actor, "bloquear")
    motivo = " ".join(motivo.split())
    errores = _errores_motivo(motivo)
    if not 1 <= dias <= DIAS_MAXIMOS:
        errores["dias"] = f"Indique un periodo de 1 a {DIAS_MAXIMOS} días."
    if errores:
        raise DatosInvalidos("Revise los datos del bloqueo.", errores)
    _exigir_abierta(cuenta)
    if any(b.motivo is MotivoBloqueo.MAL_USO for b in bloqueos_vigentes(sesion, cuenta)):
        raise TransicionInvalida(
            "La cuenta ya tiene un bloqueo por mal uso sin levantar; no se bloquea dos veces."
        )
    fin = ahora + timedelta(days=dias)
    bloqueo = _nuevo_bloqueo(sesion, cuenta, MotivoBloqueo.MAL_USO, motivo, actor, ahora, fin=fin)
    registrar_evento(
        sesion,
        cuenta,
        "bloqueo_mal_uso",
        actor,
        ahora,
        bloqueo_id=bloqueo.id,
        motivo=motivo,
        dias=dias,
        fin_periodo_en=fin.isoformat(),
    )
    contexto = {"motivo": motivo, "dias": dias, "fin_periodo_en": fin}
    _avisar(sesion, cuenta, bloqueo, "bloqueo_mal_uso", "inicio", contexto, ahora)
    return bloqueo


def reactivar(sesion: Session, cuenta: Cuenta, motivo: str, actor: Actor, ahora: datetime) -> None:
    """Staff lift a misuse block once its period has ended, after the customer's phone
    request; `motivo` records that request (e.g. the call's folio). A debt block stays."""
    ahora = exigir_zona(ahora)
    _exigir_personal(actor, "reactivar")
    motivo = " ".join(motivo.split())
    errores = _errores_motivo(motivo)
    if errores:
        raise DatosInvalidos("Indique el motivo de la reactivación.", errores)
    abiertos = [b for b in bloqueos_vigentes(sesion, cuenta) if b.motivo is MotivoBloqueo.MAL_USO]
    if not abiertos:
        raise TransicionInvalida(
            "La cuenta no tiene un bloqueo por mal uso vigente. Un bloqueo por adeudo se "
            "levanta solo cuando se registra el pago."
        )
    for bloqueo in abiertos:
        assert bloqueo.fin_periodo_en is not None  # CHECK mal_uso_con_periodo
        if ahora < bloqueo.fin_periodo_en:
            raise TransicionInvalida(
                "El periodo de bloqueo todavía no termina: termina "
                f"{fecha_en_palabras(bloqueo.fin_periodo_en)}. Antes de esa fecha no se puede "
                "reactivar la cuenta."
            )
    for bloqueo in abiertos:
        _levantar(sesion, cuenta, bloqueo, motivo, ahora, actor, "reactivacion")


# --- shared --------------------------------------------------------------------------------------


def bloqueos_vigentes(sesion: Session, cuenta: Cuenta) -> list[Bloqueo]:
    """The account's unlifted blocks, oldest first."""
    consulta = (
        select(Bloqueo)
        .where(Bloqueo.cuenta_id == cuenta.id, Bloqueo.levantado_en.is_(None))
        .order_by(Bloqueo.inicio_en, Bloqueo.id)
    )
    return list(sesion.scalars(consulta))


def historial_bloqueos(sesion: Session, cuenta: Cuenta) -> list[Bloqueo]:
    """Every block the account ever had, newest first."""
    consulta = (
        select(Bloqueo)
        .where(Bloqueo.cuenta_id == cuenta.id)
        .order_by(Bloqueo.inicio_en.desc(), Bloqueo.id.desc())
    )
    return list(sesion.scalars(consulta))


def _nuevo_bloqueo(
    sesion: Session,
    cuenta: Cuenta,
    motivo: MotivoBloqueo,
    detalle: str,
    actor: Actor,
    ahora: datetime,
    adeudo: Decimal | None = None,
    fin: datetime | None = None,
) -> Bloqueo:
    bloqueo = Bloqueo(
        cuenta_id=cuenta.id,
        motivo=motivo,
        detalle=detalle,
        adeudo=adeudo,
        inicio_en=ahora,
        fin_periodo_en=fin,
        creado_por=actor.nombre[:120],
    )
    sesion.add(bloqueo)
    cuenta.es_bloqueada = True
    sesion.flush()
    return bloqueo


def _levantar(
    sesion: Session,
    cuenta: Cuenta,
    bloqueo: Bloqueo,
    motivo: str,
    ahora: datetime,
    actor: Actor,
    accion: str,
) -> None:
    bloqueo.levantado_en = ahora
    bloqueo.levantado_por = actor.nombre[:120]
    bloqueo.motivo_levantamiento = motivo
    sesion.flush()
    quedan = bloqueos_vigentes(sesion, cuenta)
    cuenta.es_bloqueada = bool(quedan)
    registrar_evento(
        sesion,
        cuenta,
        accion,
        actor,
        ahora,
        bloqueo_id=bloqueo.id,
        bloqueo_motivo=bloqueo.motivo.value,
        motivo=motivo,
        sigue_bloqueada=cuenta.es_bloqueada,
    )
    contexto = {
        "tipo": bloqueo.motivo.value,
        "motivo": motivo,
        "sigue_bloqueada": cuenta.es_bloqueada,
        "pendientes": [b.motivo.value for b in quedan],
    }
    _avisar(sesion, cuenta, bloqueo, "bloqueo_levantado", "fin", contexto, ahora)


def _avisar(
    sesion: Session,
    cuenta: Cuenta,
    bloqueo: Bloqueo,
    plantilla: str,
    momento: str,
    contexto: dict[str, object],
    ahora: datetime,
) -> None:
    # Only an activated account has a confirmed email: a pending registration's address
    # has not proved it belongs to the holder, so no account details go there.
    if cuenta.estado is not EstadoCuenta.ACTIVA or not cuenta.email:
        return
    encolar_correo(
        sesion,
        para=cuenta.email,
        plantilla=plantilla,
        contexto={"usuario": cuenta.usuario, **contexto},
        ahora=ahora,
        clave=f"bloqueo:{bloqueo.id}:{momento}",
    )


def _exigir_personal(actor: Actor, que: str) -> None:
    if actor.tipo is not TipoActor.PERSONAL or actor.id is None:
        raise ErrorDominio(f"Solo el personal de la CEA puede {que} cuentas.")


def _exigir_abierta(cuenta: Cuenta) -> None:
    if cuenta.estado is EstadoCuenta.CERRADA:
        raise TransicionInvalida("La cuenta está cerrada; no se puede bloquear.")


def _errores_motivo(motivo: str) -> dict[str, str]:
    if len(motivo) < LARGO_MINIMO_MOTIVO:
        return {"motivo": f"Escriba el motivo (al menos {LARGO_MINIMO_MOTIVO} caracteres)."}
    if len(motivo) > LARGO_MAXIMO_MOTIVO:
        return {"motivo": f"El motivo puede tener hasta {LARGO_MAXIMO_MOTIVO} caracteres."}
    return {}
