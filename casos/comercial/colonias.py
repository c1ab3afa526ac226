"""Colonias of the Querétaro metro area for the demo data: name, municipality, postal code.

Demo data, not a postal catalog: the names are real colonias of the zona metropolitana, the
postal code is a representative one for each (large colonias span several). `peso` is a rough
relative number of contracts. `con_medidor=False` marks the colonias where, as in the
utility's rules (Santa María Magdalena), no meters are installed and a fixed fee is billed;
San Pedro Mártir joins it in the demo only, so that about 3 % of the contracts have no meter.
"""

from __future__ import annotations

from dataclasses import dataclass

QUERETARO = "Querétaro"
CORREGIDORA = "Corregidora"
EL_MARQUES = "El Marqués"


@dataclass(frozen=True)
class Colonia:
    """A colonia where the utility supplies water."""

    nombre: str
    municipio: str
    codigo_postal: str
    peso: int
    con_medidor: bool = True


COLONIAS: tuple[Colonia, ...] = (
    Colonia("Centro", QUERETARO, "76000", 40),
    Colonia("Niños Héroes", QUERETARO, "76010", 25),
    Colonia("Las Campanas", QUERETARO, "76010", 20),
    Colonia("Pathé", QUERETARO, "76020", 15),
    Colonia("Cimatario", QUERETARO, "76030", 30),
    Colonia("Alameda", QUERETARO, "76040", 20),
    Colonia("Mercurio", QUERETARO, "76040", 15),
    Colonia("Carretas", QUERETARO, "76050", 25),
    Colonia("Milenio III", QUERETARO, "76060", 45),
    Colonia("Loma Dorada", QUERETARO, "76060", 25),
    Colonia("Hércules", QUERETARO, "76069", 20),
    Colonia("Lomas de Casa Blanca", QUERETARO, "76080", 45),
    Colonia("Colinas del Cimatario", QUERETARO, "76090", 25),
    Colonia("Plazas del Sol", QUERETARO, "76099", 35),
    Colonia("Jurica", QUERETARO, "76100", 30),
    Colonia("Satélite", QUERETARO, "76110", 30),
    Colonia("San Pablo", QUERETARO, "76130", 35),
    Colonia("Santa María Magdalena", QUERETARO, "76137", 20, con_medidor=False),
    Colonia("Arboledas", QUERETARO, "76140", 25),
    Colonia("El Refugio", QUERETARO, "76146", 45),
    Colonia("Menchaca", QUERETARO, "76147", 30),
    Colonia("Lomas de San Pedrito Peñuelas", QUERETARO, "76148", 30),
    Colonia("San Pedro Mártir", QUERETARO, "76116", 11, con_medidor=False),
    Colonia("Álamos 1a Sección", QUERETARO, "76160", 25),
    Colonia("Álamos 2a Sección", QUERETARO, "76160", 20),
    Colonia("Jardines de la Hacienda", QUERETARO, "76180", 20),
    Colonia("Santa Rosa Jáuregui", QUERETARO, "76220", 30),
    Colonia("Juriquilla", QUERETARO, "76226", 35),
    Colonia("El Pueblito", CORREGIDORA, "76900", 45),
    Colonia("Los Candiles", CORREGIDORA, "76903", 30),
    Colonia("Tejeda", CORREGIDORA, "76904", 25),
    Colonia("La Cañada", EL_MARQUES, "76240", 25),
    Colonia("Zibatá", EL_MARQUES, "76269", 25),
    Colonia("La Pradera", EL_MARQUES, "76269", 20),
)


def colonias_sin_medidor() -> tuple[Colonia, ...]:
    """The colonias billed by fixed fee (no meters installed)."""
    return tuple(c for c in COLONIAS if not c.con_medidor)
