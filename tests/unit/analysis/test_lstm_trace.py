"""The gate trace (lstm_core/analysis/lstm_trace.py) against Keras, and its unit finder.

Keras is the reference: the same trained weights go into Keras's own LSTM layer and cell, and
every h_t and c_t of the trace must agree within 1e-5; each gate is recomputed from Keras's
kernel slices (its documented block order i, f, c, o) and must equal the trace's.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from lstm_core.analysis import inference
from lstm_core.analysis.lstm_trace import GATES, gate_trace, rank_units
from lstm_core.analysis.surgery import continue_text
from lstm_core.data.framings import encode_sample
from lstm_core.presets import preset
from lstm_core.train.trainer import train

ATOL = 1e-5


def _keras_gates(cell, x, h_prev, u):
    """i, f, g, o from Keras's own variables: kernel slices in Keras's block order."""
    K, R, B = (keras.ops.convert_to_numpy(v.value) for v in (cell.kernel, cell.recurrent_kernel, cell.bias))
    out = {}
    for k, name in enumerate(GATES):
        sl = slice(k * u, (k + 1) * u)
        z = x @ K[:, sl] + h_prev @ R[:, sl] + B[sl]
        act = cell.activation if name == "g" else cell.recurrent_activation
        out[name] = keras.ops.convert_to_numpy(act(z.astype("float32")))
    return out


def test_stateful_trace_equals_a_stateful_keras_lstm_at_every_step(stateful_run):
    run = stateful_run
    u, f = run.config.units, run.config.features
    inp = keras.Input(batch_shape=(1, 1, f))
    lstm = keras.layers.LSTM(u, stateful=True, return_state=True)
    out, h, c = lstm(inp)
    probs = keras.layers.Dense(len(run.config.vocab), activation="softmax")(out)
    model = keras.Model(inp, [probs, h, c])
    model.set_weights(list(run.weights))

    # Warm: the trace first reads A..J through the state, as training did; Keras reads them too.
    trace = gate_trace(run, "KLMNOPQ", warm=True)
    assert trace.warmup == "ABCDEFGHIJ" and trace.fed == list("KLMNOPQ")
    lstm.reset_state()
    k_h = k_c = np.zeros((1, u), np.float32)
    for letter in "ABCDEFGHIJ":
        _, k_h, k_c = model.predict_on_batch(encode_sample(run.config, letter)[0][None])
    for k, letter in enumerate("KLMNOPQ"):
        np.testing.assert_allclose(trace.h_prev[k], k_h[0], atol=ATOL)
        np.testing.assert_allclose(trace.c_prev[k], k_c[0], atol=ATOL)
        x = encode_sample(run.config, letter)[0]  # (1, f)
        gates = _keras_gates(lstm.cell, x, k_h, u)
        k_probs, k_h, k_c = model.predict_on_batch(x[None])
        for name in GATES:
            np.testing.assert_allclose(getattr(trace, name)[k], gates[name][0], atol=ATOL, err_msg=name)
        np.testing.assert_allclose(trace.h[k], k_h[0], atol=ATOL)
        np.testing.assert_allclose(trace.c[k], k_c[0], atol=ATOL)
        np.testing.assert_allclose(trace.probs[k], k_probs[0], atol=ATOL)
        # Keras's new c is built from exactly these gates: its order is i, f, c(g), o.
        np.testing.assert_allclose(
            k_c[0], gates["f"][0] * trace.c_prev[k] + gates["i"][0] * gates["g"][0], atol=ATOL
        )
    # The trained model continues the alphabet from the warm state, as in the tutorial.
    assert [trace.prediction(k)[0] for k in range(3)] == ["L", "M", "N"]


@pytest.mark.parametrize(
    "config",
    [
        preset("timestep-window").replace(epochs=5, units=8),
        preset("variable-length").replace(epochs=2, num_samples=80, padding="mask", units=8),
        preset("variable-length").replace(epochs=2, num_samples=80, units=8),  # zero padding is read
        preset("feature-window").replace(epochs=5, units=8, encoding="onehot"),
    ],
    ids=["timestep-window", "variable-length-mask", "variable-length-zeros", "feature-window-onehot"],
)
def test_window_traces_equal_keras_cell_and_layer_step_by_step(config):
    run = train(config)
    u = config.units
    cell = keras.layers.LSTMCell(u)
    cell.build((None, config.features))
    cell.set_weights(list(run.weights[:3]))
    layer = keras.layers.LSTM(u, return_sequences=True, return_state=True)
    layer.build((None, config.time_steps, config.features))
    layer.set_weights(list(run.weights[:3]))

    text = "ABCDEFG"
    trace = gate_trace(run, text)
    k = 0  # index into the trace's steps
    for pos in range(len(text)):
        x, mask = encode_sample(config, text[: pos + 1])
        seq, k_h, k_c = layer(x[None], mask=mask[None])  # Keras skips the masked steps itself
        h = c = np.zeros((1, u), np.float32)
        for t in np.flatnonzero(mask):
            assert trace.position[k] == pos
            assert trace.reset_before[k] == (t == np.flatnonzero(mask)[0])  # windows restart from zero
            gates = _keras_gates(cell, x[t : t + 1], h, u)
            _, (h, c) = cell(x[t : t + 1], [h, c])
            h, c = np.asarray(h), np.asarray(c)
            for name in GATES:
                np.testing.assert_allclose(getattr(trace, name)[k], gates[name][0], atol=ATOL, err_msg=name)
            np.testing.assert_allclose(trace.h[k], h[0], atol=ATOL)
            np.testing.assert_allclose(trace.c[k], c[0], atol=ATOL)
            np.testing.assert_allclose(trace.h[k], np.asarray(seq)[0, t], atol=ATOL)
            k += 1
        assert trace.is_output[k - 1]
        np.testing.assert_allclose(trace.h[k - 1], np.asarray(k_h)[0], atol=ATOL)
        np.testing.assert_allclose(trace.c[k - 1], np.asarray(k_c)[0], atol=ATOL)
    assert k == trace.steps
    # The window's prediction is the one the app's prediction path makes.
    fw = inference._forward_one(run, text, None, None)
    np.testing.assert_allclose(trace.probs[-1], fw.probs[0], atol=ATOL)


def test_rank_units_finds_a_unit_built_to_fire_at_chosen_steps(stateful_run):
    trace = gate_trace(stateful_run, "ABCDEFGHIJKLMNOP")
    planted = trace.h.copy()
    planted[:, 5] = 0.0
    planted[[10, 11, 12], 5] = 0.9  # unit 5 fires only after "K"
    trace.h = planted
    table = rank_units(trace, [10, 11, 12])
    assert table.iloc[0]["unit"] == 5 and table.iloc[0]["selectivity"] > 2
    # A unit that tracks the letter's place in the alphabet correlates with it.
    trace.h[:, 3] = np.arange(trace.steps) * 0.05
    r = rank_units(trace, [10, 11, 12]).set_index("unit").loc[3, "alphabet_r"]
    assert r == pytest.approx(1.0)
    with pytest.raises(ValueError, match="not all"):
        rank_units(trace, range(trace.steps))


def test_a_chunk_trained_stateful_model_is_traced_letter_by_letter_like_the_state_page():
    """steps_per_update > 1 trains on chunks, but reading text is still one letter at a time with
    the state carried: the trace's h and c are the State page's, and its writing is generate's."""
    run = train(preset("stateful").replace(steps_per_update=5, epochs=5))
    trace = gate_trace(run, "ABCDEFGHIJ")
    state = inference.state_trace(run, "ABCDEFGHIJ")
    np.testing.assert_allclose(trace.h, state.h, atol=1e-9)
    np.testing.assert_allclose(trace.c, state.c, atol=1e-9)
    assert trace.reset_before.tolist() == [True] + [False] * 9
    assert continue_text(run, "ABCDEFGHIJK", 4).letters == inference.generate(run, "K", 4, warm=True).text[1:]
