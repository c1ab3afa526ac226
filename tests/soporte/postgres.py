"""Clúster de PostgreSQL desechable para una sesión de pruebas (initdb + pg_ctl)."""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

USUARIO = "ov"
BD_PRUEBAS = "ov_pruebas"
USUARIO_SO = "postgres"


class PostgresNoDisponible(RuntimeError):
    """No hay binarios de PostgreSQL (initdb/pg_ctl) en esta máquina."""


def _version(carpeta: str) -> tuple[int, ...]:
    """Convierte '/usr/lib/postgresql/15/bin' en (15,) para ordenar por versión."""
    coincidencia = re.search(r"/postgresql/([\d.]+)/bin$", carpeta)
    if not coincidencia:
        return (0,)
    return tuple(int(parte) for parte in coincidencia.group(1).split(".") if parte)


def buscar_binarios() -> Path:
    """Devuelve la carpeta bin/ de la versión más alta instalada en /usr/lib/postgresql."""
    candidatos = [
        carpeta
        for carpeta in glob.glob("/usr/lib/postgresql/*/bin")
        if os.access(os.path.join(carpeta, "initdb"), os.X_OK)
    ]
    if not candidatos:
        raise PostgresNoDisponible(
            "No se encontró initdb en /usr/lib/postgresql/*/bin; instale el paquete "
            "'postgresql' (./ov test lo hace)."
        )
    return Path(max(candidatos, key=_version))


def _puerto_libre() -> int:
    """Pide al sistema un puerto TCP libre en 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServidorPostgres:
    """Arranca un clúster propio en un directorio temporal y lo borra al detenerse."""

    def __init__(self) -> None:
        self.bin = buscar_binarios()
        self.como_root = os.geteuid() == 0
        self.carpeta: Path | None = None
        self.puerto = 0
        self.url = ""

    # -- utilidades ----------------------------------------------------------

    def _ejecutar(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Corre un binario de PostgreSQL; como root, a nombre del usuario postgres."""
        comando = [str(self.bin / args[0]), *args[1:]]
        if self.como_root:
            # PostgreSQL se niega a correr como root.
            comando = ["runuser", "-u", USUARIO_SO, "--", *comando]
        return subprocess.run(
            comando,
            check=True,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            cwd=tempfile.gettempdir(),
        )

    def _conninfo(self, bd: str) -> str:
        """Cadena de conexión de psycopg por TCP local."""
        return f"host=127.0.0.1 port={self.puerto} user={USUARIO} dbname={bd}"

    def url_de(self, bd: str) -> str:
        """URL de SQLAlchemy para una base de este servidor."""
        return f"postgresql+psycopg://{USUARIO}@127.0.0.1:{self.puerto}/{bd}"

    # -- ciclo de vida -------------------------------------------------------

    def iniciar(self) -> ServidorPostgres:
        """initdb, pg_ctl start y CREATE DATABASE ov_pruebas."""
        if self.carpeta is not None:
            return self
        carpeta = Path(tempfile.mkdtemp(prefix="ov-pg-"))
        self.carpeta = carpeta
        # Por si la sesión de pruebas termina sin llamar a detener(): no dejar un postgres vivo.
        atexit.register(self.detener)
        try:
            if self.como_root:
                shutil.chown(carpeta, USUARIO_SO, USUARIO_SO)
            datos = carpeta / "datos"
            self._initdb(datos)
            self.puerto = _puerto_libre()
            opciones = (
                f"-k {carpeta} -p {self.puerto} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200"
            )
            self._ejecutar(
                "pg_ctl",
                "-w",
                "-t",
                "60",
                "-D",
                str(datos),
                "-l",
                str(carpeta / "log"),
                "start",
                "-o",
                opciones,
            )
            self.url = self.crear_bd(BD_PRUEBAS)
        except BaseException as error:
            registro = self._leer_log()
            self.detener()
            if isinstance(error, subprocess.CalledProcessError):
                raise RuntimeError(
                    f"Falló {error.cmd!r}:\n{error.stdout}\n{error.stderr}\n{registro}"
                ) from error
            raise
        return self

    def _initdb(self, datos: Path) -> None:
        """Crea el clúster en UTF-8; sin la locale C.UTF-8, con --no-locale."""
        base = ["initdb", "-D", str(datos), "-A", "trust", "-U", USUARIO, "-E", "UTF8"]
        try:
            self._ejecutar(*base, "--locale=C.UTF-8")
        except subprocess.CalledProcessError:
            if datos.exists():
                # initdb deja la carpeta a medias si falla; como root es de postgres.
                shutil.rmtree(datos, ignore_errors=True)
            self._ejecutar(*base, "--no-locale")

    def _leer_log(self) -> str:
        """Últimas líneas del log del servidor, para los mensajes de error."""
        if self.carpeta is None:
            return ""
        try:
            return (self.carpeta / "log").read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def crear_bd(self, nombre: str) -> str:
        """Crea una base de datos vacía en el servidor y devuelve su URL."""
        with psycopg.connect(self._conninfo("postgres"), autocommit=True) as conexion:
            conexion.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(nombre)))
        return self.url_de(nombre)

    def detener(self) -> None:
        """pg_ctl stop -m fast y borra el directorio temporal."""
        carpeta, self.carpeta = self.carpeta, None
        if carpeta is None:
            return
        datos = carpeta / "datos"
        if (datos / "postmaster.pid").exists():
            # Si ya no corre, basta con borrar la carpeta.
            with contextlib.suppress(subprocess.CalledProcessError):
                self._ejecutar("pg_ctl", "-w", "-D", str(datos), "-m", "fast", "stop")
        shutil.rmtree(carpeta, ignore_errors=True)
        self.url = ""
        atexit.unregister(self.detener)

    def __enter__(self) -> ServidorPostgres:
        return self.iniciar()

    def __exit__(self, *exc: object) -> None:
        self.detener()


if __name__ == "__main__":
    with ServidorPostgres() as servidor:
        print(servidor.url)
        print(f"Registro: {servidor.carpeta}/log")
        input("Enter para detener… ")
