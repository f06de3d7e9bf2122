"""``python -m lstm_core store keep ID``: an operator keeps a run a class uses (never evicted).

Examples::

    python -m lstm_core store keep q3XwY0b9Lk2PzA7sT1uVcD5e     # never evicted from now on
    python -m lstm_core store unkeep q3XwY0b9Lk2PzA7sT1uVcD5e   # evicted like any other run again

The id is the ``run=`` of the link the teacher shares. The store is the one the app uses
(``LSTM_LAB_STORE_URL``, else ``LSTM_LAB_DB``). An id the store does not have ends with exit
code 2; a database that cannot be written now, with exit code 1.
"""

from __future__ import annotations

import argparse
import sys

from lstm_core.cli.common import UsageError
from lstm_core.store.runs import RunStore, StoreUnavailable


def add_commands(sub) -> None:
    """Add ``store`` (``keep``, ``unkeep``) to the CLI's subparsers."""
    st = sub.add_parser("store", help="the run store: keep a run (a teacher's) out of eviction, or let it go")
    actions = st.add_subparsers(dest="store_action", required=True, metavar="{keep,unkeep}")
    for name, what in (("keep", "never evict this run"), ("unkeep", "evict this run like any other again")):
        action = actions.add_parser(name, help=what)
        action.add_argument("run_id", metavar="ID", help="the run's id: the run= of its link")


def cmd_store(args: argparse.Namespace, out) -> int:
    """Mark (or unmark) a run to keep; exit 2 if the store has no such run, 1 if it cannot be written."""
    keep = args.store_action == "keep"
    store = RunStore()
    try:
        found = store.keep(args.run_id, keep=keep)
    except StoreUnavailable as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if not found:
        raise UsageError(f"the run store {store.shown} has no run {args.run_id!r}")
    print(f"{args.run_id}: {'kept, never evicted' if keep else 'no longer kept'} ({store.shown})", file=out)
    return 0


COMMANDS = {"store": cmd_store}
