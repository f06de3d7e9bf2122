"""The run store: every trained model kept in a database, found again by an unguessable id.

A run lives in a browser session only as long as the tab; the store is what makes a link
to a trained model work after a reload, in another browser, or after a server restart.
Where it keeps runs is a setting, ``LSTM_LAB_STORE_URL`` (``lstm_core/limits/settings.py``):

- ``sqlite:///PATH``, the default (``LSTM_LAB_DB``, else the user's data folder): one file,
  Python's own ``sqlite3``, WAL mode so readers never wait for a writer. Safe for every
  process of one machine; not for several machines (SQLite's locks do not hold over NFS).
- ``postgresql://USER@HOST:PORT/DATABASE``: a database server that replicas on several
  machines share (driver: ``psycopg``). The same table, the same statements and the same
  bounds; one advisory lock orders the writers as ``BEGIN IMMEDIATE`` does for SQLite.

The backends live in :mod:`lstm_core.store.sqlite` and :mod:`lstm_core.store.postgres`; a run's
row, its id and the way back to a run in :mod:`lstm_core.store.records`. It stores nothing that
needs unpickling:

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

A missing folder, a corrupt or locked file, a bad URL or a database server that cannot be
reached never breaks anything: the store then keeps runs in this process's memory (the same
bounds), and ``problem`` says why in one sentence, so the app can tell its users that runs
will not outlive the server. Example::

    >>> import tempfile, os
    >>> from lstm_core.model.cells import init_weights
    >>> from lstm_core.presets import preset
    >>> from lstm_core.model.results import TrainResult
    >>> from lstm_core.data.framings import make_dataset
    >>> cfg = preset("stateful")
    >>> store = RunStore(os.path.join(tempfile.mkdtemp(), "runs.sqlite3"))
    >>> run_id = store.save(TrainResult(cfg, make_dataset(cfg), init_weights(cfg)))
    >>> len(run_id) >= 22, store.problem
    (True, None)
    >>> store.load(run_id).config == cfg
    True
    >>> store.load("no-such-run-id-0000000") is None
    True
    >>> RunStore("mysql://lab@db/lab").problem.split(":")[0]    # a bad URL: memory, and why
    "LSTM_LAB_STORE_URL='mysql"

Loading a run imports numpy only: never TensorFlow.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from lstm_core.limits import settings
from lstm_core.model.results import TrainResult
from lstm_core.store.postgres import PostgresBackend
from lstm_core.store.records import Record, StoreError, from_record, is_valid_id, to_record
from lstm_core.store.sqlite import SQLiteBackend, default_path

log = logging.getLogger(__name__)

BUSY_SECONDS = 10.0  # how long a writer waits for another writer's lock before giving up
RETRY_SECONDS = 30.0  # after a failure, how often the database is tried again (a server restarted)


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


# ---------------------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------------------
class RunStore:
    """Runs in one SQLite file or a PostgreSQL database (or, if that cannot work, in memory).

    ``where`` is a file path or a URL (``sqlite:///PATH``, ``postgresql://USER@HOST:PORT/DB``);
    None reads ``LSTM_LAB_STORE_URL`` (else ``LSTM_LAB_DB``, else :func:`default_path`).
    ``problem`` is None while runs go to the database; otherwise one sentence saying why they
    do not (the app shows it). Safe to share between threads and processes, and (PostgreSQL)
    between machines: every call opens its own connection, and the database's locks order the
    writers.
    """

    def __init__(
        self,
        where: str | os.PathLike | None = None,
        max_runs: int | None = None,
        max_days: float | None = None,
        max_mb: float | None = None,
        busy_seconds: float = BUSY_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        # Unset or bad environment values give the defaults (settings.py reports bad ones).
        self.max_runs = int(max_runs if max_runs is not None else settings.read("LSTM_LAB_MAX_RUNS"))
        self.max_days = float(max_days if max_days is not None else settings.read("LSTM_LAB_MAX_RUN_DAYS"))
        self.max_bytes = int(1e6 * (max_mb if max_mb is not None else settings.read("LSTM_LAB_DB_MAX_MB")))
        self.busy_seconds = busy_seconds
        self.retry_seconds = retry_seconds
        self.problem: str | None = None
        self._failed_at: float | None = None  # when the database last failed (monotonic clock)
        self._retrying = False
        self._memory: OrderedDict[str, Record] = OrderedDict()  # the fallback, oldest first
        self._lock = threading.Lock()
        self._db: SQLiteBackend | PostgresBackend | None = None
        try:
            self._db = open_backend(where, busy_seconds)
        except StoreError as err:  # a bad URL, no driver: nothing to open
            self.problem = f"{err}, so trained models are kept only until the server restarts"
            log.warning("run store: %s", self.problem)
            return
        try:
            self._db.open()
        except self._db.errors as err:
            self._fail(err)

    # -- the database --------------------------------------------------------------------
    @property
    def on_disk(self) -> bool:
        """Whether runs go to the database (False: kept in this process's memory)."""
        return self.problem is None

    @property
    def backend(self) -> str | None:
        """``"sqlite"`` or ``"postgresql"`` (None when the setting itself is unusable)."""
        return self._db.kind if self._db else None

    @property
    def path(self) -> Path | None:
        """The SQLite file (None for PostgreSQL)."""
        return getattr(self._db, "path", None)

    @property
    def shown(self) -> str:
        """Where runs are kept, safe to show (a URL never carries its password)."""
        return self._db.shown if self._db else "(none)"

    def _fail(self, err: BaseException) -> None:
        lines = str(err).strip().splitlines()  # libpq's messages run over several lines
        why = lines[0].strip() if lines else type(err).__name__
        self.problem = (
            f"the run database {self.shown!r} cannot be used ({why}), so trained models are "
            "kept only until the server restarts"
        )
        self._failed_at = time.monotonic()
        log.warning("run store: %s", self.problem)

    def _recover(self) -> None:
        """After a failure, try the database again, at most every ``retry_seconds``.

        A database server that restarted or a lock that was let go should not leave a
        long-running server on memory for good (on several replicas, links would then work on
        one replica only). When the database works again, the runs memory kept meanwhile move
        into it, so their links work everywhere from then on.
        """
        if self._failed_at is None or self._db is None:  # never failed, or no database to try
            return
        with self._lock:  # one thread tries, outside the lock; the others go on with memory
            waited = time.monotonic() - self._failed_at
            if self.problem is None or self._retrying or waited < self.retry_seconds:
                return
            self._retrying = True
            self._failed_at = time.monotonic()
        try:
            try:
                self._db.open()
            except self._db.errors:
                return
            with self._lock:
                kept = list(self._memory.values())
            for rec in kept:
                try:
                    self._insert(rec)
                except self._db.errors as err:
                    self._fail(err)
                    return
                with self._lock:
                    self._memory.pop(rec.id, None)
            self.problem = None
            log.warning("run store: %r works again; %d runs kept in memory meanwhile moved to it",
                        self.shown, len(kept))
        finally:
            self._retrying = False

    # -- save / load ---------------------------------------------------------------------
    def save(self, run: TrainResult, meta: dict[str, Any] | None = None) -> str:
        """Keep ``run`` (a ``TrainResult``) and return its new id. Never raises for storage trouble."""
        rec = to_record(run, meta)
        if rec.size > self.max_bytes:  # kept nowhere (not the database's fault: it stays in use)
            log.warning("run store: run %s of %s bytes is over LSTM_LAB_DB_MAX_MB", rec.id, f"{rec.size:,}")
            return rec.id
        self._recover()
        if self.on_disk:
            try:
                self._insert(rec)
                return rec.id
            except self._db.errors as err:
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
        self._recover()
        if not self.on_disk:
            return None
        db = self._db
        try:
            with db.connect() as conn:
                row = db.execute(
                    conn,
                    "SELECT id, created, config, weights, history, stopped, seconds, meta "
                    "FROM runs WHERE id = ? AND created >= ?",
                    (run_id, cutoff),
                ).fetchone()
        except db.errors as err:
            log.warning("run store: reading %s failed: %s", run_id, err)
            return None
        return None if row is None else Record(*row[:5], bool(row[5]), *row[6:])

    def count(self) -> int:
        """How many runs are kept (in the database, or in memory after a problem)."""
        return self._total("count(*)", len)

    def stored_bytes(self) -> int:
        """Bytes of stored arrays (the quantity ``LSTM_LAB_DB_MAX_MB`` bounds)."""
        return self._total("coalesce(sum(size), 0)", lambda m: sum(r.size for r in m.values()))

    def _total(self, sql: str, in_memory_of) -> int:
        with self._lock:
            in_memory = in_memory_of(self._memory)
        if not self.on_disk:
            return in_memory
        with self._db.connect() as conn:
            return in_memory + int(self._db.execute(conn, f"SELECT {sql} FROM runs").fetchone()[0])

    # -- inside --------------------------------------------------------------------------
    def _insert(self, rec: Record) -> None:
        if rec.size > self.max_bytes:
            raise StoreError(f"one run of {rec.size:,} bytes is over the store's limit")
        db = self._db
        with db.connect() as conn:
            # One write transaction for insert + eviction: 8 sessions (or 3 replicas) finishing
            # at once take turns, and the bounds hold after every commit.
            db.begin_write(conn)
            try:
                db.execute(
                    conn,
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
                db.after_eviction(conn)

    def _evict(self, conn: Any, now: float) -> int:
        db, order = self._db, self._db.tiebreak
        cutoff = now - self.max_days * 86400
        gone = db.execute(conn, "DELETE FROM runs WHERE created < ?", (cutoff,)).rowcount
        # Oldest first past the count bound...
        gone += db.execute(
            conn,
            f"DELETE FROM runs WHERE id IN (SELECT id FROM runs ORDER BY created DESC, {order} DESC "
            f"{db.all_past})",
            (self.max_runs,),
        ).rowcount
        # ...and past the size bound.
        total = db.execute(conn, "SELECT coalesce(sum(size), 0) FROM runs").fetchone()[0]
        while total > self.max_bytes:
            oldest = db.execute(
                conn, f"SELECT id, size FROM runs ORDER BY created, {order} LIMIT 1"
            ).fetchone()
            if oldest is None:
                break
            db.execute(conn, "DELETE FROM runs WHERE id = ?", (oldest[0],))
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
    """The process's store, opened on first use where ``LSTM_LAB_STORE_URL`` (or ``LSTM_LAB_DB``) says."""
    global _store
    with _store_lock:
        if _store is None:
            _store = RunStore()
        return _store
