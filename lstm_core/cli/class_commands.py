"""``python -m lstm_core class export CODE --csv``: a class's results for the teacher's records.

Examples::

    python -m lstm_core class export ACK3PQ --csv                  # to the terminal
    python -m lstm_core class export ACK3PQ --csv --out class.csv  # to a file

One row per student who joined (slot, arm, seed, nickname, prediction, accuracy, samples, run
id, when joined and done; accuracy empty for a student who has not trained). The database is
the app's (``LSTM_LAB_STORE_URL``, else ``LSTM_LAB_DB``). A code the store does not have ends
with exit code 2; a database that cannot be read now, with exit code 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lstm_core.cli.common import UsageError
from lstm_core.experiments.class_experiment import to_csv
from lstm_core.store.class_records import normalize_code
from lstm_core.store.classes import ClassStore
from lstm_core.store.records import StoreUnavailable


def add_commands(sub) -> None:
    """Add ``class`` (``export``) to the CLI's subparsers."""
    cls = sub.add_parser("class", help="a class's experiment: export its results")
    actions = cls.add_subparsers(dest="class_action", required=True, metavar="{export}")
    export = actions.add_parser("export", help="write a class's results (one row per student)")
    export.add_argument("code", metavar="CODE", help="the class's join code, e.g. ACK3PQ")
    export.add_argument("--csv", action="store_true", required=True, help="as CSV (the only format)")
    export.add_argument("--out", metavar="FILE", help="write to FILE instead of the terminal")


def cmd_class(args: argparse.Namespace, out) -> int:
    """Export a class as CSV; exit 2 if there is no such class, 1 if the store cannot be read."""
    code = normalize_code(args.code)
    if code is None:
        raise UsageError(f"{args.code!r} is not a class code: 6 letters and digits, e.g. ACK3PQ")
    store = ClassStore()
    try:
        info = store.by_code(code)
        slots = store.slots(code) if info is not None else []
    except StoreUnavailable as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if info is None:
        raise UsageError(f"there is no class {code}")
    text = to_csv(info, slots)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"{code}: {len(slots)} students written to {args.out}", file=out)
    else:
        out.write(text)
    return 0


COMMANDS = {"class": cmd_class}
