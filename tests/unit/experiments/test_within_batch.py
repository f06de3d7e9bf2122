"""State's within-batch experiment (lstm_core.experiments.within_batch) with a fake trainer."""

from __future__ import annotations

from types import SimpleNamespace

from lstm_core.experiments import within_batch

ACCURACY = {(False, 25): 1.0, (True, 25): 1.0, (True, 1): 0.96}  # by (shuffle, batch size)


def fake_train_all(configs):
    return [SimpleNamespace(config=c, history=[], seconds=0.5, stopped=False) for c in configs]


def test_three_arms_of_the_whole_batch_preset_same_seed_and_epochs():
    pairs = within_batch.arm_configs()
    assert [label for label, _ in pairs] == ["shuffle off", "shuffle on", "batch of 1"]
    assert {c.seed for _, c in pairs} == {7} and {c.epochs for _, c in pairs} == {5000}


def test_the_table_is_labelled_by_arm_and_words_the_gap_and_the_control(monkeypatch):
    monkeypatch.setattr(
        within_batch.inference, "accuracy", lambda run: ACCURACY[(run.config.shuffle, run.config.batch_size)]
    )
    rows = within_batch.run_experiment(fake_train_all)
    assert [(r["label"], r["accuracy"], r["batch_size"]) for r in rows] == [
        ("shuffle off", 100.0, 25), ("shuffle on", 100.0, 25), ("batch of 1", 96.0, 1)]
    assert within_batch.shuffle_gap(rows) == 0.0
    assert within_batch.control(rows) == 96.0


def test_an_arm_that_did_not_finish_leaves_nothing_to_compare(monkeypatch):
    monkeypatch.setattr(within_batch.inference, "accuracy", lambda run: 1.0)
    runs = {label: fake_train_all([c])[0] for label, c in within_batch.arm_configs()}
    del runs["shuffle on"]
    assert within_batch.outcomes(runs) is None
