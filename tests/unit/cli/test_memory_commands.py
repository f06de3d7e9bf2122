"""``python -m lstm_core influence`` and ``ceiling``: output, --load, bad input (exit 2, one line)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lstm_core.cli.main import main
from lstm_core.data import texts

ROOT = Path(__file__).resolve().parents[3]
COUNTING = texts.counting(6)
RECALL = texts.delayed_recall(4, runs=4)  # XabcYZabcWXabcYZabcW


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(args), out=out)
    return code, out.getvalue()


def test_ceiling_as_a_user_runs_it():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "lstm_core", "ceiling", "--sequence", COUNTING, "--window", "1"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ceiling with window 1: 41/59 = 69.49%"
    bad = subprocess.run([sys.executable, "-m", "lstm_core", "ceiling", "--sequence", "AB", "--window", "2"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "window=2 is not allowed" in bad.stderr


def test_ceiling_json():
    code, out = run_cli("ceiling", "--sequence", "AB" * 12, "--window", "1", "--json")
    assert code == 0 and json.loads(out) == {"window": 1, "right": 23, "total": 23, "ceiling": 1.0}


def _trained_args() -> list[str]:
    return ["--framing", "stateful", "--sequence", RECALL, "--steps-per-update", "5", "--epochs", "30",
            "--units", "8"]


def test_influence_json_lists_every_earlier_letter(tmp_path):
    code, out = run_cli("influence", *_trained_args(), "--text", RECALL, "--step", "9", "--json")
    assert code == 0
    found = json.loads(out)
    assert set(found) == {"predicted", "influence"} and found["predicted"] in set(RECALL)
    rows = found["influence"]
    assert [r["back"] for r in rows] == list(range(9))
    assert "".join(r["fed"] for r in rows) == RECALL[:9][::-1]
    for r in rows:
        assert set(r) == {"back", "fed", "occlusion", "gradient"}
        assert 0.0 <= r["occlusion"] <= 1.0 and r["gradient"] >= 0.0
    assert rows[0]["occlusion"] > 0  # the letter just read always matters

    # The same model saved and loaded gives the same answer.
    path = tmp_path / "recall.keras"
    assert run_cli("train", *_trained_args(), "--save", str(path))[0] == 0
    code, loaded = run_cli("influence", "--load", str(path), "--text", RECALL, "--step", "9", "--json")
    assert code == 0
    assert json.loads(loaded)["predicted"] == found["predicted"]
    np_rows = json.loads(loaded)["influence"]
    assert [round(r["occlusion"], 5) for r in np_rows] == [round(r["occlusion"], 5) for r in rows]


@pytest.mark.parametrize(
    "args, words",
    [
        (["influence", "--framing", "naive", "--text", "A1", "--step", "1"], "not in the vocabulary"),
        (["influence", "--framing", "naive", "--text", "ABC", "--step", "4"], "from 1 to 3"),
        (["influence", "--framing", "timestep-window", "--text", "ABC", "--step", "2"], "at least 3"),
        (["influence", "--text", "ABC"], "give --framing"),
        (["influence", "--load", "x.keras", "--units", "3", "--text", "ABC"], "cannot be combined"),
        (["influence", "--framing", "naive", "--steps-per-update", "3", "--text", "ABC"], "stateful framing"),
        (["ceiling", "--sequence", "ABC", "--window", "0"], "window=0"),
        (["ceiling", "--sequence", "ABC"], "--window"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, words, capsys):
    code, out = run_cli(*args)
    err = capsys.readouterr().err
    assert code == 2 and out == ""
    assert words in err and err.count("\n") == 1
