"""Scheduling many runs: stacks cut so both cores finish together, little padding, costliest first."""

from __future__ import annotations

import pytest

from lstm_core.config import FRAMINGS
from lstm_core.presets import preset
from lstm_core.train import schedule
from lstm_core.train.step import step_shape


def seeds(name: str, n: int, **changes) -> list:
    return [preset(name).replace(seed=7 + s, **changes) for s in range(n)]


def test_twenty_costly_seeds_split_evenly_over_two_cores_with_no_idle_model():
    configs = seeds("variable-length", 20)
    stacks = schedule.plan(configs, workers=2, built=())
    assert [len(s) for s in stacks] == [10, 10]
    assert sorted(i for s in stacks for i in s) == list(range(20))
    assert all(schedule.bucket(len(s)) == len(s) for s in stacks)  # nothing padded
    assert schedule.plan(configs, workers=1, built=()) == [list(range(20))]  # one core: one stack


def test_reproduce_twenty_seeds_plan_puts_the_costly_framing_first_and_keeps_cheap_ones_whole():
    configs = [c for name in FRAMINGS for c in seeds(name, 20)]
    stacks = schedule.plan(configs, workers=2, built=())
    names = [configs[s[0]].framing for s in stacks]
    assert names[:2] == ["variable-length", "variable-length"]  # longest first, one per core
    costs = [schedule.stack_cost(schedule.run_cost(configs[s[0]]), len(s)) for s in stacks]
    assert costs == sorted(costs, reverse=True)
    for s in stacks:  # a stack holds one shape only
        assert len({step_shape(configs[i]) for i in s}) == 1
    # every cheap framing trains in one stack of 20 (a second compile would cost more)
    assert sorted(len(s) for s in stacks if configs[s[0]].framing != "variable-length")[:1] != [1]


def test_a_cheap_group_is_not_split_when_a_second_compiled_function_costs_more_than_it_saves():
    configs = seeds("naive", 5) + seeds("stateful", 1)
    assert schedule.plan(configs, workers=2, built=()) == [[0, 1, 2, 3, 4], [5]]


def test_uneven_groups_choose_the_cut_that_finishes_first_not_the_even_one():
    # 14 costly seeds: 7 + 7 would pad both stacks to 8 models; 8 + 6 pads none and the
    # extra stateful run fits beside the 6
    stacks = schedule.plan(seeds("variable-length", 14) + seeds("stateful", 1), workers=2, built=())
    assert [len(s) for s in stacks] == [8, 6, 1]


@pytest.mark.parametrize("m", [1, 5, 14, 20, 33, 70])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_partitions_cover_every_model_within_the_largest_bucket_and_pad_no_more_than_even(m, k):
    cuts = schedule.partitions(m, k)
    if m < k or m > k * schedule.BUCKETS[-1]:  # plan never asks for these
        assert all(max(c) <= schedule.BUCKETS[-1] for c in cuts)
        return
    even = cuts[0]
    assert max(even) - min(even) <= 1
    for cut in cuts:
        assert sum(cut) == m and len(cut) == k and min(cut) >= 1
        assert max(cut) <= schedule.BUCKETS[-1]
        padded = sum(schedule.bucket(p) for p in cut) - m
        assert padded <= sum(schedule.bucket(p) for p in even) - m


def test_many_seeds_stay_in_stacks_of_at_most_the_largest_bucket():
    configs = seeds("variable-length", 70)
    stacks = schedule.plan(configs, workers=2, built=())
    assert all(len(s) <= schedule.BUCKETS[-1] for s in stacks)
    assert sorted(i for s in stacks for i in s) == list(range(70))
