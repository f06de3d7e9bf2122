"""The server's idle memory and the first Train's wait, for this checkout or another one (issue 21).

    python benchmarks/server_memory.py                     # this checkout
    python benchmarks/server_memory.py --repo /tmp/before  # e.g. a worktree of the commit before

Starts ``streamlit run app.py`` from ``--repo`` on a free loopback port, opens the Lab's
stateful link in Debian's Chromium, waits ``--idle`` seconds (the page's background warm-up
runs meanwhile), then reads the resident memory (VmRSS, /proc) of the Streamlit process and of
its child processes, and whether TensorFlow is mapped in the Streamlit process. Then it clicks
Train and times the wait until the Accuracy metric shows (the first Train after a page opened),
and reads the memory again. Prints one table; nothing is typed by hand.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    try:
        for line in open(f"/proc/{pid}/status", encoding="ascii"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def snapshot(pid: int) -> dict:
    kids = children(pid)
    maps = Path(f"/proc/{pid}/maps").read_text()
    return {"server": rss_mb(pid), "workers": sum(rss_mb(k) for k in kids), "n": len(kids),
            "tf": "libtensorflow" in maps}


def wait_up(port: int, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("the server did not start")


def measure(repo: Path, idle: float) -> dict:
    port = free_port()
    db = Path(tempfile.mkdtemp()) / "runs.db"
    env = dict(os.environ, LSTM_LAB_DB=str(db))
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_up(port)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport={"width": 1024, "height": 768})
            page.goto(f"http://127.0.0.1:{port}/lab?framing=stateful")
            train = page.get_by_role("button", name="Train", exact=True)
            train.wait_for(timeout=60_000)
            time.sleep(idle)
            before = snapshot(server.pid)
            start = time.monotonic()
            train.click()
            page.get_by_test_id("stMetric").filter(has_text="Accuracy").first.wait_for(timeout=180_000)
            first_train = time.monotonic() - start
            after = snapshot(server.pid)
            browser.close()
    finally:
        server.terminate()
        server.wait(15)
    return {"idle": before, "first_train_s": first_train, "after": after}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=HERE, help="the checkout to serve")
    parser.add_argument("--idle", type=float, default=20.0, help="seconds the page sits before Train")
    args = parser.parse_args()
    m = measure(args.repo.resolve(), args.idle)
    i, a = m["idle"], m["after"]
    print(f"checkout: {args.repo}")
    print(f"{'':28}{'Streamlit process':>20}{'workers':>16}{'TensorFlow in it':>18}")
    print(f"{'idle, page open ' + str(int(args.idle)) + ' s':28}{i['server']:>16.0f} MiB"
          f"{i['workers']:>12.0f} MiB ({i['n']}){'yes' if i['tf'] else 'no':>12}")
    print(f"{'after the first Train':28}{a['server']:>16.0f} MiB"
          f"{a['workers']:>12.0f} MiB ({a['n']}){'yes' if a['tf'] else 'no':>12}")
    print(f"first Train (click to Accuracy): {m['first_train_s']:.1f} s")


if __name__ == "__main__":
    main()
