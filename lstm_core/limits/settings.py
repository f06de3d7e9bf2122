"""The server operator's knobs: ``LSTM_LAB_*`` environment variables, read one way.

Every variable is listed once, in ``SETTINGS``, with its default, its range and what it
does. :func:`read` gives a setting's value::

    >>> read("LSTM_LAB_MAX_TRAININGS", {"LSTM_LAB_MAX_TRAININGS": "3"})
    3
    >>> read("LSTM_LAB_MAX_TRAININGS", {})                       # not set: the default
    2
    >>> read("LSTM_LAB_MAX_TRAININGS", {"LSTM_LAB_MAX_TRAININGS": "lots"})   # bad: the default
    2
    >>> print(*problems({"LSTM_LAB_MAX_TRAININGS": "lots"}))
    LSTM_LAB_MAX_TRAININGS='lots' is not allowed: it must be a whole number from 1 to 64 \
(trainings that run at once in one process; the others queue).

A bad value never breaks an import (``config.py`` reads its limits when it is imported):
the setting falls back to its default, and whoever starts the program hears about it at
startup, from :func:`problems`: the CLI refuses to run (exit code 2, one line), the app logs
a warning (:func:`log_problems`), and ``python -m lstm_core settings`` (run by
``scripts/run_app.sh`` before the server starts) prints every setting and exits 2 if one is
bad.

One setting is not a number: ``LSTM_LAB_STORE_URL``, where the run store keeps trained runs
(:func:`store_target`). Unset, it is the SQLite file ``LSTM_LAB_DB`` (or the default path)::

    >>> store_target({"LSTM_LAB_STORE_URL": "sqlite:////data/runs.sqlite3"})
    StoreTarget(kind='sqlite', location='/data/runs.sqlite3', shown='sqlite:////data/runs.sqlite3')
    >>> store_target({"LSTM_LAB_STORE_URL": "postgresql://lab:secret@db:5432/lab"}).shown  # no password
    'postgresql://lab@db:5432/lab'
    >>> store_target({}) is None                                  # not set: store.py's default file
    True
    >>> print(*problems({"LSTM_LAB_STORE_URL": "mysql://lab:secret@db/lab"}))
    LSTM_LAB_STORE_URL='mysql://lab:***@db/lab' is not allowed: it must be sqlite:///PATH (a file on this \
machine) or postgresql://USER@HOST:PORT/DATABASE (a database server several replicas share).
"""

from __future__ import annotations

import logging
import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    name: str
    default: int
    low: int
    high: int
    doc: str  # what it does, for messages and ``python -m lstm_core settings``


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "LSTM_LAB_MAX_WORK", 3_000_000, 1_000, 10**10,
            "LSTM steps one run may cost: epochs x samples x time steps",
        ),
        Setting("LSTM_LAB_MAX_SEQUENCE", 2_000, 10, 1_000_000, "characters of one training sequence"),
        Setting(
            "LSTM_LAB_MAX_TRAININGS", 2, 1, 64, "trainings that run at once in one process; the others queue"
        ),
        Setting(
            "LSTM_LAB_MAX_SECONDS", 60, 1, 86_400,
            "estimated seconds of training one run may take on this server, compile included",
        ),
        Setting(
            "LSTM_LAB_MEMORY_MB", 1_500, 1, 1_000_000,
            "MiB of resident memory the server may use before it starts no new work",
        ),
        Setting(
            "LSTM_LAB_WORKERS", 0, 0, 64,
            "TensorFlow worker processes that train (one training each at a time); 0: as many as "
            "fit in LSTM_LAB_MEMORY_MB, at most LSTM_LAB_MAX_TRAININGS",
        ),
        Setting(
            "LSTM_LAB_MAX_COMPILED", 64, 0, 100_000,
            "model shapes the trainer may compile in one process, 0 for no limit "
            "(~12 MB each, never freed while it runs)",
        ),
        Setting(
            "LSTM_LAB_TF_THREADS", 2, 1, 64,
            "threads TensorFlow runs compiled training on, shared by every training in the process: "
            "2 lets the two trainings a server runs at once use both cores; 1 makes them take turns on one",
        ),
        Setting("LSTM_LAB_DEBUG", 0, 0, 1, "1: the CLI shows the traceback of an unexpected error"),
        # The run store (store.py); its file is LSTM_LAB_DB, a path, read there.
        Setting(
            "LSTM_LAB_MAX_RUNS", 5_000, 1, 10_000_000, "trained runs the run store keeps; oldest go first"
        ),
        Setting("LSTM_LAB_MAX_RUN_DAYS", 30, 1, 36_500, "days a stored run is kept"),
        Setting(
            "LSTM_LAB_DB_MAX_MB", 500, 1, 1_000_000, "megabytes of weights and histories the run store keeps"
        ),
        Setting(
            "LSTM_LAB_DB_OWNER_MB", 0, 0, 1_000_000,
            "megabytes of the run store one browser session's runs may take (its oldest go first); "
            "0: a quarter of LSTM_LAB_DB_MAX_MB",
        ),
    )
}


