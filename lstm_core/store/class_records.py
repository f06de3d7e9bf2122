"""A class as the store keeps it: its code, its two arms, its slots (plain values, no database).

Join codes are 6 characters from an alphabet with no look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 6/G,
8/B), easy to read off a projector; what a student types is forgiven case and spaces::

    >>> len(new_code()), set(new_code()) <= set(ALPHABET)
    (6, True)
    >>> normalize_code(" ack 3pq "), normalize_code("ACK-3PQ"), normalize_code("AC0OO1")
    ('ACK3PQ', 'ACK3PQ', None)

Each student who joins gets the next *slot*; the slot fixes the arm (alternating, so both arms
fill) and the seed (7, 8, 9, ...: no two students repeat one)::

    >>> [assign(slot) for slot in range(4)]
    [(0, 7), (1, 8), (0, 9), (1, 10)]

What the class means (claims, the board, the verdict) is in
:mod:`lstm_core.experiments.class_experiment`; where it is kept, :mod:`lstm_core.store.classes`.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from lstm_core.config import FIRST_SEED, LSTMConfig

ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"  # no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B, nothing to misread
CODE_LENGTH = 6  # 23**6 = 148 million codes; guessing is rate-limited (JoinLimiter)
HOURS = 24.0  # a class expires this long after it was started
MAX_RUNS = 100  # slots a class hands out at most


@dataclass(frozen=True)
class Arm:
    """One side of a claim: its name on the board, its settings, and the tutorial's figure."""

    label: str
    config: LSTMConfig
    tutorial: float | None  # percent; None when the tutorial ran no such model


def new_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """A fresh join code: 6 characters of :data:`ALPHABET`."""
    return "".join(choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: object) -> str | None:
    """The code a student typed, upper-cased without spaces or dashes; None if it cannot be one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def assign(slot: int) -> tuple[int, int]:
    """The (arm, seed) of the ``slot``-th student to join (0-based): arms alternate, seeds never repeat."""
    if slot < 0:
        raise ValueError(f"slot={slot} is not allowed: it must be 0 or more")
    return slot % 2, FIRST_SEED + slot


@dataclass(frozen=True)
class ClassInfo:
    """A class as the store keeps it (the teacher's secret is kept only as a hash)."""

    code: str
    claim: str
    title: str
    question: str
    arms: tuple[Arm, Arm]
    created: float
    expires: float
    max_runs: int
    closed: bool

    def state(self, now: float | None = None) -> str:
        """``"open"``, ``"closed"`` (by its teacher) or ``"expired"``."""
        now = time.time() if now is None else now
        if now >= self.expires:
            return "expired"
        return "closed" if self.closed else "open"


@dataclass(frozen=True)
class Slot:
    """One student's place in a class: arm and seed assigned on joining, the run once trained."""

    slot: int
    arm: int
    seed: int
    joined: float
    nickname: str = ""
    prediction: str = ""
    run_id: str = ""
    accuracy: float | None = None  # percent; None until the run is in
    samples: int = 0  # what the accuracy is out of (the arm's denominator)
    done: float = 0.0

    @property
    def submitted(self) -> bool:
        return self.accuracy is not None
