"""Many seeds at once: ``reproduce --seeds 1`` against ``--seeds N`` one after another, stacked,
and stacked on both cores, side by side in one run. Prints a table; it is not a test.

Examples (from the repository root)::

    .venv/bin/python benchmarks/many_seeds.py                          # 1 vs 20 seeds, tutorial settings
    .venv/bin/python benchmarks/many_seeds.py --seeds 5 --epochs-scale 0.1   # a quick look
    .venv/bin/python benchmarks/many_seeds.py --json
    .venv/bin/python benchmarks/many_seeds.py --only Compare              # the Compare rows only

Every row runs in a fresh Python process, as a user's command would: its time includes
compiling every shape it needs (XLA) but not importing TensorFlow (~3.4 s, the same for
all). The rows:

- ``1 seed, one after another``: six framings, one ``train`` each (the CLI before stacking);
- ``1 seed, train_many``: the same six runs through ``train_many`` (the six framings spread
  over both cores), with 1 and with 2 TensorFlow threads (``LSTM_LAB_TF_THREADS``: the size
  of the one pool that runs every XLA call; with 1, the app's default, two stacks take turns
  on one core; ``reproduce`` uses 2);
- ``N seeds, one after another``: six framings x N seeds, one ``train`` each;
- ``N seeds, stacked, 1 core``: ``train_many(cores=1)``: seeds of a framing side by side;
- ``N seeds, stacked, 2 cores``: ``train_many(cores=2)``, with 1 and with 2 TF threads (the
  CLI now: 2);
- ``Compare, N seeds, one after another``: naive and feature-window, N seeds each, one
  ``train`` each (how the Compare page trained before stacking);
- ``Compare, N seeds, train_many``: the same runs as the Compare page runs them now;
- ``Compare page: click -> results``: the Compare page itself through Streamlit's AppTest,
  from the click on Compare until its table and verdict are drawn (target: within 10 s).

Accuracy columns are medians over seeds: the same seeds give the same models in every
mode, so they must agree row to row. Measure on a quiet machine: the processes use one or
two cores each and run one after another.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from lstm_core.config import FRAMINGS  # noqa: E402
from lstm_core.presets import preset  # noqa: E402

FIRST_SEED = 7  # as the CLI and the Compare page


def configs_for(framings: list[str], seeds: int, scale: float) -> list:
    out = []
    for name in framings:
        base = preset(name)
        base = base.replace(epochs=max(1, round(base.epochs * scale)))
        out += [base.replace(seed=FIRST_SEED + s) for s in range(seeds)]
    return out


def worker(spec: dict) -> dict:
    """One row, in this process: train, time it, score it."""
    from lstm_core.analysis import inference  # TensorFlow import: outside the clock
    from lstm_core.train import compiled, trainer  # TensorFlow import: outside the clock

    if spec["how"] == "compare_page":
        return compare_page(spec)
    configs = configs_for(spec["framings"], spec["seeds"], spec["scale"])
    wall, cpu = time.perf_counter(), time.process_time()
    if spec["how"] == "sequential":
        runs = [trainer.train(c) for c in configs]
    else:
        runs = trainer.train_many(configs, cores=spec["cores"])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    accs: dict[str, list[float]] = {}
    for run in runs:
        accs.setdefault(run.config.framing, []).append(100 * inference.accuracy(run))
    return {
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "compiled": compiled.compiled_cache_info()["compiled"],
        "median_accuracy": {k: round(statistics.median(v), 2) for k, v in accs.items()},
        "runs": len(runs),
    }


def compare_page(spec: dict) -> dict:
    """The Compare page in AppTest: click Compare, wait for the results it draws."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "app"))
    from apptest_support import button, open_page  # the app tests' helpers

    from lstm_core.train import compiled  # TensorFlow import: outside the clock (as in the other rows)

    at = open_page("pages/compare.py")
    at.multiselect[0].set_value(spec["framings"])
    at.number_input[0].set_value(spec["seeds"])
    options = [float(o) for o in at.select_slider[0].options]
    if spec["scale"] not in options:  # the page offers a few scales only: say so, do not guess
        raise SystemExit(f"the Compare page offers epochs scales {options}, not {spec['scale']}")
    at.select_slider[0].set_value(spec["scale"])
    wall, cpu = time.perf_counter(), time.process_time()
    button(at, "Compare").click().run(timeout=3600)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    problems = [e.value for e in at.error] + [e.value for e in at.exception]
    if problems or not len(at.dataframe):
        raise SystemExit(f"the Compare page showed no results: {problems}")
    table = at.dataframe[0].value
    return {
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "compiled": compiled.compiled_cache_info()["compiled"],
        "median_accuracy": dict(zip(table["framing"], table["median"].round(2))),
        "runs": int(table["runs"].sum()),
    }


