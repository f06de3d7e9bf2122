"""The Memory page's verdict on the truncated-backpropagation experiment, from outcomes alone."""

from __future__ import annotations

from math import comb
from types import SimpleNamespace

import pytest

from lstm_core.experiments import truncated_bptt as exp


def outcome(arm, seed, recall, stopped=False, loss=0.5, epoch=400, ceiling=0.5, total=20):
    right = round(recall * total)
    return SimpleNamespace(arm=arm, seed=seed, recall_accuracy=right / total, recall_ceiling=ceiling,
                           recall_right=right, recall_total=total, stopped=stopped, epochs=epoch,
                           history=[SimpleNamespace(loss=loss, epoch=epoch)] if epoch else [])


def test_theory_held_everywhere():
    verdicts = exp.verdict([outcome("a", 7, 0.5), outcome("b", 7, 1.0), outcome("c", 7, 1.0)])
    assert [(v.arm, v.kind, v.hits, v.finished) for v in verdicts] == [
        ("b", "ok", 1, 1), ("c", "ok", 1, 1), ("a", "ok", 0, 1)]


@pytest.mark.parametrize("recalls", [(0.55, 0.50, 0.60), (0.55, 0.55, 0.30)])
def test_a_at_chance_levels_of_issue_22_is_not_better_than_chance(recalls):
    # k = 8 and k = 6, random order, 3 seeds, 20 recalled letters each: what issue 22 measured.
    outcomes = [outcome("a", seed, r) for seed, r in zip((7, 8, 9), recalls)]
    v = exp.verdict(outcomes)[2]
    assert v.kind == "ok" and v.hits == 0 and v.finished == 3
    assert [(t.seed, t.right, t.total) for t in v.tests] == [
        (seed, round(20 * r), 20) for seed, r in zip((7, 8, 9), recalls)]
    assert v.tests[0].p_value == pytest.approx(sum(comb(20, i) for i in range(11, 21)) / 2**20)
    assert v.threshold == pytest.approx(0.05 / 3)


def test_a_beating_chance_by_far_is_a_surprise_with_its_counts():
    outcomes = [outcome("a", 7, 0.9), outcome("a", 8, 0.5), outcome("b", 7, 1.0), outcome("c", 7, 1.0)]
    v = exp.verdict(outcomes)[2]
    assert v.kind == "surprise" and v.hits == 1
    assert v.tests[0].right == 18 and v.tests[0].beats_chance and v.tests[0].p_value < 0.001
    assert not v.tests[1].beats_chance


def test_binomial_tail_is_exact():
    assert exp.p_at_least(12, 20, 0.5) == pytest.approx(sum(comb(20, i) for i in range(12, 21)) / 2**20)
    assert exp.p_at_least(20, 20, 0.5) == pytest.approx(0.5**20)
    assert exp.p_at_least(0, 20, 0.3) == pytest.approx(1.0)


def test_a_stopped_run_gets_no_theory_verdict():
    # Issue 22: after a Stop at epoch 123 of 400 the page still said "theory and result disagree".
    cut = outcome("a", 7, 1.0, stopped=True, epoch=123)
    v = exp.verdict([cut, outcome("b", 7, 1.0), outcome("c", 7, 1.0)])
    assert v[2].kind == "stopped" and v[2].tests == [] and v[2].stopped == [(7, 123)]
    # Mixed: only the finished seed is judged.
    v = exp.verdict([outcome("a", 7, 1.0, stopped=True, epoch=123), outcome("a", 8, 0.55)])[2]
    assert v.kind == "ok" and v.finished == 1 and [t.seed for t in v.tests] == [8]


def test_stalled_and_stopped_runs_are_told_apart():
    outcomes = [outcome("b", 7, 0.5, loss=1.25), outcome("b", 8, 0.5, stopped=True, epoch=12),
                outcome("c", 7, 1.0), outcome("a", 7, 0.5)]
    b = exp.verdict(outcomes)[0]
    assert b.kind == "surprise" and b.finished == 1
    assert b.stalled == [(7, 1.25)] and b.stopped == [(8, 12)]
    only_stopped = exp.verdict([outcome("c", 7, 0.4, stopped=True, epoch=0)])[1]
    assert only_stopped.kind == "stopped" and only_stopped.stopped == [(7, 0)]


def test_runs_are_scored_by_label_never_by_place(monkeypatch):
    monkeypatch.setattr(exp, "score", lambda arm, seed, run, k: (arm, seed, run))
    plan = exp.experiment_configs(4, seeds=[7, 8])
    runs = {exp.label(arm, seed): f"run {arm}{seed}" for arm, seed, _ in plan if (arm, seed) != ("a", 7)}
    scored = exp.score_runs(plan, runs, 4)
    assert scored[0] == ("b", 7, "run b7") and len(scored) == 5
    assert all(run == f"run {arm}{seed}" for arm, seed, run in scored)
