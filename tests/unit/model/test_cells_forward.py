"""The numpy forward pass of every cell and stack agrees with Keras's ``predict`` within 1e-5.

Random (not trained) weights of a plausible size are put in a Keras model built by
keras_models; numpy and Keras then read the same samples, with and without masking, and
a stateful model carries its state from batch to batch in both.
"""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from lstm_core.config import ALPHABET, LSTMConfig  # noqa: E402
from lstm_core.data.framings import make_dataset  # noqa: E402
from lstm_core.model import keras_models  # noqa: E402
from lstm_core.model.cells import Weights, forward, init_weights, weight_shapes  # noqa: E402


def _random_weights(config: LSTMConfig) -> Weights:
    """Weights of the config's shapes, larger than Keras's initial ones, so every gate matters."""
    rng = np.random.default_rng(3)
    shapes = weight_shapes(config.cell, config.layers, config.features, config.units, len(config.vocab))
    return Weights(*(rng.normal(0, 0.6, s).astype(np.float32) for s in shapes))


@pytest.mark.parametrize("cell", ["lstm", "gru", "simple"])
@pytest.mark.parametrize("layers", [1, 3])
def test_numpy_forward_equals_keras_predict(cell, layers):
    config = LSTMConfig(framing="variable-length", sequence=ALPHABET[:9], window=4, units=7, epochs=1,
                        padding="mask", encoding="onehot", num_samples=12, cell=cell, layers=layers)
    data = make_dataset(config)
    w = _random_weights(config)
    model = keras_models.build_model(keras_models.shape_key(config))
    model.set_weights(list(w))
    theirs = model.predict_on_batch(data.X)
    ours = forward(w, data.X, data.mask).probs
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    assert np.ptp(ours, axis=0).max() > 1e-3  # the samples get different answers: the input matters


@pytest.mark.parametrize("cell", ["gru", "simple"])
def test_stateful_state_carries_like_keras(cell):
    config = LSTMConfig(framing="stateful", sequence=ALPHABET[:9], units=5, epochs=1, batch_size=2,
                        shuffle=False, stateful=True, cell=cell, layers=2)
    data = make_dataset(config)
    w = _random_weights(config)
    model = keras_models.build_model(keras_models.shape_key(config))
    model.set_weights(list(w))
    keras_models.reset_states(model, config)
    h = c = None
    for k in range(0, len(data.X), 2):
        fw = forward(w, data.X[k : k + 2], None, h, c)
        h, c = fw.h, fw.c
        np.testing.assert_allclose(fw.probs, model.predict_on_batch(data.X[k : k + 2]), atol=1e-5)
    assert h.shape == (2, 2 * config.units)
    np.testing.assert_array_equal(c, 0.0)  # no cell state outside the LSTM


def _one_layer_lstm_as_always_drawn(config: LSTMConfig) -> list[np.ndarray]:
    """init_weights as it was before other cells existed (shipped presets were made with it)."""
    rng = np.random.default_rng(config.seed)
    f, u, v = config.features, config.units, len(config.vocab)

    def glorot(fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)

    q, r = np.linalg.qr(rng.normal(size=(4 * u, u)))
    q = (q * np.sign(np.diag(r))).T.astype(np.float32)
    bias = np.zeros(4 * u, np.float32)
    bias[u : 2 * u] = 1.0
    return [glorot(f, 4 * u), q, bias, glorot(u, v), np.zeros(v, np.float32)]


@pytest.mark.parametrize("name", ["naive", "feature-window", "stateful"])
def test_init_weights_of_a_one_layer_lstm_are_the_numbers_it_always_drew(name):
    from lstm_core.presets import preset

    config = preset(name)
    for mine, before in zip(init_weights(config), _one_layer_lstm_as_always_drawn(config), strict=True):
        np.testing.assert_array_equal(mine, before)


def test_init_weights_draw_keras_shapes():
    base = LSTMConfig()
    old = init_weights(base)
    assert old.cell == "lstm" and old.layers == 1 and len(old) == 5
    np.testing.assert_array_equal(init_weights(base.replace(layers=2))[1], old.recurrent_kernel)  # first draw
    for cell in ("lstm", "gru", "simple"):
        cfg = base.replace(cell=cell, layers=2, units=6)
        w = init_weights(cfg)
        assert [a.shape for a in w] == weight_shapes(cell, 2, 1, 6, 26)
        r = np.asarray(w[4], np.float64)  # the second layer's recurrent kernel: orthonormal rows
        np.testing.assert_allclose(r @ r.T, np.eye(6), atol=1e-5)
