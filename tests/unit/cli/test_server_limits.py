"""Defaults for a public server (issue 16, item 6): loopback unless asked, no silent no-op save."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest

from lstm_core.cli.main import main

ROOT = Path(__file__).resolve().parents[3]

# A stand-in for .venv/bin/python that records how run_app.sh calls it (pip, then streamlit),
# so the script's own logic runs for real without installing or starting anything.
FAKE_PYTHON = """#!/usr/bin/env bash
if [ "$2" = "pip" ]; then exit 0; fi
echo "$@"
"""


def run_app(tmp_path: Path, *args: str, env: dict | None = None) -> str:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "run_app.sh"), *args],
        env={**os.environ, "VENV": str(venv), **(env or {})},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout.strip()


def test_run_app_listens_on_loopback_by_default(tmp_path):
    # ... with the file watcher off on its command line (not in config.toml: Cloud reloads through it).
    assert run_app(tmp_path) == (
        "-m streamlit run app.py --server.address 127.0.0.1 --server.fileWatcherType none"
    )


def test_run_app_serves_other_machines_only_when_asked(tmp_path):
    line = run_app(tmp_path, env={"LSTM_LAB_ADDRESS": "0.0.0.0"})
    assert "--server.address 0.0.0.0 " in line


def test_a_file_watcher_given_on_the_command_line_wins(tmp_path):
    line = run_app(tmp_path, "--server.fileWatcherType", "auto")
    assert line.endswith("--server.address 127.0.0.1 --server.fileWatcherType auto")
    assert "none" not in line


@pytest.mark.parametrize("given", [["--server.address", "10.0.0.5"], ["--server.address=10.0.0.5"]])
def test_an_address_given_on_the_command_line_wins(tmp_path, given):
    line = run_app(tmp_path, *given, "--server.port", "8600")
    assert "127.0.0.1" not in line
    assert line.endswith(" ".join(given) + " --server.port 8600")


@pytest.mark.parametrize("path", ["", "   "])
def test_save_to_an_empty_name_is_refused_before_training(path, capsys):
    code = main(["train", "--framing", "naive", "--epochs", "1", "--save", path], out=io.StringIO())
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith("error: save=") and "give a file name" in err
    assert len(err.splitlines()) == 1
