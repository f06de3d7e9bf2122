"""The run store: every trained model kept in one SQLite file, found again by an unguessable id.

A run lives in a browser session only as long as the tab; the store is what makes a link
to a trained model work after a reload, in another browser, or after a server restart.
It uses Python's own ``sqlite3`` (one file, WAL mode so readers never wait for a writer)
and stores nothing that needs unpickling:

- ``config``  the run's :class:`~lstm_core.config.LSTMConfig` as JSON, validated again on
  the way back in (a tampered row cannot smuggle in a config the app would refuse);
- ``weights`` the five float32 arrays as an ``.npz`` blob, read with ``allow_pickle=False``
  and checked against the shapes the config implies;
- ``history`` epoch, loss, accuracy and elapsed seconds as another ``.npz`` blob;
- ``stopped``, ``seconds``, ``created``, ``size`` and a small JSON ``meta`` (where the run
  came from).

Bounded three ways, oldest evicted first: at most ``LSTM_LAB_MAX_RUNS`` runs (default
5,000), none older than ``LSTM_LAB_MAX_RUN_DAYS`` days (default 30), and at most
``LSTM_LAB_DB_MAX_MB`` megabytes of stored arrays (default 500). A tutorial-sized run takes
about 20 KB, so 5,000 runs are about 100 MB.

A missing folder, a corrupt or locked file never breaks anything: the store then keeps
runs in this process's memory (the same bounds), and ``problem`` says why, so the app can
tell its users that runs will not outlive the server. Example::

    >>> import tempfile, os
    >>> from lstm_core.cell import init_weights
    >>> from lstm_core.config import preset
    >>> from lstm_core.results import TrainResult
    >>> from lstm_core.framings import make_dataset
    >>> cfg = preset("stateful")
    >>> store = RunStore(os.path.join(tempfile.mkdtemp(), "runs.sqlite3"))
    >>> run_id = store.save(TrainResult(cfg, make_dataset(cfg), init_weights(cfg)))
    >>> len(run_id) >= 22, store.problem
    (True, None)
    >>> store.load(run_id).config == cfg
    True
    >>> store.load("no-such-run-id-0000000") is None
    True

Loading a run imports numpy only: never TensorFlow.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import settings
from .cell import Weights, weight_names, weight_shapes
from .config import LSTMConfig
from .framings import make_dataset
from .results import EpochLog, TrainResult

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1  # PRAGMA user_version of a database this code wrote
ID_BYTES = 18  # secrets.token_urlsafe(18): 24 characters, 144 random bits
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")  # anything else is not even looked up
BUSY_SECONDS = 10.0  # how long a writer waits for another writer's lock before giving up
WEIGHT_NAMES = Weights._fields  # one layer's: kernel, recurrent_kernel, bias, dense_kernel, dense_bias
# A stacked run adds kernel_2, recurrent_kernel_2, bias_2, ... (cell.weight_names).

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id       TEXT PRIMARY KEY,
    created  REAL NOT NULL,     -- time.time() when saved: eviction goes oldest first
    config   TEXT NOT NULL,     -- LSTMConfig.to_dict() as JSON
    weights  BLOB NOT NULL,     -- .npz of the five float32 arrays (no pickle)
    history  BLOB NOT NULL,     -- .npz of epoch, loss, accuracy, elapsed
    stopped  INTEGER NOT NULL,  -- 1 if a stop request ended training early
    seconds  REAL NOT NULL,     -- wall time of the training call
    size     INTEGER NOT NULL,  -- bytes of the two blobs, for the size bound
    meta     TEXT NOT NULL      -- JSON: origin ("lab", "upload", ...) and notes
);
CREATE INDEX IF NOT EXISTS runs_by_age ON runs (created);
"""


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


def new_id() -> str:
    """A fresh run id: 144 random bits, URL-safe (e.g. ``'q3Xw…'``, 24 characters)."""
    return secrets.token_urlsafe(ID_BYTES)


def is_valid_id(run_id: Any) -> bool:
    """Whether ``run_id`` has the shape of an id (letters, digits, ``-``, ``_``; 16-64 long)."""
    return isinstance(run_id, str) and bool(ID_PATTERN.match(run_id))


# ---------------------------------------------------------------------------------------
# A run <-> a row
# ---------------------------------------------------------------------------------------
@dataclass
class Record:
    """One stored run, as plain values (what goes into and comes out of a row)."""

    id: str
    created: float
    config: str
    weights: bytes
    history: bytes
    stopped: bool
    seconds: float
    meta: str

    @property
    def size(self) -> int:
        return len(self.weights) + len(self.history)


