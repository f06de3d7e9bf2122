"""The Memory page's verdict on the truncated-backpropagation experiment, from outcomes alone."""

from __future__ import annotations

from types import SimpleNamespace

from lstm_core.experiments import truncated_bptt as exp


def outcome(arm, seed, recall, stopped=False, loss=0.5, epoch=400, ceiling=0.5):
    return SimpleNamespace(arm=arm, seed=seed, recall_accuracy=recall, recall_ceiling=ceiling,
                           stopped=stopped, history=[SimpleNamespace(loss=loss, epoch=epoch)])


def test_theory_held_everywhere():
    outcomes = [outcome("a", 7, 0.5), outcome("b", 7, 1.0), outcome("c", 7, 1.0)]
    verdicts = exp.verdict(outcomes, 4)
    assert [kind for kind, _ in verdicts] == ["ok", "ok", "ok"]
    assert verdicts[0][1].startswith("(b) stateful, k+1 steps per update: 1 of 1 seeds recall every letter")


def test_a_beating_chance_is_a_surprise_named_with_its_best_seed():
    outcomes = [outcome("a", 7, 0.9), outcome("a", 8, 0.5), outcome("b", 7, 1.0), outcome("c", 7, 1.0)]
    kind, sentence = exp.verdict(outcomes, 4)[2]
    assert kind == "surprise"
    assert "1 of 2 seeds recall better than chance (best 90%)" in sentence
    assert "theory and result disagree" in sentence


def test_stalled_and_stopped_runs_are_told_apart():
    outcomes = [outcome("b", 7, 0.5, loss=1.25), outcome("b", 8, 0.5, stopped=True, epoch=12),
                outcome("c", 7, 1.0), outcome("a", 7, 0.5)]
    kind, sentence = exp.verdict(outcomes, 4)[0]
    assert kind == "surprise"
    assert "seed 7 (final loss 1.25); training stalled" in sentence
    assert "Stopped before the end: seed 8 (12 epochs)." in sentence


def test_runs_are_scored_by_label_never_by_place(monkeypatch):
    monkeypatch.setattr(exp, "score", lambda arm, seed, run, k: (arm, seed, run))
    plan = exp.experiment_configs(4, seeds=[7, 8])
    runs = {exp.label(arm, seed): f"run {arm}{seed}" for arm, seed, _ in plan if (arm, seed) != ("a", 7)}
    scored = exp.score_runs(plan, runs, 4)
    assert scored[0] == ("b", 7, "run b7") and len(scored) == 5
    assert all(run == f"run {arm}{seed}" for arm, seed, run in scored)
