"""The shared server lasts a lesson (issue 21's blocker): after one learner's long mix of
trainings, the tutorial's preset still trains, and the Streamlit process stays small because
TensorFlow never enters it (it lives in worker processes that are replaced as they grow)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_after_a_long_lesson_the_preset_trains_and_the_server_stays_small(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), str(HERE.parents[1])]),
               LSTM_LAB_DB=str(tmp_path / "runs.db"))
    for name in ("LSTM_LAB_MEMORY_MB", "LSTM_LAB_MAX_COMPILED", "LSTM_LAB_WORKERS",
                 "LSTM_LAB_MAX_TRAININGS"):
        env.pop(name, None)  # the server's defaults: 1,500 MiB, 64 compiled shapes
    done = subprocess.run([sys.executable, str(HERE / "lesson_session.py")], env=env, cwd=HERE.parents[1],
                          capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(result)
    assert result["problems"] == []
    assert result["preset_trained"]
    assert not result["tensorflow_here"]
    assert result["peak_rss_mb"] < 600, result
    assert result["peak_server_mb"] <= 1500, result  # with its workers: within LSTM_LAB_MEMORY_MB
