"""Per-step targets (truncated backpropagation through time) learn exactly what ``fit`` learns.

A stateful model with ``steps_per_update`` above 1 reads the text in chunks and predicts
the next letter after every step: stock Keras is ``LSTM(return_sequences=True,
stateful=True)`` + ``Dense(softmax)`` with y of shape (n, t, v), trained with ``fit`` one
epoch at a time and a state reset after each. Starting from the same weights, our trainer
must end with the same weights and log the same per-epoch losses (within 1e-4).
"""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")
pytest.importorskip("tensorflow")

from lstm_core.analysis import inference  # noqa: E402
from lstm_core.config import ALPHABET, LSTMConfig  # noqa: E402
from lstm_core.data.framings import make_dataset  # noqa: E402
from lstm_core.model import keras_models  # noqa: E402
from lstm_core.model.cells import Weights  # noqa: E402
from lstm_core.train import trainer  # noqa: E402

CASES = {
    # 25 letters -> 6 chunks of 4 steps, one chunk per update, state carried chunk to chunk
    "4 steps, batch 1": LSTMConfig(
        framing="stateful", sequence=ALPHABET, units=6, epochs=3, batch_size=1,
        shuffle=False, stateful=True, steps_per_update=4,
    ),
    # 2 rows of carried state, one-hot letters: 18 letters -> 8 chunks of 2 steps
    "2 steps, batch 2, onehot": LSTMConfig(
        framing="stateful", sequence="XabcYabcZabcWabcXa", units=5, epochs=3, batch_size=2,
        shuffle=False, stateful=True, steps_per_update=2, encoding="onehot",
    ),
}


def stock_fit(config: LSTMConfig):
    keras.utils.set_random_seed(config.seed)
    model = keras_models.stock_model(config, jit_compile=False)
    data = make_dataset(config)
    start = Weights(*model.get_weights())
    lstm = model.get_layer("lstm")
    losses = []
    for _ in range(config.epochs):
        h = model.fit(data.X, data.y, epochs=1, batch_size=config.batch_size, shuffle=False, verbose=0)
        lstm.reset_state()
        losses += h.history["loss"]
    return model, data, start, losses


@pytest.mark.parametrize("case", list(CASES))
def test_per_step_training_matches_stock_fit(case):
    config = CASES[case]
    model, data, start, stock_losses = stock_fit(config)
    assert data.y.shape == (config.num_examples, config.steps_per_update, len(config.vocab))

    ours = trainer.train(config, initial_weights=start, dataset=data)

    for name, mine, theirs in zip(Weights._fields, ours.weights, model.get_weights()):
        scale = float(np.abs(theirs).max())
        np.testing.assert_allclose(
            mine, theirs, rtol=1e-4, atol=1e-4 * scale, err_msg=f"{case}: {name} differs from fit's"
        )
    assert not np.allclose(ours.weights.kernel, start.kernel), "training changed nothing"
    np.testing.assert_allclose([h.loss for h in ours.history], stock_losses, rtol=1e-4)
    assert int(model.optimizer.iterations.numpy()) == config.epochs * config.num_examples // config.batch_size


def test_numpy_scores_every_step_like_keras_evaluate():
    """Accuracy of a per-step run counts every predicted step, as Keras's evaluate does."""
    config = CASES["4 steps, batch 1"].replace(epochs=40, units=12)
    run = trainer.train(config)
    model = keras_models.keras_model(run)
    probs = model.predict(run.dataset.X, batch_size=config.batch_size, verbose=0)  # (n, t, v)
    model.get_layer("lstm").reset_state()
    keras_acc = float(np.mean(probs.argmax(-1) == run.dataset.target_ids))
    assert inference.accuracy(run) == pytest.approx(keras_acc)
    table = inference.prediction_table(run)
    assert len(table) == config.num_examples * config.steps_per_update  # one row per step
    np.testing.assert_allclose(
        table["probability"].to_numpy(), probs.max(-1).reshape(-1), atol=1e-4
    )
