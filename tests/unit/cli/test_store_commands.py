"""``python -m lstm_core store keep ID``: the operator's way to keep a teacher's run (issue 21),
run as an operator runs it (in this process: ``cli_support``) on the store the app uses (``LSTM_LAB_DB``)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import types
from pathlib import Path

from cli_support import cli as run_cli

from lstm_core.model.cells import init_weights
from lstm_core.presets import preset
from lstm_core.store.runs import RunStore

ROOT = Path(__file__).resolve().parents[3]


def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSTM_LAB_")}
    env.update(LSTM_LAB_DB=str(db))
    return run_cli("store", *args, env=env)


def test_an_operator_keeps_a_run_and_lets_it_go(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite3"
    config = preset("stateful")
    run = types.SimpleNamespace(config=config, weights=init_weights(config), stopped=False, seconds=0.5,
                                history=[types.SimpleNamespace(epoch=1, loss=1.0, accuracy=0.5, elapsed=0.1)])
    run_id = RunStore(db).save(run, {"owner": "teacher"})

    def kept() -> int:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT keep FROM runs WHERE id = ?", (run_id,)).fetchone()[0]

    done = cli(db, "keep", run_id)
    assert done.returncode == 0, done.stderr
    assert f"{run_id}: kept, never evicted" in done.stdout and kept() == 1
    done = cli(db, "unkeep", run_id)
    assert done.returncode == 0 and kept() == 0
    missing = cli(db, "keep", "A" * 24)
    assert missing.returncode == 2 and missing.stderr.strip().splitlines() == [
        f"error: the run store {db} has no run {'A' * 24!r}"
    ]
    assert cli(db, "keep").returncode == 2  # no id: one line, exit 2
