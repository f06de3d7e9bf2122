"""The command line: ``python -m lstm_core reproduce | train | generate``.

Examples::

    python -m lstm_core reproduce                       # all six framings, tutorial settings
    python -m lstm_core reproduce --framing stateful --seeds 5 --json
    python -m lstm_core train --framing timestep-window --units 16 --save abc.keras
    python -m lstm_core generate --framing stateful --start K --steps 5        # KBCDEF
    python -m lstm_core generate --load abc.keras --start K --steps 5 --warm

Bad arguments or invalid values end with exit code 2 and one readable line on stderr,
never a traceback (set LSTM_LAB_DEBUG=1 to see one anyway). TensorFlow is imported only
once the arguments are known to be good, so ``--help`` and mistakes answer at once.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from .config import FRAMINGS, PRESETS, preset

FIRST_SEED = 7  # the tutorial's numpy.random.seed(7); further seeds are 8, 9, ...


class UsageError(Exception):
    """A mistake in the command line: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line on stderr (not usage + message) and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


# ---------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------
def _framing_choices(all_too: bool) -> list[str]:
    return [*FRAMINGS, "all"] if all_too else list(FRAMINGS)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m lstm_core",
        description="LSTM State Lab engine: reproduce the tutorial, train one run, generate text.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="{reproduce,train,generate}")

    rep = sub.add_parser("reproduce", help="train framings at the tutorial's settings, compare accuracy")
    rep.add_argument(
        "--framing", default="all", choices=_framing_choices(True), help="one framing, or all (default)"
    )
    rep.add_argument("--seeds", type=int, default=1, help="runs per framing, seeds 7, 8, 9, ... (default 1)")
    rep.add_argument("--epochs", type=int, help="override the tutorial's epochs (e.g. for a quick check)")
    rep.add_argument("--json", action="store_true", help="one JSON object per framing and seed")

    tr = sub.add_parser("train", help="train one run and print accuracy and predictions")
    _add_config_args(tr, framing_required=True)
    tr.add_argument("--save", metavar="PATH", help="write the trained model as a .keras file")
    tr.add_argument("--json", action="store_true", help="print JSON with accuracy and predictions")

    gen = sub.add_parser("generate", help="train (or load) a model and generate letters")
    _add_config_args(gen, framing_required=False)
    gen.add_argument("--load", metavar="PATH", help="use a .keras file saved by train --save")
    gen.add_argument("--start", required=True, help="the letter to start from")
    gen.add_argument("--steps", type=int, default=10, help="letters to generate (default 10)")
    gen.add_argument(
        "--warm", action="store_true", help="feed the sequence up to the start letter first (warm state)"
    )
    gen.add_argument(
        "--temperature",
        type=float,
        default=0.0,
        help="0 picks the most likely letter (default); higher samples more freely",
    )
    return parser


def _add_config_args(p: argparse.ArgumentParser, framing_required: bool) -> None:
    p.add_argument(
        "--framing",
        required=framing_required,
        choices=_framing_choices(False),
        help="the tutorial preset to start from",
    )
    p.add_argument("--sequence", help="training text instead of the alphabet")
    p.add_argument("--window", type=int, help="letters per sample (max length for variable-length)")
    p.add_argument("--units", type=int, help="LSTM memory units")
    p.add_argument("--epochs", type=int, help="passes over all samples")
    p.add_argument("--batch-size", type=int, help="samples per weight update")
    p.add_argument("--learning-rate", type=float, help="Adam's step size")
    p.add_argument("--encoding", choices=["scaled", "onehot"], help="input encoding")
    p.add_argument("--padding", choices=["zeros", "mask"], help="variable-length padding")
    p.add_argument("--num-samples", type=int, help="variable-length: random runs to draw")
    p.add_argument(
        "--shuffle", action=argparse.BooleanOptionalAction, default=None, help="reshuffle samples every epoch"
    )
    p.add_argument(
        "--stateful",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="carry state from batch to batch",
    )
    p.add_argument("--seed", type=int, help="seed for weights, sample order and sampling")


_CONFIG_ARGS = (
    "sequence",
    "window",
    "units",
    "epochs",
    "batch_size",
    "learning_rate",
    "encoding",
    "padding",
    "num_samples",
    "shuffle",
    "stateful",
    "seed",
)


def _config_from(args: argparse.Namespace):
    """The preset of ``--framing`` with the given options changed (validated)."""
    changes = {k: getattr(args, k) for k in _CONFIG_ARGS if getattr(args, k) is not None}
    return preset(args.framing).replace(**changes)


# ---------------------------------------------------------------------------------------
# Heavy imports, quietly
# ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def _native_stderr_silenced():
    """TensorFlow's C++ logging writes to file descriptor 2 at import, whatever
    TF_CPP_MIN_LOG_LEVEL says; keep it out of the CLI's stderr."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def _load_tensorflow() -> None:
    """Import the trainer and Keras now, quietly; later ``from . import trainer`` is free."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with _native_stderr_silenced():
        from . import export, trainer  # noqa: F401  (imported for their side effect: TF loaded)

        export._keras()


# ---------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------
def _pct(x: float) -> float:
    return round(100.0 * x, 2)


