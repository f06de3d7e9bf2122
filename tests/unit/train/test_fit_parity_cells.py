"""GRU, SimpleRNN and stacked layers: our trainer learns exactly what stock ``model.fit`` learns.

The same check as test_fit_parity.py (same initial weights from a freshly built Keras model,
shuffle off, a few epochs; weights and per-epoch losses within 1e-4), for the other cells
and for two and three stacked layers, stateless, stateful and masked.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from lstm_core.config import ALPHABET, LSTMConfig  # noqa: E402
from lstm_core.data.framings import make_dataset  # noqa: E402
from lstm_core.model import keras_models  # noqa: E402
from lstm_core.model.cells import Weights  # noqa: E402
from lstm_core.train import trainer  # noqa: E402

WINDOW = LSTMConfig(framing="timestep-window", sequence=ALPHABET[:12], window=3, units=6, epochs=3,
                    batch_size=4, shuffle=False)
STATEFUL = LSTMConfig(framing="stateful", sequence=ALPHABET[:11], units=5, epochs=3, batch_size=2,
                      shuffle=False, stateful=True)
MASKED = LSTMConfig(framing="variable-length", sequence=ALPHABET[:10], window=4, units=5, epochs=3,
                    batch_size=4, shuffle=False, padding="mask", encoding="onehot", num_samples=14)

CASES = {
    "gru, window": WINDOW.replace(cell="gru"),
    "simple, window": WINDOW.replace(cell="simple"),
    "two stacked lstm, window": WINDOW.replace(layers=2),
    "gru, stateful": STATEFUL.replace(cell="gru"),
    "two stacked lstm, stateful": STATEFUL.replace(layers=2),
    "three stacked simple, masked": MASKED.replace(cell="simple", layers=3),
    "two stacked gru, masked": MASKED.replace(cell="gru", layers=2),
    "two stacked lstm, per step": STATEFUL.replace(layers=2, steps_per_update=3, batch_size=1),
}


def stock_fit(model, data, config: LSTMConfig) -> list[float]:
    if config.stateful:
        losses = []
        for _ in range(config.epochs):
            h = model.fit(data.X, data.y, epochs=1, batch_size=config.batch_size, shuffle=False, verbose=0)
            keras_models.reset_states(model, config)
            losses += h.history["loss"]
        return losses
    h = model.fit(data.X, data.y, epochs=config.epochs, batch_size=config.batch_size, shuffle=False,
                  verbose=0)
    return h.history["loss"]


@pytest.mark.parametrize("case", list(CASES))
def test_cell_trainer_matches_stock_fit(case):
    config = CASES[case]
    keras.utils.set_random_seed(config.seed)
    model = keras_models.stock_model(config, jit_compile=False)
    data = make_dataset(config)
    start = Weights(*model.get_weights())
    assert start.cell == config.cell and start.layers == config.layers

    ours = trainer.train(config, initial_weights=start, dataset=data)
    stock_losses = stock_fit(model, data, config)

    theirs_all = model.get_weights()
    assert len(ours.weights) == len(theirs_all) == 3 * config.layers + 2
    for name, mine, theirs in zip(ours.weights.names, ours.weights, theirs_all):
        scale = float(np.abs(theirs).max())
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-4 * scale,
                                   err_msg=f"{case}: {name} differs from fit's")
    for k in range(config.layers):  # every layer learned something
        assert not np.allclose(ours.weights[3 * k], start[3 * k]), f"layer {k + 1} did not change"
    np.testing.assert_allclose([h.loss for h in ours.history], stock_losses, rtol=1e-4)
    updates = config.epochs * math.ceil(config.num_examples / config.batch_size)
    assert int(model.optimizer.iterations.numpy()) == updates


def test_stacked_train_many_equals_single_runs():
    """Several seeds of a stacked GRU trained side by side end where each would alone."""
    base = STATEFUL.replace(cell="gru", layers=2, epochs=4)
    configs = [base.replace(seed=s) for s in (7, 8, 9)]
    together = trainer.train_many(configs, cores=1)
    for cfg, run in zip(configs, together):
        alone = trainer.train(cfg)
        for a, b in zip(run.weights, alone.weights):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose([h.loss for h in run.history], [h.loss for h in alone.history],
                                   rtol=1e-5)
    assert not np.allclose(together[0].weights.kernel, together[1].weights.kernel)  # seeds differ
