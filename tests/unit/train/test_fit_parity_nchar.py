"""The one-shot n-char model (encoder LSTM, RepeatVector, decoder LSTM, TimeDistributed softmax)
learns in our trainer exactly what stock Keras ``model.fit`` learns, and numpy predicts what
Keras predicts.

Same initial weights (Keras's own, seeded), same order (shuffle off), a few epochs: all eight
weight arrays and fit's per-epoch loss agree within 1e-4.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

keras = pytest.importorskip("keras")
pytest.importorskip("tensorflow")

from lstm_core.config import ALPHABET, LSTMConfig  # noqa: E402
from lstm_core.data.framings import make_dataset  # noqa: E402
from lstm_core.model import keras_models, nchar  # noqa: E402
from lstm_core.model.cells import Weights  # noqa: E402
from lstm_core.train import trainer  # noqa: E402

CASES = {
    # 6 windows of 2 letters, the next 3 letters each, one window per update
    "batch 1, horizon 3": LSTMConfig(
        framing="n-char-output", sequence=ALPHABET[:10], window=2, horizon=3, units=6, epochs=3,
        batch_size=1, shuffle=False,
    ),
    # 8 windows in batches of 3, 3 and 2 (a partial last batch), one-hot, 5 letters out
    "batch 3, partial last, onehot, horizon 5": LSTMConfig(
        framing="n-char-output", sequence=ALPHABET[:14], window=2, horizon=5, units=5, epochs=3,
        batch_size=3, shuffle=False, encoding="onehot",
    ),
    # the cells engineer's machinery: a GRU encoder of two stacked layers, and a GRU decoder
    "GRU, 2 encoder layers": LSTMConfig(
        framing="n-char-output", sequence=ALPHABET[:10], window=3, horizon=2, units=4, epochs=3,
        batch_size=2, shuffle=False, cell="gru", layers=2,
    ),
}


def stock(config: LSTMConfig):
    keras.utils.set_random_seed(config.seed)
    return keras_models.stock_model(config, jit_compile=False), make_dataset(config)


@pytest.mark.parametrize("case", list(CASES))
def test_one_shot_trainer_matches_stock_fit(case):
    config = CASES[case]
    model, data = stock(config)
    kind = {"lstm": "LSTM", "gru": "GRU", "simple": "SimpleRNN"}[config.cell]
    assert [layer.__class__.__name__ for layer in model.layers[1:]] == [
        *[kind] * config.layers, "RepeatVector", kind, "TimeDistributed"
    ]
    start = Weights(*model.get_weights())
    assert data.y.shape == (config.num_examples, config.horizon, len(config.vocab))

    ours = trainer.train(config, initial_weights=start, dataset=data)
    fit = model.fit(data.X, data.y, epochs=config.epochs, batch_size=config.batch_size,
                    shuffle=False, verbose=0)

    assert ours.weights.layers == config.layers + 1  # the decoder is one more layer on top
    for name, mine, theirs in zip(ours.weights.names, ours.weights, model.get_weights()):
        scale = float(np.abs(theirs).max())
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-4 * scale,
                                   err_msg=f"{case}: {name} differs from fit's")
    assert not np.allclose(nchar.decoder_layer(ours.weights)[0], nchar.decoder_layer(start)[0]), "decoder?"
    np.testing.assert_allclose([h.loss for h in ours.history], fit.history["loss"], rtol=1e-4)
    np.testing.assert_allclose([h.accuracy for h in ours.history], fit.history["accuracy"], atol=1e-6)
    updates = config.epochs * math.ceil(config.num_examples / config.batch_size)
    assert int(model.optimizer.iterations.numpy()) == updates


@pytest.mark.parametrize(("case", "shape"), [("batch 3, partial last, onehot, horizon 5", (8, 5, 14)),
                                             ("GRU, 2 encoder layers", (6, 2, 10))])
def test_numpy_one_shot_predicts_what_keras_predicts(case, shape):
    config = CASES[case].replace(epochs=40)
    run = trainer.train(config)
    model = keras_models.keras_model(run)
    theirs = model.predict_on_batch(run.dataset.X)
    mine = nchar.predict(run.weights, run.dataset.X, config.horizon)
    assert mine.shape == theirs.shape == shape
    np.testing.assert_allclose(mine, theirs, atol=1e-5)
