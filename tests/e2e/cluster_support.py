"""Shared by tests/e2e/test_cluster.py and benchmarks/load_test.py: ``deploy/local_cluster.sh`` as
a context manager, and what its nginx access log says about which replica served whom.

The script's contract (see its header): foreground until interrupted, ready when
``/_stcore/health`` answers through nginx on ``127.0.0.1:$LB_PORT``, and SIGTERM stops everything
it started. Each log line carries the browser's affinity cookie and the replica (``upstream=``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "local_cluster.sh"
AFFINITY_COOKIE = "lstm_lab_affinity"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# "GET /_stcore/stream HTTP/1.1" 101 affinity=abc upstream=127.0.0.1:8601 rt=…
_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) affinity=(?P<aff>\S+) upstream=(?P<up>\S+)'
)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _search_offset() -> int:
    """Where this process starts looking: each pytest-xdist worker (gw0, gw1, ...) in its own
    range of 4,000 ports, so two workers starting clusters at once never pick the same free
    block before either has bound it; within it, by process id (benchmarks run beside tests)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    return (int(worker) % 8 if worker.isdigit() else 0) * 4000 + os.getpid() % 2000


def free_port_block(size: int, start: int | None = None, stop: int = 60000) -> int:
    """First port of ``size`` consecutive free loopback ports (the replicas use BASE_PORT + i),
    from ``start`` (default: this process's own place from port 20,000 on)."""
    first = 20000 + _search_offset() if start is None else start
    for base in range(first, stop, size + 1):
        if all(_port_free(base + i) for i in range(size)):
            return base
    raise RuntimeError("no block of free ports on 127.0.0.1")


def _health(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.read() == b"ok"
    except OSError:
        return False


def cluster_for_tests(state_dir: Path, replicas: int = 2, env: dict[str, str] | None = None):
    """A started ``LocalCluster`` for a module fixture (yield from it), or the test fails with one
    sentence when nginx or (``STORE=postgres``) PostgreSQL is missing or the cluster will not start."""
    import pytest  # here: benchmarks/load_test.py imports this module without pytest

    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed (scripts/test.sh installs it with apt-get)", pytrace=False)
    if (env or {}).get("STORE") == "postgres":
        from postgres_support import pg_bin

        try:
            pg_bin("initdb")
        except RuntimeError as exc:
            pytest.fail(str(exc), pytrace=False)
    cluster = LocalCluster(state_dir, replicas=replicas, env=dict(env or {}))
    try:
        cluster.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield cluster
    finally:
        cluster.stop()


@dataclass
class LocalCluster:
    """``bash deploy/local_cluster.sh`` with REPLICAS replicas; ``url`` is nginx's address."""

    state_dir: Path
    replicas: int = 3
    env: dict[str, str] = field(default_factory=dict)
    lb_port: int = 0
    base_port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.lb_port}"

    @property
    def replica_ports(self) -> list[int]:
        return [self.base_port + i for i in range(self.replicas)]

    @property
    def access_log(self) -> Path:
        return self.state_dir / "access.log"

    def start(self, timeout_s: float = 600) -> LocalCluster:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.base_port = self.base_port or free_port_block(self.replicas)
        self.lb_port = self.lb_port or free_port_block(1, start=self.base_port + self.replicas + 1)
        env = {
            **os.environ,
            **self.env,
            "REPLICAS": str(self.replicas),
            "LB_PORT": str(self.lb_port),
            "BASE_PORT": str(self.base_port),
            "LAB_STATE": str(self.state_dir),
        }
        # The replicas run in the interpreter's own virtual environment (run_app.sh's VENV).
        env.setdefault("VENV", sys.prefix)
        self._out = open(self.state_dir / "local_cluster.out", "w")  # closed in stop()
        self.process = subprocess.Popen(
            ["bash", str(SCRIPT)], cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout_s
        while not _health(self.url):
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"local_cluster.sh exited with {self.process.returncode}:\n{self.output()}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the cluster was not healthy within {timeout_s} s:\n{self.output()}")
            time.sleep(0.5)
        return self

    def output(self) -> str:
        try:
            return (self.state_dir / "local_cluster.out").read_text()[-4000:]
        except OSError:
            return ""

    def stop(self, timeout_s: float = 30) -> int | None:
        """SIGTERM, as the contract says; returns the script's exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()
        return self.process.returncode

    def all_ports_closed(self) -> bool:
        return all(_port_free(p) for p in [self.lb_port, *self.replica_ports])

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def replicas_by_affinity(log: Path, path_prefix: str = "/_stcore/stream") -> dict[str, set[str]]:
    """For each affinity cookie: the replicas that served its requests under ``path_prefix``.

    A browser that stayed on its replica has exactly one; the websocket (``/_stcore/stream``) is
    what must never move, since the Streamlit session lives there.
    """
    seen: dict[str, set[str]] = defaultdict(set)
    for line in log.read_text().splitlines():
        m = _LINE.search(line)
        if m and m["path"].startswith(path_prefix) and m["up"] != "-":
            seen[m["aff"]].add(m["up"])
    return dict(seen)


def listening_pid(port: int) -> int | None:
    """The process listening on 127.0.0.1:``port`` (Linux /proc), for sampling a replica's RSS."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":  # 0A: LISTEN
                inodes.add(cols[9])
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                link = os.readlink(fd)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(proc.name)
        except OSError:
            continue
    return None
