"""A copy of some of the project's files, as a test that installs or edits the project needs one
(tests/unit/test_packaging.py builds a wheel from it; tests/e2e/test_code_reload.py edits a module
of a running server in it)."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def copy_project(names: tuple[str, ...], dest: Path) -> Path:
    """Copy the files and folders NAMES (relative to the checkout) into DEST, without caches.

    >>> import tempfile
    >>> dest = copy_project(("pyproject.toml", "lstm_core"), Path(tempfile.mkdtemp()) / "copy")
    >>> (dest / "pyproject.toml").is_file(), (dest / "lstm_core" / "config.py").is_file()
    (True, True)
    >>> any(dest.rglob("__pycache__"))
    False
    """
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, dest / name)
    return dest
