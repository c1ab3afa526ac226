"""One generated case: its timeline by final state, its SLA columns and its rows.

Open cases (what the Bandeja and the workspace show) get the real `calcular_sla` and
`ciclo.prioridad`. Closed ones get exact due times from the cached calendar
(`Vencimientos`), a compact explanation, and the on-time verdict from their stop instants.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random
from typing import Any

from bench.casos_masivos_datos import Contexto
from bench.casos_masivos_historias import (
    CIERRE,
    Actor,
    Paso,
    ajustar_a_ahora,
    alertas,
    filas_eventos,
    nota,
    primera_respuesta,
)
from bench.casos_masivos_relojes import (
    Rejilla,
    Rejillas,
    fraccion,
    laboral,
    lineas_politica,
    politica_json,
    reloj_cerrado,
)
from bench.casos_masivos_solicitud import Solicitud
from casos.ciclo import prioridad
from casos.estados import REGLAS, Accion, EstadoCaso
from casos.modelos import EstadoSLA
from casos.reloj import Hecho, Politica, calcular_sla

A = Accion
PESOS_ABIERTO = (
    (EstadoCaso.NUEVO, 15),
    (EstadoCaso.ASIGNADO, 25),
    (EstadoCaso.EN_PROCESO, 42),
    (EstadoCaso.EN_ESPERA, 18),
)


class Generador:
    """Builds cases for one context; keeps the due-time cache across batches."""

    def __init__(self, ctx: Contexto) -> None:
        self.ctx = ctx
        self.rejillas = Rejillas(ctx.curva.inicio, ctx.parametros.ahora)
        self._politicas: dict[int, tuple[dict[str, Any], list[str]]] = {}

    def caso(
        self, base: dict[str, Any], s: Solicitud, politica: Politica, azar: Random, abierto: bool
    ) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
        """Fill the state and SLA columns of `base` and return it with its event rows."""
        agentes = self.ctx.agentes[base["area_id"]]
        agente_id, agente_nombre = azar.choice(agentes)
        base["_agente"] = ("personal", agente_id, agente_nombre)
        base["asignado_a_id"] = agente_id
        registro = Paso(
            base["creado_en"],
            A.REGISTRAR,
            ("ciudadano", None, s.nombre),
            datos={"area_id": base["area_id"], "area": politica.area, "regla_id": None},
        )
        if abierto:
            pasos = self._abierto(base, registro, politica, azar)
        else:
            pasos = self._cerrado(base, registro, politica, azar)
        filas, estado = filas_eventos(base["id"], pasos)
        base.pop("_agente")
        base.pop("_dias_reapertura")
        base["estado"] = estado.value
        base["actualizado_en"] = filas[-1][1]
        if not any(f[2] == A.ASIGNAR.value for f in filas):
            base["asignado_a_id"] = None
        return base, filas

    # --- open cases: the real clocks -----------------------------------------------------

    def _abierto(
        self, base: dict[str, Any], registro: Paso, politica: Politica, azar: Random
    ) -> list[Paso]:
        ahora = self.ctx.parametros.ahora
        creado, agente = base["creado_en"], base["_agente"]
        cal = self.rejillas.de(politica.calendario)
        edad = ahora - creado
        estado = EstadoCaso.NUEVO
        if edad > timedelta(minutes=20):
            estados, pesos = zip(*PESOS_ABIERTO, strict=True)
            estado = azar.choices(estados, pesos)[0]
        acciones = self._acciones_abierto(estado, azar)
        pasos, previo = [registro], creado
        for accion, f in zip(acciones, sorted(azar.random() ** 1.6 for _ in acciones), strict=True):
            ciudadano = accion is A.RECIBIR_INFORMACION
            en = creado + edad * f
            en = en.replace(microsecond=0) if ciudadano else laboral(cal, en, azar)
            en = max(previo, min(en, ahora - timedelta(seconds=1)))
            actor = ("ciudadano", None, registro.actor[2]) if ciudadano else agente
            datos = (
                {"personal_id": agente[1], "personal_nombre": agente[2]}
                if accion is A.ASIGNAR
                else {}
            )
            pasos.append(Paso(en, accion, actor, nota(azar, accion), datos))
            previo = en
        return self._relojes_abierto(base, pasos, politica)

    @staticmethod
    def _acciones_abierto(estado: EstadoCaso, azar: Random) -> list[Accion]:
        if estado is EstadoCaso.NUEVO:
            return []
        if estado is EstadoCaso.ASIGNADO:
            return [A.ASIGNAR]
        if estado is EstadoCaso.EN_ESPERA:
            return [A.ASIGNAR, A.SOLICITAR_INFORMACION]
        x = azar.random()
        if x < 0.45:
            return [A.ASIGNAR, A.ATENDER]
        if x < 0.8:
            return [A.ASIGNAR, A.ATENDER, A.RESPONDER]
        return [A.ASIGNAR, A.SOLICITAR_INFORMACION, A.RECIBIR_INFORMACION]

    def _relojes_abierto(
        self, base: dict[str, Any], pasos: list[Paso], politica: Politica
    ) -> list[Paso]:
        ahora = self.ctx.parametros.ahora
        hechos = [Hecho(p.en, p.accion, REGLAS[p.accion].hacia, p.datos) for p in pasos]
        resultado = calcular_sla(hechos, politica, ahora)
        pendientes: list[datetime] = []
        for reloj in resultado.relojes:
            hasta = min(reloj.detenido_en or ahora, ahora)
            umbrales = (reloj.riesgo_en, reloj.vence_en)
            nuevos, hechos_umbral = alertas(reloj.clave, reloj.inicio_en, umbrales, hasta)
            pasos.extend(nuevos)
            if reloj.es_activo:
                pendientes += [
                    i
                    for u, i in zip(("riesgo", "vencido"), umbrales, strict=True)
                    if i is not None and u not in hechos_umbral
                ]
        estado = EstadoCaso(next(h.estado_hacia for h in reversed(hechos) if h.estado_hacia))
        base.update(
            primera_respuesta_en=primera_respuesta(pasos),
            vence_respuesta_en=resultado.vence("respuesta"),
            vence_resolucion_en=resultado.vence("resolucion"),
            sla_estado=resultado.estado.value,
            sla_proximo_en=min(pendientes, default=None),
            sla_explicacion=resultado.a_json(),
            prioridad_en=prioridad(estado, resultado),
        )
        return pasos

    # --- closed cases: exact due times from the cache, no full recomputation -------------

    def _cerrado(
        self, base: dict[str, Any], registro: Paso, politica: Politica, azar: Random
    ) -> list[Paso]:
        ahora, creado = self.ctx.parametros.ahora, base["creado_en"]
        cal, agente = self.rejillas.de(politica.calendario), base["_agente"]
        vr = cal.sumar(creado, politica.objetivo_respuesta)
        if azar.random() < 0.05:
            en = creado + timedelta(minutes=azar.uniform(20, 2880))
            pasos = [
                registro,
                Paso(en.replace(microsecond=0), A.CANCELAR, agente, nota(azar, A.CANCELAR)),
            ]
            return self._cierre(base, ajustar_a_ahora(pasos, creado, ahora), politica, None)
        t_resp = laboral(cal, creado + (vr - creado) * fraccion(azar, 0.88), azar)
        asignar = min(
            laboral(cal, creado + (t_resp - creado) * azar.uniform(0.02, 0.5), azar), t_resp
        )
        datos_asig = {"personal_id": agente[1], "personal_nombre": agente[2]}
        pasos = [registro, Paso(asignar, A.ASIGNAR, agente, "", datos_asig)]
        extra, t_res, pausa = self._atencion(
            cal, creado, registro, agente, t_resp, vr, politica, azar
        )
        pasos += extra
        t_res = max(t_res, asignar)
        pasos.append(Paso(t_res, A.RESOLVER, agente, nota(azar, A.RESOLVER)))
        pasos = ajustar_a_ahora(pasos, creado, ahora)
        if pausa is not None:
            pausa = (pasos[2].en, pasos[3].en)
        cierre = pasos[-1].en + timedelta(days=base["_dias_reapertura"], hours=azar.uniform(0, 20))
        if cierre < ahora:
            pasos.append(Paso(cierre.replace(microsecond=0), A.CERRAR, CIERRE))
        return self._cierre(base, pasos, politica, pausa)

    @staticmethod
    def _atencion(
        cal: Rejilla,
        creado: datetime,
        registro: Paso,
        agente: Actor,
        t_resp: datetime,
        vr: datetime,
        politica: Politica,
        azar: Random,
    ) -> tuple[list[Paso], datetime, tuple[datetime, datetime] | None]:
        """What happens between assignment and resolution: an answer, a request for
        information and its reply, or nothing (resolved at once); and when it is resolved."""
        obj_s, x = politica.objetivo_resolucion, azar.random()
        hora = timedelta(hours=1)
        if x < 0.15:
            recibido = (t_resp + timedelta(hours=azar.uniform(2, 144))).replace(microsecond=0)
            vs = cal.con_pausas(creado, [(t_resp, recibido)], obj_s)
            t_res = laboral(cal, recibido + max(vs - recibido, hora) * fraccion(azar, 0.85), azar)
            ciudadano = ("ciudadano", None, registro.actor[2])
            pasos = [
                Paso(t_resp, A.SOLICITAR_INFORMACION, agente, nota(azar, A.SOLICITAR_INFORMACION)),
                Paso(recibido, A.RECIBIR_INFORMACION, ciudadano, nota(azar, A.RECIBIR_INFORMACION)),
            ]
            return pasos, t_res, (t_resp, recibido)
        if x < 0.45:  # resolved at once: the resolution is also the first response
            return [], laboral(cal, creado + (vr - creado) * fraccion(azar, 0.85), azar), None
        vs = cal.sumar(creado, obj_s)
        t_res = laboral(cal, t_resp + max(vs - t_resp, hora) * fraccion(azar, 0.85), azar)
        return [Paso(t_resp, A.RESPONDER, agente, nota(azar, A.RESPONDER))], t_res, None

    def _cierre(
        self,
        base: dict[str, Any],
        pasos: list[Paso],
        politica: Politica,
        pausa: tuple[datetime, datetime] | None,
    ) -> list[Paso]:
        """Due times, alerts, SLA state and the compact explanation of a closed case."""
        creado, cal = base["creado_en"], self.rejillas.de(politica.calendario)
        pausas = [pausa] if pausa else []
        umbral = politica.umbral_pct / 100
        fin = next(p.en for p in pasos if p.accion in (A.RESOLVER, A.CANCELAR))
        cancelado = any(p.accion is A.CANCELAR for p in pasos)
        respuesta = primera_respuesta(pasos) or fin
        relojes, vencen = [], []
        for clave, objetivo, hasta, en_pausa in (
            ("respuesta", politica.objetivo_respuesta, respuesta, []),
            ("resolucion", politica.objetivo_resolucion, fin, pausas),
        ):
            if en_pausa:
                riesgo = cal.con_pausas(creado, en_pausa, objetivo * umbral)
                vence = cal.con_pausas(creado, en_pausa, objetivo)
            else:
                riesgo = cal.sumar(creado, objetivo * umbral)
                vence = cal.sumar(creado, objetivo)
            pasos.extend(alertas(clave, creado, (riesgo, vence), hasta)[0])
            vencen.append(vence)
            estado = "detenido" if cancelado else ("cumplido" if hasta <= vence else "incumplido")
            consumido = cal.entre(creado, hasta, en_pausa)
            relojes.append(
                reloj_cerrado(clave, objetivo, creado, en_pausa, (vence, hasta, consumido), estado)
            )
        tarde = relojes[1]["estado"] == "incumplido"
        sla = EstadoSLA.VENCIDO if tarde else EstadoSLA.EN_TIEMPO
        politica_j, lineas = self._explicacion_politica(politica)
        base.update(
            primera_respuesta_en=None if cancelado else respuesta,
            vence_respuesta_en=vencen[0],
            vence_resolucion_en=vencen[1],
            sla_estado=sla.value,
            sla_proximo_en=None,
            prioridad_en=None,
            resuelto_en=None if cancelado else fin,
            cerrado_en=next((p.en for p in pasos if p.accion is A.CERRAR), None),
            cancelado_en=fin if cancelado else None,
            sla_explicacion={
                "politica": politica_j,
                "relojes": relojes,
                "estado": sla.value,
                "lineas": [lineas[0], *(_linea(r) for r in relojes)],
            },
        )
        return pasos

    def _explicacion_politica(self, politica: Politica) -> tuple[dict[str, Any], list[str]]:
        clave = id(politica)
        if clave not in self._politicas:
            self._politicas[clave] = (politica_json(politica), lineas_politica(politica))
        return self._politicas[clave]


def _linea(reloj: dict[str, Any]) -> str:
    desenlace = {"cumplido": "cumplido", "incumplido": "fuera de plazo", "detenido": "detenido"}
    return (
        f"{reloj['nombre']} (plazo de {reloj['objetivo_horas']:g} h): {desenlace[reloj['estado']]}."
    )
