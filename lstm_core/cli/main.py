"""The command line: ``python -m lstm_core reproduce | train | generate | trace | settings``.

Examples::

    python -m lstm_core reproduce                       # all six framings, tutorial settings
    python -m lstm_core reproduce --framing stateful --seeds 5 --json
    python -m lstm_core train --framing timestep-window --units 16 --save abc.keras
    python -m lstm_core generate --framing stateful --start K --steps 5        # KBCDEF
    python -m lstm_core generate --load abc.keras --start K --steps 5 --warm
    python -m lstm_core trace --framing stateful --text ABCDEFGHIJK --json   # every gate, every step
    python -m lstm_core train --task sine --framing timestep-window --period 25 --noise 0.05
    python -m lstm_core generate --task sine --framing stateful --start 100 --steps 50   # numbers
    python -m lstm_core settings                        # the LSTM_LAB_* settings in force

Bad arguments or invalid values end with exit code 2 and one readable line on stderr,
never a traceback (set LSTM_LAB_DEBUG=1 to see one anyway). TensorFlow is imported only
once the arguments are known to be good, so ``--help`` and mistakes answer at once.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from lstm_core.cli import memory_commands
from lstm_core.config import FIELD_DOCS, FIRST_SEED, FRAMINGS, MAX_SEEDS, LSTMConfig
from lstm_core.export.keras_file import MAX_MODEL_BYTES
from lstm_core.limits import settings
from lstm_core.model import nchar
from lstm_core.presets import PRESETS, preset, seed_sweep, sweep


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
    sub = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="{reproduce,train,generate,trace,settings,influence,ceiling}",
    )

    rep = sub.add_parser("reproduce", help="train framings at the tutorial's settings, compare accuracy")
    rep.add_argument(
        "--framing", default="all", choices=_framing_choices(True), help="one framing, or all (default)"
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
    _add_config_args(tr, framing_required=True)
    tr.add_argument("--save", metavar="PATH", help="write the trained model as a .keras file")
    tr.add_argument("--json", action="store_true", help="print JSON with accuracy and predictions")
    tr.add_argument(
        "--recursive", action="store_true",
        help="n-char-output only: also train the one-letter model fed its own answers, and print "
        "the accuracy per output position of both",
    )

    gen = sub.add_parser("generate", help="train (or load) a model and generate letters")
    _add_config_args(gen, framing_required=False)
    gen.add_argument(
        "--load", metavar="PATH",
        help="use a .keras file: saved by train --save, or a plain Keras 3 LSTM + Dense(softmax) model",
    )
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
    _add_trace_parser(sub)
    sub.add_parser("settings", help="show the LSTM_LAB_* environment settings; exit 2 if one is bad")
    memory_commands.add_commands(sub, _add_config_args)
    return parser


def _add_config_args(p: argparse.ArgumentParser, framing_required: bool) -> None:
    """One option per LSTMConfig field (``batch_size`` -> ``--batch-size``), its help the
    field's description. Values arrive as text and are converted and checked by the config
    itself, so the CLI, the URL and the app refuse a bad value with the same sentence."""
    for f in dataclasses.fields(LSTMConfig):
        flag = "--" + f.name.replace("_", "-")
        help_text = FIELD_DOCS[f.name]
        if f.name == "framing":
            p.add_argument(
                flag, required=framing_required, choices=f.metadata["choices"],
                help=help_text + "; its tutorial settings are the starting point",
            )
        elif str(f.type) == "bool":
            p.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        else:
            choices = f.metadata.get("choices") or None
            metavar = None if choices else f.name.upper()
            p.add_argument(flag, choices=choices, metavar=metavar, help=help_text)


_CONFIG_ARGS = tuple(f.name for f in dataclasses.fields(LSTMConfig) if f.name != "framing")


def _config_from(args: argparse.Namespace) -> LSTMConfig:
    """The preset of ``--framing`` with the given options changed (converted and validated).

    With ``--task sine`` the starting point is the sine task's preset for that framing
    (``lstm_core.presets.sine_preset``); only train and generate work on a sine model."""
    changes = {k: getattr(args, k) for k in _CONFIG_ARGS if getattr(args, k) is not None}
    if changes.get("task") == "sine":
        _refuse_sine(args.command)
        from lstm_core.config import SINE_FRAMINGS
        from lstm_core.presets import sine_preset

        if args.framing not in SINE_FRAMINGS:
            raise UsageError(
                f"{args.command}: --framing {args.framing} does not apply to --task sine "
                f"(choose one of {', '.join(SINE_FRAMINGS)})"
            )
        return LSTMConfig.from_dict({**sine_preset(args.framing).to_dict(), **changes})
    return LSTMConfig.from_dict({**preset(args.framing).to_dict(), **changes})


def _refuse_sine(command: str) -> None:
    if command not in ("train", "generate"):
        raise UsageError(f"{command}: works on letter models only; a sine model trains and generates")


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
        from lstm_core.model import keras_models  # noqa: F401  (imported for their side effect: TF loaded)
        from lstm_core.train import trainer  # noqa: F401  (imported for their side effect: TF loaded)

        keras_models.import_keras()


# ---------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------
def _pct(x: float) -> float:
    return round(100.0 * x, 2)


def cmd_reproduce(args: argparse.Namespace, out) -> int:
    from lstm_core.analysis.inference import accuracy, generate

    names = list(FRAMINGS) if args.framing == "all" else [args.framing]
    seeds = seed_sweep(args.seeds)
    configs = {name: sweep([name], args.seeds, epochs=args.epochs) for name in names}  # validated now
    if "lstm_core.train.trainer" not in sys.modules:  # a fresh process: TensorFlow not set up yet
        # A batch job with the machine to itself: let train_many's stacks run on two cores at
        # once (one TensorFlow pool per process, see LSTM_LAB_TF_THREADS); the operator's wins.
        os.environ.setdefault("LSTM_LAB_TF_THREADS", str(min(2, os.cpu_count() or 1)))
    _load_tensorflow()
    from lstm_core.train.trainer import train_many

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
    from lstm_core.analysis.inference import accuracy, prediction_table

    config = _config_from(args)
    if args.recursive and config.framing != "n-char-output":
        raise UsageError("train: --recursive needs --framing n-char-output")
    if args.save is not None:
        _check_writable(args.save)
    _load_tensorflow()
    from lstm_core.export.keras_file import keras_bytes
    from lstm_core.train.trainer import train, train_many

    if args.recursive:
        run, recursive = train_many([config, nchar.recursive_config(config)])
    else:
        run, recursive = train(config), None
    if config.is_sine:
        return _train_sine(run, args, out)
    acc = _pct(accuracy(run))
    table = prediction_table(run)
    positions = nchar.per_position(config, run, recursive) if nchar.is_n_char(config) else None
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
                    **({} if positions is None else {"per_position": positions.to_dict("records")}),
                }
            ),
            file=out,
        )
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


def _cell_words(config: LSTMConfig) -> str:
    """`` (2 stacked GRU layers)`` after a framing's name; nothing for the tutorial's one LSTM."""
    if (config.cell, config.layers) == ("lstm", 1):
        return ""
    kind = {"lstm": "LSTM", "gru": "GRU", "simple": "SimpleRNN"}[config.cell]
    return f" ({config.layers} stacked {kind} layers)" if config.layers > 1 else f" ({kind})"


def _train_sine(run, args: argparse.Namespace, out) -> int:
    """``train --task sine``: the training MSE and the one-step (teacher-forced) predictions."""
    from lstm_core.analysis.forecast import mse, teacher_forced
    from lstm_core.data.sine import wave
    from lstm_core.export.keras_file import keras_bytes

    config = run.config
    if args.save:
        with open(args.save, "wb") as fh:
            fh.write(keras_bytes(run))
    w = wave(config)
    pred = teacher_forced(run, w.noisy)
    rows = [(t, float(w.noisy[t]), float(pred[t])) for t in range(len(pred)) if not math.isnan(pred[t])]
    error = mse(run)
    if args.json:
        print(json.dumps({
            "task": "sine", "framing": config.framing, "mse": error, "epochs": run.epochs_done,
            "seconds": round(run.seconds, 3), "config": config.to_dict(),
            "predictions": [{"position": t, "value": v, "predicted": p} for t, v, p in rows],
        }), file=out)
        return 0
    print(f"sine, {config.framing}: {run.epochs_done} epochs in {run.seconds:.1f} s", file=out)
    print(f"Model MSE: {error:.6f}", file=out)
    print("position     value  predicted (teacher-forced: from the true values before it)", file=out)
    for t, v, p in rows:
        print(f"{t:>8}  {v:8.4f}  {p:9.4f}", file=out)
    if args.save:
        print(f"saved {args.save}", file=out)
    return 0


def _generate_sine(run, args: argparse.Namespace, source: str, out) -> int:
    """``generate`` for a sine model: numbers, free-running beside teacher-forced."""
    from lstm_core.analysis.forecast import forecast, mse

    fc = forecast(run, _sine_start(args.start), args.steps)
    print(f"{source}, MSE {mse(run):.6f}", file=out)
    print(
        f"from position {fc.start}: free-running (fed its own output) beside teacher-forced "
        "(fed the true values)", file=out,
    )
    print("step  position     truth  teacher  |error|     free  |error|", file=out)
    for r in fc.table().itertuples(index=False):
        print(
            f"{r.step:>4}  {r.position:>8}  {r.truth:8.4f}  {r.teacher_forced:7.4f}  {r.teacher_error:7.4f}"
            f"  {r.free_running:7.4f}  {r.free_error:7.4f}", file=out,
        )
    print(
        f"mean |error|: teacher-forced {fc.teacher_error.mean():.4f}, "
        f"free-running {fc.free_error.mean():.4f}", file=out,
    )
    return 0


def _sine_start(start: str) -> int:
    """``--start`` for a sine model: the position of the wave to start generating at."""
    try:
        return int(start)
    except ValueError:
        raise ValueError(
            f"start={start[:40]!r} is not allowed: for a sine model it is the position to start at "
            "(a whole number)."
        ) from None


def _check_sine_generation(config: LSTMConfig, args: argparse.Namespace) -> None:
    from lstm_core.analysis.forecast import check_forecast

    if args.temperature != 0.0 or args.warm:
        raise UsageError(
            "generate: --temperature and --warm do not apply to a sine model (it predicts numbers, "
            "and always reads the true values before --start)"
        )
    check_forecast(config, _sine_start(args.start), args.steps)


def cmd_generate(args: argparse.Namespace, out) -> int:
    from lstm_core.analysis.inference import accuracy, check_generation, generate

    if args.load:
        data = _read_file(args.load)
        from lstm_core.export import keras_import  # TensorFlow only loads once the file passes its checks

        # A plain Keras file does not say its text, encoding or window: those may be given.
        corrections = ("sequence", "encoding", "window") if not keras_import.is_ours(data) else ()
        given = [f"--{k.replace('_', '-')}" for k in _CONFIG_ARGS
                 if k not in corrections and getattr(args, k) is not None]
        if given:
            raise UsageError(
                f"generate: {', '.join(given)} cannot be combined with --load "
                "(the loaded model brings its own settings)"
            )
        with _native_stderr_silenced():
            run = keras_import.load_any(
                data, sequence=args.sequence, encoding=args.encoding, window=args.window,
                framing=args.framing,
            )
        if args.framing is not None and args.framing != run.config.framing:
            raise ValueError(
                f"framing={args.framing!r} does not match the loaded model's framing {run.config.framing!r}."
            )
        source = f"loaded {args.load} ({run.config.framing})"
        if run.config.is_sine:
            _check_sine_generation(run.config, args)
            return _generate_sine(run, args, source, out)
    else:
        if args.framing is None:
            raise UsageError("generate: give --framing NAME (or --load PATH)")
        config = _config_from(args)
        # Check start/steps/temperature before training: mistakes answer at once.
        if config.is_sine:
            _check_sine_generation(config, args)
        else:
            check_generation(config, args.start, args.steps, args.temperature)
        _load_tensorflow()
        from lstm_core.train.trainer import train

        run = train(config)
        source = f"trained {config.framing}: {run.epochs_done} epochs in {run.seconds:.1f} s"
        if config.is_sine:
            return _generate_sine(run, args, f"trained sine, {source.removeprefix('trained ')}", out)
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


def _loaded_or_trained(args: argparse.Namespace, command: str, check) -> tuple[Any, str]:
    """The run a command works on: ``--load PATH``, or trained from the config flags.

    ``check(config)`` validates the command's own arguments; without ``--load`` it runs before
    anything slow, so mistakes answer at once instead of after TensorFlow and training.
    Returns (run, a sentence saying where the run came from).
    """
    if args.load:
        given = [f"--{k.replace('_', '-')}" for k in _CONFIG_ARGS if getattr(args, k) is not None]
        if given:
            raise UsageError(
                f"{command}: {', '.join(given)} cannot be combined with --load "
                "(the loaded model brings its own settings)"
            )
        data = _read_file(args.load)
        from lstm_core.export import keras_file  # TensorFlow only loads once the file looks like ours

        with _native_stderr_silenced():
            run = keras_file.load_keras_bytes(data)
        if run.config.is_sine:
            _refuse_sine(command)
        if args.framing is not None and args.framing != run.config.framing:
            raise ValueError(
                f"framing={args.framing!r} does not match the loaded model's framing {run.config.framing!r}."
            )
        check(run.config)
        return run, f"loaded {args.load} ({run.config.framing})"
    if args.framing is None:
        raise UsageError(f"{command}: give --framing NAME (or --load PATH)")
    config = _config_from(args)
    check(config)
    _load_tensorflow()
    from lstm_core.train.trainer import train

    run = train(config)
    return run, f"trained {config.framing}: {run.epochs_done} epochs in {run.seconds:.1f} s"


# ---------------------------------------------------------------------------------------
# trace: every gate of every unit at every step of a text
# ---------------------------------------------------------------------------------------
def _add_trace_parser(sub) -> None:
    tr = sub.add_parser("trace", help="feed a text to a model and print every gate at every step")
    _add_config_args(tr, framing_required=False)
    tr.add_argument("--load", metavar="PATH", help="use a .keras file saved by train --save")
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
    from lstm_core.analysis.trace import check_text, check_traceable, gate_trace, gru_trace

    def check(config: LSTMConfig) -> None:  # before training: a refusal costs nothing
        check_text(config, args.text)
        check_traceable(config)

    run, source = _loaded_or_trained(args, "trace", check)
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


def _read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_MODEL_BYTES + 1)  # enough to tell the loader it is too big
    except OSError as err:
        raise ValueError(f"cannot read {path!r}: {err.strerror or err}.") from None


def _check_writable(path: str) -> None:
    if not path.strip():
        raise ValueError("save='' is not allowed: give a file name, e.g. --save model.keras.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"save={path!r} is not allowed: folder {folder!r} does not exist.")
    if os.path.isdir(path):
        raise ValueError(f"save={path!r} is not allowed: it is a folder.")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"save={path!r} is not allowed: folder {folder!r} is not writable.")


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


def cmd_settings(args: argparse.Namespace, out) -> int:
    """Print the LSTM_LAB_* settings in force; exit 2 (one line per problem) if one is bad."""
    for line in settings.describe():
        print(line, file=out)
    found = settings.problems()
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    return 2 if found else 0


COMMANDS = {
    "reproduce": cmd_reproduce,
    "train": cmd_train,
    "generate": cmd_generate,
    "trace": cmd_trace,
    "settings": cmd_settings,
    **memory_commands.COMMANDS,
}


def main(argv: Sequence[str] | None = None, out: Any = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad arguments or values, 1 failure)."""
    out = sys.stdout if out is None else out
    try:
        args = build_parser().parse_args(argv)
        if args.command == "settings":
            return cmd_settings(args, out)
        for problem in settings.problems():  # a misconfigured environment is a bad argument too
            raise UsageError(problem)
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
        if settings.read("LSTM_LAB_DEBUG"):
            raise
        print(
            _one_line(f"error: unexpected {type(err).__name__}: {err} (set LSTM_LAB_DEBUG=1 for details)"),
            file=sys.stderr,
        )
        return 1


def _one_line(text: str) -> str:
    return " ".join(text.split())
