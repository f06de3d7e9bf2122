"""Export (keras_models, keras_file, csvs, script): .keras bytes round-trip, Keras agrees
with our numpy LSTM, garbage is refused, and the exported plain-Keras script runs."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("keras")

from lstm_core.analysis.inference import generate, predict_dataset, prediction_table  # noqa: E402
from lstm_core.config import ALPHABET, LSTMConfig  # noqa: E402
from lstm_core.export import csvs, keras_file, script  # noqa: E402
from lstm_core.model import keras_models  # noqa: E402
from lstm_core.presets import preset  # noqa: E402
from lstm_core.train.trainer import train  # noqa: E402

STATEFUL = LSTMConfig(
    framing="stateful", sequence=ALPHABET[:10], units=6, epochs=40, batch_size=1, shuffle=False, stateful=True
)
MASKED = LSTMConfig(
    framing="variable-length",
    sequence=ALPHABET[:10],
    window=4,
    units=6,
    epochs=8,
    batch_size=4,
    padding="mask",
    encoding="onehot",
    num_samples=24,
)


@pytest.fixture(scope="module")
def runs():
    return {
        "stateful": train(STATEFUL),
        "stateful batch 3": train(STATEFUL.replace(sequence=ALPHABET[:7], batch_size=3)),
        "masked onehot": train(MASKED),
        "feature-window": train(preset("feature-window").replace(sequence=ALPHABET[:9], epochs=5)),
    }


def keras_probs(run) -> np.ndarray:
    """Run the exported Keras model over the dataset, batch after batch in order."""
    model = keras_models.keras_model(run)
    X = run.dataset.X
    if not run.config.stateful:
        return np.asarray(model.predict_on_batch(X))
    b = run.config.batch_size
    out = np.concatenate([model.predict_on_batch(X[k : k + b]) for k in range(0, len(X), b)])
    model.get_layer("lstm").reset_state()
    return out


@pytest.mark.parametrize("name", ["stateful", "stateful batch 3", "masked onehot", "feature-window"])
def test_keras_model_computes_what_numpy_inference_computes(runs, name):
    run = runs[name]
    np.testing.assert_allclose(keras_probs(run), predict_dataset(run.weights, run.dataset), atol=1e-5)


def test_one_keras_model_per_shape_is_reused(runs):
    before = keras_models.cached_models()
    keras_models.keras_model(runs["stateful"])
    keras_models.keras_model(train(STATEFUL.replace(seed=8, epochs=2)))  # same shape, other weights
    assert keras_models.cached_models() == max(before, 1)


@pytest.mark.parametrize("name", ["stateful", "masked onehot"])
def test_keras_bytes_round_trip_gives_identical_predictions(runs, name):
    run = runs[name]
    data = keras_file.keras_bytes(run)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        meta = json.loads(z.read(keras_file.CONFIG_MEMBER))
    assert meta["config"]["framing"] == run.config.framing

    back = keras_file.load_keras_bytes(data)
    assert back.config == run.config
    assert back.history == []
    for mine, theirs in zip(back.weights, run.weights):
        np.testing.assert_array_equal(mine, theirs)
    pd.testing.assert_frame_equal(prediction_table(back), prediction_table(run))
    assert generate(back, "C", steps=4).text == generate(run, "C", steps=4).text


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


def _without_config(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return _zip({n: z.read(n) for n in z.namelist() if n != keras_file.CONFIG_MEMBER})


def _with_config(data: bytes, config: dict) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    meta = json.loads(members[keras_file.CONFIG_MEMBER])
    meta["config"] = config
    members[keras_file.CONFIG_MEMBER] = json.dumps(meta).encode()
    return _zip(members)


def _other_lstm(tmp_path, config: LSTMConfig) -> bytes:
    """A real Keras model of the right shapes whose LSTM computes something else (relu)."""
    import keras

    inputs = keras.Input(batch_shape=(config.batch_size, config.time_steps, config.features))
    x = keras.layers.LSTM(config.units, activation="relu", stateful=True)(inputs)
    outputs = keras.layers.Dense(len(config.vocab), activation="softmax")(x)
    path = tmp_path / "relu.keras"
    keras.Model(inputs, outputs).save(path)
    meta = {"format": keras_file.FORMAT_NAME, "version": 1, "config": config.to_dict()}
    with zipfile.ZipFile(path, "a") as z:
        z.writestr(keras_file.CONFIG_MEMBER, json.dumps(meta))
    return path.read_bytes()


def test_garbage_is_refused_with_a_readable_value_error(runs, tmp_path):
    good = keras_file.keras_bytes(runs["stateful"])
    bad = {
        "empty": b"",
        "text": b"hello, this is not a model",
        "random bytes": np.random.default_rng(0).bytes(5000),
        "zip without our config": _without_config(good),
        "zip of other files": _zip({"a.txt": b"hi"}),
        "config not JSON": _zip(
            {"config.json": b"{}", "model.weights.h5": b"", keras_file.CONFIG_MEMBER: b"{not json"}
        ),
        "invalid config": _with_config(good, {**STATEFUL.to_dict(), "units": 0}),
        "config of another shape": _with_config(good, {**STATEFUL.to_dict(), "units": 7}),
        "keras files broken": _zip(
            {
                "config.json": b"{}",
                "model.weights.h5": b"x",
                keras_file.CONFIG_MEMBER: json.dumps(
                    {"format": keras_file.FORMAT_NAME, "version": 1, "config": STATEFUL.to_dict()}
                ).encode(),
            }
        ),
        "an LSTM with relu": _other_lstm(tmp_path, STATEFUL),
        "too big": b"PK" + b"\0" * (keras_file.MAX_MODEL_BYTES + 1),
    }
    for what, data in bad.items():
        with pytest.raises(ValueError) as info:
            keras_file.load_keras_bytes(data)
        message = str(info.value)
        assert message and "\n" not in message, what


def test_csvs(runs):
    run = runs["stateful"]
    history = pd.read_csv(io.StringIO(csvs.history_csv(run)))
    assert list(history.columns) == ["epoch", "loss", "accuracy", "elapsed"]
    assert history["epoch"].tolist() == list(range(1, STATEFUL.epochs + 1))
    preds = pd.read_csv(io.StringIO(csvs.predictions_csv(run)))
    assert list(preds.columns) == ["input", "expected", "predicted", "probability", "correct"]
    assert len(preds) == STATEFUL.num_examples


SCRIPT_CONFIGS = {
    "stateful": STATEFUL.replace(batch_size=3, sequence=ALPHABET[:7]),
    "variable-length, mask, onehot, quotes in the text": MASKED.replace(
        sequence="abcab'cd\"ab", window=3, num_samples=9, batch_size=2
    ),
}


def test_exported_scripts_run_with_plain_keras(tmp_path):
    """Both scripts run at once (each spends most of its time importing TensorFlow)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    procs = {}
    for i, (what, config) in enumerate(SCRIPT_CONFIGS.items()):
        path = tmp_path / f"lstm_script_{i}.py"
        path.write_text(script.keras_script(config), encoding="utf-8")
        procs[what] = subprocess.Popen(
            [sys.executable, str(path), "--epochs", "3"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    for what, proc in procs.items():
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, f"{what}: {err[-2000:]}"
        assert "Model Accuracy: " in out, what
        c = SCRIPT_CONFIGS[what]
        # the same [samples, time steps, features] tensor as the app builds
        assert f"X: ({c.num_examples}, {c.time_steps}, {c.features})" in out, what
