"""Compare's sweep and verdict (lstm_core.experiments.compare), as plain functions: no app, no training."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from lstm_core.experiments import compare


def rows(naive: list[float], window: list[float], samples=(25, 23)) -> list[dict]:
    return [
        {"framing": name, "seed": 7 + i, "accuracy": acc, "samples": n, "seconds": 1.0}
        for name, accs, n in (("naive", naive, samples[0]), ("feature-window", window, samples[1]))
        for i, acc in enumerate(accs)
    ]


NAIVE_5 = [80.0, 84.0, 80.0, 80.0, 84.0]
WINDOW_5 = [86.96, 82.61, 86.96, 82.61, 86.96]


def test_the_verdict_with_five_seeds_is_a_p_value_in_words():
    words = compare.verdict(rows(NAIVE_5, WINDOW_5))
    assert "Over 5 seeds each, naive averages 81.60% and feature-window 85.22%" in words
    assert "p = 0.048" in words and "of the 252 ways" in words
    assert "Unlikely to be seed luck, though not beyond doubt" in words
    assert "Note the denominators: naive is scored on 25 samples" in words


def test_too_few_seeds_cannot_answer_and_say_how_many_would():
    words = compare.verdict(rows([80.0, 81.0], [90.0, 91.0], samples=(25, 25)))
    assert "2 seeds each cannot answer whether that is real" in words
    assert f"Use at least {compare.SEEDS_TO_ANSWER} seeds each." in words
    assert "denominators" not in words


def test_the_pair_is_the_tutorials_else_the_only_two_else_none():
    three = rows([80.0], [90.0]) + [{"framing": "stateful", "seed": 7, "accuracy": 100.0, "samples": 25}]
    assert compare.pair_to_judge(three) == compare.TUTORIAL_PAIR
    two = [r for r in three if r["framing"] != "naive"]
    assert compare.pair_to_judge(two) == ("feature-window", "stateful")
    assert compare.pair_to_judge(two[:1]) is None
    assert compare.verdict(two[:1]) is None


@pytest.mark.parametrize(
    "p, start",
    [(0.005, "Very unlikely"), (0.03, "Unlikely"), (0.1, "Weak evidence"), (0.5, "No sign")],
)
def test_how_sure_words_each_band_of_p(p, start):
    assert compare.how_sure(SimpleNamespace(p_value=p)).startswith(start)


def test_summary_keeps_the_order_run_and_the_tutorials_figure():
    table = compare.summary(rows([80.0, 84.0], [90.0, 86.0]))
    assert list(table["framing"]) == ["naive", "feature-window"]
    assert list(table["tutorial"]) == [84.0, 86.96]
    assert list(table["median"]) == [82.0, 88.0] and list(table["runs"]) == [2, 2]


def test_a_plan_refuses_in_one_sentence_and_labels_are_unique():
    assert compare.plan([], 3, 1.0) == ([], "Pick at least one framing.")
    configs, problem = compare.plan(["variable-length"], 10, 1.0)
    assert configs == [] and "limit" in problem
    configs, problem = compare.plan(["naive", "feature-window"], 3, 0.1)
    labels = [label for label, _ in compare.labelled(configs)]
    assert problem is None and len(set(labels)) == len(labels) == 6
    assert labels[0] == "run 1/6 · naive seed 7"


def test_a_seed_row_reads_the_run(monkeypatch):
    monkeypatch.setattr(compare.inference, "accuracy", lambda run: 0.84)
    config = compare.plan(["naive"], 1, 0.1)[0][0]
    row = compare.seed_row(SimpleNamespace(config=config, seconds=1.5))
    assert row == {"framing": "naive", "seed": 7, "accuracy": 84.0, "samples": 25, "seconds": 1.5}