def parse(name: str, raw: str) -> int:
    """The value of ``raw`` for setting ``name``, or ``ValueError`` with one sentence."""
    s = SETTINGS[name]
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        value = None
    if value is None or not s.low <= value <= s.high:
        raise ValueError(
            f"{name}={raw!r} is not allowed: it must be a whole number from {s.low:,} to {s.high:,} "
            f"({s.doc})."
        )
    return value


def read(name: str, environ: Mapping[str, str] | None = None) -> int:
    """The setting's value from the environment; its default when unset or bad (never raises)."""
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return SETTINGS[name].default
    try:
        return parse(name, raw)
    except ValueError:
        return SETTINGS[name].default


# ---------------------------------------------------------------------------------------
# The run store's backend: a URL, not a number
# ---------------------------------------------------------------------------------------
STORE_URL = "LSTM_LAB_STORE_URL"
STORE_URL_DOC = (
    "where the run store keeps trained runs: sqlite:///PATH (a file on this machine; unset: "
    "LSTM_LAB_DB) or postgresql://USER@HOST:PORT/DATABASE (a database server several replicas share)"
)


@dataclass(frozen=True)
class StoreTarget:
    """A parsed ``LSTM_LAB_STORE_URL``: the backend, what to open, and a form safe to show.

    ``location`` is a file path for ``sqlite`` and the URL itself (password included: libpq
    reads it) for ``postgresql``; ``shown`` never carries a password or query parameters.
    """

    kind: str  # "sqlite" or "postgresql"
    location: str
    shown: str


def parse_store_url(raw: str) -> StoreTarget:
    """The backend named by ``raw``, or ``ValueError`` with one sentence.

    SQLite URLs follow SQLAlchemy's spelling: ``sqlite:///runs.sqlite3`` is relative to the
    working folder, ``sqlite:////data/runs.sqlite3`` (four slashes) is the absolute path
    ``/data/runs.sqlite3``.
    """
    url = raw.strip()
    # The sentence repeats what was given, but never a password in it (it may reach a browser).
    given = re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", raw)
    bad = ValueError(
        f"{STORE_URL}={given!r} is not allowed: it must be sqlite:///PATH (a file on this machine) or "
        "postgresql://USER@HOST:PORT/DATABASE (a database server several replicas share)."
    )
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # a port that is not a number raises here
    except ValueError:
        raise bad from None
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.lower().startswith("sqlite:///") else ""
        if not path or parts.query or parts.fragment:
            raise bad
        return StoreTarget("sqlite", os.path.expanduser(path), url)
    if scheme in ("postgresql", "postgres"):
        database = parts.path.lstrip("/")
        if not parts.hostname and "host=" not in parts.query:
            raise bad  # a server to reach is the point of this backend
        if not database or "/" in database:
            raise bad
        user = f"{urllib.parse.unquote(parts.username)}@" if parts.username else ""
        host = parts.hostname or "(socket)"
        shown = f"{scheme}://{user}{host}{f':{port}' if port else ''}/{database}"
        return StoreTarget("postgresql", url, shown)
    raise bad


def store_target(environ: Mapping[str, str] | None = None) -> StoreTarget | None:
    """The parsed ``LSTM_LAB_STORE_URL``; None when unset (or bad: :func:`problems` says why)."""
    env = os.environ if environ is None else environ
    raw = env.get(STORE_URL, "")
    if not raw.strip():
        return None
    try:
        return parse_store_url(raw)
    except ValueError:
        return None


def problems(environ: Mapping[str, str] | None = None) -> list[str]:
    """One sentence per badly set variable (empty when all are fine)."""
    env = os.environ if environ is None else environ
    found = []
    if env.get(STORE_URL, "").strip():
        try:
            parse_store_url(env[STORE_URL])
        except ValueError as err:
            found.append(str(err))
    for name in SETTINGS:
        raw = env.get(name)
        if raw is None or raw.strip() == "":
            continue
        try:
            parse(name, raw)
        except ValueError as err:
            found.append(str(err))
    return found


def log_problems() -> None:
    """Warn in the log about every bad variable (the app calls this once, at startup)."""
    for problem in problems():
        log.warning("%s Using the default instead.", problem)


def describe() -> list[str]:
    """Every setting with its value now, e.g. ``LSTM_LAB_MAX_TRAININGS=2 (...; default 2)``."""
    lines = [f"{name}={read(name):,}  ({s.doc}; default {s.default:,})" for name, s in SETTINGS.items()]
    target = store_target()
    if target:
        shown = target.shown
    elif os.environ.get(STORE_URL, "").strip():
        shown = "(not allowed: runs would stay in memory; see the error below)"
    else:
        shown = "(unset: the SQLite file LSTM_LAB_DB)"
    return [*lines, f"{STORE_URL}={shown}  ({STORE_URL_DOC})"]
