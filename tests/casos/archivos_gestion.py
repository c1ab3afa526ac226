"""Files for the request tests: a real PDF head, PNG and JPEG made with Pillow, and junk."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from casos.adjuntos import TAMANO_MAXIMO

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def imagen(formato: str = "PNG", tamano: tuple[int, int] = (40, 30)) -> bytes:
    """A small real image."""
    salida = io.BytesIO()
    Image.new("RGB", tamano, (11, 92, 171)).save(salida, formato)
    return salida.getvalue()


def pdf_grande() -> bytes:
    """A PDF one byte over the limit."""
    return PDF + b"0" * (TAMANO_MAXIMO + 1 - len(PDF))


def multipart(datos: dict[str, Any]) -> dict[str, Any]:
    """`data=` and `content_type=` for a test-client POST with files, encoded in memory (the
    client's own encoder spools big bodies to a temporary file it never closes)."""
    valores = MultiDict()
    for nombre, valor in datos.items():
        for uno in valor if isinstance(valor, list) else [valor]:
            if isinstance(uno, tuple):
                contenido, archivo = uno
                uno = FileStorage(io.BytesIO(contenido), filename=archivo, name=nombre)
            valores.add(nombre, uno)
    frontera, cuerpo = encode_multipart(valores)
    return {"data": cuerpo, "content_type": f"multipart/form-data; boundary={frontera}"}
