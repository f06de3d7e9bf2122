"""Test-wide settings shared by tests/unit, tests/app and tests/e2e.

Every test gets a marker from the folder it lives in (unit, app, e2e; the docstring examples
of lstm_core/ and ui/, run by --doctest-modules, count as unit), so
``pytest -m unit`` or ``pytest -m "not e2e"`` select a layer without each file saying so.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Quieter TensorFlow logs in test output (set before anything imports TensorFlow).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The suite compiles far more model shapes in one process than a server's budget allows.
os.environ.setdefault("LSTM_LAB_MAX_COMPILED", "0")
# One TensorFlow thread for every training the tests start (here, in workers, in servers): two
# pytest-xdist workers already fill both cores, and a second thread only spins. Measured on this
# machine (three presets, quiet): 1 thread 7.9 s and 9.1 CPU-seconds, 2 threads 10.8 s and 18.7
# CPU-seconds; the weights are identical (docs/speed.md). test_threads.py sets its own.
os.environ.setdefault("LSTM_LAB_TF_THREADS", "1")
# ... and so holds more memory than a server's budget (1,500 MiB): past it, Train would be refused
# in whichever test happens to run late. The tests of the budget itself set their own value.
os.environ.setdefault("LSTM_LAB_MEMORY_MB", "100000")
# The run store (lstm_core/store/runs.py) writes a SQLite file: tests and the servers they start
# use a throwaway one, never the user's data folder. One per process: pytest-xdist's workers
# inherit the environment of the process that started them, and a store shared between two
# workers would hold the other's runs (the marker variable tells our own throwaway file from one
# the developer chose).
_OWN_DB = "LSTM_LAB_TESTS_OWN_DB"
if not os.environ.get("LSTM_LAB_DB") or os.environ.get(_OWN_DB) == os.environ["LSTM_LAB_DB"]:
    _db = str(Path(tempfile.mkdtemp(prefix="lstm-lab-tests-")) / "runs.sqlite3")
    os.environ["LSTM_LAB_DB"] = os.environ[_OWN_DB] = _db
# ... and never a database server the developer's shell points at (the store tests that need
# PostgreSQL start a throwaway one: tests/e2e/postgres_support.py).
os.environ.pop("LSTM_LAB_STORE_URL", None)

TESTS = Path(__file__).resolve().parent
DOCTESTED = (TESTS.parent / "lstm_core", TESTS.parent / "ui")  # their docstring examples run
_LAYERS = ("unit", "app", "e2e")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path)).resolve()
        if any(path.is_relative_to(d) for d in DOCTESTED):  # docstring examples are unit tests
            layer = "unit"
        else:
            try:
                layer = path.relative_to(TESTS).parts[0]
            except (ValueError, IndexError):
                continue
        if layer in _LAYERS and item.get_closest_marker(layer) is None:
            item.add_marker(getattr(pytest.mark, layer))
