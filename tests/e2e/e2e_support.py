"""Shared by the browser tests and benchmarks/load_test.py: a real Streamlit server on loopback,
Debian's Chromium driven by Playwright, and waits that ask the app whether it is done.

Nothing here downloads a browser: Playwright launches ``/usr/bin/chromium`` (Debian's package)
through ``executable_path``. Servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LSTM_LAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
HOST = "127.0.0.1"

# Generous: the first run of a page imports TensorFlow (~4 s) and the first training of a shape
# compiles it (~2-5 s); two cores may be shared with other work.
SERVER_START_TIMEOUT_S = 90
APP_TIMEOUT_MS = 60_000
TRAIN_TIMEOUT_MS = 120_000


def is_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class StreamlitServer:
    """``streamlit run app.py`` headless on a free loopback port, in its own process group."""

    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    # The project folder it runs in, and --server.fileWatcherType (None: .streamlit/config.toml's,
    # as on Community Cloud, which starts the server without options).
    cwd: Path = ROOT
    file_watcher: str | None = "none"
    process: subprocess.Popen | None = None
    _log: object = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout_s: float = SERVER_START_TIMEOUT_S) -> StreamlitServer:
        self.port = self.port or free_port()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w", encoding="utf-8")  # closed in stop()
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.address",
            HOST,
            "--server.port",
            str(self.port),
            "--browser.gatherUsageStats",
            "false",
            "--server.runOnSave",
            "false",
        ]
        if self.file_watcher is not None:
            cmd += ["--server.fileWatcherType", self.file_watcher]
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "TF_CPP_MIN_LOG_LEVEL": "2", **self.env}
        self.process = subprocess.Popen(
            cmd,
            cwd=self.cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.wait_healthy(timeout_s)
        return self

    def wait_healthy(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with code {self.process.returncode} before it was healthy:\n"
                    + self.log_tail()
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    body = resp.read().decode("utf-8", "replace").strip()
                    if body == "ok":
                        return
                    last = f"HTTP {resp.status}: {body[:80]}"
            except OSError as exc:
                last = str(exc)
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"streamlit not healthy at {self.url} after {timeout_s:.0f}s ({last}):\n{self.log_tail()}"
        )

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            # Only the process group this object started (start_new_session=True made it its own).
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None


def rss_kb(pid: int, include_children: bool = True) -> int:
    """Resident memory (VmRSS, kB) of ``pid`` plus, optionally, its descendants, from /proc."""
    pids = [pid]
    if include_children:
        pids += _descendants(pid)
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
        except (OSError, ValueError):
            continue
    return total


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = Path(f"/proc/{parent}/task").iterdir()
            children: list[int] = []
            for task in tasks:
                text = (task / "children").read_text().split()
                children += [int(c) for c in text]
        except OSError:
            continue
        found += children
        todo += children
    return found


def launch_chromium(playwright, **kwargs):
    """Debian's Chromium, headless, with the flags this sandboxed machine needs."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **kwargs)


def wait_for_app_run(page, timeout_ms: int = APP_TIMEOUT_MS, settle_ms: int = 250) -> None:
    """Wait until the Streamlit script has finished its run (the app publishes its state on stApp)."""
    page.wait_for_timeout(settle_ms)
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout_ms
    )
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout_ms
    )


def open_app(page, base_url: str, path: str = "/", timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Go to ``path`` and wait for the app shell and the first script run to finish."""
    page.goto(base_url + path, wait_until="domcontentloaded", timeout=timeout_ms)
    page.locator("[data-testid='stApp']").wait_for(state="attached", timeout=timeout_ms)
    wait_for_app_run(page, timeout_ms)
