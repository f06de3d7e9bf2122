"""``python -m lstm_core class export CODE --csv``, run as a teacher runs it, in a subprocess."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from lstm_core.experiments.class_experiment import CLAIMS
from lstm_core.store.classes import ClassStore

ROOT = Path(__file__).resolve().parents[3]


def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSTM_LAB_")}
    env.update(PYTHONPATH=str(ROOT), LSTM_LAB_DB=str(db))
    return subprocess.run([sys.executable, "-m", "lstm_core", "class", *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT, env=env)


def test_a_teacher_exports_a_class_as_csv(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite3"
    store = ClassStore(db)
    claim = CLAIMS["timestep-vs-feature-window"]
    info, _ = store.create(claim.name, claim.arms, claim.title, claim.question)
    for k, acc in enumerate((100.0, 86.96)):
        store.join(info.code, f"s{k}")
        store.submit(info.code, f"s{k}", f"run{k:019d}", acc, (23, 23)[k], prediction="0", nickname="Ann")
    store.join(info.code, "late")

    done = cli(db, "export", info.code.lower(), "--csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["arm"], r["seed"], r["accuracy"]) for r in rows] == [
        ("timestep-window", "7", "100.00"), ("feature-window", "8", "86.96"), ("timestep-window", "9", "")]
    assert rows[0]["prediction"] == "timestep-window" and rows[0]["nickname"] == "Ann"

    out = tmp_path / "class.csv"
    assert cli(db, "export", info.code, "--csv", "--out", str(out)).returncode == 0
    assert out.read_text().splitlines()[0].startswith("code,slot,arm,seed")


def test_an_unknown_or_malformed_code_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite3"
    missing = cli(db, "export", "ACDEFH", "--csv")
    assert missing.returncode == 2 and missing.stderr.strip() == "error: there is no class ACDEFH"
    bad = cli(db, "export", "nope", "--csv")
    assert bad.returncode == 2 and "is not a class code" in bad.stderr and "Traceback" not in bad.stderr
