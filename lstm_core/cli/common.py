"""What every command of the CLI shares: the parser, the config flags, quiet heavy imports, files.

Each command group (``tutorial``, ``generate``, ``trace``, ``settings``, ``memory_commands``)
adds its subcommands with ``add_commands(sub)`` and lists them in ``COMMANDS``;
``lstm_core.cli.main`` builds the parser from them and runs one. A mistake in the command line
is a :class:`UsageError`, reported in one line with exit code 2::

    >>> parser = Parser(prog="lab")
    >>> add_config_args(parser, framing_required=True)
    >>> args = parser.parse_args(["--framing", "naive", "--units", "8"])
    >>> args.command = "train"
    >>> config_from(args).units
    8
    >>> parser.parse_args([])
    Traceback (most recent call last):
    ...
    lstm_core.cli.common.UsageError: lab: the following arguments are required: --framing
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
from typing import Any

from lstm_core.config import FIELD_DOCS, FRAMINGS, REGRESSION_TASKS, TASK_FRAMINGS, LSTMConfig
from lstm_core.data.framings import task_preset
from lstm_core.export.keras_file import MAX_MODEL_BYTES


class UsageError(Exception):
    """A mistake in the command line: reported in one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line on stderr (not usage + message) and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


# ---------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------
def framing_choices(all_too: bool) -> list[str]:
    return [*FRAMINGS, "all"] if all_too else list(FRAMINGS)


def add_config_args(p: argparse.ArgumentParser, framing_required: bool) -> None:
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


CONFIG_ARGS = tuple(f.name for f in dataclasses.fields(LSTMConfig) if f.name != "framing")


def config_from(args: argparse.Namespace) -> LSTMConfig:
    """The preset of ``--framing`` with the given options changed (converted and validated).

    With ``--task`` the starting point is that task's preset for the framing
    (``lstm_core.data.framings.task_preset``); only train and generate work on a model of values
    (a task of ``REGRESSION_TASKS``)."""
    changes = {k: getattr(args, k) for k in CONFIG_ARGS if getattr(args, k) is not None}
    task = changes.get("task")
    if task in REGRESSION_TASKS:
        refuse_regression(args.command)
    if task is not None and args.framing not in TASK_FRAMINGS[task]:
        raise UsageError(
            f"{args.command}: --framing {args.framing} does not apply to --task {task} "
            f"(choose one of {', '.join(TASK_FRAMINGS[task])})"
        )
    return LSTMConfig.from_dict({**task_preset(task, args.framing).to_dict(), **changes})


REGRESSION_COMMANDS = ("train", "generate")  # what works on a model of values (config.regression)


def refuse_regression(command: str) -> None:
    """Raise :class:`UsageError` unless ``command`` works on a model of values (train, generate)."""
    if command not in REGRESSION_COMMANDS:
        raise UsageError(f"{command}: works on letter models only; a sine model trains and generates")


def pct(x: float) -> float:
    """An accuracy (0..1) as a percentage with two decimals: ``pct(0.5)`` is 50.0."""
    return round(100.0 * x, 2)


# ---------------------------------------------------------------------------------------
# Heavy imports, quietly
# ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def native_stderr_silenced():
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


