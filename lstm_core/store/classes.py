"""Classes in the run store's database: who joined which class, with which seed, and what they got.

Two tables beside ``runs``, in the same database (SQLite or PostgreSQL, the same URL:
``LSTM_LAB_STORE_URL``), so students spread over replicas all reach one board:

- ``classes``: code, the teacher secret's SHA-256 (never the secret), the claim and its two
  arms' settings (JSON), created, expires, max_runs, closed;
- ``class_runs``: one row per slot (code, slot), with the joining session (UNIQUE per class: one
  slot each), arm, seed, nickname, prediction, and once trained the run's id and accuracy.

They are created ``IF NOT EXISTS`` when first used: a store of schema 2 keeps its version (an
older app reading the same file ignores the two tables). Example::

    >>> import tempfile, os
    >>> from lstm_core.presets import preset
    >>> arms = (Arm("naive", preset("naive"), 84.0), Arm("feature-window", preset("feature-window"), 86.96))
    >>> store = ClassStore(os.path.join(tempfile.mkdtemp(), "runs.sqlite3"))
    >>> info, secret = store.create("naive-vs-feature-window", arms, "Is 84% vs 87% real?", "Which wins?")
    >>> store.by_secret(secret).code == info.code, store.by_secret("wrong") is None
    (True, True)
    >>> ann, bob = store.join(info.code, "ann", 1.0), store.join(info.code, "bob", 1.0)
    >>> [(s.slot, s.arm, s.seed) for s in (ann, bob)]
    [(0, 0, 7), (1, 1, 8)]
    >>> store.join(info.code, "ann", 2.0).slot    # joining again: the same slot
    0

Each slot takes one run (:meth:`ClassStore.submit`; a second raises :class:`AlreadySubmitted`).
While a class is open its runs are marked to keep in the run store (never evicted); closing,
resetting or expiry lets them go. When the database cannot be written, a submitted run's row is
kept in this process's memory and written when the database works again; the board of this
process shows it meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Sequence
from typing import Any

from lstm_core.config import LSTMConfig
from lstm_core.store.backends import open_backend
from lstm_core.store.class_records import HOURS, MAX_RUNS, Arm, ClassInfo, Slot, assign, new_code
from lstm_core.store.records import StoreError, StoreUnavailable

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (
    code      TEXT PRIMARY KEY,
    secret    TEXT NOT NULL UNIQUE,   -- SHA-256 of the teacher link's secret
    claim     TEXT NOT NULL,
    title     TEXT NOT NULL,
    question  TEXT NOT NULL,
    arms      TEXT NOT NULL,          -- JSON: [{label, config, tutorial}, {...}]
    created   {real} NOT NULL,
    expires   {real} NOT NULL,
    max_runs  INTEGER NOT NULL,
    closed    INTEGER NOT NULL DEFAULT 0,
    released  INTEGER NOT NULL DEFAULT 0  -- 1: its runs are no longer kept from eviction
);
CREATE TABLE IF NOT EXISTS class_runs (
    code       TEXT NOT NULL,
    slot       INTEGER NOT NULL,
    session    TEXT NOT NULL,          -- the joining browser session, one slot each
    arm        INTEGER NOT NULL,
    seed       INTEGER NOT NULL,
    joined     {real} NOT NULL,
    nickname   TEXT NOT NULL DEFAULT '',
    prediction TEXT NOT NULL DEFAULT '',
    run_id     TEXT NOT NULL DEFAULT '',
    accuracy   {real},                 -- percent, NULL until the run is in
    samples    INTEGER NOT NULL DEFAULT 0,
    done       {real} NOT NULL DEFAULT 0,
    PRIMARY KEY (code, slot),
    UNIQUE (code, session)
)
"""
SLOT_COLUMNS = "slot, arm, seed, joined, nickname, prediction, run_id, accuracy, samples, done"
CLASS_COLUMNS = "code, claim, title, question, arms, created, expires, max_runs, closed"
CODE_TRIES = 20  # a fresh code that is taken is drawn again (148 million codes: almost never)
MAX_CLASSES = 1000  # classes not yet expired at once: anyone may start one, so the table is bounded
KEEP_DAYS = 30.0  # an expired class (its slots: the teacher's records) is deleted this long after


