"""Plain Keras 3 models (lstm_core/export/keras_import.py): trained and saved by stock Keras in the test,
read back with their settings inferred, and predicting what Keras predicts within 1e-5."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from lstm_core.analysis.inference import generate, predict_dataset
from lstm_core.data.framings import make_dataset
from lstm_core.export import keras_import
from lstm_core.presets import preset
from lstm_core.store import pretrained

ROOT = Path(__file__).resolve().parents[3]


def _keras():
    from lstm_core.model.keras_models import import_keras as _keras

    return _keras()


def stock_fit(layers, config, epochs: int = 2, stateful: bool = False):
    """Build a Sequential model, train it with stock model.fit, return (model, .keras bytes)."""
    keras = _keras()
    keras.utils.set_random_seed(3)
    model = keras.Sequential(layers)
    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.01))
    data = make_dataset(config)
    batch = config.batch_size if stateful else 1
    model.fit(data.X, data.y, epochs=epochs, batch_size=batch, shuffle=not stateful, verbose=0)
    return model, save(model)


def save(model) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.keras"
        model.save(path)
        return path.read_bytes()


def keras_probs(model, data, stateful: bool) -> np.ndarray:
    lstm = [layer for layer in model.layers if "lstm" in layer.name][0]
    if stateful:
        lstm.reset_state()
    probs = model.predict(data.X, batch_size=1, verbose=0)
    if stateful:
        lstm.reset_state()
    return probs


@pytest.fixture(scope="module")
def keras():
    return _keras()


def test_the_tutorials_stateful_model_is_inferred_and_predicts_like_keras(keras) -> None:
    config = preset("stateful")
    model, data = stock_fit(
        [keras.Input(batch_shape=(1, 1, 1)), keras.layers.LSTM(16, stateful=True),
         keras.layers.Dense(26, activation="softmax")],
        config, stateful=True,
    )
    run = keras_import.load_any(data)
    c = run.config
    assert (c.framing, c.stateful, c.batch_size, c.units, c.encoding, c.vocab) == (
        "stateful", True, 1, 16, "scaled", config.vocab
    )
    ours = predict_dataset(run.weights, run.dataset)
    np.testing.assert_allclose(ours, keras_probs(model, run.dataset, True), atol=1e-5)


def test_a_stateless_timestep_window_model_predicts_like_keras(keras) -> None:
    config = preset("timestep-window")
    model, data = stock_fit(
        [keras.Input(shape=(3, 1)), keras.layers.LSTM(8), keras.layers.Dense(26, activation="softmax")],
        config,
    )
    run = keras_import.load_any(data)
    assert (run.config.framing, run.config.window, run.config.stateful) == ("timestep-window", 3, False)
    ours = predict_dataset(run.weights, run.dataset)
    np.testing.assert_allclose(ours, keras_probs(model, run.dataset, False), atol=1e-5)


def test_one_hot_inputs_and_a_small_vocabulary_need_and_take_the_training_text(keras) -> None:
    config = preset("naive").replace(sequence="ABC" * 8, encoding="onehot")
    model, data = stock_fit(
        [keras.Input(shape=(1, 3)), keras.layers.LSTM(4), keras.layers.Dense(3, activation="softmax")],
        config,
    )
    with pytest.raises(ValueError, match="predicts 3 classes.*give the training text"):
        keras_import.load_any(data)
    with pytest.raises(ValueError, match="5 distinct characters"):
        keras_import.load_any(data, sequence="ABCDE")
    run = keras_import.load_any(data, sequence="ABC" * 8)
    assert (run.config.framing, run.config.encoding, run.config.vocab) == ("naive", "onehot", "ABC")
    ours = predict_dataset(run.weights, run.dataset)
    np.testing.assert_allclose(ours, keras_probs(model, run.dataset, False), atol=1e-5)
    # A correction that contradicts the file is refused in one sentence.
    with pytest.raises(ValueError, match="features per time step"):
        keras_import.load_any(data, sequence="ABC" * 8, encoding="scaled", framing="naive")


def test_a_stock_keras_model_with_trained_weights_generates_the_alphabet(keras) -> None:
    shipped = pretrained.preset_run("stateful")
    model = keras.Sequential(
        [keras.Input(batch_shape=(1, 1, 1)), keras.layers.LSTM(16, stateful=True),
         keras.layers.Dense(26, activation="softmax")]
    )
    model.set_weights(list(shipped.weights))
    run = keras_import.load_any(save(model))
    assert generate(run, "A", steps=25).text == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    assert generate(run, "K", steps=3).text == "KBCD"


def _refused(data: bytes, *found: str) -> None:
    """Refused in one sentence that names what was found."""
    with pytest.raises(ValueError) as err:
        keras_import.load_any(data)
    message = str(err.value)
    assert "\n" not in message and message.count(". ") <= 1, message
    for text in found:
        assert text in message, message


def test_other_models_are_refused_with_one_sentence_naming_what_was_found(keras) -> None:
    def plain(layers) -> bytes:
        return save(keras.Sequential(layers))

    softmax = keras.layers.Dense(26, activation="softmax")
    # GRU, SimpleRNN and stacks of one kind are accepted (issue 14); these are not computed here.
    _refused(plain([keras.Input(shape=(1, 1)), keras.layers.GRU(4, reset_after=False), softmax]),
             "GRU", "reset_after")
    _refused(
        plain([keras.Input(shape=(2, 1)), keras.layers.LSTM(4, return_sequences=True), keras.layers.GRU(4),
               keras.layers.Dense(26, activation="softmax")]),
        "LSTM, GRU", "accepted",
    )
    relu = keras.layers.Dense(26, activation="relu")
    _refused(plain([keras.Input(shape=(1, 1)), keras.layers.LSTM(4), relu]), "activation='relu'", "softmax")
    _refused(
        plain([keras.Input(shape=(1, 1)), keras.layers.LSTM(4, return_sequences=False),
               keras.layers.Lambda(lambda x: x * 2), keras.layers.Dense(26, activation="softmax")]),
        "Lambda",
    )
    _refused(
        plain([keras.Input(shape=(2, 1)), keras.layers.Masking(mask_value=-1.0), keras.layers.LSTM(4),
               keras.layers.Dense(26, activation="softmax")]),
        "Masking",
    )
    good = plain([keras.Input(shape=(1, 1)), keras.layers.LSTM(4),
                  keras.layers.Dense(26, activation="softmax")])
    _refused(good[: len(good) // 2], "zip")
    _refused(b"", "empty")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("config.json", "{}")
        z.writestr("model.weights.h5", b"\0" * (61 * 1024 * 1024))
    _refused(bomb.getvalue(), "60 MiB")


def test_cli_load_accepts_a_plain_keras_model(tmp_path: Path, keras) -> None:
    shipped = pretrained.preset_run("stateful")
    model = keras.Sequential(
        [keras.Input(batch_shape=(1, 1, 1)), keras.layers.LSTM(16, stateful=True),
         keras.layers.Dense(26, activation="softmax")]
    )
    model.set_weights(list(shipped.weights))
    path = tmp_path / "stateful.keras"
    path.write_bytes(save(model))
    out = subprocess.run(
        [sys.executable, "-m", "lstm_core", "generate", "--load", str(path), "--start", "A", "--steps", "25"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    gru = tmp_path / "gru.keras"
    mixed = [keras.Input(shape=(1, 1)), keras.layers.LSTM(4, return_sequences=True), keras.layers.GRU(4),
             keras.layers.Dense(26, activation="softmax")]  # one kind of cell per model (issue 14)
    gru.write_bytes(save(keras.Sequential(mixed)))
    out = subprocess.run(
        [sys.executable, "-m", "lstm_core", "generate", "--load", str(gru), "--start", "A"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "GRU" in out.stderr, out.stderr
