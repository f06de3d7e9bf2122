"""The Memory experiment trains every arm and seed in one train_many call; a stop keeps every model."""

from __future__ import annotations

import numpy as np

from lstm_core.experiments import truncated_bptt as exp
from lstm_core.model.cells import Weights
from lstm_core.train.trainer import train, train_many

EPOCHS = 3


def test_every_run_trains_in_one_call_and_equals_training_each_alone():
    calls = []

    def train_all(configs):
        calls.append(list(configs))
        return train_many([c.replace(epochs=EPOCHS) for c in configs])

    together = exp.run_experiment(3, seeds=[7, 8], train_all=train_all)
    assert len(calls) == 1 and len(calls[0]) == 6  # one call: 3 arms x 2 seeds
    assert [(o.arm, o.seed) for o in together] == [
        (arm, seed) for seed in (7, 8) for arm in ("a", "b", "c")
    ]
    alone = exp.run_experiment(3, seeds=[7, 8], train_fn=lambda cfg: train(cfg.replace(epochs=EPOCHS)))
    for t, a in zip(together, alone):
        assert not t.stopped and t.history[-1].epoch == EPOCHS
        for name, x, y in zip(Weights._fields, t.run.weights, a.run.weights):
            np.testing.assert_allclose(x, y, rtol=0, atol=1e-5, err_msg=f"({t.arm}) seed {t.seed}: {name}")
        assert abs(t.recall_accuracy - a.recall_accuracy) < 1e-9


def test_by_default_the_experiment_trains_through_train_many_once(monkeypatch):
    from lstm_core.train import trainer

    calls = []
    real = trainer.train_many

    def counted(configs, **kwargs):  # the real trainer, shortened, and counted
        calls.append(len(configs))
        return real([c.replace(epochs=EPOCHS) for c in configs], **kwargs)

    monkeypatch.setattr(trainer, "train_many", counted)
    outcomes = exp.run_experiment(3, seeds=[7])
    assert calls == [3] and [o.history[-1].epoch for o in outcomes] == [EPOCHS] * 3


def test_a_stop_returns_every_model_scored_as_far_as_it_got():
    polls = []

    def stop_soon() -> bool:
        polls.append(1)
        return len(polls) > 3

    outcomes = exp.run_experiment(
        3, seeds=[7], train_all=lambda configs: train_many(configs, should_stop=stop_soon, cores=1)
    )
    assert [o.arm for o in outcomes] == ["a", "b", "c"]  # every model comes back
    assert any(o.stopped for o in outcomes)
    for o in outcomes:
        done = o.history[-1].epoch if o.history else 0
        assert o.stopped == (done < exp.EPOCHS)
        assert 0 <= o.accuracy <= 1 and 0 <= o.recall_accuracy <= 1  # scored as it is
