"""The tutorial's commands: ``reproduce`` (every framing at its tutorial settings) and ``train`` (one run).

Examples::

    python -m lstm_core reproduce                       # all six framings, tutorial settings
    python -m lstm_core reproduce --framing stateful --seeds 5 --json
    python -m lstm_core train --framing timestep-window --units 16 --save abc.keras
    python -m lstm_core train --task sine --framing timestep-window --period 25 --noise 0.05
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

from lstm_core.cli.common import (
    UsageError,
    add_config_args,
    check_writable,
    config_from,
    framing_choices,
    load_tensorflow,
    pct,
    save_model,
)
from lstm_core.config import FIRST_SEED, FRAMINGS, MAX_SEEDS, LSTMConfig
from lstm_core.limits.shape import CELL_NAMES
from lstm_core.model.variant import variant_of
from lstm_core.presets import PRESETS, seed_sweep, sweep


def add_commands(sub) -> None:
    """Add ``reproduce`` and ``train`` to the CLI's subparsers."""
    rep = sub.add_parser("reproduce", help="train framings at the tutorial's settings, compare accuracy")
    rep.add_argument(
        "--framing", default="all", choices=framing_choices(True), help="one framing, or all (default)"
    )
    rep.add_argument(
        "--seeds",
        type=int,
        default=1,
        help=f"runs per framing, seeds {FIRST_SEED}, {FIRST_SEED + 1}, ... (default 1, at most {MAX_SEEDS})",
    )
    rep.add_argument("--epochs", type=int, help="override the tutorial's epochs (e.g. for a quick check)")
    rep.add_argument("--json", action="store_true", help="one JSON object per framing and seed")

    tr = sub.add_parser("train", help="train one run and print accuracy and predictions")
    add_config_args(tr, framing_required=True)
    tr.add_argument("--save", metavar="PATH", help="write the trained model as a .keras file")
    tr.add_argument("--json", action="store_true", help="print JSON with accuracy and predictions")
    tr.add_argument(
        "--recursive", action="store_true",
        help="n-char-output only: also train the one-letter model fed its own answers, and print "
        "the accuracy per output position of both",
    )


# ---------------------------------------------------------------------------------------
# reproduce
# ---------------------------------------------------------------------------------------
def cmd_reproduce(args: argparse.Namespace, out) -> int:
    from lstm_core.analysis.inference import accuracy, generate

    names = list(FRAMINGS) if args.framing == "all" else [args.framing]
    seeds = seed_sweep(args.seeds)
    configs = {name: sweep([name], args.seeds, epochs=args.epochs) for name in names}  # validated now
    if "lstm_core.train.trainer" not in sys.modules:  # a fresh process: TensorFlow not set up yet
        # A batch job with the machine to itself: let train_many's stacks run on two cores at
        # once (one TensorFlow pool per process, see LSTM_LAB_TF_THREADS); the operator's wins.
        os.environ.setdefault("LSTM_LAB_TF_THREADS", str(min(2, os.cpu_count() or 1)))
    load_tensorflow()
    from lstm_core.train.trainer import train_many

    wall = time.perf_counter()
    # Every seed and framing at once: seeds of a framing train side by side, on both cores.
    runs = iter(train_many([cfg for name in names for cfg in configs[name]]))
    rows = []
    for name in names:
        accs, secs, note = [], [], ""
        for cfg in configs[name]:
            run = next(runs)
            acc = pct(accuracy(run))
            accs.append(acc)
            secs.append(run.seconds)
            if name == "stateful" and cfg.seed == FIRST_SEED:
                note = (
                    f"A-> {generate(run, 'A', steps=len(cfg.sequence) - 1).text}; "
                    f"cold K-> {generate(run, 'K', steps=5).text}"
                )
            if args.json:
                _print_reproduced_run(name, cfg, run, acc, out)
        rows.append((name, PRESETS[name].tutorial_accuracy, accs, sum(secs), note))
    if not args.json:
        _print_reproduce_table(rows, seeds, time.perf_counter() - wall, out)
    return 0


def _print_reproduced_run(name: str, cfg: LSTMConfig, run, acc: float, out) -> None:
    """``reproduce --json``: one line per framing and seed, as soon as it is known."""
    print(
        json.dumps(
            {
                "framing": name,
                "seed": cfg.seed,
                "accuracy": acc,
                "tutorial_accuracy": PRESETS[name].tutorial_accuracy,
                "epochs": run.epochs_done,
                "seconds": round(run.seconds, 3),
            }
        ),
        file=out,
        flush=True,
    )


