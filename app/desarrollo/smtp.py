"""Dev-run mail catcher: a real SMTP server (aiosmtpd) that stores every email in a Maildir.

Run with `python -m app.desarrollo.smtp`; the dev page /dev/correos reads the same Maildir.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

from app.desarrollo.buzon import abrir


def main() -> None:
    """Serve SMTP on 127.0.0.1:$SMTP_PORT until SIGINT/SIGTERM."""
    carpeta = Path(os.environ.get("OV_DEV_MAILDIR", "instance/correo_desarrollo"))
    carpeta.parent.mkdir(parents=True, exist_ok=True)
    abrir(carpeta)  # cur/new/tmp, also inside an existing empty folder
    puerto = int(os.environ.get("SMTP_PORT", "1025"))
    controlador = Controller(Mailbox(str(carpeta)), hostname="127.0.0.1", port=puerto)
    controlador.start()
    print(f"Capturador SMTP en 127.0.0.1:{puerto}; correos en {carpeta}", flush=True)
    fin = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: fin.set())
    signal.signal(signal.SIGINT, lambda *_: fin.set())
    fin.wait()
    controlador.stop()


if __name__ == "__main__":
    main()
