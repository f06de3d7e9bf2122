"""A first-come, first-served limit on how many trainings run at once in one process.

On a shared 2-CPU server, 25 students clicking Train together would otherwise slice the
CPUs 25 ways and all wait longer. The gate lets ``LSTM_LAB_MAX_TRAININGS`` (default 2, one
per core) train at a time; the rest wait in order and are told their place::

    >>> gate = TrainingGate(slots=1)
    >>> with gate.slot(on_wait=lambda place: print("queued, place", place)):
    ...     pass  # train here

``on_wait`` is called about every ``poll`` seconds while waiting. If it raises (as
Streamlit does when the user clicks something), the waiter leaves the queue cleanly.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from lstm_core.limits import budget


def default_slots() -> int:
    """One slot per TensorFlow worker (``budget.worker_count``): ``LSTM_LAB_MAX_TRAININGS``
    (default 2) when the memory budget holds that many workers, fewer when it does not."""
    return budget.worker_count()


class TrainingGate:
    def __init__(self, slots: int | None = None) -> None:
        self.slots = default_slots() if slots is None else max(1, int(slots))
        self._cond = threading.Condition()
        self._running = 0
        self._queue: list[int] = []  # tickets waiting, oldest first
        self._tickets = itertools.count()

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        return len(self._queue)

    @contextmanager
    def slot(
        self, on_wait: Callable[[int], None] | None = None, poll: float = 0.25
    ) -> Iterator[None]:
        """Wait for a free slot (first come, first served), hold it inside the ``with``."""
        ticket = next(self._tickets)
        with self._cond:
            self._queue.append(ticket)
        try:
            while True:
                with self._cond:
                    if self._queue[0] == ticket and self._running < self.slots:
                        self._queue.pop(0)
                        self._running += 1
                        self._cond.notify_all()
                        break
                    place = self._queue.index(ticket) + 1
                if on_wait is not None:
                    on_wait(place)
                with self._cond:
                    self._cond.wait(timeout=poll)
        except BaseException:
            with self._cond:
                if ticket in self._queue:
                    self._queue.remove(ticket)
                self._cond.notify_all()
            raise
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    @contextmanager
    def try_slot(self) -> Iterator[bool]:
        """Take a free slot only if one is free now and nobody waits; yields whether it did.

        For work nobody asked for (a background compile when a link opens): it never queues
        ahead of a person who pressed Train, and never makes them wait::

            >>> with TrainingGate(slots=1).try_slot() as got:
            ...     print("compiling" if got else "skipped")
            compiling
        """
        with self._cond:
            got = not self._queue and self._running < self.slots
            if got:
                self._running += 1
        try:
            yield got
        finally:
            if got:
                with self._cond:
                    self._running -= 1
                    self._cond.notify_all()


# One gate for the whole process: every session of the app shares the same CPUs.
GATE = TrainingGate()
