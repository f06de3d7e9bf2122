"""``python -m lstm_core trace`` (lstm_core/cli/trace.py), run as a user runs it: the JSON contract,
the table, and bad input in one line with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from cli_support import cli

ROOT = Path(__file__).resolve().parents[3]


def test_cli_trace_json_contract_and_the_tutorial_cold_and_warm_k(tmp_path):
    path = tmp_path / "stateful.keras"
    done = cli("train", "--framing", "stateful", "--save", str(path))
    assert done.returncode == 0, done.stderr
    for warm, expected in ((False, "B"), (True, "L")):
        args = ["trace", "--load", str(path), "--text", "K", "--json"] + (["--warm"] if warm else [])
        done = cli(*args)
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        (step,) = result["steps"]
        assert {"fed", "x", "h_prev", "c_prev", "i", "f", "g", "o", "c", "h", "probs"} <= set(step)
        assert step["fed"] == "K"
        for key in ("h_prev", "c_prev", "i", "f", "g", "o", "c", "h"):
            assert len(step[key]) == 16 and all(isinstance(v, float) for v in step[key])
        assert set(step["probs"]) == set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        assert sum(step["probs"].values()) == pytest.approx(1.0)
        assert max(step["probs"], key=step["probs"].get) == expected  # cold K -> B, warm K -> L
        f, i, g, o = (np.array(step[k]) for k in "figo")
        np.testing.assert_allclose(step["c"], f * np.array(step["c_prev"]) + i * g, atol=1e-9)
        np.testing.assert_allclose(step["h"], o * np.tanh(step["c"]), atol=1e-9)
        assert (np.array(step["h_prev"]) == 0).all() != warm  # warm: the state read A..J

    done = cli(
        "trace", "--framing", "timestep-window", "--epochs", "3", "--units", "4", "--text", "ABCD", "--json"
    )
    assert done.returncode == 0, done.stderr
    steps = json.loads(done.stdout)["steps"]
    assert len(steps) == 12  # 4 letters x a window of 3 time steps, each window re-read from zero
    assert [s["fed"] for s in steps[:3]] == ["·", "·", "A"]

    done = cli("trace", "--load", str(path), "--text", "ABC")  # the table for people
    assert done.returncode == 0, done.stderr
    assert "mean f" in done.stdout and len(done.stdout.splitlines()) == 5


@pytest.mark.parametrize(
    "args",
    [
        ["trace", "--framing", "stateful"],  # no --text
        ["trace", "--framing", "stateful", "--text", ""],
        ["trace", "--framing", "stateful", "--text", "abc"],
        ["trace", "--framing", "stateful", "--text", "A" * 201],
        ["trace", "--text", "K"],  # no model
        ["trace", "--framing", "stateful", "--text", "K", "--units", "0"],
        ["trace", "--load", "/no/such/file.keras", "--text", "K"],
        ["trace", "--load", "x.keras", "--units", "4", "--text", "K"],
        ["trace", "--framing", "stateful", "--text", "K", "--bogus"],
    ],
)
def test_cli_trace_bad_input_is_one_line_and_exit_2(args):
    done = cli(*args, timeout=60)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("error: ")
    assert done.stdout == ""
