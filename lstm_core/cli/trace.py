"""``python -m lstm_core trace``: every gate of every unit at every step of a text.

Examples::

    python -m lstm_core trace --framing stateful --text ABCDEFGHIJK --json   # every gate, every step
    python -m lstm_core trace --load abc.keras --text ABCDEFGHIJK --warm

A one-layer LSTM prints its gates i, f, g, o and its cell state; a one-layer GRU its update
gate z, reset gate r and candidate g (see :mod:`lstm_core.analysis.lstm_trace` and
:mod:`lstm_core.analysis.gru_trace`).
"""

from __future__ import annotations

import argparse
import json

from lstm_core.cli.common import LOAD_HELP, add_config_args, loaded_or_trained
from lstm_core.config import LSTMConfig


def add_commands(sub) -> None:
    """Add ``trace`` to the CLI's subparsers."""
    tr = sub.add_parser("trace", help="feed a text to a model and print every gate at every step")
    add_config_args(tr, framing_required=False)
    tr.add_argument("--load", metavar="PATH", help=LOAD_HELP)
    tr.add_argument(
        "--text", required=True, help="the text to feed, e.g. ABCDEFGHIJK (at most 200 characters)"
    )
    tr.add_argument(
        "--warm", action="store_true", help="read the training text up to the first letter first (warm state)"
    )
    tr.add_argument(
        "--json",
        action="store_true",
        help='one JSON object whose "steps" list has, per time step: fed, x, h_prev, c_prev, '
        "i, f, g, o (after activation), c, h and probs",
    )


def cmd_trace(args: argparse.Namespace, out) -> int:
    from lstm_core.analysis.gru_trace import gru_trace
    from lstm_core.analysis.lstm_trace import gate_trace
    from lstm_core.analysis.text_reader import check_text, check_traceable

    def check(config: LSTMConfig) -> None:  # before training: a refusal costs nothing
        check_text(config, args.text)
        check_traceable(config)

    run, source = loaded_or_trained(args, "trace", check)
    if run.config.cell == "gru":
        return _print_gru_trace(gru_trace(run, args.text, warm=args.warm), source, args, out)
    trace = gate_trace(run, args.text, warm=args.warm)
    if args.json:
        print(json.dumps(trace.as_dict()), file=out)
        return 0
    if not args.warm:
        mode = "cold (fresh state)"
    elif trace.warmup:
        mode = f"warm (fed {trace.warmup!r} first)"
    else:
        mode = f"warm (nothing comes before {args.text[0]!r} in the training text)"
    print(f"{source}; {trace.units} units; {mode}", file=out)
    print("step  fed    next  p      mean i  mean f  mean g  mean o  |c|max", file=out)
    for k in range(trace.steps):
        letter, p = trace.prediction(k)
        means = "  ".join(f"{getattr(trace, g)[k].mean():6.3f}" for g in ("i", "f", "g", "o"))
        print(
            f"{k + 1:>4}  {trace.fed[k]:<5}  {letter:<4}  {p:5.3f}  {means}  {abs(trace.c[k]).max():6.3f}",
            file=out,
        )
    return 0


def _print_gru_trace(trace, source: str, args: argparse.Namespace, out) -> int:
    """A GRU's trace: its update gate z, reset gate r and candidate g per step (no c)."""
    if args.json:
        print(json.dumps(trace.as_dict()), file=out)
        return 0
    mode = "warm" if args.warm else "cold (fresh state)"
    print(f"{source}; GRU, {trace.units} units; {mode}", file=out)
    print("step  fed    next  p      mean z  mean r  mean g  |h|max", file=out)
    for k in range(trace.steps):
        letter, p = trace.prediction(k)
        means = "  ".join(f"{getattr(trace, g)[k].mean():6.3f}" for g in ("z", "r", "g"))
        print(
            f"{k + 1:>4}  {trace.fed[k]:<5}  {letter:<4}  {p:5.3f}  {means}  {abs(trace.h[k]).max():6.3f}",
            file=out,
        )
    return 0


COMMANDS = {"trace": cmd_trace}
