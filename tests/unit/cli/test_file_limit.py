"""A model file over the size limit, given to the command line (issue 21).

The CLI reads at most the limit plus one byte (enough to know the file is too big), so it
cannot know how big the file is: the message says "larger than 20 MiB", never a wrong size.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lstm_core.export.keras_preflight import MAX_MODEL_BYTES, MiB

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("command", [["generate", "--start", "A"], ["trace", "--text", "AB"]])
def test_a_file_over_the_limit_is_said_to_be_larger_than_it(tmp_path, command):
    big = tmp_path / "big.keras"
    with open(big, "wb") as fh:
        fh.truncate(MAX_MODEL_BYTES + 10 * MiB)  # 30 MiB, sparse: costs no disk
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "lstm_core", *command, "--load", str(big)],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=env,
    )
    assert done.returncode != 0
    limit = f"{MAX_MODEL_BYTES / MiB:.0f} MiB"
    assert f"larger than {limit}" in done.stderr, done.stderr
    assert "20.0 MiB" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr  # one sentence, no traceback
