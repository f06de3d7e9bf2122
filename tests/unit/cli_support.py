"""The command line run in this process: what ``python -m lstm_core ARGS`` prints and returns,
without paying a new interpreter and TensorFlow's import (~5 s) for every call.

The tests that prove the command works *as a user runs it* (a subprocess, the real
``__main__``) keep a subprocess: ``test_main.py`` and ``test_memory_commands.py`` have one each.

>>> done = cli("ceiling", "--sequence", "ABAB", "--window", "1")
>>> done.returncode, done.stdout.strip()
(0, 'ceiling with window 1: 3/3 = 100.00%')
>>> bad = cli("ceiling", "--sequence", "AB", "--window", "2")
>>> bad.returncode, bad.stdout, "window=2" in bad.stderr
(2, '', True)
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from collections.abc import Iterator, Mapping

from lstm_core.cli.main import main


@contextlib.contextmanager
def environment(env: Mapping[str, str] | None) -> Iterator[None]:
    """``os.environ`` replaced by ``env`` (when given) for the block, then restored."""
    if env is None:
        yield
        return
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def cli(*args: str, env: Mapping[str, str] | None = None, timeout: float | None = None
        ) -> subprocess.CompletedProcess:
    """Run the CLI with ``args`` here; ``env`` replaces the environment for the call (``timeout``
    is accepted for the subprocess callers' sake and unused: pytest's own timeout guards)."""
    out, err = io.StringIO(), io.StringIO()
    debug = os.environ.pop("LSTM_LAB_DEBUG", None)  # a bug is one line, as a user sees it
    try:
        with environment(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args), out=out)
            except SystemExit as done:  # argparse's --help and usage errors end the process
                code = done.code if isinstance(done.code, int) else 0 if done.code is None else 2
    finally:
        if debug is not None:
            os.environ["LSTM_LAB_DEBUG"] = debug
    return subprocess.CompletedProcess(["lstm_core", *args], code, out.getvalue(), err.getvalue())
