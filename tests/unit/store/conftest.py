"""Fixtures of the run store tests: each test's empty store on both backends.

``url`` is parametrized: a SQLite file, and a fresh database of a throwaway PostgreSQL server
(tests/e2e/postgres_support.py: initdb + pg_ctl in a temporary folder, one per test module).
Without PostgreSQL's programs the PostgreSQL tests fail with the install command; they never skip.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from postgres_support import PostgresServer

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    try:
        server.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        server.stop()
        pytest.fail(f"a throwaway PostgreSQL server could not start: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path: Path) -> str:
    """A fresh, empty run store of each backend, as the URL LSTM_LAB_STORE_URL would hold."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/data/runs.sqlite3"  # tmp_path is absolute: four slashes
    return request.getfixturevalue("postgres").new_database()
