"""What one save and one link cost on each run-store backend, and N writers saving at once.

    python benchmarks/store_backends.py                  # SQLite file vs. a throwaway local PostgreSQL
    python benchmarks/store_backends.py --url postgresql://lab:PW@db-host:5432/lab   # also a real server
    python benchmarks/store_backends.py --runs 200 --writers 8

For each backend: the median and 95th-percentile time of ``RunStore.save`` (one transaction: insert
+ eviction) and ``RunStore.load`` (read + validate, what a ``?run=`` link costs), the first open
(schema check), and ``--writers`` processes saving ``--runs`` runs each at the same moment
(runs per second; every id must come back). The run is the tutorial-sized stateful preset with a
300-epoch history, as the Lab saves it.

The local PostgreSQL is the tests' throwaway server (tests/e2e/postgres_support.py: initdb +
pg_ctl, ``fsync=off``), on 127.0.0.1 of the same machine: it measures the backend's own
overhead, not a network. Figures measured while other work shares the CPUs are not final: run it
on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from lstm_core.model.cells import init_weights  # noqa: E402
from lstm_core.presets import preset  # noqa: E402
from lstm_core.store.records import to_record  # noqa: E402
from lstm_core.store.runs import RunStore  # noqa: E402

WRITER = """
import sys, time, types
sys.path.insert(0, {root!r})
from lstm_core.model.cells import init_weights
from lstm_core.presets import preset
from lstm_core.store.runs import RunStore
url, start, n, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
store = RunStore(url)
cfg = preset("stateful").replace(seed=seed)
history = [types.SimpleNamespace(epoch=e, loss=1.0 / e, accuracy=0.5, elapsed=0.01 * e)
           for e in range(1, 301)]
run = types.SimpleNamespace(config=cfg, weights=init_weights(cfg), stopped=False, seconds=0.5,
                            history=history)
while time.time() < start:
    time.sleep(0.002)
ids = [store.save(run) for _ in range(n)]
assert store.problem is None, store.problem
print(time.time(), " ".join(ids))
"""


def the_run(seed: int = 7):
    config = preset("stateful").replace(seed=seed)
    history = [
        types.SimpleNamespace(epoch=e, loss=1.0 / e, accuracy=0.5, elapsed=0.01 * e) for e in range(1, 301)
    ]
    return types.SimpleNamespace(config=config, weights=init_weights(config), history=history, stopped=False,
                                 seconds=1.0)


def ms(values: list[float], q: float) -> float:
    return 1000 * statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else 1000 * values[0]


def measure(name: str, url: str, runs: int, writers: int) -> dict:
    t0 = time.perf_counter()
    store = RunStore(url)
    opened = time.perf_counter() - t0
    if store.problem:
        raise SystemExit(f"{name}: {store.problem}")
    saves, loads, ids = [], [], []
    for k in range(runs):
        t = time.perf_counter()
        ids.append(store.save(the_run(seed=k)))
        saves.append(time.perf_counter() - t)
    for run_id in ids:
        t = time.perf_counter()
        assert store.load(run_id) is not None
        loads.append(time.perf_counter() - t)
    # N processes at once.
    start = time.time() + 4.0
    code = WRITER.format(root=str(ROOT))
    procs = [
        subprocess.Popen([sys.executable, "-c", code, url, str(start), str(runs), str(s)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for s in range(writers)
    ]
    done, together = [], []
    for p in procs:
        out, err = p.communicate(timeout=600)
        if p.returncode != 0:
            raise SystemExit(f"{name}: a writer failed: {err.strip().splitlines()[-1]}")
        end, *saved = out.split()
        done.append(float(end))
        together += saved
    wall = max(done) - start
    lost = sum(store.load(i) is None for i in together)
    return {
        "backend": name,
        "open ms": 1000 * opened,
        "save ms p50": ms(saves, 50), "save ms p95": ms(saves, 95),
        "load ms p50": ms(loads, 50), "load ms p95": ms(loads, 95),
        f"{writers} writers: runs/s": len(together) / wall,
        "lost": lost,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--runs", type=int, default=100, help="runs saved and loaded per backend (and per writer)")
    add("--writers", type=int, default=6, help="processes that save at the same moment")
    add("--url", action="append", default=[], help="another store URL to measure (repeatable)")
    add("--no-local-postgres", action="store_true", help="skip the throwaway local PostgreSQL")
    args = parser.parse_args()
    size = len(to_record(the_run()).weights) + len(to_record(the_run()).history)
    print(f"one run: {size:,} bytes of arrays; {args.runs} saves and loads; "
          f"{args.writers} writers x {args.runs}")
    print(f"load average at the start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(measure("sqlite (local file)", f"sqlite:///{tmp}/runs.sqlite3", args.runs, args.writers))
    if not args.no_local_postgres:
        from postgres_support import PostgresServer

        server = PostgresServer().start()
        try:
            url = server.new_database()
            rows.append(measure("postgresql (local, 127.0.0.1)", url, args.runs, args.writers))
        finally:
            server.stop()
    for url in args.url:
        rows.append(measure(RunStore(url).shown, url, args.runs, args.writers))
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(f"{v:.1f}" if isinstance(v, float) else str(v) for v in r.values()) + " |")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
