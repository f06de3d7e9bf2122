"""GRU, SimpleRNN and stacked runs leave the app and come back: .keras files, the run store,
plain Keras files (checked before Keras builds anything), the exported script and notebook."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from lstm_core.analysis.inference import accuracy, predict_dataset
from lstm_core.config import ALPHABET, LSTMConfig
from lstm_core.data.framings import make_dataset
from lstm_core.export import keras_file, keras_import, keras_preflight, notebook, script
from lstm_core.model import keras_models
from lstm_core.model.cells import forward
from lstm_core.store.runs import RunStore
from lstm_core.train.trainer import train

STATEFUL_GRU = LSTMConfig(framing="stateful", sequence=ALPHABET[:10], units=6, epochs=20, batch_size=1,
                          shuffle=False, stateful=True, cell="gru", layers=2)
WINDOW_SIMPLE = LSTMConfig(framing="timestep-window", sequence=ALPHABET[:10], window=3, units=5, epochs=20,
                           cell="simple", layers=3)


@pytest.fixture(scope="module")
def runs():
    return {c.cell: train(c) for c in (STATEFUL_GRU, WINDOW_SIMPLE)}


@pytest.mark.parametrize("cell", ["gru", "simple"])
def test_keras_file_round_trip_predicts_the_same(runs, cell):
    run = runs[cell]
    back = keras_file.load_keras_bytes(keras_file.keras_bytes(run))
    assert back.config == run.config
    assert len(back.weights) == 3 * run.config.layers + 2
    for a, b in zip(back.weights, run.weights):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(predict_dataset(back.weights, back.dataset),
                               predict_dataset(run.weights, run.dataset), atol=1e-7)


@pytest.mark.parametrize("cell", ["gru", "simple"])
def test_exported_keras_model_predicts_what_numpy_predicts(runs, cell):
    run = runs[cell]
    with keras_models.MODELS_LOCK:
        model = keras_models.keras_model(run)
        names = [layer.name for layer in model.layers]
        theirs = np.concatenate([model.predict_on_batch(run.dataset.X[k : k + 1])
                                 for k in range(len(run.dataset.X))]) if run.config.stateful \
            else model.predict_on_batch(run.dataset.X)
    assert names[1 : 1 + run.config.layers] == keras_models.recurrent_names(cell, run.config.layers)
    np.testing.assert_allclose(predict_dataset(run.weights, run.dataset), theirs, atol=1e-5)


@pytest.mark.parametrize("cell", ["gru", "simple"])
def test_store_round_trip_keeps_every_layer(runs, cell, tmp_path):
    run = runs[cell]
    store = RunStore(str(tmp_path / "runs.sqlite3"))
    back = store.load(store.save(run))
    assert back.config.cell == cell and back.config.layers == run.config.layers
    for a, b in zip(back.weights, run.weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert accuracy(back) == accuracy(run)


def _save(model) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.keras"
        model.save(path)
        return path.read_bytes()


def test_plain_keras_stacked_gru_is_imported_and_predicts_like_keras():
    keras = keras_models.import_keras()
    keras.utils.set_random_seed(3)
    config = LSTMConfig(framing="timestep-window", window=3, units=8, epochs=1)
    model = keras.Sequential([keras.Input(shape=(3, 1)), keras.layers.GRU(8, return_sequences=True),
                              keras.layers.GRU(8), keras.layers.Dense(26, activation="softmax")])
    data = make_dataset(config)
    run = keras_import.load_any(_save(model))
    assert (run.config.cell, run.config.layers, run.config.framing) == ("gru", 2, "timestep-window")
    np.testing.assert_allclose(forward(run.weights, data.X).probs, model.predict_on_batch(data.X), atol=1e-5)


def _archive(layers) -> bytes:
    keras = keras_models.import_keras()
    return _save(keras.Sequential(layers))


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda k: [k.Input(shape=(2, 1)), k.layers.LSTM(4, return_sequences=True), k.layers.GRU(4),
                    k.layers.Dense(26, activation="softmax")], "accepted are"),
        (lambda k: [k.Input(shape=(2, 1)), k.layers.GRU(4, reset_after=False),
                    k.layers.Dense(26, activation="softmax")], "reset_after=False"),
        (lambda k: [k.Input(shape=(2, 1)), k.layers.SimpleRNN(4, return_sequences=True),
                    k.layers.SimpleRNN(5), k.layers.Dense(26, activation="softmax")], "same units"),
        (lambda k: [k.Input(shape=(2, 1))] + [k.layers.GRU(4, return_sequences=True) for _ in range(3)]
         + [k.layers.GRU(4), k.layers.Dense(26, activation="softmax")], "accepted are"),
    ],
    ids=["mixed cells", "gru reset_before", "stack of two sizes", "four layers"],
)
def test_preflight_refuses_what_numpy_does_not_compute(make, words):
    data = _archive(make(keras_models.import_keras()))
    with pytest.raises(ValueError, match=words) as err:
        keras_preflight.check_archive(data)
    assert "\n" not in str(err.value)


def test_script_and_notebook_build_the_cell_and_layers(tmp_path):
    config = WINDOW_SIMPLE.replace(cell="gru", layers=2)
    text = script.keras_script(config)
    assert 'CELL = "gru"' in text and "LAYERS = 2" in text
    path = tmp_path / "gru.py"
    path.write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, str(path), "--epochs", "2"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=240, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Model Accuracy: " in out.stdout
    nb = notebook.notebook(config)
    words = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "2 stacked `GRU` layers" in words
