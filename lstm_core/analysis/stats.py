"""Is a gap between two sets of runs real, or seed luck? An exact permutation test.

Train framing A with seeds 7..11 and framing B with the same seeds: five accuracies each.
If the framing made no difference, the ten numbers would just be ten draws of seed luck,
and any five of them were as likely to be "A's" as the five that were. So count, over
every way of splitting the ten into two groups of five, how often the gap between the
groups' means is at least as large as the one observed. That share is the p-value::

    >>> r = permutation_test([1, 2, 3], [4, 5, 6])   # completely separated, 3 runs each
    >>> r.difference, r.splits, r.p_value             # only 2 of the 20 splits are that far apart
    (-3.0, 20, 0.1)

Small p: such a gap rarely comes from luck alone. But three runs each can never give less
than 0.1 (:func:`smallest_p_value`), so they can never answer "is it real?" firmly.

It is exact for accuracies (no normal approximation, right for five seeds) and needs no assumption
about the shape of the spread. Accuracies take few distinct values (k of 25 samples), so
the splits are counted by their sums rather than listed one by one: 20 seeds a side of
real accuracies (1.4e11 splits) take about a second::

    >>> naive = [80, 84, 80, 84, 80]                 # k of 25 letters right
    >>> window = [86.96, 86.96, 86.96, 82.61, 82.61] # k of 23
    >>> r = permutation_test(naive, window)
    >>> round(r.difference, 2), round(r.p_value, 3)
    (-3.62, 0.048)

Values with many distinct levels (losses, timings) would make that count explode; past
``MAX_STATES`` partial sums the test draws ``RANDOM_SPLITS`` random splits instead, with a
fixed seed, and says so (``exact=False``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from math import comb

import numpy as np

_DIGITS = 9  # sums are compared after rounding, so 0.1 + 0.2 and 0.3 count as the same sum
MAX_STATES = 50_000  # partial sums the exact count may hold (well under a second); past it, random splits
RANDOM_SPLITS = 20_000  # splits drawn when the exact count would be too big


@dataclass(frozen=True)
class PermutationTest:
    """The result of :func:`permutation_test`."""

    difference: float  # mean(a) - mean(b)
    p_value: float  # share of equal-size splits whose |difference| is at least as large (two-sided)
    splits: int  # how many splits were counted: C(len(a) + len(b), len(a))
    smallest_p: float  # the smallest p-value these group sizes can give, whatever the data
    exact: bool = True  # False: p estimated from RANDOM_SPLITS random splits (many distinct values)


def smallest_p_value(n_a: int, n_b: int) -> float:
    """The smallest two-sided p-value ``n_a`` and ``n_b`` runs can ever give.

    It is reached when the groups do not overlap at all; with equal sizes the mirror-image
    split is as extreme, so two splits count::

        >>> smallest_p_value(2, 2), smallest_p_value(3, 3), round(smallest_p_value(5, 5), 4)
        (0.3333333333333333, 0.1, 0.0079)
    """
    if n_a < 1 or n_b < 1:
        raise ValueError(f"need at least 1 run in each group, got {n_a} and {n_b}")
    return (2 if n_a == n_b else 1) / comb(n_a + n_b, n_a)


def permutation_test(a: Sequence[float], b: Sequence[float]) -> PermutationTest:
    """Exact two-sided permutation test of mean(a) - mean(b).

    Counts, over all ``C(n, len(a))`` ways of picking ``len(a)`` of the pooled values, how
    many give a difference of means at least as large in size as the observed one. Ties
    count as "at least as large", so identical groups give p = 1::

        >>> permutation_test([84, 84], [84, 84]).p_value
        1.0
    """
    if len(a) < 1 or len(b) < 1:
        raise ValueError(f"need at least 1 run in each group, got {len(a)} and {len(b)}")
    n_a, n_b = len(a), len(b)
    total = sum(a) + sum(b)
    observed = sum(a) / n_a - sum(b) / n_b
    splits = comb(n_a + n_b, n_a)
    tolerance = 10.0 ** (-_DIGITS + 3)
    smallest = smallest_p_value(n_a, n_b)
    # ways[(k, s)] = number of ways to pick k of the pooled values with sum s. Equal values
    # are taken together (C(mult, j) ways to take j of them), which keeps the table small.
    ways: dict[tuple[int, float], int] = {(0, 0.0): 1}
    for value, mult in Counter(round(float(x), _DIGITS) for x in [*a, *b]).items():
        if len(ways) * (min(mult, n_a) + 1) > MAX_STATES:  # checked before the work, not after
            return PermutationTest(observed, _random_p(a, b, observed, tolerance), splits, smallest, False)
        grown: dict[tuple[int, float], int] = defaultdict(int)
        for (k, s), w in ways.items():
            for j in range(min(mult, n_a - k) + 1):
                grown[(k + j, round(s + j * value, _DIGITS))] += w * comb(mult, j)
        ways = grown
    extreme = sum(
        w
        for (k, s), w in ways.items()
        if k == n_a and abs(s / n_a - (total - s) / n_b) >= abs(observed) - tolerance
    )
    return PermutationTest(observed, extreme / splits, splits, smallest)


def _random_p(a: Sequence[float], b: Sequence[float], observed: float, tolerance: float) -> float:
    """p from random splits; (hits + 1) / (draws + 1) never reports an impossible 0."""
    pooled = np.asarray([*a, *b], dtype=np.float64)
    rng = np.random.default_rng(0)  # the same data always gives the same p
    picks = rng.permuted(np.tile(pooled, (RANDOM_SPLITS, 1)), axis=1)
    diffs = picks[:, : len(a)].mean(1) - picks[:, len(a) :].mean(1)
    hits = int(np.sum(np.abs(diffs) >= abs(observed) - tolerance))
    return (hits + 1) / (RANDOM_SPLITS + 1)
