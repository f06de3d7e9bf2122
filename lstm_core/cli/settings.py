"""``python -m lstm_core settings``: the ``LSTM_LAB_*`` settings in force.

``scripts/run_app.sh`` runs it before starting the app: a bad setting ends with exit code 2
and one ``error: ...`` line per problem on stderr, so a misconfigured server never starts.
"""

from __future__ import annotations

import argparse
import sys

from lstm_core.limits.settings import describe, problems


def add_commands(sub) -> None:
    """Add ``settings`` to the CLI's subparsers."""
    sub.add_parser("settings", help="show the LSTM_LAB_* environment settings; exit 2 if one is bad")


def cmd_settings(args: argparse.Namespace, out) -> int:
    """Print the LSTM_LAB_* settings in force; exit 2 (one line per problem) if one is bad."""
    for line in describe():
        print(line, file=out)
    found = problems()
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    return 2 if found else 0


COMMANDS = {"settings": cmd_settings}
