"""The truncated-backpropagation experiment's engine: arms, theory per arm, and scoring real runs."""

from __future__ import annotations

import pytest

from lstm_core.data import texts
from lstm_core.experiments import truncated_bptt as exp


def test_arms_and_their_theory():
    plan = exp.experiment_configs(4, seeds=[7, 8])
    assert [(arm, seed) for arm, seed, _ in plan] == [
        ("a", 7),
        ("b", 7),
        ("c", 7),
        ("a", 8),
        ("b", 8),
        ("c", 8),
    ]
    a, b, c = (cfg for _, _, cfg in plan[:3])
    assert (a.stateful, a.time_steps, b.stateful, b.time_steps, c.stateful, c.time_steps) == (
        True,
        1,
        True,
        5,
        False,
        5,
    )
    assert a.sequence == b.sequence == c.sequence == texts.delayed_recall(4, exp.RUNS)
    # Without memory the recalled letter is a coin flip; with k + 1 letters it is certain.
    assert exp._ceilings(a, "a", 4) == (pytest.approx(texts.ceiling(a.sequence, 1)), 0.5)
    assert exp._ceilings(c, "c", 4) == (1.0, 1.0)
    shuffled = exp.experiment_configs(4, seeds=[7], order="random")[0][2].sequence
    assert sorted(shuffled) == sorted(a.sequence) and shuffled != a.sequence
    assert exp._ceilings(exp.experiment_configs(4, [7], "random")[0][2], "a", 4)[1] == 0.5


def test_every_arm_trains_and_is_scored_on_the_recalled_letters():
    from lstm_core.train.trainer import train

    started = []
    outcomes = exp.run_experiment(
        3, seeds=[7], train_fn=lambda cfg: train(cfg.replace(epochs=3)), on_start=lambda *a: started.append(a)
    )
    assert [o.arm for o in outcomes] == ["a", "b", "c"] and [s[:2] for s in started] == [
        (0, 3),
        (1, 3),
        (2, 3),
    ]
    for o in outcomes:
        assert 0 <= o.recall_accuracy <= 1 and 0 <= o.accuracy <= 1 and o.history[-1].epoch == 3
        # The count behind the share, for the binomial test: 20 recalls in the text (b's chunks may skip one).
        assert o.recall_total in (19, 20) and o.recall_right == round(o.recall_accuracy * o.recall_total)
        assert o.epochs == 3
        assert o.run is not None and o.seconds > 0
    window = outcomes[2]
    # A window model reads nothing outside its sample: zero influence from there, exactly.
    assert window.cue_beyond == 0.0 and window.max_beyond == 0.0
    # Stateful models: letters of earlier samples do reach the prediction through the state.
    assert outcomes[0].max_beyond > 0.0


def test_predicted_positions_match_the_prediction_table_order():
    a, b, c = (cfg for _, _, cfg in exp.experiment_configs(4, seeds=[7]))
    text = a.sequence
    assert exp.predicted_positions(a)[:3].tolist() == [1, 2, 3]
    assert exp.predicted_positions(b)[:3].tolist() == [1, 2, 3] and len(exp.predicted_positions(b)) == 95
    assert exp.predicted_positions(c)[0] == 5 and text[exp.predicted_positions(c)[-1]] == text[-1]
