"""LSTM_LAB_* settings are read one way; a bad value is one clear sentence at startup, never an
import-time crash; the CLI's options come from the config dataclass."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lstm_core.cli.main import build_parser
from lstm_core.config import FIELD_DOCS, LSTMConfig
from lstm_core.limits import settings
from lstm_core.limits.slots import TrainingGate

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    for name in settings.SETTINGS:
        if name not in env:
            full.pop(name, None)
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=full, timeout=60
    )


@pytest.mark.parametrize("raw", ["lots", "0", "-5", "1e9", "99999999999999"])
def test_a_bad_value_falls_back_to_the_default_and_is_named_in_one_sentence(raw):
    env = {"LSTM_LAB_MAX_WORK": raw}
    assert settings.read("LSTM_LAB_MAX_WORK", env) == 3_000_000
    [problem] = settings.problems(env)
    assert problem.startswith(f"LSTM_LAB_MAX_WORK={raw!r} is not allowed") and "\n" not in problem


def test_good_values_are_read_and_unset_ones_are_defaults():
    env = {"LSTM_LAB_MAX_WORK": " 5_000_000 ", "LSTM_LAB_MAX_SEQUENCE": ""}
    assert settings.read("LSTM_LAB_MAX_WORK", env) == 5_000_000
    assert settings.read("LSTM_LAB_MAX_SEQUENCE", env) == 2_000
    assert settings.problems(env) == []


def test_the_gate_reads_its_slots_through_settings(monkeypatch):
    monkeypatch.setenv("LSTM_LAB_MAX_TRAININGS", "3")
    assert TrainingGate().slots == 3
    monkeypatch.setenv("LSTM_LAB_MAX_TRAININGS", "0")
    assert TrainingGate().slots == 2


def test_a_bad_value_does_not_break_importing_the_engine():
    done = run("-c", "import lstm_core.config as c; print(c.MAX_WORK)", LSTM_LAB_MAX_WORK="abc")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3000000"
    done = run("-c", "import lstm_core.config as c; print(c.MAX_WORK)", LSTM_LAB_MAX_WORK="4000000")
    assert done.stdout.strip() == "4000000"


def test_the_cli_refuses_to_run_with_a_bad_setting_in_one_line():
    done = run("-m", "lstm_core", "train", "--framing", "naive", LSTM_LAB_MAX_TRAININGS="many")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: LSTM_LAB_MAX_TRAININGS='many' is not allowed: it must be a whole number from 1 to 64 "
        "(trainings that run at once in one process; the others queue)."
    ]
    done = run("-m", "lstm_core", "settings", LSTM_LAB_MAX_TRAININGS="many")
    assert done.returncode == 2 and "LSTM_LAB_MAX_WORK=3,000,000" in done.stdout
    done = run("-m", "lstm_core", "settings")
    assert done.returncode == 0 and done.stderr == ""


def test_cli_options_are_generated_from_every_config_field(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines to the terminal
    options = text[text.index("options:") :]
    for f in dataclasses.fields(LSTMConfig):
        flag = "--" + f.name.replace("_", "-")
        found = re.search(rf" {re.escape(flag)}[ ,]", options)
        assert found, flag
        assert " ".join(FIELD_DOCS[f.name].split()) in options[found.start() :], flag
    assert "--encoding {scaled,onehot}" in text


def test_cli_values_are_converted_by_the_config_with_its_own_message():
    args = build_parser().parse_args(["train", "--framing", "naive", "--units", "8", "--no-shuffle"])
    from lstm_core.cli.common import config_from

    config = config_from(args)
    assert (config.units, config.shuffle) == (8, False)
    bad = build_parser().parse_args(["train", "--framing", "naive", "--units", "many"])
    with pytest.raises(ValueError, match=r"^units='many' is not allowed"):
        config_from(bad)
