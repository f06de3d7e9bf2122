"""Measure what one training adds to a process's memory and compare it with lstm_core/limits/budget.py.

The memory budget (``LSTM_LAB_MEMORY_MB``) admits a training only if what it will add
(``budget.run_mb``: its data, its weights in every copy an update holds, the compile of a new
shape) fits beside what the server holds and what running trainings have reserved. That is
only as safe as ``run_mb`` is pessimistic. For each shape this starts a fresh process (so one
shape's freed memory does not hide the next one's), warms XLA up on the naive preset (a
server has done that long before anyone clicks), then measures the peak resident memory
(``VmRSS``, sampled every 20 ms) that the new shape's compile and then its training add,
and with ``--pair`` two trainings of it at once (as two users on the server's two slots).

It prints each shape's measured growth beside ``run_mb`` and exits 1 if any measurement is
above its estimate (then raise ``PARAM_COPIES``, ``DATA_COPIES`` or ``COMPILE_MB``)::

    .venv/bin/python benchmarks/calibrate_memory.py           # 5 shapes, ~2-4 minutes
    .venv/bin/python benchmarks/calibrate_memory.py --pair    # ... and two trainings at once
    .venv/bin/python benchmarks/calibrate_memory.py --quick   # 2 shapes

Memory figures hardly depend on the machine's load (times do); run it anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

TEXT64 = "".join(chr(ord("!") + i) for i in range(64))  # 64 distinct printable characters
S2000 = (TEXT64 * 40)[:2000]



def onehot(window: int, units: int, sequence: str) -> dict:
    return {"framing": "feature-window", "encoding": "onehot", "window": window, "units": units,
            "sequence": sequence}


# (label, config fields, epochs): a tutorial run, then shapes of 0.6 to 4.5 million weights.
SHAPES = [
    ("variable-length preset", {"framing": "variable-length"}, 20),
    ("onehot w16 128u, 2,000 chars", onehot(16, 128, S2000), 1),
    ("onehot w64 128u, 192 chars", onehot(64, 128, TEXT64 * 3), 1),
    ("onehot w64 256u, 192 chars", onehot(64, 256, TEXT64 * 3), 1),
    ("onehot w40 256u, 2,000 chars (hostile)", onehot(40, 256, S2000), 1),
]
QUICK = [0, 3]


def child(fields: dict, epochs: int, pair: bool) -> dict:
    """In a fresh process: the growth of RSS from compiling and training one shape."""
    os.environ["LSTM_LAB_MAX_SECONDS"] = "86400"  # measure shapes past the time limit too
    os.environ["LSTM_LAB_MAX_WORK"] = str(10**10)
    os.environ["LSTM_LAB_MAX_COMPILED"] = "0"
    from lstm_core.config import LSTMConfig
    from lstm_core.limits import budget
    from lstm_core.presets import preset
    from lstm_core.train import compiled, trainer

    peak = [0.0]

    def sample() -> None:
        while True:
            peak[0] = max(peak[0], budget.rss_mb() or 0.0)
            time.sleep(0.02)

    threading.Thread(target=sample, daemon=True).start()
    warm = preset("naive").replace(epochs=5)
    trainer.train(warm)  # XLA started, as on a server that has served its first page
    config = LSTMConfig(**fields, epochs=epochs)

    def grow(fn) -> float:
        time.sleep(0.1)
        peak[0] = before = budget.rss_mb() or 0.0
        fn()
        time.sleep(0.1)
        return max(peak[0], budget.rss_mb() or 0.0) - before

    compile_mb = grow(lambda: compiled.prepare(config))
    train_mb = grow(lambda: trainer.train(config))
    row = {
        "compile_mb": round(compile_mb, 1),
        "train_mb": round(train_mb, 1),
        "estimate_compile_mb": round(budget.run_mb(config) - budget.run_mb(config, compiled=True), 1),
        "estimate_train_mb": round(budget.run_mb(config, compiled=True), 1),
        "parameters": budget.cost.estimate(config).parameters,
        "data_mb": round(budget.data_bytes(config) / budget.MIB, 1),
    }
    if pair:
        def two() -> None:
            threads = [threading.Thread(target=trainer.train, args=(config.replace(seed=s),)) for s in (1, 2)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()

        row["pair_mb"] = round(grow(two), 1)
        row["estimate_pair_mb"] = round(2 * budget.run_mb(config, compiled=True), 1)
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 shapes instead of 5")
    parser.add_argument("--pair", action="store_true", help="also train two of each shape at once")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: one shape, JSON out
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        print(json.dumps(child(spec["fields"], spec["epochs"], spec["pair"])), flush=True)
        return 0
    shapes = [SHAPES[i] for i in QUICK] if args.quick else SHAPES
    worst = 0.0
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    for label, fields, epochs in shapes:
        spec = json.dumps({"fields": fields, "epochs": epochs, "pair": args.pair})
        out = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--child", spec],
            capture_output=True, text=True, env=env, cwd=ROOT, check=True,
        ).stdout.strip().splitlines()[-1]
        row = json.loads(out)
        ratios = [row["compile_mb"] / row["estimate_compile_mb"], row["train_mb"] / row["estimate_train_mb"]]
        line = (
            f"{label:40s} {row['parameters']:>9,} weights {row['data_mb']:6.1f} MB data | "
            f"compile +{row['compile_mb']:5.0f} MB (est. {row['estimate_compile_mb']:.0f}) "
            f"train +{row['train_mb']:5.0f} MB (est. {row['estimate_train_mb']:.0f})"
        )
        if args.pair:
            ratios.append(row["pair_mb"] / row["estimate_pair_mb"])
            line += f" two at once +{row['pair_mb']:5.0f} MB (est. {row['estimate_pair_mb']:.0f})"
        worst = max(worst, *ratios)
        print(line, flush=True)
    verdict = "OK" if worst <= 1 else "RAISE the coefficients in lstm_core/limits/budget.py"
    print(f"worst measured / estimate: {worst:.2f} ({verdict})")
    return 0 if worst <= 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
