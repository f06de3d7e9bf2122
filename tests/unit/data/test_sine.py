"""The sine task's settings: validated once, refused in one sentence, and driven from the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from cli_support import cli

from lstm_core.analysis.forecast import check_forecast
from lstm_core.config import ALPHABET, SINE_FRAMINGS, LSTMConfig
from lstm_core.data import sine
from lstm_core.data.framings import make_dataset
from lstm_core.data.sine import sine_preset
from lstm_core.limits import cost
from lstm_core.presets import preset

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("framing", SINE_FRAMINGS)
def test_every_sine_framing_builds_windows_of_the_wave(framing):
    config = sine_preset(framing).replace(length=60, period=10, noise=0.0, batch_size=1)
    data = make_dataset(config)
    w = config.window
    assert len(data.X) == 60 - w == config.num_examples
    assert data.y.shape == (60 - w, 1) and data.X.shape[1] * data.X.shape[2] == w
    wave = sine.wave(config).clean
    np.testing.assert_allclose(data.X.reshape(len(data.X), -1)[5], wave[5 : 5 + w], atol=1e-6)
    np.testing.assert_allclose(data.y[:, 0], wave[w:], atol=1e-6)
    assert config.outputs == 1 and config.features == (w if framing == "feature-window" else 1)


def test_noise_is_seeded_and_has_the_asked_size():
    a = sine.wave(sine_preset().replace(noise=0.3, length=4000, seed=1))
    b = sine.wave(sine_preset().replace(noise=0.3, length=4000, seed=1))
    c = sine.wave(sine_preset().replace(noise=0.3, length=4000, seed=2))
    np.testing.assert_array_equal(a.noisy, b.noisy)
    assert not np.array_equal(a.noisy, c.noisy)
    assert abs(np.std(a.noisy - a.clean) - 0.3) < 0.02


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"framing": "variable-length", "window": 5}, "framing='variable-length'"),
        ({"sequence": "ABAB"}, "sequence='ABAB'"),
        ({"encoding": "onehot"}, "encoding='onehot'"),
        ({"period": 3}, "period=3"),
        ({"period": 1001}, "period=1001"),
        ({"noise": -0.1}, "noise=-0.1"),
        ({"noise": float("nan")}, "noise=nan"),
        ({"length": 5001}, "length=5001"),
        ({"window": 200}, "window=200"),
        ({"stateful": True}, "stateful=True"),
    ],
)
def test_bad_sine_settings_are_refused_in_one_sentence(changes, field):
    with pytest.raises(ValueError) as err:
        sine_preset().replace(**changes)
    text = str(err.value)
    assert text.startswith(field + " is not allowed: ") and text.count(". ") == 0 and "\n" not in text


def test_stateful_sine_feeds_one_value_at_a_time():
    with pytest.raises(ValueError, match=r"^window=3 is not allowed: the stateful framing feeds one value"):
        sine_preset("stateful").replace(window=3)


@pytest.mark.parametrize("field", [{"period": 40}, {"noise": 0.1}, {"length": 300}])
def test_a_letters_run_refuses_sine_fields(field):
    with pytest.raises(ValueError, match="applies to the sine task only"):
        preset("naive").replace(**field)


def test_sine_fields_come_from_urls_and_json_as_text():
    config = LSTMConfig.from_dict(
        {"task": "sine", "framing": "timestep-window", "window": "8", "period": "30", "noise": "0.1",
         "length": "120", "sequence": ALPHABET}
    )
    assert (config.period, config.noise, config.length, config.num_examples) == (30, 0.1, 120, 112)


def test_cost_counts_one_output_unit_and_refuses_too_much_work():
    small = sine_preset()
    est = cost.estimate(small)
    assert est.macs_per_update == cost.macs_per_update(1, 10, 1, 16, 1)
    assert est.seconds < cost.MAX_SECONDS
    with pytest.raises(ValueError, match=r"too much work.*the length \(5,000 values\)"):
        small.replace(length=5000, units=256, window=64, epochs=20_000)


def test_forecast_start_and_steps_are_checked():
    with pytest.raises(ValueError, match=r"^steps=0 is not allowed"):
        check_forecast(sine_preset(), 20, 0)
    with pytest.raises(ValueError, match=r"^start='x' is not allowed"):
        check_forecast(sine_preset(), "x", 5)


# -- the command line ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["train", "--task", "sine", "--framing", "variable-length"], "does not apply to --task sine"),
        (["train", "--framing", "naive", "--period", "30"], "period=30 is not allowed"),
        (["train", "--task", "sine", "--framing", "naive", "--noise", "2"], "noise=2.0 is not allowed"),
        (["generate", "--task", "sine", "--framing", "stateful", "--start", "x"], "start='x' is not allowed"),
        (["generate", "--task", "sine", "--framing", "stateful", "--start", "30", "--warm"], "--warm"),
        (["generate", "--task", "sine", "--framing", "timestep-window", "--start", "5"], "start=5"),
        (["trace", "--task", "sine", "--framing", "stateful", "--text", "AB"], "letter models only"),
    ],
)
def test_cli_refuses_bad_sine_combinations_in_one_line(args, says):
    done = cli(*args, timeout=60)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_cli_trains_saves_and_generates_numbers(tmp_path):
    path = tmp_path / "wave.keras"
    done = cli("train", "--task", "sine", "--framing", "timestep-window", "--window", "5", "--period", "12",
               "--noise", "0.05", "--length", "60", "--epochs", "5", "--json", "--save", str(path))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["task"] == "sine" and out["epochs"] == 5 and out["mse"] >= 0
    assert [p["position"] for p in out["predictions"]] == list(range(5, 60))
    assert out["config"]["period"] == 12 and path.stat().st_size > 0

    gen = cli("generate", "--load", str(path), "--start", "55", "--steps", "12")
    assert gen.returncode == 0, gen.stderr
    rows = [line.split() for line in gen.stdout.splitlines() if line.strip()[:1].isdigit()]
    assert [int(r[0]) for r in rows] == list(range(1, 13))
    assert [int(r[1]) for r in rows] == list(range(55, 67))
    assert all(abs(float(r[2])) <= 1.0 for r in rows)  # the clean wave
    assert "mean |error|: teacher-forced" in gen.stdout
