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
  came from);
- ``owner`` (the browser session that saved it), ``opened`` (when a link last opened it) and
  ``keep`` (an operator keeps it: ``python -m lstm_core store keep ID``).

Bounded, oldest evicted first: at most ``LSTM_LAB_MAX_RUNS`` runs (default 5,000), none older
than ``LSTM_LAB_MAX_RUN_DAYS`` days (default 30), at most ``LSTM_LAB_DB_MAX_MB`` megabytes of
stored arrays (default 500), of which one session's runs take at most ``LSTM_LAB_DB_OWNER_MB``
(default a quarter). A session over its share loses its own oldest runs; the store's bounds
never evict a kept run or one a link opened in the last hour (:mod:`lstm_core.store.eviction`).
A tutorial-sized run takes about 20 KB, so 5,000 runs are about 100 MB.

A missing folder, a corrupt or locked file, a bad URL or a database server that cannot be
reached never breaks anything: the store then keeps new runs in this process's memory (at
most 64 MB, :mod:`lstm_core.store.memory`), and ``problem`` says why in one sentence for the
operator's log, so the app can tell its users that runs will not outlive the server. Reading
goes on while writing fails; when the database cannot be read either, :meth:`RunStore.load`
raises :class:`StoreUnavailable` rather than saying a run does not exist. Example::

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
import threading
import time
from pathlib import Path
from typing import Any

from lstm_core.limits import settings
from lstm_core.model.results import TrainResult
from lstm_core.store.backends import open_backend
from lstm_core.store.eviction import Candidate, Limits, StoreFull, evict
from lstm_core.store.memory import MemoryRuns
from lstm_core.store.postgres import PostgresBackend
from lstm_core.store.records import (
    Record,
    StoreError,
    StoreUnavailable,
    from_record,
    is_valid_id,
    to_record,
)
from lstm_core.store.sqlite import SQLiteBackend

log = logging.getLogger(__name__)

BUSY_SECONDS = 10.0  # how long a writer waits for another writer's lock before giving up
RETRY_SECONDS = 30.0  # after a failure, how often the database is tried again (a server restarted)
MEMORY_MB = 64.0  # MiB of runs the fallback keeps in memory (the budget holds room for them)
OPENED_MINUTES = 60.0  # a run a link opened this recently is not evicted by the store's bounds
TOUCH_SECONDS = 60.0  # a run's last-opened time is written at most this often (reads stay reads)
COLUMNS = "id, created, config, weights, history, stopped, seconds, meta, owner, opened, keep"


