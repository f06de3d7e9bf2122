"""Built-in training texts, including two that need memory.

The alphabet can be predicted from the current letter alone, so it cannot show what state
is *for*. Two texts here cannot:

- **delayed recall** (``k`` steps): runs ``XabcY`` and ``ZabcW`` alternate. After ``abc``
  comes ``Y`` if the run began with ``X`` and ``W`` if it began with ``Z``: the answer
  depends on the letter ``k`` steps back. Every other next letter is fixed by the current
  one (``X``→``a``, ``c``→?, ``Y``→``Z``, ``W``→``X``), and the runs alternate, so a model
  that sees ``k`` letters back can reach 100%; one that sees fewer is right on half the
  recalled letters at best.
- **counting** (``aaaabbbccd`` repeated): after an ``a`` the next letter depends on how
  many ``a`` came before it, so the model must count.

Each text's *ceiling* per window (:mod:`lstm_core.data.ceiling`) is the best accuracy any model
that sees that many letters can reach, computed from the data before training::

    >>> text = delayed_recall(4)
    >>> text[:15]
    'XabcYZabcWXabcY'
    >>> [(row.window, row.right, row.total) for row in ceiling_table(text, [1, 3, 4])]
    [(1, 44, 49), (3, 42, 47), (4, 46, 46)]
    >>> ceiling_table(counting(), [1])[0].right, len(counting()) - 1
    (41, 59)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.config import ALPHABET
from lstm_core.data.ceiling import ceiling

RECALL_CUES = (("X", "Y"), ("Z", "W"))  # (first letter of a run, the letter to recall at its end)
FILLER = "abcdefghijklmnopqrstuvwxyz"  # the letters between cue and answer, the same in every run
MIN_DELAY, MAX_DELAY = 2, 12
COUNTING_PATTERN = "aaaabbbccd"
TASKS = ("alphabet", "delayed-recall", "counting")


ORDERS = ("alternating", "random")


def delayed_recall(k: int = 4, runs: int = 10, order: str = "alternating", seed: int = 0) -> str:
    """``runs`` runs of cue, ``k - 1`` filler letters and the answer, ``k`` steps after its cue.

    ``order="alternating"``: X-runs and Z-runs take turns, so every letter but the recalled
    one is predictable and a model with enough memory reaches 100%; but the state can also
    learn the turn-taking itself, so the cue is not the only way to the answer.
    ``order="random"``: the same runs in a shuffled (seeded) order, so only the cue tells the
    answer, and the cue itself cannot be predicted (the ceiling stays below 100%)::

        >>> delayed_recall(2, runs=4)
        'XaYZaWXaYZaW'
        >>> delayed_recall(2, runs=6, order="random", seed=1)
        'XaYXaYXaYZaWZaWZaW'
    """
    if order not in ORDERS:
        raise ValueError(f"order={order!r} is not allowed: choose one of {', '.join(ORDERS)}.")
    if isinstance(k, bool) or not isinstance(k, int) or not MIN_DELAY <= k <= MAX_DELAY:
        raise ValueError(
            f"k={k!r} is not allowed: the delay must be a whole number from {MIN_DELAY} to {MAX_DELAY}."
        )
    if isinstance(runs, bool) or not isinstance(runs, int) or not 2 <= runs <= 200:
        raise ValueError(f"runs={runs!r} is not allowed: it must be a whole number from 2 to 200.")
    filler = FILLER[: k - 1]
    if order == "random":
        # As many X-runs as Z-runs (one more when odd), in a seeded random order: without
        # memory the recalled letter is a coin flip, exactly.
        picks = np.random.default_rng(seed).permutation(np.arange(runs) % 2)
    else:
        picks = np.arange(runs) % 2
    return "".join(RECALL_CUES[p][0] + filler + RECALL_CUES[p][1] for p in picks)


def counting(repeats: int = 6) -> str:
    """The counting pattern ``aaaabbbccd`` repeated, e.g. ``counting(1) == "aaaabbbccd"``."""
    if isinstance(repeats, bool) or not isinstance(repeats, int) or not 2 <= repeats <= 100:
        raise ValueError(f"repeats={repeats!r} is not allowed: it must be a whole number from 2 to 100.")
    return COUNTING_PATTERN * repeats


def task_text(name: str, k: int = 4) -> str:
    """The text of a built-in task: ``"alphabet"``, ``"delayed-recall"`` (delay k), ``"counting"``."""
    if name == "alphabet":
        return ALPHABET
    if name == "delayed-recall":
        return delayed_recall(k)
    if name == "counting":
        return counting()
    raise ValueError(f"task={name!r} is not allowed: choose one of {', '.join(TASKS)}.")


@dataclass(frozen=True)
class CeilingRow:
    window: int  # letters the model sees
    right: int  # predictions a perfect model with that window gets right
    total: int  # predictions (sliding windows of the text)

    @property
    def share(self) -> float:
        return self.right / self.total


def ceiling_table(sequence: str, windows: list[int]) -> list[CeilingRow]:
    """The exact ceiling for each window shorter than the text."""
    rows = []
    for w in windows:
        if 1 <= w < len(sequence):
            total = len(sequence) - w
            rows.append(CeilingRow(w, round(ceiling(sequence, w) * total), total))
    return rows


def memory_needed(sequence: str, max_window: int = 64) -> int | None:
    """The smallest window whose ceiling is 100%, or None if none up to ``max_window`` is.

    >>> memory_needed(delayed_recall(6)), memory_needed(counting()), memory_needed(ALPHABET)
    (6, 4, 1)
    """
    for w in range(1, min(max_window, len(sequence) - 1) + 1):
        if ceiling(sequence, w) == 1.0:
            return w
    return None
