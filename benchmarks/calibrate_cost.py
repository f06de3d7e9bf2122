"""Measure what a training step costs on this machine and print coefficients for lstm_core/limits/cost.py.

The run-cost limit (``LSTM_LAB_MAX_SECONDS``) is only as honest as its coefficients. This
trains a handful of shapes with the real trainer, each in this one process, and measures

- the compile of each new shape (``compiled.prepare``), against its unrolled time steps
  weighted by their size (``cost.compile_steps``);
- the seconds per weight update of a training after the compile, against the multiply-adds
  of one update (``cost.macs_per_update``) and the parameters past the cache
  (``cost.parameters`` - ``cost.CACHE_PARAMETERS``: weights, gradient and Adam moments
  streamed from memory at every update);
- with ``--pair`` (the default), the same training twice at once, in two threads, as two
  users on the server's two training slots: the bound must hold for both.

It fits ``seconds = overhead + macs x MAC_S + streamed parameters x PARAM_S`` (trainings
alone) and ``compile = base + per_step x compile_steps`` by least squares, and ``SHARED``
as the largest slowdown of the streamed term with a second training beside it; prints them
beside the values in ``lstm_core/limits/cost.py``, and for every shape the measured time (the
slower of the pair) against the estimate the limit uses (which includes ``cost.SAFETY``). A
ratio "measured / limit estimate" above 1 means the limit would accept a run that takes
longer than it says: raise the coefficients.

The large shapes (0.6 to 4.5 million weights, up to the 256-unit one-hot shape of issue 16)
train on short texts: an update costs the same whatever the number of samples.

Run it on a quiet machine (nothing else training), from the repository root::

    .venv/bin/python benchmarks/calibrate_cost.py            # ~4-6 minutes
    .venv/bin/python benchmarks/calibrate_cost.py --quick    # 5 shapes, ~2 minutes
    .venv/bin/python benchmarks/calibrate_cost.py --no-pair  # trainings alone only
    .venv/bin/python benchmarks/calibrate_cost.py --json     # one JSON line per shape
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Measure shapes past the limit too: the limit is what is being calibrated.
os.environ["LSTM_LAB_MAX_SECONDS"] = "86400"
os.environ["LSTM_LAB_MAX_WORK"] = str(10**10)
os.environ["LSTM_LAB_MAX_COMPILED"] = "0"
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from lstm_core.config import LSTMConfig  # noqa: E402
from lstm_core.limits import cost  # noqa: E402

TEXT64 = "".join(chr(ord("!") + i) for i in range(64))  # 64 distinct printable characters


def fields(**kw) -> dict:
    return kw


# (label, config fields). Small to large arithmetic per update, 1 to 64 time steps.
SHAPES = [
    ("naive 32u", fields(framing="naive", units=32)),
    ("timestep-window w3 32u", fields(framing="timestep-window", window=3, units=32)),
    ("variable-length w5 32u", fields(framing="variable-length", window=5, units=32, num_samples=300)),
    ("whole-batch b25 16u", fields(framing="whole-batch", units=16, batch_size=25, shuffle=False)),
    ("timestep-window w16 64u", fields(framing="timestep-window", window=16, units=64, sequence=TEXT64 * 4)),
    ("naive onehot 64 chars 128u",
     fields(framing="naive", units=128, encoding="onehot", sequence=TEXT64 * 4)),
    ("feature-window onehot w8 256u",
     fields(framing="feature-window", window=8, units=256, encoding="onehot", sequence=TEXT64 * 4)),
    ("timestep-window w32 128u b16",
     fields(framing="timestep-window", window=32, units=128, batch_size=16, sequence=TEXT64 * 8)),
    ("timestep-window w64 32u", fields(framing="timestep-window", window=64, units=32, sequence=TEXT64 * 4)),
    # Millions of weights: the per-parameter term (short texts: an update costs the same).
    ("feature-window onehot w16 128u",
     fields(framing="feature-window", window=16, units=128, encoding="onehot", sequence=TEXT64 * 3)),
    ("feature-window onehot w32 256u",
     fields(framing="feature-window", window=32, units=256, encoding="onehot", sequence=TEXT64 * 3)),
    ("feature-window onehot w64 256u (issue 16)",
     fields(framing="feature-window", window=64, units=256, encoding="onehot", sequence=TEXT64 * 3)),
]
QUICK = [0, 2, 5, 8, 11]


def train_pair(config) -> float:
    """Seconds of the slower of two trainings of ``config`` run at once (two slots)."""
    from lstm_core.train import trainer

    seconds = []

    def one(seed: int) -> None:
        seconds.append(trainer.train(config.replace(seed=seed)).seconds)

    threads = [threading.Thread(target=one, args=(s,)) for s in (1, 2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return max(seconds)


def measure(label: str, fields: dict, target_s: float, pair: bool) -> dict:
    from lstm_core.train import compiled, trainer

    probe = LSTMConfig(**{**fields, "epochs": 1})
    t0 = time.perf_counter()
    compiled.prepare(probe)
    compile_s = time.perf_counter() - t0
    # One epoch to learn the per-epoch time, then enough epochs for ~target_s of training.
    first = trainer.train(probe)
    epochs = int(min(5000, max(1, target_s / max(first.seconds, 1e-4))))
    config = probe.replace(epochs=epochs)
    run = trainer.train(config)
    est = cost.estimate(config)
    per_update = run.seconds / est.updates
    pair_s = train_pair(config) if pair else run.seconds
    limit_s = est.seconds - est.compile_seconds  # the limit's figure for this training, no compile
    return {
        "shape": label,
        "time_steps": config.time_steps,
        "features": config.features,
        "units": config.units,
        "batch": config.batch_size,
        "macs_per_update": est.macs_per_update,
        "parameters": est.parameters,
        "streamed": max(0, est.parameters - cost.CACHE_PARAMETERS),
        "updates": est.updates,
        "compile_s": round(compile_s, 3),
        "train_s": round(run.seconds, 3),
        "us_per_update": round(per_update * 1e6, 2),
        "us_per_update_pair": round(pair_s / est.updates * 1e6, 2),
        "ratio_train": round(max(run.seconds, pair_s) / limit_s, 3),
        "ratio_compile": round(compile_s / est.compile_seconds, 3),
    }


def fit(rows: list[dict]) -> dict:
    macs = np.array([r["macs_per_update"] for r in rows], float)
    streamed = np.array([r["streamed"] for r in rows], float)
    per = np.array([r["us_per_update"] for r in rows], float) * 1e-6
    pair = np.array([r["us_per_update_pair"] for r in rows], float) * 1e-6
    steps = np.array([cost.compile_steps(r["time_steps"], r["units"]) for r in rows], float)
    comp = np.array([r["compile_s"] for r in rows], float)
    # Relative least squares (divide each row by its value): small shapes count as much as big.
    a = np.c_[np.ones_like(macs), macs, streamed] / per[:, None]
    overhead, mac_s, param_s = np.linalg.lstsq(a, np.ones_like(per), rcond=None)[0]
    overhead, mac_s, param_s = max(float(overhead), 0.0), max(float(mac_s), 0.0), max(float(param_s), 0.0)
    # SHARED: what the streamed term must be multiplied by for the slower of a pair.
    shared = 1.0
    for r_pair, r_macs, r_streamed in zip(pair, macs, streamed):
        term = param_s * r_streamed
        if term > 0.2 * r_pair:  # only shapes whose streaming is a real part of an update
            shared = max(shared, (r_pair - overhead - mac_s * r_macs) / term)
    b = np.c_[np.ones_like(steps), steps]
    base, per_step = np.linalg.lstsq(b, comp, rcond=None)[0]
    return {
        "UPDATE_OVERHEAD_S": overhead,
        "MAC_S": mac_s,
        "PARAM_S": param_s,
        "SHARED": float(shared),
        "COMPILE_BASE_S": max(float(base), 0.0),
        "COMPILE_PER_STEP_S": max(float(per_step), 0.0),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 shapes instead of 12")
    parser.add_argument(
        "--no-pair", dest="pair", action="store_false", help="skip the two-trainings-at-once measurement"
    )
    parser.add_argument("--target", type=float, default=2.0, help="seconds of training per shape")
    parser.add_argument("--json", action="store_true", help="one JSON line per shape")
    args = parser.parse_args(argv)
    shapes = [SHAPES[i] for i in QUICK] if args.quick else SHAPES
    rows = []
    for label, fields in shapes:
        row = measure(label, fields, args.target, args.pair)
        rows.append(row)
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(
                f"{label:42s} t={row['time_steps']:2d} macs/update={row['macs_per_update']:>10,} "
                f"weights={row['parameters']:>9,} compile {row['compile_s']:5.2f} s  "
                f"{row['us_per_update']:8.1f} µs/update ({row['us_per_update_pair']:8.1f} in a pair)  "
                f"measured/limit: train {row['ratio_train']:.2f} compile {row['ratio_compile']:.2f}",
                flush=True,
            )
    fitted = fit(rows)
    worst = max(max(r["ratio_train"], r["ratio_compile"]) for r in rows)
    print("\nfitted (no safety factor)   vs lstm_core/limits/cost.py:")
    for name, value in fitted.items():
        print(f"  {name:20s} {value:.3g}   (cost.py: {getattr(cost, name):.3g})")
    print(f"  SAFETY               cost.py: {cost.SAFETY:g}")
    verdict = "OK" if worst <= 1 else "RAISE the coefficients"
    print(f"worst measured / limit estimate: {worst:.2f} ({verdict})")
    return 0 if worst <= 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
