"""The run store's fallback: runs kept in this process's memory while its database cannot take them.

Bounded like the database (count, age) and by its own, small size bound (the store's default:
64 MB), oldest evicted first: issue 21 measured the unbounded fallback taking the server from
1,081 to 1,433 MiB through 15 Trains of a large model. While the fallback is in use, the room
it may still take is held in the memory budget (:func:`lstm_core.limits.budget.hold`), so
trainings admitted meanwhile leave room for it::

    >>> from lstm_core.limits import budget
    >>> from lstm_core.store.records import Record
    >>> mem = MemoryRuns(max_runs=10, max_days=30, max_bytes=100, name="doctest")
    >>> mem.put(Record("a" * 22, 0.0, "{}", b"x" * 60, b"", False, 0.0, "{}"), now=1.0)
    True
    >>> mem.put(Record("b" * 22, 0.5, "{}", b"x" * 60, b"", False, 0.0, "{}"), now=1.0)  # "a" makes room
    True
    >>> mem.get("a" * 22) is None, mem.size()
    (True, 60)
    >>> mem.in_use(True); budget.held_mb() > 0
    True
    >>> mem.in_use(False)
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from lstm_core.limits import budget
from lstm_core.store.records import Record


class MemoryRuns:
    """Records by id, oldest first, within ``max_runs``, ``max_days`` and ``max_bytes``.

    ``name`` is the key under which the room still free is held in the memory budget while the
    fallback is in use (:meth:`in_use`); it is let go when the store is garbage-collected.
    Safe to share between threads.
    """

    def __init__(self, max_runs: int, max_days: float, max_bytes: int, name: str) -> None:
        self.max_runs = max_runs
        self.max_days = max_days
        self.max_bytes = max_bytes
        self._name = name
        self._using = False
        self._runs: OrderedDict[str, Record] = OrderedDict()
        self._lock = threading.Lock()
        weakref.finalize(self, budget.hold, name, 0.0)

    def get(self, run_id: str) -> Record | None:
        with self._lock:
            return self._runs.get(run_id)

    def values(self) -> list[Record]:
        with self._lock:
            return list(self._runs.values())

    def count(self) -> int:
        with self._lock:
            return len(self._runs)

    def size(self) -> int:
        """Bytes of the runs kept (their arrays)."""
        with self._lock:
            return sum(r.size for r in self._runs.values())

    def put(self, rec: Record, now: float) -> bool:
        """Keep ``rec``, evicting the oldest past the bounds; False if it alone is over ``max_bytes``."""
        if rec.size > self.max_bytes:
            return False
        with self._lock:
            self._runs[rec.id] = rec
            cutoff = now - self.max_days * 86400
            total = sum(r.size for r in self._runs.values())
            while self._runs and (
                len(self._runs) > self.max_runs
                or total > self.max_bytes
                or next(iter(self._runs.values())).created < cutoff
            ):
                _, old = self._runs.popitem(last=False)
                total -= old.size
        self._hold()
        return True

    def pop(self, run_id: str) -> None:
        with self._lock:
            self._runs.pop(run_id, None)
        self._hold()

    def in_use(self, using: bool) -> None:
        """Whether new runs come here now (the database failed): hold the room they may take."""
        self._using = using
        self._hold()

    def _hold(self) -> None:
        # What the runs kept take is in the process's RSS already; the room still free is not.
        free = max(0, self.max_bytes - self.size()) if self._using else 0
        budget.hold(self._name, free / budget.MIB)