def run_row(label: str, spec: dict) -> dict:
    env = {**os.environ, "LSTM_LAB_TF_THREADS": str(spec.get("tf_threads", 1))}
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--worker", json.dumps(spec)],
        capture_output=True, text=True, cwd=ROOT, check=False, env=env,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{label}: worker failed:\n{proc.stderr[-2000:]}")
    return {"row": label, **spec, **json.loads(proc.stdout.strip().splitlines()[-1])}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=20, help="seeds per framing in the many-seed rows")
    p.add_argument("--epochs-scale", type=float, default=1.0, help="fraction of each preset's epochs")
    p.add_argument("--skip-sequential", action="store_true", help="leave out the slow N-seed sequential row")
    p.add_argument("--json", action="store_true", help="one JSON object per row")
    p.add_argument("--only", nargs="+", help="only the rows whose label contains one of these words")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0
    n, scale, every = args.seeds, args.epochs_scale, list(FRAMINGS)
    # "TF threads": LSTM_LAB_TF_THREADS, the size of TensorFlow's one pool that runs every XLA
    # call. With 1 (the app's default) two stacks take turns on one core; reproduce uses 2.
    plan = [
        ("1 seed, one after another", {"seeds": 1, "how": "sequential", "cores": 1, "framings": every}),
        ("1 seed, train_many, 1 TF thread", {"seeds": 1, "how": "many", "cores": 2, "framings": every}),
        ("1 seed, train_many, 2 TF threads (CLI)", {"seeds": 1, "how": "many", "cores": 2,
                                                    "framings": every, "tf_threads": 2}),
    ]
    if not args.skip_sequential:
        plan.append((f"{n} seeds, one after another", {"seeds": n, "how": "sequential", "cores": 1,
                                                       "framings": every}))
    plan += [
        (f"{n} seeds, stacked, 1 core", {"seeds": n, "how": "many", "cores": 1, "framings": every}),
        (f"{n} seeds, stacked, 2 cores, 1 TF thread",
         {"seeds": n, "how": "many", "cores": 2, "framings": every}),
        (f"{n} seeds, stacked, 2 cores, 2 TF threads (CLI)",
         {"seeds": n, "how": "many", "cores": 2, "framings": every, "tf_threads": 2}),
    ]
    pair = ["naive", "feature-window"]
    if not args.skip_sequential:
        plan.append((f"Compare {n} seeds, one after another",
                     {"seeds": n, "how": "sequential", "cores": 1, "framings": pair}))
    plan += [
        (f"Compare {n} seeds, train_many", {"seeds": n, "how": "many", "cores": 2, "framings": pair}),
        (f"Compare page {n} seeds: click -> results", {"seeds": n, "how": "compare_page", "cores": 2,
                                                       "framings": pair}),
    ]
    if args.only:
        plan = [row for row in plan if any(word in row[0] for word in args.only)]
    if scale not in (0.1, 0.25, 0.5, 1.0):  # the Compare page's scales
        plan = [row for row in plan if row[1]["how"] != "compare_page"]
    rows = []
    for label, spec in plan:
        row = run_row(label, {**spec, "scale": scale})
        rows.append(row)
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(f"  done: {label}: {row['seconds']:.1f} s", file=sys.stderr, flush=True)
    if args.json:
        return 0
    base = next((r["seconds"] for r in rows if r["row"].startswith("1 seed, one")), rows[0]["seconds"])
    short = {"naive": "naive", "feature-window": "feat-w", "timestep-window": "time-w",
             "whole-batch": "batch", "stateful": "stateful", "variable-length": "var-len"}
    head = (f"{'row':<48} {'wall s':>7} {'x 1 seed':>8} {'CPU s':>7} {'peak MB':>8} {'compiled':>8}"
            "  median accuracy %")
    print(head)
    print("-" * (len(head) + 40))
    for r in rows:
        accs = " ".join(f"{short[k]} {v:.1f}" for k, v in r["median_accuracy"].items())
        print(f"{r['row']:<48} {r['seconds']:>7.1f} {r['seconds'] / base:>8.2f} {r['cpu_seconds']:>7.1f} "
              f"{r['peak_rss_mb']:>8} {r['compiled']:>8}  {accs}")
    print(f"epochs x {scale:g} of the tutorial's; times include compiling, not importing TensorFlow; "
          "'x 1 seed' divides by the '1 seed, one after another' row (the first row if left out). "
          f"Machine: {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at the end.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
