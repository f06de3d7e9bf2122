"""The run store's PostgreSQL backend: a database server that replicas on several machines share.

``postgresql://USER@HOST:PORT/DATABASE`` (driver: ``psycopg``, imported only when this backend
is used). The same table, the same statements and the same bounds as
:mod:`lstm_core.store.sqlite`; one advisory lock orders the writers as ``BEGIN IMMEDIATE`` does
for SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

from lstm_core.store.records import SCHEMA_VERSION, StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY,  -- insertion order (SQLite's rowid)
    id       TEXT PRIMARY KEY,
    created  DOUBLE PRECISION NOT NULL,
    config   TEXT NOT NULL,
    weights  BYTEA NOT NULL,
    history  BYTEA NOT NULL,
    stopped  INTEGER NOT NULL,
    seconds  DOUBLE PRECISION NOT NULL,
    size     BIGINT NOT NULL,
    meta     TEXT NOT NULL,
    owner    TEXT NOT NULL DEFAULT '',
    opened   DOUBLE PRECISION NOT NULL DEFAULT 0,
    keep     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_by_age ON runs (created);
CREATE TABLE IF NOT EXISTS run_store_schema (version INTEGER NOT NULL)
"""
# The columns schema 2 added (owner, last opened, kept), as a version-1 table gets them.
ADDED = (
    ("owner", "TEXT NOT NULL DEFAULT ''"),
    ("opened", "DOUBLE PRECISION NOT NULL DEFAULT 0"),
    ("keep", "INTEGER NOT NULL DEFAULT 0"),
)
# One advisory lock orders every writer of every replica (SQLite's BEGIN IMMEDIATE, on a server):
# insert + eviction then see each other's rows, so the bounds hold after every commit.
PG_LOCK = 0x4C53544D  # "LSTM"


class PostgresBackend:
    """A PostgreSQL database (``postgresql://USER@HOST:PORT/DATABASE``) that replicas share.

    The same table and the same statements as SQLite, with ``%s`` placeholders, ``BYTEA`` for the
    blobs and an identity column for the insertion order. A connection per call, like SQLite:
    a save or a link is one or two statements, and a replica holds no idle connection.
    """

    kind = "postgresql"
    tiebreak = "seq"
    all_past = "OFFSET ?"
    quick = "SET lock_timeout = '100ms'"  # before a write that may be skipped (see sqlite.py)

    def __init__(self, url: str, shown: str, busy_seconds: float) -> None:
        try:
            import psycopg  # only a server that uses PostgreSQL needs the driver
        except ImportError:
            raise StoreError("the psycopg package is not installed: pip install 'psycopg[binary]'") from None
        self.psycopg = psycopg
        self.url = url
        self.shown = shown
        self.busy_seconds = busy_seconds
        self.errors = (psycopg.Error, OSError, StoreError)

    @contextmanager
    def connect(self) -> Iterator[Any]:
        conn = self.psycopg.connect(
            self.url, autocommit=True, connect_timeout=max(1, round(self.busy_seconds)),
            application_name="lstm-state-lab",
        )
        with closing(conn):
            yield conn

    @staticmethod
    def execute(conn: Any, sql: str, params: tuple = ()) -> Any:
        return conn.execute(sql.replace("?", "%s"), params)  # no statement here has a literal '?'

    def open(self) -> None:
        with self.connect() as conn:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (PG_LOCK,))  # replicas start at once
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                version = conn.execute("SELECT max(version) FROM run_store_schema").fetchone()[0]
                if version is None:
                    conn.execute("INSERT INTO run_store_schema (version) VALUES (%s)", (SCHEMA_VERSION,))
                elif version > SCHEMA_VERSION:
                    raise StoreError(f"it was written by a newer version of the app (schema {version})")
                elif version < SCHEMA_VERSION:  # a version-1 table: the columns schema 2 added
                    for name, kind in ADDED:
                        conn.execute(f"ALTER TABLE runs ADD COLUMN IF NOT EXISTS {name} {kind}")
                    conn.execute("UPDATE run_store_schema SET version = %s", (SCHEMA_VERSION,))
            conn.execute("SELECT count(*) FROM runs").fetchone()

    def begin_write(self, conn: Any) -> None:
        conn.execute("BEGIN")
        # Like SQLite's busy timeout: a writer that cannot get the lock in time gives up.
        conn.execute(f"SET LOCAL lock_timeout = '{int(self.busy_seconds * 1000)}ms'")
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (PG_LOCK,))

    @staticmethod
    def after_eviction(conn: Any) -> None:
        pass  # autovacuum gives freed space back to new rows
