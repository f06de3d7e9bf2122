"""Compiled-function cache: RSS as more model shapes are compiled than the budget allows.

This prints figures; it is not a test. Examples (from the repository root)::

    .venv/bin/python benchmarks/compile_cache.py --shapes 30 --limit 20

Each step trains a new shape (units 8, 9, 10, ...; a few epochs) and prints the process's
RSS and ``compiled.compiled_cache_info()``. With ``LSTM_LAB_MAX_COMPILED`` = ``--limit``,
shapes past the budget are refused (one sentence), so RSS stays flat after the bound while
known shapes still train. ``--drop`` shows why the budget counts compiles rather than
holding an LRU of them: it drops every compiled function after each step (as an LRU
eviction would) and RSS still grows ~10 MB per shape, because TensorFlow 2.21 keeps every
XLA program it compiled (its compilation cache has no eviction).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shapes", type=int, default=30, help="distinct shapes to try (default 30)")
    p.add_argument("--limit", type=int, default=20, help="LSTM_LAB_MAX_COMPILED for this run (0: none)")
    p.add_argument("--drop", action="store_true", help="drop every compiled function after each shape")
    p.add_argument("--json", action="store_true", help="one JSON object per step")
    args = p.parse_args(argv)
    os.environ["LSTM_LAB_MAX_COMPILED"] = str(args.limit)

    from lstm_core.config import LSTMConfig
    from lstm_core.train import compiled, trainer

    base = LSTMConfig(framing="timestep-window", sequence="ABCDEFGHIJ", window=2, units=8, epochs=5)
    trainer.train(base)  # first training: TensorFlow's own one-time allocations
    start = rss_mb()
    refused = 0
    for k in range(args.shapes):
        cfg = base.replace(units=8 + k)
        try:
            trainer.train(cfg)
            outcome = "trained"
        except compiled.CompileLimitError:
            refused += 1
            trainer.train(base.replace(seed=k))  # a known shape still trains
            outcome = "refused (known shape trained instead)"
        if args.drop:
            compiled.forget()  # what an LRU eviction does: forget our functions
            gc.collect()
        info = compiled.compiled_cache_info()
        row = {"shape": k + 1, "units": cfg.units, "outcome": outcome, "rss_mb": round(rss_mb()),
               "growth_mb": round(rss_mb() - start), **info}
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(f"shape {k + 1:>3} (units {cfg.units:>3}): {outcome:<38} RSS {row['rss_mb']:>5} MB "
                  f"(+{row['growth_mb']:>4}), held {info['held']:>3}, compiled {info['compiled']:>3}",
                  flush=True)
    if not args.json:
        print(f"limit {args.limit}: {refused} shapes refused; RSS grew {rss_mb() - start:.0f} MB over "
              f"{args.shapes} shapes ({'functions dropped after each' if args.drop else 'cache kept'}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
