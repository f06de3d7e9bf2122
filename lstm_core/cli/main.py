"""The command line: ``python -m lstm_core COMMAND``, one of reproduce, train, generate, trace,
settings, store, influence, ceiling and class.

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
    python -m lstm_core store keep RUN_ID               # a teacher's run: never evicted
    python -m lstm_core ceiling --sequence aaaabbbccdaaaabbbccd --window 1
    python -m lstm_core class export ACK3PQ --csv       # a class's results, one row per student

Each command group lives in its own module (``tutorial``: reproduce and train; ``generate``;
``trace``; ``settings``; ``store_commands``: store keep and unkeep; ``memory_commands``:
influence and ceiling; ``class_commands``: class export), what they share in ``common``; this
module builds the parser from them and runs one command.

Bad arguments or invalid values end with exit code 2 and one readable line on stderr,
never a traceback (set LSTM_LAB_DEBUG=1 to see one anyway). TensorFlow is imported only
once the arguments are known to be good, so ``--help`` and mistakes answer at once::

    >>> import contextlib, io
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     main(["ceiling", "--sequence", "ABC", "--window", "0"])
    2
    >>> err.getvalue()
    'error: window=0 is not allowed: it must be from 1 to 2 (shorter than the 3-character sequence).\\n'
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from lstm_core import __version__
from lstm_core.cli import (
    class_commands,
    export_commands,
    generate,
    memory_commands,
    store_commands,
    trace,
    tutorial,
)
from lstm_core.cli import settings as settings_command
from lstm_core.cli.common import Parser, UsageError
from lstm_core.limits import settings

# In the order --help lists them.
GROUPS = (tutorial, generate, trace, export_commands, settings_command, store_commands, memory_commands,
          class_commands)


def build_parser() -> argparse.ArgumentParser:
    # Named as it was called: `lstm-lab` once installed (pip install .), else `python -m lstm_core`.
    called = os.path.basename(sys.argv[0]) if sys.argv else ""
    parser = Parser(
        prog="lstm-lab" if called.startswith("lstm-lab") else "python -m lstm_core",
        description="LSTM State Lab engine: reproduce the tutorial, train one run, generate text.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="{reproduce,train,generate,trace,settings,store,influence,ceiling,class}",
    )
    for group in GROUPS:
        group.add_commands(sub)
    return parser


COMMANDS = {name: command for group in GROUPS for name, command in group.COMMANDS.items()}


def main(argv: Sequence[str] | None = None, out: Any = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad arguments or values, 1 failure)."""
    out = sys.stdout if out is None else out
    try:
        args = build_parser().parse_args(argv)
        if args.command == "settings":
            return settings_command.cmd_settings(args, out)
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