# ---------------------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------------------
class RunStore:
    """Runs in one SQLite file or a PostgreSQL database (or, if that cannot work, in memory).

    ``where`` is a file path or a URL (``sqlite:///PATH``, ``postgresql://USER@HOST:PORT/DB``);
    None reads ``LSTM_LAB_STORE_URL`` (else ``LSTM_LAB_DB``, else :func:`default_path`).
    ``problem`` is None while runs go to the database; otherwise one sentence saying why they
    do not, with the database's name and error: for the operator's log, not for a page. Safe to
    share between threads and processes, and (PostgreSQL) between machines: every call opens
    its own connection, and the database's locks order the writers.
    """

    def __init__(
        self,
        where: str | os.PathLike | None = None,
        max_runs: int | None = None,
        max_days: float | None = None,
        max_mb: float | None = None,
        busy_seconds: float = BUSY_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
        owner_mb: float | None = None,
        memory_mb: float = MEMORY_MB,
        opened_minutes: float = OPENED_MINUTES,
    ) -> None:
        # Unset or bad environment values give the defaults (settings.py reports bad ones).
        self.max_runs = int(max_runs if max_runs is not None else settings.read("LSTM_LAB_MAX_RUNS"))
        self.max_days = float(max_days if max_days is not None else settings.read("LSTM_LAB_MAX_RUN_DAYS"))
        self.max_bytes = int(1e6 * (max_mb if max_mb is not None else settings.read("LSTM_LAB_DB_MAX_MB")))
        owner = owner_mb if owner_mb is not None else settings.read("LSTM_LAB_DB_OWNER_MB")
        self.owner_bytes = min(self.max_bytes, int(1e6 * owner) if owner else self.max_bytes // 4)
        self.limits = Limits(
            self.max_runs, self.max_days, self.max_bytes, self.owner_bytes, 60 * opened_minutes
        )
        self.busy_seconds = busy_seconds
        self.retry_seconds = retry_seconds
        self.problem: str | None = None
        self._failed_at: float | None = None  # when the database last failed (monotonic clock)
        self._retrying = False
        self._opened = False  # the database opened once (its schema is ours): its rows can be read
        self._memory = MemoryRuns(
            self.max_runs, self.max_days, min(self.max_bytes, int(memory_mb * 1024 * 1024)),
            name=f"run store fallback {id(self):x}",
        )
        self._lock = threading.Lock()
        self._db: SQLiteBackend | PostgresBackend | None = None
        try:
            self._db = open_backend(where, busy_seconds)
        except StoreError as err:  # a bad URL, no driver: nothing to open
            self.problem = f"{err}, so trained models are kept only until the server restarts"
            log.warning("run store: %s", self.problem)
            self._memory.in_use(True)
            return
        try:
            self._db.open()
            self._opened = True
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
        """Where runs are kept, for the operator (a URL never carries its password)."""
        return self._db.shown if self._db else "(none)"

    def _fail(self, err: BaseException) -> None:
        lines = str(err).strip().splitlines()  # libpq's messages run over several lines
        why = lines[0].strip() if lines else type(err).__name__
        self.problem = (
            f"the run database {self.shown!r} cannot be used ({why}), so trained models are "
            "kept only until the server restarts"
        )
        self._failed_at = time.monotonic()
        self._memory.in_use(True)
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
            self._opened = True
            kept = self._memory.values()
            for rec in kept:
                try:
                    self._insert(rec)
                except StoreFull:  # no room beside runs in use: it stays in memory
                    continue
                except self._db.errors as err:
                    self._fail(err)
                    return
                self._memory.pop(rec.id)
            self.problem = None
            self._memory.in_use(False)
            log.warning("run store: %r works again; %d runs kept in memory meanwhile moved to it",
                        self.shown, len(kept))
        finally:
            self._retrying = False

    # -- save / load ---------------------------------------------------------------------
    def save(self, run: TrainResult, meta: dict[str, Any] | None = None) -> str:
        """Keep ``run`` (a ``TrainResult``) and return its new id. Never raises for storage trouble.

        ``meta["owner"]`` names who saves it (a browser session): its share of the store is
        bounded by ``LSTM_LAB_DB_OWNER_MB``, its own oldest runs going first.
        """
        rec = to_record(run, meta)
        if rec.size > self.max_bytes or (rec.owner and rec.size > self.owner_bytes):
            # Kept nowhere (not the database's fault: it stays in use).
            log.warning("run store: run %s of %s bytes is over the store's bounds", rec.id, f"{rec.size:,}")
            return rec.id
        self._recover()
        if self.on_disk:
            try:
                self._insert(rec)
                return rec.id
            except StoreFull as err:  # the rest is in use: this one lives in this process
                log.warning("run store: run %s kept in memory only: %s", rec.id, err)
            except self._db.errors as err:
                self._fail(err)
        if not self._memory.put(rec, now=time.time()):
            log.warning("run store: run %s of %s bytes is over the memory fallback's bound", rec.id,
                        f"{rec.size:,}")
        return rec.id

    def load(self, run_id: Any) -> TrainResult | None:
        """The run with this id, or None when the store has none (unknown, evicted, or malformed).

        Raises :class:`StoreUnavailable` when the store cannot tell right now (its database
        cannot be read): a link to the run may well be good.
        """
        rec = self.record(run_id)
        if rec is None:
            return None
        try:
            return from_record(rec)
        except (ValueError, OSError, KeyError) as err:  # a damaged row: as if it were not there
            log.warning("run store: run %s cannot be read: %s", run_id, err)
            return None

    def record(self, run_id: Any) -> Record | None:
        """The raw stored row of ``run_id`` (not validated), or None; :class:`StoreUnavailable`
        when the database cannot be read right now. Notes that a link opened it (at most once
        a minute, and never waiting for a writer)."""
        if not is_valid_id(run_id):
            return None
        now = time.time()
        cutoff = now - self.max_days * 86400
        rec = self._memory.get(run_id)
        if rec is not None:
            return rec if rec.created >= cutoff or rec.keep else None
        if self._db is None:  # no database at all (a bad setting): memory is the whole store
            return None
        self._recover()
        if not self._opened:  # a corrupt file, a newer schema: its rows cannot be trusted yet
            raise StoreUnavailable(f"the run database has not opened: {self.problem}")
        try:
            return self._read(run_id, cutoff, now)
        except self._db.errors as err:
            # Writes may fail for a while (a lock, a read-only file); reads failing too is rarer.
            log.warning("run store: reading %s from %r failed: %s", run_id, self.shown, err)
            raise StoreUnavailable(f"the run database cannot be read right now ({err})") from None

    def _read(self, run_id: str, cutoff: float, now: float) -> Record | None:
        db = self._db
        with db.connect() as conn:
            row = db.execute(
                conn, f"SELECT {COLUMNS} FROM runs WHERE id = ? AND (created >= ? OR keep = 1)",
                (run_id, cutoff),
            ).fetchone()
            if row is None:
                return None
            rec = Record(*row[:5], bool(row[5]), row[6], row[7], row[8], float(row[9]), bool(row[10]))
            if self.on_disk and now - rec.opened >= TOUCH_SECONDS:
                try:  # a skipped note only makes the run easier to evict: never fail a read for it
                    db.execute(conn, db.quick)
                    db.execute(conn, "UPDATE runs SET opened = ? WHERE id = ?", (now, run_id))
                except db.errors as err:
                    log.info("run store: could not note that %s was opened: %s", run_id, err)
        return rec

    def keep(self, run_id: str, keep: bool = True) -> bool:
        """Mark ``run_id`` to keep (never evicted), or not; False if the store has no such run.

        For a teacher's run a class uses (``python -m lstm_core store keep ID``). Raises
        :class:`StoreUnavailable` when the database cannot take the mark now.
        """
        if not is_valid_id(run_id):
            return False
        rec = self._memory.get(run_id)
        if rec is not None:
            rec.keep = keep  # memory's own bound still applies: it is this process's memory
        if self._db is None or not self.on_disk:
            if rec is None:
                raise StoreUnavailable(self.problem or "no run database")
            return True
        db = self._db
        try:
            with db.connect() as conn:
                db.begin_write(conn)  # in turn with the writers: eviction sees the mark
                try:
                    changed = db.execute(
                        conn, "UPDATE runs SET keep = ? WHERE id = ?", (int(keep), run_id)
                    ).rowcount
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        except db.errors as err:
            raise StoreUnavailable(f"the run database cannot be written right now ({err})") from None
        return changed > 0 or rec is not None

    def count(self) -> int:
        """How many runs are kept (in the database, or in memory after a problem)."""
        return self._total("count(*)", self._memory.count())

    def stored_bytes(self, owner: str | None = None) -> int:
        """Bytes of stored arrays (the quantity ``LSTM_LAB_DB_MAX_MB`` bounds); of one owner's runs
        (the quantity ``LSTM_LAB_DB_OWNER_MB`` bounds) if ``owner`` is given."""
        if owner is None:
            return self._total("coalesce(sum(size), 0)", self._memory.size())
        mine = sum(r.size for r in self._memory.values() if r.owner == owner)
        return self._total("coalesce(sum(size), 0)", mine, "WHERE owner = ?", (owner,))

    def _total(self, sql: str, in_memory: int, where: str = "", params: tuple = ()) -> int:
        if not self.on_disk:
            return in_memory
        with self._db.connect() as conn:
            row = self._db.execute(conn, f"SELECT {sql} FROM runs {where}", params).fetchone()
        return in_memory + int(row[0])

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
                    "size, meta, owner, opened, keep) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (rec.id, rec.created, rec.config, rec.weights, rec.history, int(rec.stopped),
                     rec.seconds, rec.size, rec.meta, rec.owner, rec.opened, int(rec.keep)),
                )
                evicted = evict(db, conn, Candidate(rec.id, rec.owner, rec.created), self.limits,
                                now=time.time())
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            if evicted:
                db.after_eviction(conn)


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
