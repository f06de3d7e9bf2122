"""The memory subcommands of the CLI: ``influence`` and ``ceiling``.

Examples::

    python -m lstm_core ceiling --sequence aaaabbbccdaaaabbbccd --window 1
    python -m lstm_core influence --framing stateful --sequence XabcYZabcW --steps-per-update 5 \\
        --text XabcYZabc --step 9 --json
    python -m lstm_core influence --load run.keras --text XabcYZabc --json

``influence`` prints, for the prediction after ``--step`` letters of ``--text``, how much
each earlier letter changed it (see :mod:`lstm_core.analysis.influence`); as JSON:
``{"predicted": "W", "influence": [{"back": 0, "fed": "c", "occlusion": 0.41, "gradient": 2.3}, ...]}``.
"""

from __future__ import annotations

import argparse
import json

from lstm_core.cli.common import (
    LOAD_HELP,
    UsageError,
    add_config_args,
    config_from,
    load_model,
    load_tensorflow,
)


def add_commands(sub) -> None:
    """Add ``influence`` and ``ceiling`` to the CLI's subparsers."""
    inf = sub.add_parser("influence", help="how much each earlier letter changed one prediction")
    add_config_args(inf, framing_required=False)
    inf.add_argument("--load", metavar="PATH", help=LOAD_HELP)
    inf.add_argument("--text", required=True, help="the letters to feed (at most 200, from the vocabulary)")
    inf.add_argument("--step", type=int, help="predict after this many letters of --text (default: all)")
    inf.add_argument("--json", action="store_true", help='print {"predicted": ..., "influence": [...]}')

    ceil = sub.add_parser("ceiling", help="best accuracy any model seeing WINDOW letters can reach on a text")
    ceil.add_argument("--sequence", required=True, help="the training text")
    ceil.add_argument("--window", type=int, required=True, help="letters the model sees")
    ceil.add_argument("--json", action="store_true", help='print {"window": W, "right": r, "total": n, ...}')


def cmd_influence(args: argparse.Namespace, out) -> int:
    from lstm_core.analysis.influence import check_request, influence

    if args.load:
        run, source = load_model(args, "influence")
        step = len(args.text) if args.step is None else args.step
        check_request(run.config, args.text, step)
    else:
        if args.framing is None:
            raise UsageError("influence: give --framing NAME and settings (or --load PATH)")
        config = config_from(args)
        step = len(args.text) if args.step is None else args.step
        check_request(config, args.text, step)  # mistakes answer before training
        from lstm_core.analysis.influence import feed_plan

        feed_plan(config, args.text, step)  # e.g. a step shorter than the window
        load_tensorflow()
        from lstm_core.train.trainer import train

        run = train(config)
        source = f"trained {config.framing}: {run.epochs_done} epochs in {run.seconds:.1f} s"
    result = influence(run, args.text, step)
    if args.json:
        print(json.dumps(result.to_dict()), file=out)
        return 0
    print(source, file=out)
    print(
        f"after {args.text[:step]!r} the model predicts {result.predicted!r} (p={result.probability:.3f}), "
        f"reading {result.steps_read} time steps",
        file=out,
    )
    print(f"{'back':>4}  fed  {'occlusion':>9}  {'by':>4}  {'gradient':>9}", file=out)
    for r in result.rows:
        by = repr(r.replaced_by) if r.replaced_by else "zero"
        print(f"{r.back:>4}  {r.fed!r:>3}  {r.occlusion:>9.4f}  {by:>4}  {r.gradient:>9.4f}", file=out)
    return 0


def cmd_ceiling(args: argparse.Namespace, out) -> int:
    from lstm_core.config import MAX_SEQUENCE_CHARS
    from lstm_core.data.texts import ceiling_table

    text, w = args.sequence, args.window
    if len(text) > MAX_SEQUENCE_CHARS:
        raise ValueError(
            f"sequence of {len(text):,} characters is not allowed: the limit is {MAX_SEQUENCE_CHARS:,}."
        )
    if not 1 <= w < len(text):
        raise ValueError(
            f"window={w} is not allowed: it must be from 1 to {max(1, len(text) - 1)} "
            f"(shorter than the {len(text)}-character sequence)."
        )
    row = ceiling_table(text, [w])[0]
    if args.json:
        found = {"window": w, "right": row.right, "total": row.total, "ceiling": row.share}
        print(json.dumps(found), file=out)
    else:
        print(f"ceiling with window {w}: {row.right}/{row.total} = {100 * row.share:.2f}%", file=out)
    return 0


COMMANDS = {"influence": cmd_influence, "ceiling": cmd_ceiling}
