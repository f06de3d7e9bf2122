"""The gate trace (lstm_core/analysis/lstm_trace.py) against Keras, its surgery (surgery.py) against
generate, and the CLI.

Keras is the reference: the same trained weights go into Keras's own LSTM layer and cell, and
every h_t and c_t of the trace must agree within 1e-5; each gate is recomputed from Keras's
kernel slices (its documented block order i, f, c, o) and must equal the trace's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from lstm_core.analysis import inference
from lstm_core.analysis.lstm_trace import GATES, gate_trace, rank_units
from lstm_core.analysis.surgery import continue_text
from lstm_core.data.framings import encode_sample
from lstm_core.presets import preset
from lstm_core.train.trainer import train

ROOT = Path(__file__).resolve().parents[3]
ATOL = 1e-5


@pytest.fixture(scope="module")
def stateful_run():
    """The tutorial's stateful preset, trained at its own settings (about a second)."""
    return train(preset("stateful"))


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


def test_surgery_without_changes_is_generate_and_swapping_in_a_zero_state_is_a_cold_start(stateful_run):
    run = stateful_run
    untouched = continue_text(run, "ABCDEFGHIJK", steps=5)
    assert untouched.letters == inference.generate(run, "K", 5, warm=True).text[1:] == "LMNOP"
    cold = continue_text(run, "ABCDEFGHIJK", steps=5, state_from="")
    assert cold.letters == inference.generate(run, "K", 5).text[1:] == "BCDEF"
    # Another text's state makes the same letter mean something else.
    assert continue_text(run, "ABCDEFGHIJK", steps=5, state_from="ABC").letters != untouched.letters
    # Switching off every unit leaves only the output layer's bias: one letter, over and over.
    off = continue_text(run, "ABCDEFGHIJK", steps=5, zero_units=range(16), every_step=True)
    assert len(set(off.letters)) == 1


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


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": ""}, "at least one letter"),
        ({"text": "abc"}, "not in the model's vocabulary"),
        ({"text": "A" * 201}, "at most 200"),
        ({"steps": 0}, "from 1 to 200"),
        ({"zero_units": [16]}, "numbered 0 to 15"),
        ({"state_from": "a"}, "not in the model's vocabulary"),
    ],
)
def test_bad_requests_get_one_sentence(stateful_run, kwargs, message):
    args = {"text": "ABC", **kwargs}
    with pytest.raises(ValueError, match=message):
        continue_text(stateful_run, **args)


def test_swapping_state_in_a_stateless_run_is_refused():
    import types

    from lstm_core.model.cells import init_weights

    config = preset("naive")
    run = types.SimpleNamespace(config=config, weights=init_weights(config))
    with pytest.raises(ValueError, match="stateless"):
        continue_text(run, "ABC", state_from="XYZ")


# --- CLI: python -m lstm_core trace -------------------------------------------------------------
def cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("LSTM_LAB_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "lstm_core", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )


def test_cli_trace_json_contract_and_the_tutorial_cold_and_warm_k(tmp_path):
    path = tmp_path / "stateful.keras"
    done = cli("train", "--framing", "stateful", "--save", str(path))
    assert done.returncode == 0, done.stderr
    for warm, expected in ((False, "B"), (True, "L")):
        args = ["trace", "--load", str(path), "--text", "K", "--json"] + (["--warm"] if warm else [])
        done = cli(*args)
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        (step,) = result["steps"]
        assert {"fed", "x", "h_prev", "c_prev", "i", "f", "g", "o", "c", "h", "probs"} <= set(step)
        assert step["fed"] == "K"
        for key in ("h_prev", "c_prev", "i", "f", "g", "o", "c", "h"):
            assert len(step[key]) == 16 and all(isinstance(v, float) for v in step[key])
        assert set(step["probs"]) == set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        assert sum(step["probs"].values()) == pytest.approx(1.0)
        assert max(step["probs"], key=step["probs"].get) == expected  # cold K -> B, warm K -> L
        f, i, g, o = (np.array(step[k]) for k in "figo")
        np.testing.assert_allclose(step["c"], f * np.array(step["c_prev"]) + i * g, atol=1e-9)
        np.testing.assert_allclose(step["h"], o * np.tanh(step["c"]), atol=1e-9)
        assert (np.array(step["h_prev"]) == 0).all() != warm  # warm: the state read A..J

    done = cli(
        "trace", "--framing", "timestep-window", "--epochs", "3", "--units", "4", "--text", "ABCD", "--json"
    )
    assert done.returncode == 0, done.stderr
    steps = json.loads(done.stdout)["steps"]
    assert len(steps) == 12  # 4 letters x a window of 3 time steps, each window re-read from zero
    assert [s["fed"] for s in steps[:3]] == ["·", "·", "A"]

    done = cli("trace", "--load", str(path), "--text", "ABC")  # the table for people
    assert done.returncode == 0, done.stderr
    assert "mean f" in done.stdout and len(done.stdout.splitlines()) == 5


@pytest.mark.parametrize(
    "args",
    [
        ["trace", "--framing", "stateful"],  # no --text
        ["trace", "--framing", "stateful", "--text", ""],
        ["trace", "--framing", "stateful", "--text", "abc"],
        ["trace", "--framing", "stateful", "--text", "A" * 201],
        ["trace", "--text", "K"],  # no model
        ["trace", "--framing", "stateful", "--text", "K", "--units", "0"],
        ["trace", "--load", "/no/such/file.keras", "--text", "K"],
        ["trace", "--load", "x.keras", "--units", "4", "--text", "K"],
        ["trace", "--framing", "stateful", "--text", "K", "--bogus"],
    ],
)
def test_cli_trace_bad_input_is_one_line_and_exit_2(args):
    done = cli(*args, timeout=60)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("error: ")
    assert done.stdout == ""


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
