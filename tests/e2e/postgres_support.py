"""A throwaway PostgreSQL server for tests: ``initdb`` + ``pg_ctl`` in a temporary folder.

Shared by tests/unit/store/test_runs.py and tests/e2e/test_cluster.py. The server
listens on a free 127.0.0.1 port (and a socket in its own folder), trusts local connections
(user ``lab``, no password: it lives only as long as the tests), and runs with ``fsync=off``
(nothing in it must survive a power cut). PostgreSQL refuses to run as root, so as root the
server runs as Debian's ``postgres`` user (created by ``apt-get install postgresql``).

Missing binaries raise ``RuntimeError`` with the install command: the fixtures turn that into a
failure, never a skip (CI must run the PostgreSQL tests; scripts/test.sh installs the package).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

INSTALL = "apt-get install -y postgresql (scripts/test.sh installs it when run as root)"


def pg_bin(name: str) -> str:
    """Path of a PostgreSQL server program (``initdb``, ``pg_ctl``): ``LSTM_LAB_PG_BIN``, PATH,
    or Debian's ``/usr/lib/postgresql/<version>/bin`` (newest first; Debian keeps it off PATH)."""
    folder = os.environ.get("LSTM_LAB_PG_BIN")
    if folder:
        return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
        reverse=True,
    )
    if versions:
        return versions[0]
    raise RuntimeError(f"PostgreSQL's {name} was not found: {INSTALL}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """``start()``, then ``new_database()`` for each test's URL; ``stop()`` removes everything."""

    user = "lab"

    def __init__(self) -> None:
        self.dir: Path | None = None
        self.port = 0
        self._as: list[str] = []
        self._count = 0

    @property
    def data(self) -> Path:
        return self.dir / "data"

    def _run(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            log = self.dir / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}): {done.stderr}{tail}")

    def start(self) -> PostgresServer:
        initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")  # both found before anything starts
        # A short path: the socket's full name must fit in 107 bytes.
        # As root: under /tmp, which the postgres user can reach (a TMPDIR may be private to root).
        self.dir = Path(tempfile.mkdtemp(prefix="lab-pg-", dir="/tmp" if os.geteuid() == 0 else None))
        if os.geteuid() == 0:
            try:
                pg = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(f"running as root needs the 'postgres' user: {INSTALL}") from None
            os.chown(self.dir, pg.pw_uid, pg.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        self._run(initdb, "-D", str(self.data), "-A", "trust", "-U", self.user, "-E", "UTF8",
                  "--locale=C", "--no-sync")
        del pg_ctl
        self.resume()
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        self._count += 1
        name = f"runs_{self._count}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def pause(self) -> None:
        """Stop the server but keep its data (a database server that restarts)."""
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"), "-o", options,
                  "-w", "-t", "60", "start")

    def stop(self) -> None:
        if self.dir is None:
            return
        if (self.data / "postmaster.pid").exists():
            subprocess.run([*self._as, pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                            "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None
