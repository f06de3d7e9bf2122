"""``python -m lstm_core generate``: train (or load) a model and let it write on.

Examples::

    python -m lstm_core generate --framing stateful --start K --steps 5        # KBCDEF
    python -m lstm_core generate --load abc.keras --start K --steps 5 --warm
    python -m lstm_core generate --task sine --framing stateful --start 100 --steps 50   # numbers

A letter model prints each letter it wrote with its probability; a sine model prints its
free-running forecast (fed its own output) beside the teacher-forced one (fed the true values).
"""

from __future__ import annotations

import argparse

from lstm_core.cli.common import (
    LOAD_HELP,
    UsageError,
    add_config_args,
    config_from,
    load_model,
    load_tensorflow,
    pct,
)
from lstm_core.config import LSTMConfig


def add_commands(sub) -> None:
    """Add ``generate`` to the CLI's subparsers."""
    gen = sub.add_parser("generate", help="train (or load) a model and generate letters")
    add_config_args(gen, framing_required=False)
    gen.add_argument("--load", metavar="PATH", help=LOAD_HELP)
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


def cmd_generate(args: argparse.Namespace, out) -> int:
    from lstm_core.analysis.inference import accuracy, check_generation, generate

    if args.load:
        run, source = load_model(args, "generate")
        if run.config.regression:
            _check_value_generation(run.config, args)
            return _generate_values(run, args, source, out)
    else:
        if args.framing is None:
            raise UsageError("generate: give --framing NAME (or --load PATH)")
        config = config_from(args)
        # Check start/steps/temperature before training: mistakes answer at once.
        if config.regression:
            _check_value_generation(config, args)
        else:
            check_generation(config, args.start, args.steps, args.temperature)
        load_tensorflow()
        from lstm_core.train.trainer import train

        run = train(config)
        source = f"trained {config.framing}: {run.epochs_done} epochs in {run.seconds:.1f} s"
        if config.regression:
            source = f"trained {config.task}, {source.removeprefix('trained ')}"
            return _generate_values(run, args, source, out)
    seed = args.seed if args.seed is not None else 0
    gen = generate(run, args.start, steps=args.steps, warm=args.warm, temperature=args.temperature, seed=seed)
    print(f"{source}, accuracy {pct(accuracy(run)):.2f}%", file=out)
    mode = f"warm (fed {gen.warmup!r} first)" if args.warm else "cold (fresh state)"
    pick = "greedy" if args.temperature <= 0 else f"temperature {args.temperature:g}"
    print(f"{mode}, {pick}:", file=out)
    for step in gen.steps:
        print(f"  {step.fed} -> {step.letter}  p={step.probability:.3f}", file=out)
    print(gen.text, file=out)
    return 0


# ---------------------------------------------------------------------------------------
# A sine model: numbers, not letters
# ---------------------------------------------------------------------------------------
def _generate_values(run, args: argparse.Namespace, source: str, out) -> int:
    """``generate`` for a sine model: numbers, free-running beside teacher-forced."""
    from lstm_core.analysis.forecast import forecast, mse

    fc = forecast(run, _start_position(args.start), args.steps)
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


def _start_position(start: str) -> int:
    """``--start`` for a sine model: the position of the wave to start generating at.

    >>> _start_position("100")
    100
    >>> _start_position("K")
    Traceback (most recent call last):
    ...
    ValueError: start='K' is not allowed: for a sine model it is the position to start at (a whole number).
    """
    try:
        return int(start)
    except ValueError:
        raise ValueError(
            f"start={start[:40]!r} is not allowed: for a sine model it is the position to start at "
            "(a whole number)."
        ) from None


def _check_value_generation(config: LSTMConfig, args: argparse.Namespace) -> None:
    from lstm_core.analysis.forecast import check_forecast

    if args.temperature != 0.0 or args.warm:
        raise UsageError(
            "generate: --temperature and --warm do not apply to a sine model (it predicts numbers, "
            "and always reads the true values before --start)"
        )
    check_forecast(config, _start_position(args.start), args.steps)


COMMANDS = {"generate": cmd_generate}
