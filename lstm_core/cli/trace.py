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
from lstm_core.limits.shape import CELL_KINDS


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
    from lstm_core.analysis.cell_diagram import trace as trace_of
    from lstm_core.analysis.text_reader import check_text, check_traceable

    def check(config: LSTMConfig) -> None:  # before training: a refusal costs nothing
        check_text(config, args.text)
        check_traceable(config)

    run, source = loaded_or_trained(args, "trace", check)
    trace = trace_of(run, args.text, warm=args.warm)
    if args.json:
        print(json.dumps(trace.as_dict()), file=out)
        return 0
    kind = CELL_KINDS[run.config.cell]
    warmup = trace.warmup
    if not args.warm:
        mode = "cold (fresh state)"
    elif warmup:
        mode = f"warm (fed {warmup!r} first)"
    else:
        mode = f"warm (nothing comes before {args.text[0]!r} in the training text)"
    state = "c" if kind.has_c else "h"  # the state whose size the last column shows
    print(f"{source}; {kind.label}, {trace.units} units; {mode}", file=out)
    print("step  fed    next  p      " + "  ".join(f"mean {g}" for g in kind.gate_names) + f"  |{state}|max",
          file=out)
    for k in range(trace.steps):
        letter, p = trace.prediction(k)
        means = "  ".join(f"{getattr(trace, g)[k].mean():6.3f}" for g in kind.gate_names)
        size = abs(getattr(trace, state)[k]).max()
        print(f"{k + 1:>4}  {trace.fed[k]:<5}  {letter:<4}  {p:5.3f}  {means}  {size:6.3f}", file=out)
    return 0


COMMANDS = {"trace": cmd_trace}