def _npz(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _read_npz(blob: bytes, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(blob), allow_pickle=False) as z:
        missing = [n for n in names if n not in z.files]
        if missing:
            raise ValueError(f"missing arrays {missing}")
        return {n: z[n] for n in names}


def to_record(run: TrainResult, meta: dict[str, Any] | None = None, run_id: str | None = None) -> Record:
    """Turn a ``TrainResult`` into a :class:`Record` (weights as float32 ``.npz``)."""
    weights = _npz({n: np.asarray(w, np.float32) for n, w in zip(run.weights.names, run.weights)})
    hist = run.history
    history = _npz(
        {
            "epoch": np.array([h.epoch for h in hist], np.int64),
            "loss": np.array([h.loss for h in hist], np.float64),
            "accuracy": np.array([h.accuracy for h in hist], np.float64),
            "elapsed": np.array([h.elapsed for h in hist], np.float64),
        }
    )
    return Record(
        id=run_id or new_id(),
        created=time.time(),
        config=json.dumps(run.config.to_dict()),
        weights=weights,
        history=history,
        stopped=bool(run.stopped),
        seconds=float(run.seconds),
        meta=json.dumps(meta or {}),
    )


def from_record(rec: Record) -> TrainResult:
    """Rebuild a ``TrainResult`` from a :class:`Record`; ``ValueError`` if anything is off."""

    try:
        config = LSTMConfig.from_dict(json.loads(rec.config))
    except (TypeError, json.JSONDecodeError) as err:
        raise ValueError(f"stored configuration is malformed ({err})") from None
    names = weight_names(config.layers)
    arrays = _read_npz(rec.weights, names)
    f, u, v = config.features, config.units, config.outputs
    expected = weight_shapes(config.cell, config.layers, f, u, v)
    got = [arrays[n].shape for n in names]
    if got != expected:
        raise ValueError(f"stored weight shapes {got} do not match the configuration {expected}")
    weights = Weights(*(np.asarray(arrays[n], np.float32) for n in names))
    if not all(np.isfinite(w).all() for w in weights):
        raise ValueError("stored weights contain NaN or infinity")
    h = _read_npz(rec.history, ("epoch", "loss", "accuracy", "elapsed"))
    history = [
        EpochLog(int(e), float(lo), float(a), float(s))
        for e, lo, a, s in zip(h["epoch"], h["loss"], h["accuracy"], h["elapsed"])
    ]
    return TrainResult(
        config, make_dataset(config), weights, history=history, stopped=bool(rec.stopped),
        seconds=float(rec.seconds),
    )


# ---------------------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------------------
class RunStore:
    """Runs in one SQLite file (or, if that cannot work, in this process's memory).

    ``problem`` is None while runs go to disk; otherwise one sentence saying why they do
    not (the app shows it). Safe to share between threads and processes: every call opens
    its own connection, and SQLite's locks (WAL, a busy timeout) order the writers.
    """

    def __init__(
        self,
        path: str | os.PathLike | None = None,
        max_runs: int | None = None,
        max_days: float | None = None,
        max_mb: float | None = None,
        busy_seconds: float = BUSY_SECONDS,
    ) -> None:
        self.path = Path(path) if path is not None else default_path()
        # Unset or bad environment values give the defaults (settings.py reports bad ones).
        self.max_runs = int(max_runs if max_runs is not None else settings.read("LSTM_LAB_MAX_RUNS"))
        self.max_days = float(max_days if max_days is not None else settings.read("LSTM_LAB_MAX_RUN_DAYS"))
        self.max_bytes = int(1e6 * (max_mb if max_mb is not None else settings.read("LSTM_LAB_DB_MAX_MB")))
        self.busy_seconds = busy_seconds
        self.problem: str | None = None
        self._memory: OrderedDict[str, Record] = OrderedDict()  # the fallback, oldest first
        self._lock = threading.Lock()
        try:
            self._open()
        except (sqlite3.Error, OSError) as err:
            self._fail(err)

    # -- the file ------------------------------------------------------------------------
    @property
    def on_disk(self) -> bool:
        return self.problem is None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=self.busy_seconds, isolation_level=None)
        with closing(conn):
            yield conn

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise sqlite3.DatabaseError(
                    f"it was written by a newer version of the app (schema {version})"
                )
            conn.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
            if version == 0:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                        # auto_vacuum must be chosen before the first table: freed pages are
                        # then given back to the file system after evictions.
                        conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
                        for statement in _SCHEMA.split(";"):
                            if statement.strip():
                                conn.execute(statement)
                        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            conn.execute("SELECT count(*) FROM runs").fetchone()  # a corrupt file fails here

    def _fail(self, err: BaseException) -> None:
        why = str(err).strip() or type(err).__name__
        self.problem = (
            f"the run database {str(self.path)!r} cannot be used ({why}), so trained models are "
            "kept only until the server restarts"
        )
        log.warning("run store: %s", self.problem)

    # -- save / load ---------------------------------------------------------------------
    def save(self, run: TrainResult, meta: dict[str, Any] | None = None) -> str:
        """Keep ``run`` (a ``TrainResult``) and return its new id. Never raises for storage trouble."""
        rec = to_record(run, meta)
        if self.on_disk:
            try:
                self._insert(rec)
                return rec.id
            except (sqlite3.Error, OSError) as err:
                self._fail(err)
        self._remember(rec)
        return rec.id

    def load(self, run_id: Any) -> TrainResult | None:
        """The run with this id, or None when there is none (unknown, evicted, or malformed)."""
        rec = self.record(run_id)
        if rec is None:
            return None
        try:
            return from_record(rec)
        except (ValueError, OSError, KeyError) as err:  # a damaged row: as if it were not there
            log.warning("run store: run %s cannot be read: %s", run_id, err)
            return None

    def record(self, run_id: Any) -> Record | None:
        """The raw stored row of ``run_id`` (not validated), or None."""
        if not is_valid_id(run_id):
            return None
        cutoff = time.time() - self.max_days * 86400
        with self._lock:
            rec = self._memory.get(run_id)
        if rec is not None:
            return rec if rec.created >= cutoff else None
        if not self.on_disk:
            return None
        try:
            with self._connect() as conn:
                row = conn.execute(
                    "SELECT id, created, config, weights, history, stopped, seconds, meta "
                    "FROM runs WHERE id = ? AND created >= ?",
                    (run_id, cutoff),
                ).fetchone()
        except (sqlite3.Error, OSError) as err:
            log.warning("run store: reading %s failed: %s", run_id, err)
            return None
        return None if row is None else Record(*row)

    def count(self) -> int:
        """How many runs are kept (on disk, or in memory after a problem)."""
        with self._lock:
            in_memory = len(self._memory)
        if not self.on_disk:
            return in_memory
        with self._connect() as conn:
            return in_memory + conn.execute("SELECT count(*) FROM runs").fetchone()[0]

    def stored_bytes(self) -> int:
        """Bytes of stored arrays (the quantity ``LSTM_LAB_DB_MAX_MB`` bounds)."""
        with self._lock:
            in_memory = sum(r.size for r in self._memory.values())
        if not self.on_disk:
            return in_memory
        with self._connect() as conn:
            return in_memory + conn.execute("SELECT coalesce(sum(size), 0) FROM runs").fetchone()[0]

    # -- inside --------------------------------------------------------------------------
    def _insert(self, rec: Record) -> None:
        if rec.size > self.max_bytes:
            raise sqlite3.DataError(f"one run of {rec.size:,} bytes is over the store's limit")
        with self._connect() as conn:
            # One write transaction for insert + eviction: 8 sessions finishing at once take
            # turns (busy timeout), and the bounds hold after every commit.
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(
                    "INSERT INTO runs (id, created, config, weights, history, stopped, seconds, "
                    "size, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (rec.id, rec.created, rec.config, rec.weights, rec.history, int(rec.stopped),
                     rec.seconds, rec.size, rec.meta),
                )
                evicted = self._evict(conn, rec.created)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            if evicted:
                conn.execute("PRAGMA incremental_vacuum")

    def _evict(self, conn: sqlite3.Connection, now: float) -> int:
        cutoff = now - self.max_days * 86400
        gone = conn.execute("DELETE FROM runs WHERE created < ?", (cutoff,)).rowcount
        # Oldest first past the count bound...
        gone += conn.execute(
            "DELETE FROM runs WHERE id IN (SELECT id FROM runs ORDER BY created DESC, rowid DESC "
            "LIMIT -1 OFFSET ?)",
            (self.max_runs,),
        ).rowcount
        # ...and past the size bound.
        total = conn.execute("SELECT coalesce(sum(size), 0) FROM runs").fetchone()[0]
        while total > self.max_bytes:
            oldest = conn.execute("SELECT id, size FROM runs ORDER BY created, rowid LIMIT 1").fetchone()
            if oldest is None:
                break
            conn.execute("DELETE FROM runs WHERE id = ?", (oldest[0],))
            total -= oldest[1]
            gone += 1
        return gone

    def _remember(self, rec: Record) -> None:
        with self._lock:
            self._memory[rec.id] = rec
            cutoff = rec.created - self.max_days * 86400
            total = sum(r.size for r in self._memory.values())
            while self._memory and (
                len(self._memory) > self.max_runs
                or total > self.max_bytes
                or next(iter(self._memory.values())).created < cutoff
            ):
                _, old = self._memory.popitem(last=False)
                total -= old.size


# ---------------------------------------------------------------------------------------
# One store per process
# ---------------------------------------------------------------------------------------
_store: RunStore | None = None
_store_lock = threading.Lock()


def get_store() -> RunStore:
    """The process's store, opened on first use at :func:`default_path`."""
    global _store
    with _store_lock:
        if _store is None:
            _store = RunStore()
        return _store