class ClassError(StoreError):
    """A class refuses this (closed, expired, full, unknown); ``str()`` is one sentence."""


class AlreadySubmitted(ClassError):
    """This slot has its run already: a student submits once."""


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _arms_json(arms: Sequence[Arm]) -> str:
    return json.dumps([{"label": a.label, "config": a.config.to_dict(), "tutorial": a.tutorial}
                       for a in arms])


def _arms(text: str) -> tuple[Arm, Arm]:
    a, b = (Arm(x["label"], LSTMConfig.from_dict(x["config"]), x["tutorial"]) for x in json.loads(text))
    return a, b


def _info(row: Sequence[Any]) -> ClassInfo:
    code, claim, title, question, arms, created, expires, max_runs, closed = row
    return ClassInfo(code, claim, title, question, _arms(arms), float(created), float(expires),
                     int(max_runs), bool(closed))


def _slot(row: Sequence[Any]) -> Slot:
    slot, arm, seed, joined, nickname, prediction, run_id, accuracy, samples, done = row
    return Slot(int(slot), int(arm), int(seed), float(joined), nickname, prediction, run_id,
                None if accuracy is None else float(accuracy), int(samples), float(done))


class ClassStore:
    """Classes in the database ``where`` names (as :class:`~lstm_core.store.runs.RunStore` reads it).

    ``runs`` is the run store whose runs a class keeps from eviction while it is open (None:
    nothing is kept, e.g. the CLI's export). Every method raises :class:`StoreUnavailable` when
    the database cannot be used right now, and :class:`ClassError` when the class refuses.
    """

    def __init__(self, where: str | os.PathLike | None = None, runs: Any = None,
                 busy_seconds: float = 10.0) -> None:
        self.runs = runs
        self._ready = False
        self._lock = threading.Lock()
        self._pending: list[tuple] = []  # submissions the database could not take yet
        self.problem: str | None = None  # why there is no database at all (a bad setting)
        try:
            self._db = open_backend(where, busy_seconds)
        except StoreError as err:
            self._db = None
            self.problem = str(err)

    # -- the database --------------------------------------------------------------------
    def _run(self, work, write: bool = False) -> Any:
        """Run ``work(conn)`` (in a write transaction if ``write``); database errors become
        :class:`StoreUnavailable`."""
        db = self._db
        if db is None:
            raise StoreUnavailable(f"classes need a database: {self.problem}")
        try:
            if not self._ready:
                db.open()  # the run store's own schema first (a new file, a migration)
            with db.connect() as conn:
                self._ensure(conn)
                self._flush(conn)
                if not write:
                    return work(conn)
                db.begin_write(conn)
                try:
                    result = work(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                return result
        except ClassError:
            raise
        except db.errors as err:
            line = (str(err).strip().splitlines() or [type(err).__name__])[0]
            log.warning("classes: the database %r failed: %s", db.shown, line)
            raise StoreUnavailable(f"the class database cannot be used right now ({line})") from None

    def _ensure(self, conn: Any) -> None:
        if self._ready:
            return
        real = "REAL" if self._db.kind == "sqlite" else "DOUBLE PRECISION"
        for statement in SCHEMA.replace("{real}", real).split(";"):
            if statement.strip():
                self._db.execute(conn, statement)
        self._ready = True

    def _flush(self, conn: Any) -> None:
        """Write the submissions kept in memory while the database failed."""
        with self._lock:
            pending, self._pending = self._pending, []
        for params in pending:
            self._db.execute(conn, _SUBMIT, params)

    # -- classes -------------------------------------------------------------------------
    def create(self, claim: str, arms: Sequence[Arm], title: str, question: str, now: float | None = None,
               hours: float = HOURS, max_runs: int = MAX_RUNS) -> tuple[ClassInfo, str]:
        """A new open class and its teacher secret (shown once: only its hash is kept)."""
        now = time.time() if now is None else now
        secret = secrets.token_urlsafe(24)

        def work(conn):
            live = self._db.execute(conn, "SELECT count(*) FROM classes WHERE expires > ?", (now,)).fetchone()
            if int(live[0]) >= MAX_CLASSES:
                raise ClassError(f"{MAX_CLASSES} classes are open already: try again when one has expired")
            for _ in range(CODE_TRIES):
                code = new_code()
                if self._db.execute(conn, "SELECT 1 FROM classes WHERE code = ?", (code,)).fetchone() is None:
                    break
            else:
                raise ClassError("no free class code was found; try again")
            self._db.execute(
                conn,
                f"INSERT INTO classes ({CLASS_COLUMNS}, secret) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (code, claim, title, question, _arms_json(arms), now, now + 3600 * hours, max_runs, 0,
                 secret_hash(secret)),
            )
            return code

        self.release_expired(now)
        code = self._run(work, write=True)
        return self.by_code(code), secret

    def by_code(self, code: str) -> ClassInfo | None:
        return self._one("code = ?", (code,))

    def by_secret(self, secret: str) -> ClassInfo | None:
        if not isinstance(secret, str) or not 16 <= len(secret) <= 64:
            return None
        return self._one("secret = ?", (secret_hash(secret),))  # only hashes are stored and compared

    def _one(self, where: str, params: tuple) -> ClassInfo | None:
        row = self._run(lambda conn: self._db.execute(
            conn, f"SELECT {CLASS_COLUMNS} FROM classes WHERE {where}", params).fetchone())
        return None if row is None else _info(row)

    # -- students ------------------------------------------------------------------------
    def join(self, code: str, session: str, now: float | None = None) -> Slot:
        """This session's slot in the class: the one it has, else the next (arm and seed assigned).

        Raises :class:`ClassError` when the class is unknown, closed, expired or full.
        """
        now = time.time() if now is None else now

        def work(conn):
            info = self._class_in(conn, code)
            sql = f"SELECT {SLOT_COLUMNS} FROM class_runs WHERE code = ? AND session = ?"
            row = self._db.execute(conn, sql, (code, session)).fetchone()
            if row is not None:
                return _slot(row)
            if info.state(now) != "open":
                raise ClassError(f"class {code} is {info.state(now)}")
            taken = self._db.execute(conn, "SELECT count(*) FROM class_runs WHERE code = ?", (code,))
            taken = int(taken.fetchone()[0])
            if taken >= info.max_runs:
                raise ClassError(f"class {code} is full: all {info.max_runs} places are taken")
            arm, seed = assign(taken)
            self._db.execute(
                conn,
                "INSERT INTO class_runs (code, slot, session, arm, seed, joined) VALUES (?, ?, ?, ?, ?, ?)",
                (code, taken, session, arm, seed, now),
            )
            return Slot(taken, arm, seed, now)

        return self._run(work, write=True)

    def _class_in(self, conn: Any, code: str) -> ClassInfo:
        sql = f"SELECT {CLASS_COLUMNS} FROM classes WHERE code = ?"
        row = self._db.execute(conn, sql, (code,)).fetchone()
        if row is None:
            raise ClassError(f"there is no class {code}")
        return _info(row)

    def submit(self, code: str, session: str, run_id: str, accuracy: float, samples: int,
               prediction: str = "", nickname: str = "", now: float | None = None) -> None:
        """Put this session's run into its slot; once only (:class:`AlreadySubmitted`).

        A class closed or expired meanwhile still takes the run of a slot it handed out (the
        student trained in good faith). When the database cannot be written, the row is kept in
        memory (:meth:`pending`) and written later; the run is then kept from eviction too.
        """
        now = time.time() if now is None else now
        params = (run_id, float(accuracy), int(samples), prediction, nickname, now, code, session)

        def work(conn):
            self._class_in(conn, code)
            row = self._db.execute(conn, "SELECT run_id FROM class_runs WHERE code = ? AND session = ?",
                                   (code, session)).fetchone()
            if row is None:
                raise ClassError(f"this browser has no place in class {code}")
            if row[0]:
                raise AlreadySubmitted("this place's run is in already: each place takes one run")
            self._db.execute(conn, _SUBMIT, params)

        try:
            self._run(work, write=True)
        except StoreUnavailable:
            with self._lock:
                self._pending.append(params)
            log.warning("classes: run %s of class %s kept in memory until the database works", run_id, code)
        self._keep([run_id], True)

    def pending(self, code: str) -> list[tuple]:
        """Submissions of ``code`` kept in memory (the database failed): (run_id, accuracy, ...)."""
        with self._lock:
            return [p for p in self._pending if p[6] == code]

    def slots(self, code: str) -> list[Slot]:
        """Every slot of the class, in joining order."""
        return self.snapshot(code)[1]

    def snapshot(self, code: str) -> tuple[ClassInfo | None, list[Slot]]:
        """The class and every slot of it, read in one transaction: what a board shows is one state."""

        def work(conn):
            # One snapshot for both reads: SQLite's (WAL) holds from the first read to COMMIT.
            self._db.execute(conn, "BEGIN" if self._db.kind == "sqlite" else
                             "BEGIN ISOLATION LEVEL REPEATABLE READ")
            try:
                row = self._db.execute(conn, f"SELECT {CLASS_COLUMNS} FROM classes WHERE code = ?",
                                       (code,)).fetchone()
                rows = self._db.execute(conn, f"SELECT {SLOT_COLUMNS} FROM class_runs WHERE code = ? "
                                        "ORDER BY slot", (code,)).fetchall()
            finally:
                self._db.execute(conn, "COMMIT")
            return None if row is None else _info(row), [_slot(r) for r in rows]

        return self._run(work)

    # -- the teacher ---------------------------------------------------------------------
    def close(self, code: str, closed: bool = True) -> None:
        """Close (or reopen) the class; closing lets its runs be evicted like any other."""
        flags = (int(closed), int(closed), code)
        self._run(lambda conn: self._db.execute(
            conn, "UPDATE classes SET closed = ?, released = ? WHERE code = ?", flags), write=True)
        self._keep([s.run_id for s in self.slots(code) if s.run_id], not closed)

    def reset(self, code: str) -> None:
        """Empty the class (every slot and run gone from it) and open it again."""
        run_ids = [s.run_id for s in self.slots(code) if s.run_id]

        def work(conn):
            self._db.execute(conn, "DELETE FROM class_runs WHERE code = ?", (code,))
            self._db.execute(conn, "UPDATE classes SET closed = 0, released = 0 WHERE code = ?", (code,))

        self._run(work, write=True)
        self._keep(run_ids, False)

    def release_expired(self, now: float | None = None) -> int:
        """Let the runs of classes that expired be evicted again; how many classes. Classes that
        expired more than ``KEEP_DAYS`` ago are deleted with their slots."""
        now = time.time() if now is None else now

        def forget(conn):
            old = "SELECT code FROM classes WHERE released = 1 AND expires < ?"
            cutoff = (now - KEEP_DAYS * 86400,)
            self._db.execute(conn, f"DELETE FROM class_runs WHERE code IN ({old})", cutoff)
            self._db.execute(conn, "DELETE FROM classes WHERE released = 1 AND expires < ?", cutoff)

        self._run(forget, write=True)
        codes = [r[0] for r in self._run(lambda conn: self._db.execute(
            conn, "SELECT code FROM classes WHERE released = 0 AND expires <= ?", (now,)).fetchall())]
        for code in codes:
            self._keep([s.run_id for s in self.slots(code) if s.run_id], False)
            self._run(lambda conn, c=code: self._db.execute(
                conn, "UPDATE classes SET released = 1 WHERE code = ?", (c,)), write=True)
        return len(codes)

    def _keep(self, run_ids: Sequence[str], keep: bool) -> None:
        if self.runs is None:
            return
        for run_id in run_ids:
            try:
                self.runs.keep(run_id, keep)
            except StoreError as err:  # not kept: it may be evicted early, the class goes on
                log.warning("classes: run %s could not be %s: %s", run_id, "kept" if keep else "let go", err)


_SUBMIT = ("UPDATE class_runs SET run_id = ?, accuracy = ?, samples = ?, prediction = ?, nickname = ?, "
           "done = ? WHERE code = ? AND session = ? AND run_id = ''")


# ---------------------------------------------------------------------------------------
# One per process
# ---------------------------------------------------------------------------------------
_classes: ClassStore | None = None
_classes_lock = threading.Lock()


def get_classes() -> ClassStore:
    """The process's class store, on the run store's database (its runs kept while a class is open)."""
    global _classes
    from lstm_core.store.runs import get_store

    with _classes_lock:
        if _classes is None:
            _classes = ClassStore(runs=get_store())
        return _classes
