"""A sine run leaves the app whole: .keras file (and back), plain-Keras script, notebook, run store."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import nbformat
import numpy as np
import pytest

pytest.importorskip("keras")

from lstm_core.analysis.forecast import teacher_forced
from lstm_core.data import sine  # noqa: E402
from lstm_core.data.framings import make_dataset  # noqa: E402
from lstm_core.data.sine import sine_preset
from lstm_core.export.keras_file import keras_bytes, load_keras_bytes  # noqa: E402
from lstm_core.export.notebook import notebook  # noqa: E402
from lstm_core.export.script import keras_script  # noqa: E402
from lstm_core.model.cells import init_weights  # noqa: E402
from lstm_core.model.results import EpochLog, TrainResult  # noqa: E402
from lstm_core.store.runs import RunStore  # noqa: E402

CONFIGS = {
    "timestep-window": sine_preset().replace(noise=0.2, length=60, period=12, seed=3),
    "feature-window": sine_preset("feature-window").replace(noise=0.1, length=50, window=4),
    "stateful": sine_preset("stateful").replace(noise=0.0, length=41, batch_size=2),
}


def untrained_run(config) -> TrainResult:
    """A run with seeded random weights: export and storage need no training to be checked."""
    run = TrainResult(config, make_dataset(config), init_weights(config))
    run.history.append(EpochLog(1, 0.25, 0.0, 0.1))
    return run


@pytest.mark.parametrize("what", list(CONFIGS))
def test_script_data_equals_the_apps_value_for_value(what, tmp_path):
    config = CONFIGS[what]
    path = tmp_path / "exported_sine.py"
    path.write_text(keras_script(config), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("exported_sine", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    inputs, targets, X, y = module.make_data()
    data = make_dataset(config)
    assert inputs == data.inputs and targets == data.targets
    np.testing.assert_array_equal(X, data.X)
    np.testing.assert_array_equal(y, data.y)


def test_the_sine_script_trains_with_plain_keras_and_reports_mse(tmp_path):
    path = tmp_path / "sine_script.py"
    path.write_text(keras_script(CONFIGS["timestep-window"]), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path), "--epochs", "2"], capture_output=True, text=True, timeout=300,
        cwd=tmp_path, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "X: (50, 10, 1)" in done.stdout and "y: (50, 1)" in done.stdout
    assert "Model MSE: " in done.stdout and "Accuracy" not in done.stdout
    assert "(expected " in done.stdout


def test_the_sine_notebook_speaks_of_values_and_mse():
    nb = notebook(CONFIGS["stateful"])
    nbformat.validate(nb)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "linear" in text and "Mean squared error" in text and "one-hot" not in text
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert 'TASK = "sine"' in code and "reset_state()" in code


@pytest.mark.parametrize("what", list(CONFIGS))
def test_keras_file_round_trip_keeps_the_sine_model(what):
    run = untrained_run(CONFIGS[what])
    back = load_keras_bytes(keras_bytes(run))
    assert back.config == run.config
    for mine, theirs in zip(run.weights, back.weights):
        np.testing.assert_array_equal(mine, theirs)
    values = sine.wave(run.config, 40).noisy
    np.testing.assert_allclose(teacher_forced(back, values), teacher_forced(run, values))


def test_run_store_round_trip_keeps_config_weights_and_mse_history(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    run = untrained_run(CONFIGS["timestep-window"])
    back = store.load(store.save(run))
    assert back.config == run.config and back.config.is_sine
    assert [h.loss for h in back.history] == [0.25]
    for mine, theirs in zip(run.weights, back.weights):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(back.dataset.y, run.dataset.y)
