"""Progress inside long epochs: an epoch longer than a compiled call is reported part way through."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lstm_core.config import ALPHABET, LSTMConfig
from lstm_core.model.cells import Weights
from lstm_core.train import schedule, trainer
from lstm_core.train.trainer import train, train_many

# 300 samples in batches of 1: 300 updates per epoch, a few milliseconds of work.
CONFIG = LSTMConfig(
    framing="variable-length", sequence=ALPHABET[:12], window=3, units=5, epochs=3,
    num_samples=300, batch_size=1,
)


@pytest.fixture
def short_calls(monkeypatch):
    """Calls of ~1/5 ms: every epoch here is then longer than a call (as 40,000-sample epochs
    are at the real quarter second), so the trainer must report inside epochs."""
    monkeypatch.setattr(trainer, "TARGET_CHUNK_SECONDS", 0.0002)


def test_a_long_epoch_is_reported_part_way_with_its_running_loss(short_calls):
    seen, lines = [], []

    def on_progress(p):
        seen.append(p)
        lines.append(len(p.history))  # (the list itself grows as training goes on)

    run = train(CONFIG, on_progress=on_progress)
    inside = [(p, n) for p, n in zip(seen, lines) if p.within > 0]
    assert inside, "no report inside an epoch"
    for p, n in inside:
        assert 0 < p.within < 1
        assert n == p.epoch  # the history only has finished epochs
        assert math.isfinite(p.loss) and 0 <= p.accuracy <= 1
        assert p.epoch / p.epochs < p.fraction < (p.epoch + 1) / p.epochs
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert seen[-1].within == 0 and seen[-1].epoch == 3
    # the running mean at the end of an epoch's last slice is close to the epoch's logged loss
    epoch_1 = [p for p, _ in inside if p.epoch == 0]
    if epoch_1 and epoch_1[-1].within > 0.8:
        assert abs(epoch_1[-1].loss - run.history[0].loss) < 0.5 * run.history[0].loss


def test_slicing_epochs_changes_no_weight_and_no_logged_loss(short_calls, monkeypatch):
    sliced = train(CONFIG)
    monkeypatch.setattr(trainer, "TARGET_CHUNK_SECONDS", 0.25)
    whole = train(CONFIG)
    for name, a, b in zip(Weights._fields, sliced.weights, whole.weights):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6, err_msg=name)
    np.testing.assert_allclose([h.loss for h in sliced.history], [h.loss for h in whole.history], rtol=1e-6)


def test_stacked_models_each_report_inside_long_epochs(short_calls):
    # a shape not compiled yet: else two lone runs of the compiled shape would be planned
    configs = [CONFIG.replace(seed=s, units=6) for s in (3, 4)]
    assert schedule.plan(configs) == [[0, 1]]
    seen: dict[int, list] = {0: [], 1: []}
    runs = train_many(configs, on_progress=lambda i, p: seen[i].append(p), cores=1)
    for i in (0, 1):
        assert any(p.within > 0 for p in seen[i])
        assert seen[i][-1].fraction == 1.0
        assert runs[i].epochs_done == 3
    # each model's running loss is its own (different seeds, different numbers)
    pairs = [(a.loss, b.loss) for a, b in zip(seen[0], seen[1]) if a.within > 0 and a.within == b.within]
    assert pairs and any(x != y for x, y in pairs)
