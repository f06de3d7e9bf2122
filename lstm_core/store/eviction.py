"""Which stored runs make room for a new one, inside the saver's write transaction.

Issue 21: one student's 31 Trains of a large model filled the store and evicted the run the
whole class was using. So the bounds are applied in this order, oldest first in each step:

1. age: runs older than ``max_days`` go, unless kept;
2. the saver's own share: when the runs of the new run's owner (a browser session) exceed
   ``owner_bytes``, that owner's runs go, the ones nobody opened recently first;
3. the store's bounds (``max_runs``, ``max_bytes``): runs that are not kept and that no link
   opened in the last ``opened_seconds`` go. When only such protected runs are left, the new
   run is refused (:class:`StoreFull`) rather than a run someone is using evicted.

Runs an operator marked to keep (``python -m lstm_core store keep ID``) never go. The new run
itself never makes room for itself. Example, on an in-memory SQLite table::

    >>> import sqlite3
    >>> from lstm_core.store.sqlite import SCHEMA, SQLiteBackend
    >>> db = SQLiteBackend(None, 1)
    >>> conn = sqlite3.connect(":memory:", isolation_level=None)
    >>> _ = conn.executescript(SCHEMA)
    >>> def add(rid, owner, created, opened=0.0, keep=0):
    ...     conn.execute("INSERT INTO runs VALUES (?, ?, '', x'', x'', 0, 0, 10, '{}', ?, ?, ?)",
    ...                  (rid, created, owner, opened, keep))
    >>> add("teacher", "t", 1.0, opened=99.0); add("kept", "", 2.0, keep=1); add("old", "", 3.0)
    >>> for k in range(4):
    ...     add(f"s{k}", "student", 10.0 + k)
    >>> limits = Limits(max_runs=100, max_days=1e9, max_bytes=40, owner_bytes=20, opened_seconds=60)
    >>> evict(db, conn, Candidate("s3", "student", 13.0), limits, now=100.0)
    3
    >>> [r[0] for r in conn.execute("SELECT id FROM runs ORDER BY created")]
    ['teacher', 'kept', 's2', 's3']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lstm_core.store.records import StoreError

BATCH = 64  # candidates read per query: a lowered bound may have many runs to evict


class StoreFull(StoreError):
    """Room for the new run only by evicting runs that must stay (kept, or opened recently)."""


@dataclass(frozen=True)
class Limits:
    """The bounds eviction keeps (bytes are of the stored arrays)."""

    max_runs: int
    max_days: float
    max_bytes: int
    owner_bytes: int
    opened_seconds: float  # a run a link opened this recently is not evicted by the store's bounds


@dataclass(frozen=True)
class Candidate:
    """What eviction needs to know of the run being saved."""

    id: str
    owner: str
    created: float


def evict(db: Any, conn: Any, new: Candidate, limits: Limits, now: float) -> int:
    """Delete what the bounds say must go (in the caller's transaction); how many went.

    Raises :class:`StoreFull` when the store's bounds cannot hold without evicting a protected run.
    """
    gone = db.execute(
        conn, "DELETE FROM runs WHERE created < ? AND keep = 0", (now - limits.max_days * 86400,)
    ).rowcount
    recent = now - limits.opened_seconds
    if new.owner:
        # Runs a link opened recently go last (the owner may have shared them), but they go:
        # else opening one's own links would lift one's share.
        total = _sum(db, conn, "owner = ? AND keep = 0", (new.owner,))[1]
        gone += _drop(  # never None: the new run alone fits the owner's share (save checks)
            db, conn, total - limits.owner_bytes, None,
            f"owner = ? AND keep = 0 AND id <> ? ORDER BY CASE WHEN opened >= ? THEN 1 ELSE 0 END, "
            f"created, {db.tiebreak}",
            (new.owner, new.id, recent),
        ) or 0
    count, total = _sum(db, conn, "1 = 1", ())
    over_runs, over_bytes = count - limits.max_runs, total - limits.max_bytes
    if over_runs > 0 or over_bytes > 0:
        dropped = _drop(
            db, conn, over_bytes, over_runs,
            f"keep = 0 AND opened < ? AND id <> ? ORDER BY created, {db.tiebreak}", (recent, new.id),
        )
        if dropped is None:
            raise StoreFull("only runs kept or opened recently are left to make room")
        gone += dropped
    return gone


def _sum(db: Any, conn: Any, where: str, params: tuple) -> tuple[int, int]:
    row = db.execute(conn, f"SELECT count(*), coalesce(sum(size), 0) FROM runs WHERE {where}", params)
    count, size = row.fetchone()
    return int(count), int(size)


def _drop(
    db: Any, conn: Any, bytes_over: int, runs_over: int | None, where: str, params: tuple
) -> int | None:
    """Delete the runs ``where`` selects, in its order, until ``bytes_over`` and ``runs_over``
    are no longer positive; how many went, or None if the candidates ran out first."""
    runs_over = runs_over or 0
    gone = 0
    while bytes_over > 0 or runs_over > 0:
        batch = db.execute(conn, f"SELECT id, size FROM runs WHERE {where} LIMIT {BATCH}", params).fetchall()
        if not batch:
            return None
        for run_id, size in batch:
            if bytes_over <= 0 and runs_over <= 0:
                break
            db.execute(conn, "DELETE FROM runs WHERE id = ?", (run_id,))
            bytes_over -= int(size)
            runs_over -= 1
            gone += 1
    return gone
