"""The cell and layers settings: defaults that change nothing, one-sentence refusals, and the
command line (``train --cell --layers``, ``trace`` of a GRU) run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lstm_core.config import FIELD_DOCS, LSTMConfig
from lstm_core.presets import preset
from ui.controls import config_from_url, url_params

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("LSTM_LAB_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "lstm_core", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env)


def test_defaults_leave_every_earlier_config_and_link_unchanged():
    cfg = preset("stateful")
    assert (cfg.cell, cfg.layers) == ("lstm", 1)
    assert "cell" not in url_params(cfg) and "layers" not in url_params(cfg)
    stored_before = {k: v for k, v in cfg.to_dict().items() if k not in ("cell", "layers")}
    assert LSTMConfig.from_dict(stored_before) == cfg  # a run stored before these fields existed
    assert url_params(cfg.replace(cell="gru", layers=2))["cell"] == "gru"
    assert config_from_url({"framing": "stateful", "cell": "simple", "layers": "3"})[0].layers == 3
    assert FIELD_DOCS["cell"] and FIELD_DOCS["layers"]


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"cell": "rnn"}, "cell='rnn' is not allowed: choose one of lstm, gru, simple."),
        ({"layers": 0}, "layers=0 is not allowed: it must be a whole number from 1 to 3."),
        ({"layers": "2.5"}, "layers='2.5' is not allowed: it must be a whole number."),
    ],
)
def test_bad_cell_settings_are_one_sentence(changes, words):
    with pytest.raises(ValueError) as err:
        LSTMConfig.from_dict({**preset("naive").to_dict(), **changes})
    assert str(err.value) == words


def test_layers_count_in_the_work_budget():
    cfg = preset("variable-length")
    assert cfg.replace(layers=1, epochs=100).work * 2 == cfg.replace(layers=2, epochs=100).work
    # 500 x 1000 x 5 x 3 = 7.5 million steps; the time estimate (which counts layers too) may say so first
    with pytest.raises(ValueError, match=r"too much work.*(x 3 layers|the layers \(3\))"):
        cfg.replace(layers=3)


def test_cli_trains_a_stacked_gru_and_says_so():
    done = cli("train", "--framing", "stateful", "--cell", "gru", "--layers", "2", "--epochs", "5", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["config"]["cell"], out["config"]["layers"]) == ("gru", 2)
    assert len(out["predictions"]) == 25


@pytest.mark.parametrize(
    "args, words",
    [
        (("train", "--framing", "naive", "--cell", "rnn"), "invalid choice: 'rnn'"),
        (("train", "--framing", "naive", "--layers", "4"), "layers=4 is not allowed"),
        (("trace", "--framing", "stateful", "--cell", "simple", "--text", "AB"), "cannot be traced"),
        (("trace", "--framing", "stateful", "--layers", "2", "--text", "AB"), "2 stacked LSTM layers"),
        (("influence", "--framing", "stateful", "--cell", "gru", "--text", "ABC"), "one LSTM layer"),
    ],
)
def test_cli_refuses_bad_combinations_in_one_line_before_training(args, words):
    done = cli(*args, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and words in done.stderr, done.stderr


def test_cli_traces_a_grus_update_and_reset_gates():
    done = cli("trace", "--framing", "stateful", "--cell", "gru", "--epochs", "3", "--text", "ABC", "--json")
    assert done.returncode == 0, done.stderr
    trace = json.loads(done.stdout)
    assert trace["cell"] == "gru" and len(trace["steps"]) == 3
    step = trace["steps"][1]
    assert {"z", "r", "g", "h", "h_prev"} <= set(step) and "c" not in step
    assert all(0.0 <= v <= 1.0 for v in step["z"] + step["r"])