def load_tensorflow() -> None:
    """Import the trainer and Keras now, quietly; later ``from . import trainer`` is free."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with native_stderr_silenced():
        from lstm_core.model import keras_models  # noqa: F401  (imported for their side effect: TF loaded)
        from lstm_core.train import trainer  # noqa: F401  (imported for their side effect: TF loaded)

        keras_models.import_keras()


# ---------------------------------------------------------------------------------------
# Files and runs
# ---------------------------------------------------------------------------------------
def read_file(path: str) -> bytes:
    """The bytes of a model file (at most one byte over the limit); ``ValueError`` if unreadable."""
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_MODEL_BYTES + 1)  # enough to tell the loader it is too big
    except OSError as err:
        raise ValueError(f"cannot read {path!r}: {err.strerror or err}.") from None


def check_writable(path: str) -> None:
    """Raise ``ValueError`` (one sentence) unless ``--save PATH`` can be written: before training."""
    if not path.strip():
        raise ValueError("save='' is not allowed: give a file name, e.g. --save model.keras.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"save={path!r} is not allowed: folder {folder!r} does not exist.")
    if os.path.isdir(path):
        raise ValueError(f"save={path!r} is not allowed: it is a folder.")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"save={path!r} is not allowed: folder {folder!r} is not writable.")


LOAD_HELP = (
    "use a .keras file: saved by train --save, or a plain Keras 3 model (one LSTM, GRU or SimpleRNN "
    "layer, or up to 3 stacked, then Dense with softmax; give --sequence if its vocabulary is not A-Z)"
)
CORRECTIONS = ("sequence", "encoding", "window")  # what a plain Keras file does not say, so may be given


def load_model(args: argparse.Namespace, command: str) -> tuple[Any, str]:
    """The run of ``--load PATH``, for every command: a file saved by LSTM State Lab (its settings
    inside) or a plain Keras 3 model (``keras_import.load_any`` infers them, the way the pages do).

    A plain file does not say its text, encoding or window: ``--sequence``, ``--encoding`` and
    ``--window`` may be given for it. Any other config flag is refused before the file is read
    (the loaded model brings its own settings); ``--framing`` must match the loaded model's.
    Returns (run, a sentence saying where the run came from).
    """
    given = [k for k in CONFIG_ARGS if getattr(args, k, None) is not None]
    fixed = [k for k in given if k not in CORRECTIONS]
    if fixed:  # before the file is read: no file could accept them
        refuse_with_load(command, fixed)
    data = read_file(args.load)
    from lstm_core.export import keras_import  # TensorFlow only loads once the file passes its checks

    if keras_import.is_ours(data) and given:
        refuse_with_load(command, given)
    framing = getattr(args, "framing", None)
    with native_stderr_silenced():
        run = keras_import.load_any(
            data, sequence=args.sequence, encoding=args.encoding, window=args.window, framing=framing
        )
    if framing is not None and framing != run.config.framing:
        raise ValueError(
            f"framing={framing!r} does not match the loaded model's framing {run.config.framing!r}."
        )
    if run.config.regression:
        refuse_regression(command)
    return run, f"loaded {args.load} ({run.config.framing})"


def refuse_with_load(command: str, names: list[str]) -> None:
    """Raise :class:`UsageError`: these config flags cannot be combined with ``--load``.

    >>> refuse_with_load("trace", ["units", "batch_size"])
    Traceback (most recent call last):
    ...
    lstm_core.cli.common.UsageError: trace: --units, --batch-size cannot be combined with --load (the \
loaded model brings its own settings)
    """
    flags = ", ".join(f"--{k.replace('_', '-')}" for k in names)
    raise UsageError(
        f"{command}: {flags} cannot be combined with --load (the loaded model brings its own settings)"
    )


def loaded_or_trained(args: argparse.Namespace, command: str, check) -> tuple[Any, str]:
    """The run a command works on: ``--load PATH`` (:func:`load_model`), or trained from the config flags.

    ``check(config)`` validates the command's own arguments; without ``--load`` it runs before
    anything slow, so mistakes answer at once instead of after TensorFlow and training.
    Returns (run, a sentence saying where the run came from).
    """
    if args.load:
        run, source = load_model(args, command)
        check(run.config)
        return run, source
    if args.framing is None:
        raise UsageError(f"{command}: give --framing NAME (or --load PATH)")
    config = config_from(args)
    check(config)
    load_tensorflow()
    from lstm_core.train.trainer import train

    run = train(config)
    return run, f"trained {config.framing}: {run.epochs_done} epochs in {run.seconds:.1f} s"


def save_model(run, path: str | None) -> None:
    """Write ``run`` as a ``.keras`` file to ``path`` (``--save``); nothing when no path is given."""
    if path:
        from lstm_core.export.keras_file import keras_bytes

        with open(path, "wb") as fh:
            fh.write(keras_bytes(run))
