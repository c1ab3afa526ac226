"""Default resolution codes, offices and canned answers per case type (loaded with the catalogs;
administrators edit them afterwards). Placeholders: {folio} {nombre} {tipo} {contrato} {area}
{agente}."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casos.atencion_catalogos import CodigoResolucion, Oficina, RespuestaPredefinida
from casos.catalogo import TipoCaso

CODIGOS: tuple[tuple[str, str, str], ...] = (
    ("procedente", "Procedente", "Se dio la razón al usuario y se aplicó la corrección."),
    ("procedente_parcial", "Procedente en parte", "Se corrigió solo una parte de lo solicitado."),
    ("improcedente", "Improcedente", "Revisado: el cobro o la situación eran correctos."),
    ("informativo", "Información proporcionada", "Consulta atendida con la información pedida."),
    ("sin_respuesta", "Sin respuesta del usuario", "No envió la información solicitada."),
    ("duplicado", "Duplicado", "El mismo asunto se atiende en otro folio."),
    ("canalizado", "Canalizado a otra dependencia", "No es competencia de la CEA."),
)

OFICINAS: tuple[tuple[str, str], ...] = (
    (
        "Oficinas centrales CEA",
        "Av. 5 de Febrero No. 35, Col. Las Campanas, Querétaro, Qro., C.P. 76010",
    ),
    ("Módulo Centro Sur", "Blvd. Bernardo Quintana No. 10000, Centro Sur, Querétaro, Qro."),
    ("Módulo San Juan del Río", "Av. Juárez Ote. No. 45, Centro, San Juan del Río, Qro."),
)

_SALUDO = "Estimado(a) {nombre}:\n\n"
_FIRMA = "\n\nAtentamente,\n{agente}\nComisión Estatal de Aguas de Querétaro"

RESPUESTAS: tuple[tuple[str | None, str, str], ...] = (
    (
        None,
        "Acuse de revisión",
        "Recibimos su solicitud con folio {folio} y ya la estamos revisando. Le informaremos "
        "el resultado por este medio.",
    ),
    (
        "altos_consumos",
        "Lectura verificada, consumo correcto",
        "Revisamos el historial de lecturas del contrato {contrato}: la lectura de su último "
        "periodo es real y coincide con la verificación en sitio, por lo que el consumo "
        "facturado es correcto. Le recomendamos revisar posibles fugas internas (cierre todas "
        "las llaves y observe si el medidor sigue girando).",
    ),
    (
        "altos_consumos",
        "Lectura estimada, se ajusta la factura",
        "Su último periodo se facturó con una lectura estimada. Tomamos la lectura real del "
        "medidor y ajustamos el consumo del contrato {contrato}; el saldo corregido se verá "
        "en su próxima factura.",
    ),
    (
        "pagos_no_aplicados",
        "Pago localizado y aplicado",
        "Localizamos su pago y ya quedó aplicado al contrato {contrato}. Su saldo se actualiza "
        "en la Oficina Virtual en un máximo de 24 horas.",
    ),
    (
        "pagos_no_aplicados",
        "Pedir comprobante legible",
        "Para localizar su pago necesitamos una imagen legible del comprobante donde se vean "
        "la fecha, el importe, el banco o tienda y el número de referencia.",
    ),
    (
        "recibo_no_entregado",
        "Domicilio de entrega corregido",
        "Corregimos los datos de entrega del contrato {contrato}. Mientras llega su próximo "
        "recibo, puede descargarlo en la Oficina Virtual, sección Mis Facturas.",
    ),
    (
        "consulta_general",
        "Información de trámite",
        "Con gusto le informamos: el trámite que consulta se realiza en cualquiera de nuestras "
        "oficinas, de lunes a viernes de 8:00 a 17:00, presentando identificación oficial y "
        "su último recibo.",
    ),
    (
        "incidencia_ov",
        "Incidencia corregida",
        "Corregimos el problema que reportó en la Oficina Virtual. Por favor intente de nuevo "
        "y, si persiste, responda a esta solicitud con una captura de pantalla.",
    ),
)


def cargar_atencion(sesion: Session) -> dict[str, int]:
    """Insert the resolution codes, offices and canned answers that are missing."""
    creados = {"codigos": 0, "oficinas": 0, "respuestas": 0}
    codigos = set(sesion.scalars(select(CodigoResolucion.clave)))
    for orden, (clave, nombre, descripcion) in enumerate(CODIGOS):
        if clave not in codigos:
            sesion.add(
                CodigoResolucion(clave=clave, nombre=nombre, descripcion=descripcion, orden=orden)
            )
            creados["codigos"] += 1
    oficinas = set(sesion.scalars(select(Oficina.nombre)))
    for nombre, direccion in OFICINAS:
        if nombre not in oficinas:
            sesion.add(Oficina(nombre=nombre, direccion=direccion))
            creados["oficinas"] += 1
    creados["respuestas"] = _cargar_respuestas(sesion)
    sesion.flush()
    return creados


def _cargar_respuestas(sesion: Session) -> int:
    tipos = {clave: id_ for clave, id_ in sesion.execute(select(TipoCaso.clave, TipoCaso.id))}
    consulta = select(RespuestaPredefinida.tipo_id, RespuestaPredefinida.titulo)
    existentes = {(tipo_id, titulo) for tipo_id, titulo in sesion.execute(consulta)}
    nuevas = 0
    for orden, (clave, titulo, texto) in enumerate(RESPUESTAS):
        tipo_id = tipos.get(clave) if clave else None
        if (clave and tipo_id is None) or (tipo_id, titulo) in existentes:
            continue
        sesion.add(
            RespuestaPredefinida(
                tipo_id=tipo_id, titulo=titulo, texto=_SALUDO + texto + _FIRMA, orden=orden
            )
        )
        nuevas += 1
    return nuevas
