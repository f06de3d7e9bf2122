"""The numpy LSTM (cell.py) reproduces Keras's outputs and h/c states from trained weights.

In the spirit of micrograd's tests: the same computation in a trusted reference (Keras)
and in our few lines of numpy must agree.
"""

import keras
import numpy as np

from lstm_core.model.cells import forward
from lstm_core.presets import preset
from lstm_core.train.trainer import train


def _keras_parts(run):
    w = run.weights
    cell = keras.layers.LSTMCell(run.config.units)
    cell.build((None, run.config.features))
    cell.set_weights([w.kernel, w.recurrent_kernel, w.bias])
    dense = keras.layers.Dense(len(run.config.vocab), activation="softmax")
    dense.build((None, run.config.units))
    dense.set_weights([w.dense_kernel, w.dense_bias])
    return cell, dense


def test_numpy_lstm_matches_keras_outputs_and_states_at_every_step():
    run = train(preset("timestep-window").replace(epochs=40, units=12))
    X = run.dataset.X[:7]
    cell, dense = _keras_parts(run)
    ours = forward(run.weights, X)
    h = np.zeros((len(X), 12), np.float32)
    c = np.zeros_like(h)
    for t in range(X.shape[1]):
        out, (h, c) = cell(X[:, t], [h, c])
        h, c = np.asarray(h), np.asarray(c)
        np.testing.assert_allclose(ours.h_seq[:, t], h, atol=1e-5)
        np.testing.assert_allclose(ours.c_seq[:, t], c, atol=1e-5)
    np.testing.assert_allclose(ours.probs, np.asarray(dense(h)), atol=1e-5)


def test_numpy_lstm_matches_a_keras_lstm_layer_end_to_end():
    run = train(preset("variable-length").replace(epochs=3, num_samples=60))
    inp = keras.Input(shape=run.dataset.X.shape[1:])
    lstm = keras.layers.LSTM(run.config.units, return_state=True)
    out, h, c = lstm(inp)
    probs = keras.layers.Dense(26, activation="softmax")(out)
    model = keras.Model(inp, [probs, h, c])
    model.set_weights(list(run.weights))
    k_probs, k_h, k_c = model.predict_on_batch(run.dataset.X)
    ours = forward(run.weights, run.dataset.X)
    np.testing.assert_allclose(ours.probs, k_probs, atol=1e-5)
    np.testing.assert_allclose(ours.h, k_h, atol=1e-5)
    np.testing.assert_allclose(ours.c, k_c, atol=1e-5)