def cmd_reproduce(args: argparse.Namespace, out) -> int:
    from .inference import accuracy, generate

    names = list(FRAMINGS) if args.framing == "all" else [args.framing]
    if not 1 <= args.seeds <= 50:
        raise ValueError(f"seeds={args.seeds} is not allowed: it must be a whole number from 1 to 50.")
    seeds = [FIRST_SEED + i for i in range(args.seeds)]
    configs = {}
    for name in names:  # validate everything before the first slow step
        base = preset(name) if args.epochs is None else preset(name).replace(epochs=args.epochs)
        configs[name] = [base.replace(seed=s) for s in seeds]
    _load_tensorflow()
    from .trainer import train_many

    wall = time.perf_counter()
    # Every seed and framing at once: seeds of a framing train side by side, on both cores.
    runs = iter(train_many([cfg for name in names for cfg in configs[name]]))
    rows = []
    for name in names:
        accs, secs, note = [], [], ""
        for cfg in configs[name]:
            run = next(runs)
            acc = _pct(accuracy(run))
            accs.append(acc)
            secs.append(run.seconds)
            if name == "stateful" and cfg.seed == FIRST_SEED:
                note = (
                    f"A-> {generate(run, 'A', steps=len(cfg.sequence) - 1).text}; "
                    f"cold K-> {generate(run, 'K', steps=5).text}"
                )
            if args.json:
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
        rows.append((name, PRESETS[name].tutorial_accuracy, accs, sum(secs), note))
    if not args.json:
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
            f"total {time.perf_counter() - wall:.1f} s wall",
            file=out,
        )
    return 0


def cmd_train(args: argparse.Namespace, out) -> int:
    from .inference import accuracy, prediction_table

    config = _config_from(args)
    if args.save:
        _check_writable(args.save)
    _load_tensorflow()
    from .export import keras_bytes
    from .trainer import train

    run = train(config)
    acc = _pct(accuracy(run))
    table = prediction_table(run)
    if args.save:
        with open(args.save, "wb") as fh:
            fh.write(keras_bytes(run))
    if args.json:
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
                }
            ),
            file=out,
        )
        return 0
    print(f"{config.framing}: {run.epochs_done} epochs in {run.seconds:.1f} s", file=out)
    print(f"Model Accuracy: {acc:.2f}%", file=out)
    print(table.to_string(index=False), file=out)
    if args.save:
        print(f"saved {args.save}", file=out)
    return 0


def cmd_generate(args: argparse.Namespace, out) -> int:
    from .inference import accuracy, check_generation, generate

    if args.load:
        given = [f"--{k.replace('_', '-')}" for k in _CONFIG_ARGS if getattr(args, k) is not None]
        if given:
            raise UsageError(
                f"generate: {', '.join(given)} cannot be combined with --load "
                "(the loaded model brings its own settings)"
            )
        data = _read_file(args.load)
        from . import export  # TensorFlow only loads once the file looks like ours

        with _native_stderr_silenced():
            run = export.load_keras_bytes(data)
        if args.framing is not None and args.framing != run.config.framing:
            raise ValueError(
                f"framing={args.framing!r} does not match the loaded model's framing {run.config.framing!r}."
            )
        source = f"loaded {args.load} ({run.config.framing})"
    else:
        if args.framing is None:
            raise UsageError("generate: give --framing NAME (or --load PATH)")
        config = _config_from(args)
        # Check start/steps/temperature before training: mistakes answer at once.
        check_generation(config, args.start, args.steps, args.temperature)
        _load_tensorflow()
        from .trainer import train

        run = train(config)
        source = f"trained {config.framing}: {run.epochs_done} epochs in {run.seconds:.1f} s"
    seed = args.seed if args.seed is not None else 0
    gen = generate(run, args.start, steps=args.steps, warm=args.warm, temperature=args.temperature, seed=seed)
    print(f"{source}, accuracy {_pct(accuracy(run)):.2f}%", file=out)
    mode = f"warm (fed {gen.warmup!r} first)" if args.warm else "cold (fresh state)"
    pick = "greedy" if args.temperature <= 0 else f"temperature {args.temperature:g}"
    print(f"{mode}, {pick}:", file=out)
    for step in gen.steps:
        print(f"  {step.fed} -> {step.letter}  p={step.probability:.3f}", file=out)
    print(gen.text, file=out)
    return 0


def _read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(25 * 1024 * 1024 + 1)  # export refuses anything over its limit
    except OSError as err:
        raise ValueError(f"cannot read {path!r}: {err.strerror or err}.") from None


def _check_writable(path: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"save={path!r} is not allowed: folder {folder!r} does not exist.")
    if os.path.isdir(path):
        raise ValueError(f"save={path!r} is not allowed: it is a folder.")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"save={path!r} is not allowed: folder {folder!r} is not writable.")


COMMANDS = {"reproduce": cmd_reproduce, "train": cmd_train, "generate": cmd_generate}


def main(argv: Sequence[str] | None = None, out: Any = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad arguments or values, 1 failure)."""
    out = sys.stdout if out is None else out
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args, out)
    except (UsageError, ValueError) as err:
        print(_one_line(f"error: {err}"), file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `... | head`: the reader left, nothing more to say
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # a bug: still one line, unless debugging
        if os.environ.get("LSTM_LAB_DEBUG"):
            raise
        print(
            _one_line(f"error: unexpected {type(err).__name__}: {err} (set LSTM_LAB_DEBUG=1 for details)"),
            file=sys.stderr,
        )
        return 1


def _one_line(text: str) -> str:
    return " ".join(text.split())
