"""The command line: one test runs it as a user does (``python -m lstm_core ...`` in a
subprocess); the rest run it in this process (``cli_support.cli``), the same ``main``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import cli

from lstm_core.config import FRAMINGS
from lstm_core.presets import PRESETS

ROOT = Path(__file__).resolve().parents[3]


def user_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
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


def test_reproduce_json_gives_one_object_per_framing_and_seed():
    done = user_cli("reproduce", "--framing", "stateful", "--epochs", "5", "--seeds", "2", "--json")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["seed"] for r in rows] == [7, 8]
    for r in rows:
        assert {"framing", "seed", "accuracy", "tutorial_accuracy", "epochs", "seconds"} <= set(r)
        assert r["framing"] == "stateful" and r["epochs"] == 5
        assert r["tutorial_accuracy"] == PRESETS["stateful"].tutorial_accuracy
        assert 0 <= r["accuracy"] <= 100 and r["seconds"] > 0


def test_train_prints_accuracy_and_predictions_and_saves(tmp_path):
    path = tmp_path / "abc.keras"
    done = cli(
        "train",
        "--framing",
        "timestep-window",
        "--sequence",
        "ABCDEFGH",
        "--units",
        "8",
        "--epochs",
        "20",
        "--save",
        str(path),
    )
    assert done.returncode == 0, done.stderr
    assert "Model Accuracy: " in done.stdout
    assert "input" in done.stdout and "predicted" in done.stdout
    assert path.stat().st_size > 0

    done = cli("train", "--framing", "naive", "--sequence", "ABAC", "--epochs", "3", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert 0 <= result["accuracy"] <= 100
    assert [p["input"] for p in result["predictions"]] == ["A", "B", "A"]

    # the saved model generates again without training
    done = cli("generate", "--load", str(path), "--start", "C", "--steps", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("C")


def test_generate_cold_start_from_k_falls_back_to_the_alphabet():
    """The tutorial's point: a stateful model fed "K" from a fresh state says "B"."""
    done = cli("generate", "--framing", "stateful", "--start", "K", "--steps", "5", "--epochs", "300")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "KBCDEF"


@pytest.mark.parametrize(
    "args",
    [
        ["train", "--framing", "naive", "--units", "0"],
        ["train", "--framing", "no-such-framing"],
        ["reproduce", "--framing", "nope"],
        ["reproduce", "--epochs", "many"],
        ["train", "--framing", "stateful", "--epochs", "-1"],
        ["train", "--framing", "naive", "--sequence", "A"],
        ["generate", "--framing", "stateful", "--start", "k", "--steps", "5"],
        ["generate", "--framing", "stateful", "--start", "K", "--steps", "0"],
        ["generate", "--start", "K"],
        ["generate", "--load", "__garbage__", "--start", "K"],
        ["generate", "--load", "/no/such/file.keras", "--start", "K"],
        ["train", "--framing", "naive", "--save", "/no/such/folder/m.keras"],
        ["frobnicate"],
        [],
    ],
)
def test_bad_values_exit_2_with_one_readable_line(args, tmp_path):
    if "__garbage__" in args:
        garbage = tmp_path / "garbage.keras"
        garbage.write_bytes(b"PK\x03\x04 this is no model" * 50)
        args = [str(garbage) if a == "__garbage__" else a for a in args]
    done = cli(*args, timeout=60)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_help_lists_the_commands_and_framings():
    done = cli("reproduce", "--help")
    assert done.returncode == 0
    assert all(name in done.stdout for name in FRAMINGS)
