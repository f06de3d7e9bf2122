"""Which backend a setting names: :func:`open_backend` turns a URL or a path into a backend.

    >>> open_backend("sqlite:////data/runs.sqlite3", 10).kind
    'sqlite'
    >>> open_backend("mysql://lab@db/lab", 10)
    Traceback (most recent call last):
    ...
    lstm_core.store.records.StoreError: LSTM_LAB_STORE_URL='mysql://lab@db/lab' is not allowed: it must be \
sqlite:///PATH (a file on this machine) or postgresql://USER@HOST:PORT/DATABASE (a database server several \
replicas share)
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from lstm_core.limits import settings
from lstm_core.store.postgres import PostgresBackend
from lstm_core.store.records import StoreError
from lstm_core.store.sqlite import SQLiteBackend, default_path


def open_backend(where: str | os.PathLike | None, busy_seconds: float) -> SQLiteBackend | PostgresBackend:
    """The backend for ``where``: a URL, a file path, or None for ``LSTM_LAB_STORE_URL`` /
    ``LSTM_LAB_DB`` / the default file. A bad URL or a missing driver raises ``StoreError``."""
    if where is None:
        raw = os.environ.get(settings.STORE_URL, "")
        if not raw.strip():
            return SQLiteBackend(default_path(), busy_seconds)
    else:
        raw = os.fspath(where)
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", raw):  # scheme://: a URL, else a file path
            return SQLiteBackend(Path(raw).expanduser(), busy_seconds)
    try:
        target = settings.parse_store_url(raw)
    except ValueError as err:
        raise StoreError(str(err).rstrip(".")) from None
    if target.kind == "sqlite":
        return SQLiteBackend(Path(target.location), busy_seconds)
    return PostgresBackend(target.location, target.shown, busy_seconds)
