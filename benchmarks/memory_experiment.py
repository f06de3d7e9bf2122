"""The Memory page's experiment, measured: delayed recall, arms (a)/(b)/(c), several seeds.

This prints figures; it is not a test. From the repository root::

    .venv/bin/python benchmarks/memory_experiment.py                         # k = 4, seeds 7, 8, 9
    .venv/bin/python benchmarks/memory_experiment.py --k 4,8 --order alternating,random --markdown

For every run: accuracy on the recalled letters (the ones that need memory) and on all
letters, the theory for the recalled letters, and the occlusion at one recall (the first of
the text's second half) by letters *outside* the update's own sample: the cue, and the
largest of any such letter. Those letters reach the prediction only through carried state.
Training seconds include compiling for the first run of each shape; they are comparable only
when measured on a quiet machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lstm_core.experiments import truncated_bptt as exp  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", default="4", help="delays, comma-separated (default 4)")
    parser.add_argument("--order", default="alternating", help="alternating, random, or both comma-separated")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per arm: 7, 8, ... (default 3)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    rows = []
    start = time.perf_counter()
    for order in args.order.split(","):
        for k in (int(x) for x in args.k.split(",")):
            for o in exp.run_experiment(k, seeds=range(7, 7 + args.seeds), order=order):
                rows.append((order, k, o))
                print(
                    f"{order} k={k} ({o.arm}) seed {o.seed}: recalled {100 * o.recall_accuracy:.0f}% "
                    f"(theory {100 * o.recall_ceiling:.0f}%) all {100 * o.accuracy:.1f}% "
                    f"loss {o.history[-1].loss:.4f} {o.seconds:.1f}s "
                    f"outside the update: cue {o.cue_beyond:.3f} max {o.max_beyond:.3f}",
                    file=sys.stderr,
                    flush=True,
                )
    wall = time.perf_counter() - start
    if args.markdown:
        print(
            "| order | k | arm | recalled letters, per seed | theory | all letters, median "
            "| occlusion via carried state: cue / largest (median) | seconds, median |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for order in args.order.split(","):
            for k in sorted({r[1] for r in rows if r[0] == order}):
                for arm in exp.ARMS:
                    mine = [o for r_order, r_k, o in rows if (r_order, r_k, o.arm) == (order, k, arm)]
                    recall = ", ".join(f"{100 * o.recall_accuracy:.0f}%" for o in mine)
                    print(
                        f"| {order} | {k} | ({arm}) {exp.ARMS[arm]} | {recall} "
                        f"| {100 * mine[0].recall_ceiling:.0f}% "
                        f"| {100 * statistics.median(o.accuracy for o in mine):.1f}% "
                        f"| {statistics.median(o.cue_beyond for o in mine):.3f} / "
                        f"{statistics.median(o.max_beyond for o in mine):.3f} "
                        f"| {statistics.median(o.seconds for o in mine):.1f} |"
                    )
    print(f"{len(rows)} runs in {wall:.1f} s wall", file=sys.stderr)


if __name__ == "__main__":
    main()
