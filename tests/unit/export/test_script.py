"""The exported plain-Keras script builds exactly the data the app trains on, and its
template is the script of the default settings with one place for the configuration."""

from __future__ import annotations

import dataclasses
import importlib.util

import numpy as np
import pytest

pytest.importorskip("keras")  # the script imports Keras at its top, as a learner's would

from lstm_core.config import ALPHABET, CELLS, FIELD_DOCS, LSTMConfig  # noqa: E402
from lstm_core.data.framings import make_dataset  # noqa: E402
from lstm_core.data.sine import sine_preset  # noqa: E402
from lstm_core.export.script import TEMPLATE, config_block, keras_script, split_template  # noqa: E402
from lstm_core.model.variant import variant_of  # noqa: E402
from lstm_core.presets import get_default_config, preset  # noqa: E402

CONFIGS = {
    **{name: preset(name) for name in ("naive", "feature-window", "timestep-window", "stateful")},
    "variable-length (the tutorial's 1000 runs)": preset("variable-length"),
    "variable-length, mask, onehot, quotes": LSTMConfig(
        framing="variable-length",
        sequence="abcab'cd\"ab",
        window=3,
        encoding="onehot",
        padding="mask",
        num_samples=40,
        seed=11,
    ),
    "feature-window onehot, Greek": preset("feature-window").replace(sequence="αβγδαβγδε", encoding="onehot"),
    "timestep-window, 5 letters": preset("timestep-window").replace(sequence=ALPHABET[:12] * 2, window=5),
    "stateful, 5 steps per update": preset("stateful").replace(steps_per_update=5),
    "stateful, 4 steps per update, onehot, leftover": preset("stateful").replace(
        sequence="ABCABDABCABDABCAB", steps_per_update=4, encoding="onehot"
    ),
}


def load_script(config: LSTMConfig, tmp_path, name: str):
    """Import the exported script as a module (its ``main`` does not run on import)."""
    path = tmp_path / f"{name}.py"
    path.write_text(keras_script(config), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("what", list(CONFIGS))
def test_script_data_equals_make_dataset_value_for_value(what, tmp_path):
    config = CONFIGS[what]
    module = load_script(config, tmp_path, "exported")
    inputs, targets, X, y = module.make_data()
    data = make_dataset(config)
    assert inputs == data.inputs and targets == data.targets
    assert X.shape == data.X.shape and y.shape == data.y.shape
    np.testing.assert_array_equal(X, data.X)  # exact: same float32 arithmetic
    np.testing.assert_array_equal(y, data.y)


def test_script_constants_are_the_config():
    config = CONFIGS["variable-length, mask, onehot, quotes"].replace(learning_rate=0.0025, shuffle=False)
    namespace: dict = {}
    exec(config_block(config), namespace)  # our own generated text
    for f in dataclasses.fields(config):
        assert namespace[f.name.upper()] == getattr(config, f.name), f.name


def test_template_is_the_default_script_with_one_configuration_block():
    head, block, tail = split_template(TEMPLATE.read_text(encoding="utf-8"))
    assert block == config_block(get_default_config())
    assert keras_script(get_default_config()) == TEMPLATE.read_text(encoding="utf-8")
    for f in dataclasses.fields(LSTMConfig):  # no setting is spelled anywhere else in the script
        assert f"{f.name.upper()} = " not in head + tail, f.name


def test_every_config_field_has_one_description():
    assert set(FIELD_DOCS) == {f.name for f in dataclasses.fields(LSTMConfig)}
    for name, doc in FIELD_DOCS.items():
        assert doc and "\n" not in doc, f"{name}: describe it with lstm_core.config._field(default, doc)"


def test_a_per_step_script_trains_with_plain_keras(tmp_path):
    """The chunked (steps_per_update) configuration runs too: return_sequences and 3-D targets."""
    import os
    import subprocess
    import sys

    config = CONFIGS["stateful, 5 steps per update"]
    path = tmp_path / "per_step.py"
    path.write_text(keras_script(config), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path), "--epochs", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "X: (5, 5, 1)" in done.stdout and "y: (5, 5, 26)" in done.stdout
    assert "Model Accuracy: " in done.stdout
    assert "'ABCDE' -> " in done.stdout and "(expected BCDEF" in done.stdout


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("head", ["next", "one-shot", "value"])
def test_the_script_builds_the_variants_cell_head_and_loss(cell, head, tmp_path):
    """The script's cell layer, decoder and loss are the ones the variant spec gives it."""
    import keras

    start = {"next": preset("naive"), "one-shot": preset("n-char-output"), "value": sine_preset()}[head]
    config = start.replace(cell=cell)
    spec = variant_of(config)
    module = load_script(config, tmp_path, f"script_{cell}_{head.replace('-', '_')}")
    _, _, X, y = module.make_data()
    model = module.make_model(X, y.shape[-1])
    recurrent = [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]
    assert {type(layer).__name__ for layer in recurrent} == {spec.cell_name}
    assert [layer.name for layer in recurrent if layer.name != "decoder"] == spec.keras_names()
    assert any(layer.name == "decoder" for layer in recurrent) == spec.one_shot
    assert model.loss == spec.loss
