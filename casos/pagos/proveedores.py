"""The registry of payment providers, by key (the `PAGOS_PROVEEDOR` setting picks one).

A real bank or processor plugs in by writing a class with the `Proveedor` protocol
(casos.pagos.protocolo) and registering it here; docs/pagos.md walks through it.
"""

from __future__ import annotations

from collections.abc import Callable

from casos.errores import NoEncontrado
from casos.pagos.protocolo import Proveedor
from casos.pagos.sandbox import ProveedorSandbox

FabricaProveedor = Callable[[str], Proveedor]  # built from the shared secret

PROVEEDORES: dict[str, FabricaProveedor] = {ProveedorSandbox.clave: ProveedorSandbox}


def registrar_proveedor(clave: str, fabrica: FabricaProveedor) -> None:
    """Make a provider available under `clave` (lower-case letters, digits, dashes)."""
    if not clave or not all(c.isascii() and (c.isalnum() or c == "-") for c in clave):
        raise ValueError(f"Clave de proveedor no válida: {clave!r}")
    PROVEEDORES[clave.lower()] = fabrica


def crear_proveedor(clave: str, secreto: str | None) -> Proveedor:
    """The provider registered under `clave`, with its secret; NoEncontrado if none is."""
    fabrica = PROVEEDORES.get(clave)
    if fabrica is None:
        raise NoEncontrado(f"No hay un proveedor de pagos «{clave}».")
    if not secreto:
        raise ValueError(f"Falta el secreto del proveedor de pagos «{clave}» (OV_PAGOS_SECRETO).")
    return fabrica(secreto)
