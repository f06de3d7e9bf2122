"""`pip install .` gives the engine and its command `lstm-lab` (issue 23).

The install is real: pip builds the wheel from a copy of the files the package is made of and installs
it into a fresh virtual environment, then the installed `lstm-lab` trains the tutorial's stateful
framing. To stay quick and offline, the new environment borrows the test environment's packages
(TensorFlow and the rest, through a .pth file) and pip installs with ``--no-deps
--no-build-isolation``; what the package declares it needs is checked against requirements.txt.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
from source_copy import copy_project

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# What `pip install .` reads: the packaging settings, the README (the long description), the licence
# and the engine. Nothing of the app (app.py, pages/, ui/) may be needed.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "lstm_core")


def _requirement_lines(path: Path) -> set[str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def test_the_package_needs_what_requirements_txt_pins():
    """Each dependency of the engine is written exactly as in requirements.txt (Cloud's file)."""
    app = _requirement_lines(ROOT / "requirements.txt")
    project = PYPROJECT["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["postgres"]]
    assert [d for d in declared if d not in app] == []
    names = {re.split(r"[<>=;\[ ]", d, maxsplit=1)[0] for d in declared}
    assert {"tensorflow", "tensorflow-cpu", "keras", "numpy", "h5py", "nbformat"} <= names
    assert "streamlit" not in names, "the engine never imports Streamlit"
    assert project["scripts"]["lstm-lab"] == "lstm_core.cli.main:main"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the package pip built from a copy of SOURCES; returns its bin folder."""
    tmp = tmp_path_factory.mktemp("pip-install")
    src = copy_project(SOURCES, tmp / "src")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(
        sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)})
    )
    # The test environment's packages (TensorFlow, setuptools for the build), seen after the venv's own.
    (site / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    out = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
         "--no-deps", "--no-build-isolation", "--no-index", "--disable-pip-version-check", str(src)],
        capture_output=True, text=True, cwd=tmp,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return venv / "bin"


def _run(bin_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        args, capture_output=True, text=True, cwd=bin_dir.parent,
        env={**env, "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", "TF_CPP_MIN_LOG_LEVEL": "2"},
    )


def test_lstm_lab_version(installed):
    from lstm_core import __version__

    out = _run(installed, "lstm-lab", "--version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"lstm-lab {__version__}"


def test_the_installed_engine_is_the_copy_in_the_venv_with_its_presets(installed):
    code = (
        "import json, lstm_core, lstm_core.store.pretrained as p;"
        "print(json.dumps([lstm_core.__file__, sorted(f.name for f in p.FOLDER.iterdir())]))"
    )
    out = _run(installed, str(installed / "python"), "-c", code)
    assert out.returncode == 0, out.stderr
    where, shipped = json.loads(out.stdout)
    assert Path(where).is_relative_to(installed.parent), where
    assert {"stateful.json", "stateful.npz"} <= set(shipped)


def test_lstm_lab_reproduces_the_stateful_framing(installed):
    out = _run(installed, "lstm-lab", "reproduce", "--framing", "stateful", "--seeds", "1", "--json")
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout.strip().splitlines()[-1])
    assert row["framing"] == "stateful"
    assert row["accuracy"] == pytest.approx(100.0)
