"""The permutation test behind Compare's verdict, checked against listing every split."""

from __future__ import annotations

import itertools
import random
from math import comb

import pytest

from lstm_core.analysis import stats
from lstm_core.analysis.stats import permutation_test, smallest_p_value
from lstm_core.data.ceiling import dataset_ceiling, stateful_ceiling
from lstm_core.data.framings import make_dataset
from lstm_core.presets import preset


def brute_force_p(a: list[float], b: list[float]) -> float:
    """Every split of the pooled runs, listed one by one: the definition, slowly."""
    pooled = [*a, *b]
    observed = abs(sum(a) / len(a) - sum(b) / len(b))
    hits = total = 0
    for idx in itertools.combinations(range(len(pooled)), len(a)):
        chosen = set(idx)
        ga = [pooled[i] for i in chosen]
        gb = [pooled[i] for i in range(len(pooled)) if i not in chosen]
        hits += abs(sum(ga) / len(ga) - sum(gb) / len(gb)) >= observed - 1e-9
        total += 1
    return hits / total


def accuracies(rng: random.Random, n: int, samples: int) -> list[float]:
    """Accuracies as training gives them: k of `samples` right, in percent."""
    return [100 * rng.randint(samples - 6, samples) / samples for _ in range(n)]


@pytest.mark.parametrize("n_a,n_b", [(1, 1), (2, 3), (4, 4), (5, 5), (3, 6), (6, 5)])
def test_exact_p_value_equals_listing_every_split(n_a, n_b):
    rng = random.Random(n_a * 10 + n_b)
    for _ in range(5):
        a, b = accuracies(rng, n_a, 25), accuracies(rng, n_b, 23)
        result = permutation_test(a, b)
        assert result.exact
        assert result.splits == comb(n_a + n_b, n_a)
        assert result.p_value == pytest.approx(brute_force_p(a, b), abs=1e-12)


def test_the_issue_figures_five_seeds_each():
    # The Compare run the issue quotes (seeds 7-11): 80.00% vs 86.96% medians.
    naive = [80, 84, 80, 84, 80]
    window = [86.96, 86.96, 86.96, 82.61, 82.61]
    result = permutation_test(naive, window)
    assert result.difference == pytest.approx(-3.62)
    assert result.p_value == pytest.approx(12 / 252)  # 12 of the 252 splits are as far apart
    assert result.p_value == pytest.approx(brute_force_p(naive, window))


def test_identical_groups_are_no_evidence_and_separation_is_bounded_by_group_size():
    assert permutation_test([84, 84, 84], [84, 84, 84]).p_value == 1.0
    # Perfect separation can only reach the smallest p the sizes allow.
    for n in (2, 3, 4, 5):
        low, high = list(range(n)), list(range(10, 10 + n))
        assert permutation_test(low, high).p_value == pytest.approx(smallest_p_value(n, n))
    assert smallest_p_value(3, 3) == pytest.approx(0.1)  # 3 seeds a side can never say p < 0.05
    assert smallest_p_value(4, 4) < 0.05


# Measured here: seeds 7-26 of the tutorial settings (python -m lstm_core reproduce --seeds 20).
NAIVE_20 = [80, 84, 80, 84, 80, 84, 88, 84, 88, 80, 80, 88, 76, 84, 80, 80, 88, 80, 84, 84]
WINDOW_20 = [86.96, 86.96, 86.96, 82.61, 82.61, 86.96, 86.96, 86.96, 86.96, 86.96,
             86.96, 82.61, 86.96, 82.61, 91.3, 86.96, 82.61, 86.96, 82.61, 82.61]


def test_twenty_seeds_a_side_of_real_accuracies_stay_exact():
    result = permutation_test(NAIVE_20, WINDOW_20)
    assert result.exact and result.splits == comb(40, 20)
    assert result.difference == pytest.approx(-2.8545)
    assert result.p_value == pytest.approx(0.00511, abs=5e-5)


def test_many_distinct_values_fall_back_to_random_splits_close_to_exact(monkeypatch):
    rng = random.Random(5)
    a = [rng.random() for _ in range(6)]
    b = [rng.random() + 0.3 for _ in range(6)]
    exact = permutation_test(a, b)
    assert exact.exact
    monkeypatch.setattr(stats, "MAX_STATES", 10)
    estimate = permutation_test(a, b)
    assert not estimate.exact
    assert estimate.p_value == pytest.approx(exact.p_value, abs=0.015)
    assert permutation_test(a, b).p_value == estimate.p_value  # fixed seed: same data, same p


def test_empty_group_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="at least 1 run in each group"):
        permutation_test([], [80.0])


def test_stateful_ceiling_counts_what_the_carried_state_has_read():
    text = "aaaabbbccd" * 6
    one = make_dataset(preset("stateful").replace(sequence=text))
    assert dataset_ceiling(one) == pytest.approx(41 / 59)
    assert stateful_ceiling(one) == 1.0
    # With 59 rows of one sample each, every row reads one letter from a reset: no memory.
    wide = make_dataset(preset("stateful").replace(sequence=text, batch_size=59))
    assert stateful_ceiling(wide) == pytest.approx(dataset_ceiling(wide))
    assert stateful_ceiling(make_dataset(preset("stateful"))) == 1.0


def test_stateful_ceiling_counts_every_step_of_a_per_step_model():
    text = "aaaabbbccd" * 6
    chunked = make_dataset(preset("stateful").replace(sequence=text, steps_per_update=5))
    assert chunked.per_step
    assert stateful_ceiling(chunked) == 1.0  # state carried chunk to chunk knows where it is
    alphabet = make_dataset(preset("stateful").replace(steps_per_update=5))
    assert stateful_ceiling(alphabet) == 1.0
