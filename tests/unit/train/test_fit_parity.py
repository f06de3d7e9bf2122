"""Our trainer learns exactly what stock Keras ``model.fit`` learns.

Same initial weights (taken from a freshly built Keras model), same sample order
(shuffle off), a few epochs: the weights, the per-epoch loss fit logs, and the number of
Adam updates must agree. Covers batch size 1, a batch size with a smaller last batch,
stateful training with a reset per epoch, and masked variable-length runs.
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

CASES = {
    # n = 8 samples of 2 time steps, one sample per update
    "batch 1": LSTMConfig(
        framing="timestep-window",
        sequence=ALPHABET[:10],
        window=2,
        units=6,
        epochs=3,
        batch_size=1,
        shuffle=False,
    ),
    # n = 12, batches of 5, 5 and 2: the last batch's loss is a mean over its 2 rows
    "batch 5, partial last": LSTMConfig(
        framing="timestep-window",
        sequence=ALPHABET[:15],
        window=3,
        units=6,
        epochs=3,
        batch_size=5,
        shuffle=False,
    ),
    # state carried row by row from batch to batch, reset after every epoch
    "stateful, batch 2": LSTMConfig(
        framing="stateful",
        sequence=ALPHABET[:11],
        units=6,
        epochs=3,
        batch_size=2,
        shuffle=False,
        stateful=True,
    ),
    # masked padding: skipped steps must be skipped in the gradient too
    "variable-length, mask": LSTMConfig(
        framing="variable-length",
        sequence=ALPHABET[:10],
        window=4,
        units=6,
        epochs=3,
        batch_size=4,
        shuffle=False,
        padding="mask",
        encoding="onehot",
        num_samples=14,
    ),
}


def stock_model(config: LSTMConfig):
    """The tutorial's model with Keras's own seeded weights (XLA off: same math, less compiling)."""
    keras.utils.set_random_seed(config.seed)
    return keras_models.stock_model(config, jit_compile=False), make_dataset(config)


def stock_fit(model, data, config: LSTMConfig) -> list[float]:
    """fit as the tutorial calls it; returns fit's per-epoch loss."""
    if config.stateful:
        lstm = model.get_layer("lstm")
        losses = []
        for _ in range(config.epochs):
            h = model.fit(data.X, data.y, epochs=1, batch_size=config.batch_size, shuffle=False, verbose=0)
            lstm.reset_state()
            losses += h.history["loss"]
        return losses
    h = model.fit(
        data.X, data.y, epochs=config.epochs, batch_size=config.batch_size, shuffle=False, verbose=0
    )
    return h.history["loss"]


def our_adam_steps(config: LSTMConfig, weights: Weights) -> int:
    """Adam's step counter after training, as the trainer's compiled function returns it."""
    stack = trainer._Stack([(0, config, None, weights)], 1)
    while not stack.finished:
        stack.run_chunk()
    return int(stack.iters.numpy()[0])


@pytest.mark.parametrize("case", list(CASES))
def test_trainer_matches_stock_fit(case):
    config = CASES[case]
    model, data = stock_model(config)
    start = Weights(*model.get_weights())

    ours = trainer.train(config, initial_weights=start, dataset=data)
    stock_losses = stock_fit(model, data, config)

    for name, mine, theirs in zip(Weights._fields, ours.weights, model.get_weights()):
        scale = float(np.abs(theirs).max())
        np.testing.assert_allclose(
            mine, theirs, rtol=1e-4, atol=1e-4 * scale, err_msg=f"{case}: {name} differs from fit's"
        )
    assert not np.allclose(ours.weights.kernel, start.kernel), "training changed nothing"

    # The loss fit logs per epoch: batch losses averaged with batch sizes as weights.
    np.testing.assert_allclose([h.loss for h in ours.history], stock_losses, rtol=1e-4)

    # Same number of weight updates: ceil(n / batch size) per epoch, the last batch partial.
    updates = config.epochs * math.ceil(config.num_examples / config.batch_size)
    assert int(model.optimizer.iterations.numpy()) == updates
    assert our_adam_steps(config, start) == updates