def _print_reproduce_table(rows: list[tuple], seeds: list[int], wall: float, out) -> None:
    """``reproduce``'s table: one row per framing, the tutorial's accuracy beside ours."""
    print(
        f"{'framing':<16} {'tutorial':>8} {'ours (median)':>13} {'range':>15} {'seconds':>8}  note",
        file=out,
    )
    for name, tut, accs, sec, note in rows:
        rng = f"{min(accs):.2f}-{max(accs):.2f}"
        print(
            f"{name:<16} {tut:>7.2f}% {statistics.median(accs):>12.2f}% {rng:>15} {sec:>8.1f}  {note}",
            file=out,
        )
    print(
        f"{len(seeds)} seed(s) per framing ({', '.join(map(str, seeds))}); "
        f"total {wall:.1f} s wall",
        file=out,
    )


# ---------------------------------------------------------------------------------------
# train
# ---------------------------------------------------------------------------------------
def cmd_train(args: argparse.Namespace, out) -> int:
    from lstm_core.analysis.inference import accuracy, prediction_table

    config = config_from(args)
    spec = variant_of(config)
    if args.recursive and not spec.one_shot:
        raise UsageError("train: --recursive needs --framing n-char-output")
    if args.save is not None:
        check_writable(args.save)
    load_tensorflow()
    from lstm_core.train.trainer import train, train_many

    if args.recursive:
        run, recursive = train_many([config, spec.recursive_config()])
    else:
        run, recursive = train(config), None
    if config.regression:
        return _train_values(run, args, out)
    acc = pct(accuracy(run))
    table = prediction_table(run)
    positions = spec.per_position(run, recursive)
    save_model(run, args.save)
    if args.json:
        _print_train_json(config, run, acc, table, positions, out)
        return 0
    print(f"{config.framing}{_cell_words(config)}: {run.epochs_done} epochs in {run.seconds:.1f} s", file=out)
    print(f"Model Accuracy: {acc:.2f}%", file=out)
    print(table.to_string(index=False), file=out)
    if positions is not None:
        if recursive is None:
            positions = positions.drop(columns="recursive")
        print("Accuracy per output position (%):", file=out)
        print(positions.to_string(index=False), file=out)
    if args.save:
        print(f"saved {args.save}", file=out)
    return 0


def _print_train_json(config: LSTMConfig, run, acc: float, table, positions, out) -> None:
    """``train --json``: accuracy, the config and every prediction (and n-char's per position)."""
    predictions = [
        {
            "input": r.input,
            "expected": r.expected,
            "predicted": r.predicted,
            "probability": float(r.probability),
            "correct": bool(r.correct),
        }
        for r in table.itertuples(index=False)
    ]
    print(
        json.dumps(
            {
                "framing": config.framing,
                "accuracy": acc,
                "epochs": run.epochs_done,
                "seconds": round(run.seconds, 3),
                "config": config.to_dict(),
                "predictions": predictions,
                **({} if positions is None else {"per_position": positions.to_dict("records")}),
            }
        ),
        file=out,
    )


def _cell_words(config: LSTMConfig) -> str:
    """`` (2 stacked GRU layers)`` after a framing's name; nothing for the tutorial's one LSTM."""
    if (config.cell, config.layers) == ("lstm", 1):
        return ""
    kind = CELL_NAMES[config.cell]
    return f" ({config.layers} stacked {kind} layers)" if config.layers > 1 else f" ({kind})"


def _train_values(run, args: argparse.Namespace, out) -> int:
    """``train`` of a model of values (``--task sine``): the training MSE and the one-step
    (teacher-forced) predictions."""
    from lstm_core.analysis.forecast import fitted, mse

    config = run.config
    save_model(run, args.save)
    rows = fitted(run)
    error = mse(run)
    if args.json:
        print(json.dumps({
            "task": config.task, "framing": config.framing, "mse": error, "epochs": run.epochs_done,
            "seconds": round(run.seconds, 3), "config": config.to_dict(),
            "predictions": [{"position": t, "value": v, "predicted": p} for t, v, p in rows],
        }), file=out)
        return 0
    print(f"{config.task}, {config.framing}: {run.epochs_done} epochs in {run.seconds:.1f} s", file=out)
    print(f"Model MSE: {error:.6f}", file=out)
    print("position     value  predicted (teacher-forced: from the true values before it)", file=out)
    for t, v, p in rows:
        print(f"{t:>8}  {v:8.4f}  {p:9.4f}", file=out)
    if args.save:
        print(f"saved {args.save}", file=out)
    return 0


COMMANDS = {"reproduce": cmd_reproduce, "train": cmd_train}
