"""The run store's SQLite backend: one file on this machine, shared by its processes.

Python's own ``sqlite3``, WAL mode so readers never wait for a writer; ``BEGIN IMMEDIATE``
orders the writers. Safe for every process of one machine; not for several machines (SQLite's
locks do not hold over NFS: use :mod:`lstm_core.store.postgres` there).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from lstm_core.store.records import SCHEMA_VERSION, StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id       TEXT PRIMARY KEY,
    created  REAL NOT NULL,     -- time.time() when saved: eviction goes oldest first
    config   TEXT NOT NULL,     -- LSTMConfig.to_dict() as JSON
    weights  BLOB NOT NULL,     -- .npz of the five float32 arrays (no pickle)
    history  BLOB NOT NULL,     -- .npz of epoch, loss, accuracy, elapsed
    stopped  INTEGER NOT NULL,  -- 1 if a stop request ended training early
    seconds  REAL NOT NULL,     -- wall time of the training call
    size     INTEGER NOT NULL,  -- bytes of the two blobs, for the size bound
    meta     TEXT NOT NULL,     -- JSON: origin ("lab", "upload", ...) and notes
    owner    TEXT NOT NULL DEFAULT '',   -- who saved it: a browser session (schema 2)
    opened   REAL NOT NULL DEFAULT 0,    -- when a link last opened it (schema 2)
    keep     INTEGER NOT NULL DEFAULT 0  -- 1: an operator keeps it, never evicted (schema 2)
);
CREATE INDEX IF NOT EXISTS runs_by_age ON runs (created);
"""
# The columns schema 2 added, as ALTER TABLE adds them to a version-1 file.
ADDED = (
    ("owner", "TEXT NOT NULL DEFAULT ''"),
    ("opened", "REAL NOT NULL DEFAULT 0"),
    ("keep", "INTEGER NOT NULL DEFAULT 0"),
)


def default_path() -> Path:
    """Where the database lives: ``LSTM_LAB_DB``, else the user's data folder.

    ``~/.local/share/lstm-state-lab/runs.sqlite3`` (or under ``XDG_DATA_HOME``): writable
    for the user who runs the app, outside the project folder (Streamlit watches that).
    """
    given = os.environ.get("LSTM_LAB_DB", "").strip()
    if given:
        return Path(given).expanduser()
    base = os.environ.get("XDG_DATA_HOME", "").strip() or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "lstm-state-lab" / "runs.sqlite3"


class SQLiteBackend:
    """One file on this machine; WAL lets processes of one machine share it (never over NFS)."""

    kind = "sqlite"
    tiebreak = "rowid"  # the insertion order, for runs saved within the clock's resolution
    all_past = "LIMIT -1 OFFSET ?"  # SQLite needs a LIMIT before an OFFSET; -1 is none
    # Before a write that may be skipped (a link's last-opened time): wait for the lock 0.1 s,
    # not busy_seconds, so that reading a run never waits for another writer.
    quick = "PRAGMA busy_timeout = 100"

    def __init__(self, path: Path, busy_seconds: float) -> None:
        self.path = path
        self.shown = str(path)
        self.busy_seconds = busy_seconds
        self.errors: tuple[type[BaseException], ...] = (sqlite3.Error, OSError, StoreError)

    @contextmanager
    def connect(self) -> Iterator[Any]:
        conn = sqlite3.connect(self.path, timeout=self.busy_seconds, isolation_level=None)
        with closing(conn):
            yield conn

    @staticmethod
    def execute(conn: Any, sql: str, params: tuple = ()) -> Any:
        return conn.execute(sql, params)

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"it was written by a newer version of the app (schema {version})")
            conn.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
            if version < SCHEMA_VERSION:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    self._create_or_migrate(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            conn.execute("SELECT count(*) FROM runs").fetchone()  # a corrupt file fails here

    @staticmethod
    def _create_or_migrate(conn: Any) -> None:
        """Inside the write lock (another process may have done it meanwhile): a new file gets
        the table, a version-1 file the columns schema 2 added."""
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            # auto_vacuum must be chosen before the first table: freed pages are
            # then given back to the file system after evictions.
            conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
        elif version < SCHEMA_VERSION:
            have = {row[1] for row in conn.execute("PRAGMA table_info(runs)")}
            for name, kind in ADDED:
                if name not in have:
                    conn.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @staticmethod
    def begin_write(conn: Any) -> None:
        conn.execute("BEGIN IMMEDIATE")  # the write lock now: writers take turns (busy timeout)

    @staticmethod
    def after_eviction(conn: Any) -> None:
        conn.execute("PRAGMA incremental_vacuum")
