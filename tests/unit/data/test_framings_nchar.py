"""Issue 14 parts 1 and 4 without training: the config fields, the data, the exported script's data.

- variable-length with ``wrap``: runs on the text read as a circle, max length up to 26 and more;
- n-char-output with ``horizon``: each window and the next ``horizon`` letters;
- every bad combination refused in one sentence naming the field.
"""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from lstm_core.config import ALPHABET, FRAMINGS, LSTMConfig
from lstm_core.data.ceiling import dataset_ceiling
from lstm_core.data.framings import make_dataset
from lstm_core.export import script
from lstm_core.presets import about, preset

WRAPPED = preset("variable-length").replace(window=26, wrap=True, num_samples=300, epochs=50)


# -- wrap (part 4) --------------------------------------------------------------------------
def test_without_wrap_the_longest_run_is_25_letters_and_the_message_says_wrap():
    assert preset("variable-length").replace(window=25, epochs=50).window == 25
    with pytest.raises(ValueError, match=r"^window=26 is not allowed: .*at most 25 \(or turn on wrap\)\.$"):
        preset("variable-length").replace(window=26, epochs=50)


def test_wrapped_runs_go_round_the_alphabet_and_reach_26_letters():
    ds = make_dataset(WRAPPED)
    assert ds.X.shape == (300, 26, 1)
    lengths = [len(s) for s in ds.inputs]
    assert min(lengths) == 1 and max(lengths) == 26
    circle = ALPHABET * 3
    for run, target in zip(ds.inputs, ds.targets):
        start = ALPHABET.index(run[0])
        assert circle[start : start + len(run) + 1] == run + target  # consecutive on the circle
    # Runs that cross the end exist, including ones starting at Y and Z (never drawn without wrap).
    assert any("ZA" in run + target for run, target in zip(ds.inputs, ds.targets))
    assert {"Y", "Z"} <= {run[0] for run in ds.inputs}
    assert "A" in ds.targets  # ... and the letter after Z is asked for
    # The last letter still decides the next one on the alphabet: the ceiling stays 100%.
    assert dataset_ceiling(ds) == 1.0


def test_wrap_is_seeded_and_leaves_the_tutorial_draw_alone():
    a, b = make_dataset(WRAPPED), make_dataset(WRAPPED)
    assert a.inputs == b.inputs and np.array_equal(a.X, b.X)
    assert make_dataset(WRAPPED.replace(seed=8)).inputs != a.inputs
    tutorial = make_dataset(preset("variable-length"))
    assert not any(r[0] in "YZ" for r in tutorial.inputs)  # unchanged: no run starts at Y or Z
    assert "wrap" in make_dataset(WRAPPED).axes["time_steps"]


def test_wrap_allows_runs_longer_than_the_text():
    cfg = WRAPPED.replace(sequence="ABCD", window=10, units=8)
    ds = make_dataset(cfg)
    assert max(len(s) for s in ds.inputs) == 10 and ds.X.shape[1] == 10


@pytest.mark.parametrize("framing", [f for f in FRAMINGS if f != "variable-length"] + ["n-char-output"])
def test_wrap_is_refused_outside_variable_length(framing):
    with pytest.raises(ValueError, match=r"^wrap=True is not allowed: only the variable-length framing"):
        preset(framing).replace(wrap=True)


# -- horizon (part 1) --------------------------------------------------------------------------
def test_n_char_output_windows_and_their_next_letters():
    cfg = preset("n-char-output").replace(window=4, horizon=3)
    ds = make_dataset(cfg)
    assert ds.inputs[1] == "BCDE" and ds.targets[1] == "FGH"  # "given BCDE, predict FGH"
    assert len(ds.inputs) == cfg.num_examples == 26 - 4 - 3 + 1
    assert ds.X.shape == (20, 4, 1) and ds.y.shape == (20, 3, 26) and ds.target_ids.shape == (20, 3)
    assert ds.config.decoder_steps == 3 and not ds.per_step
    assert [ALPHABET[i] for i in ds.target_ids[-1]] == list("XYZ")
    assert "next 3 letters" in ds.axes["time_steps"]


def test_horizon_1_is_the_timestep_window_with_a_position_axis():
    one = make_dataset(preset("n-char-output").replace(horizon=1))
    tw = make_dataset(preset("timestep-window"))
    assert np.array_equal(one.X, tw.X) and np.array_equal(one.y[:, 0], tw.y)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"framing": "timestep-window", "horizon": 2}, r"^horizon=2 is not allowed: only the n-char-output"),
        ({"framing": "stateful", "horizon": 3}, r"^horizon=3 is not allowed: only the n-char-output"),
        ({"horizon": 0}, r"^horizon=0 is not allowed: it must be a whole number from 1 to 10\.$"),
        ({"horizon": 11}, r"^horizon=11 is not allowed: it must be a whole number from 1 to 10\.$"),
        ({"window": 20, "horizon": 7}, r"^horizon=7 is not allowed: window \(20\) \+ horizon must be"),
        ({"stateful": True}, r"^stateful=True is not allowed: the n-char-output model reads each window"),
    ],
)
def test_bad_horizon_combinations_are_refused_in_one_sentence(changes, message):
    base = preset("n-char-output").to_dict()
    if "framing" in changes:
        base = preset(changes["framing"]).to_dict()
    with pytest.raises(ValueError, match=message):
        LSTMConfig.from_dict({**base, **changes})


def test_horizon_and_wrap_arrive_from_text_like_the_url_sends_them():
    cfg = LSTMConfig.from_dict({"framing": "n-char-output", "window": "3", "horizon": "5.0"})
    assert cfg.horizon == 5
    cfg = LSTMConfig.from_dict({**WRAPPED.to_dict(), "wrap": "true"})
    assert cfg.wrap is True


def test_n_char_output_is_not_a_tutorial_framing():
    assert "n-char-output" not in FRAMINGS  # reproduce all, Overview, pretrained: the tutorial's six
    assert about("n-char-output").tutorial_accuracy is None
    assert preset("n-char-output").horizon == 3


# -- the exported script builds the same data ---------------------------------------------------
def _script_module(config: LSTMConfig, tmp_path, name: str):
    path = tmp_path / f"{name}.py"
    path.write_text(script.keras_script(config), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)  # imports keras; main() is not run
    return module


@pytest.mark.parametrize(
    "config",
    [
        WRAPPED.replace(sequence="ABCDEFG", window=9, num_samples=40, encoding="onehot", padding="mask"),
        preset("n-char-output").replace(sequence="abcdefghij", window=2, horizon=4),
    ],
    ids=["wrap", "n-char"],
)
def test_exported_script_builds_the_apps_data(config, tmp_path):
    pytest.importorskip("keras")
    mod = _script_module(config, tmp_path, f"nchar_script_{config.framing.replace('-', '_')}")
    inputs, targets, X, y = mod.make_data()
    ds = make_dataset(config)
    assert inputs == ds.inputs and targets == ds.targets
    np.testing.assert_array_equal(X, ds.X)
    np.testing.assert_array_equal(y, ds.y)


def test_notebook_of_an_n_char_config_builds_the_encoder_decoder():
    pytest.importorskip("nbformat")
    import json

    from lstm_core.export.notebook import notebook_bytes

    nb = json.loads(notebook_bytes(preset("n-char-output").replace(horizon=4, cell="gru")))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "HORIZON = 4" in code and "RepeatVector(HORIZON)" in code and "TimeDistributed" in code
    assert "repeated 4 times (`RepeatVector`)" in text and "decoder `GRU`" in text
    assert "accuracy at each output position" in text and "The tutorial reported" not in text
