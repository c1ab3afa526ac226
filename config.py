"""Environment-driven settings only; business-tunable values live in tables (see docs/).

Each class reads the environment when it is instantiated, so tests and the CLI can set
variables before building the app.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path

RAIZ = Path(__file__).resolve().parent
INSTANCIA = Path(os.environ.get("OV_INSTANCE_PATH", RAIZ / "instance"))


def _bool(nombre: str, defecto: bool = False) -> bool:
    valor = os.environ.get(nombre)
    if valor is None:
        return defecto
    return valor.strip().lower() in {"1", "true", "si", "sí", "yes", "on"}


def _sqlite_por_defecto() -> str:
    return f"sqlite:///{INSTANCIA / 'oficina_virtual.sqlite3'}"


class Config:
    """Settings shared by every environment."""

    NOMBRE_ENTORNO = "base"
    TESTING = False
    DEBUG = False

    def __init__(self) -> None:
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", _sqlite_por_defecto())
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or self.secreto_faltante()
        self.BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        self.SMTP_HOST = os.environ.get("SMTP_HOST", "127.0.0.1")
        self.SMTP_PORT = int(os.environ.get("SMTP_PORT", "1025"))
        self.SMTP_USER = os.environ.get("SMTP_USER") or None
        self.SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
        self.SMTP_TLS = os.environ.get("SMTP_TLS", "none").lower()  # none | starttls | ssl
        self.SMTP_TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", "10"))
        self.MAIL_FROM = os.environ.get(
            "MAIL_FROM", "CEA Querétaro — Oficina Virtual <no-responder@cea.localhost>"
        )
        self.BOOTSTRAP_SERVE_LOCAL = True
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.WTF_CSRF_TIME_LIMIT = None
        self.SESSION_COOKIE_NAME = os.environ.get("SESSION_COOKIE_NAME", "ov_sesion")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
        # The cookie dies with the browser; the server row (casos.sesiones) caps a session at
        # 12 h, and `INACTIVIDAD_SESION` without a request signs the browser out.
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
        self.INACTIVIDAD_SESION = timedelta(
            minutes=int(os.environ.get("OV_INACTIVIDAD_MINUTOS", "30"))
        )
        # Flask-Login's "remember me" cookie is never set (login_user(remember=False)); these
        # keep it harmless should anything try.
        self.REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto we trust.
        self.PROXIES = int(os.environ.get("OV_PROXIES", "0"))
        self.BUZON_DESARROLLO = os.environ.get("OV_DEV_MAILDIR") or None
        # Customers' attachments and meter photos: outside the web root, never served statically.
        self.CARPETA_ADJUNTOS = os.environ.get("OV_ADJUNTOS", str(INSTANCIA / "adjuntos"))
        # Five 5 MB attachments plus the form; a bigger request is refused before it is read.
        self.MAX_CONTENT_LENGTH = 30 * 1024 * 1024
        # Online payments: the provider's key (casos/pagos/proveedores.py) and the shared secret
        # that signs its confirmations. No provider: the portal says where else to pay.
        self.PAGOS_PROVEEDOR = os.environ.get("OV_PAGOS_PROVEEDOR", self.proveedor_por_defecto())
        # The supervisors' dashboard reads summaries refreshed every minute: each worker reuses
        # what it read for this many seconds (the page says when the figures were read).
        self.TABLERO_SEGUNDOS_CACHE = 30
        self.PAGOS_SECRETO = os.environ.get("OV_PAGOS_SECRETO") or self.secreto_pagos()

    def proveedor_por_defecto(self) -> str:
        return ""

    def secreto_pagos(self) -> str | None:
        if os.environ.get("OV_PAGOS_PROVEEDOR"):
            raise RuntimeError("OV_PAGOS_PROVEEDOR está definido pero falta OV_PAGOS_SECRETO.")
        return None

    def secreto_faltante(self) -> str:
        raise RuntimeError(
            "Falta SECRET_KEY en el entorno. Genere uno con "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`."
        )


class Produccion(Config):
    """Production: every secret from the environment; secure cookies."""

    NOMBRE_ENTORNO = "produccion"

    def __init__(self) -> None:
        super().__init__()
        if self.PAGOS_PROVEEDOR == "sandbox":
            # The test bank writes real payments without charging anyone.
            raise RuntimeError("OV_PAGOS_PROVEEDOR=sandbox no se permite en producción.")


class Desarrollo(Config):
    """Local dev run: a random per-process key when none is given, the dev mail page on."""

    NOMBRE_ENTORNO = "desarrollo"
    DEBUG = True

    def __init__(self) -> None:
        super().__init__()
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
        self.BUZON_DESARROLLO = os.environ.get(
            "OV_DEV_MAILDIR", str(INSTANCIA / "correo_desarrollo")
        )

    def secreto_faltante(self) -> str:
        return secrets.token_hex(32)

    def proveedor_por_defecto(self) -> str:
        return "sandbox"

    def secreto_pagos(self) -> str | None:
        # The sandbox signs with a key derived from SECRET_KEY, so every worker agrees.
        return hmac.new(self.SECRET_KEY.encode(), b"pagos-sandbox", hashlib.sha256).hexdigest()


class Pruebas(Config):
    """Test suite: the database comes from OV_TEST_DATABASE_URL set by tests/conftest.py."""

    NOMBRE_ENTORNO = "pruebas"
    TESTING = True

    def __init__(self) -> None:
        super().__init__()
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("OV_TEST_DATABASE_URL", "sqlite:///:memory:")
        self.SESSION_COOKIE_SECURE = False
        self.MANTENIMIENTO_SEGUNDOS_CACHE = 0  # tests flip the switch and look at once
        self.TABLERO_SEGUNDOS_CACHE = 0  # tests change cases and read the dashboard at once
        self.SERVER_NAME = None

    def secreto_faltante(self) -> str:
        return secrets.token_hex(32)

    def proveedor_por_defecto(self) -> str:
        return "sandbox"

    def secreto_pagos(self) -> str | None:
        # The sandbox signs with a key derived from SECRET_KEY, so every worker agrees.
        return hmac.new(self.SECRET_KEY.encode(), b"pagos-sandbox", hashlib.sha256).hexdigest()


ENTORNOS: dict[str, type[Config]] = {
    "produccion": Produccion,
    "desarrollo": Desarrollo,
    "pruebas": Pruebas,
}


def cargar(nombre: str | None = None) -> Config:
    """Build the settings object for OV_ENV (produccion by default: safe unless told otherwise)."""
    nombre = nombre or os.environ.get("OV_ENV", "produccion")
    try:
        return ENTORNOS[nombre]()
    except KeyError:
        raise RuntimeError(
            f"OV_ENV={nombre!r} no existe; use uno de: {', '.join(ENTORNOS)}"
        ) from None
