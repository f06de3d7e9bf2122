"""The life of one TensorFlow worker process (started by ``lstm_core.train.workers``).

Run as ``python -m lstm_core.train.worker_main FD [MODULE ...]``: ``FD`` is this end of a
socket pair the server made; each ``MODULE`` is imported first (``lstm_core.train.trainer``
pays TensorFlow's import, ~550 MB and ~4 s, before any learner waits for it). Then it says
``("ready", rss)`` and runs one task after another until the server closes the socket:

- the server sends ``("task", "module:function", args, kwargs, options)``;
- the worker answers ``("progress", args)`` as often as the function reports (when
  ``options["progress"]``), then ``("done", value, rss)`` or ``("error", exc, traceback,
  rss)``. ``rss`` (MiB) lets the server replace a worker that has grown too large.
- ``SIGUSR1`` asks the running task to stop (its ``should_stop`` turns True): a trainer
  answers at its next chunk and returns what it trained so far.
- ``options["limit_mb"]`` runs the task under an address-space limit that many MiB above
  what the process has mapped now (an untrusted ``.keras`` file): past it, an allocation
  fails here and only this process and its task are lost.

Only functions of ``lstm_core`` are run: the server names them, nobody else can.
"""

from __future__ import annotations

import importlib
import os
import pickle
import resource
import signal
import sys
import threading
import traceback
from contextlib import contextmanager
from multiprocessing.connection import Connection

_stop = threading.Event()


def rss_mb() -> float:
    """This process's resident memory in MiB (0.0 where /proc is missing)."""
    return _status_mb("VmRSS:")


def _status_mb(field: str) -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


@contextmanager
def address_space_limit(limit_mb: float | None):
    """Cap this process's address space at what it maps now plus ``limit_mb`` MiB, then lift it.

    Only the soft limit moves (the hard one stays), so the cap can be lifted again.
    """
    if not limit_mb:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = int((_status_mb("VmSize:") + limit_mb) * 1024 * 1024)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def portable(exc: BaseException) -> BaseException:
    """``exc`` as a built-in exception of its kind, with its sentence and its flags.

    Only built-in classes cross to the server: unpickling one of ours there would import its
    module, and a module of ``lstm_core.train`` imports TensorFlow. A refusal stays a
    ``ValueError`` (the page shows its sentence), anything else keeps its nearest built-in kind.

    >>> class Refused(ValueError):
    ...     fresh_process_helps = True
    >>> sent = portable(Refused("units=0 is not allowed"))
    >>> type(sent).__name__, str(sent), sent.fresh_process_helps
    ('ValueError', 'units=0 is not allowed', True)
    >>> type(portable(KeyError("w"))).__name__
    'KeyError'
    """
    kind = next(k for k in type(exc).__mro__ if k.__module__ == "builtins")
    try:
        sent = kind(str(exc)) if kind is not type(exc) else exc
        sent = pickle.loads(pickle.dumps(sent))
    except Exception:  # noqa: BLE001 - any failure to round-trip means "send the text"
        sent = RuntimeError(f"{type(exc).__name__}: {exc}")
    if getattr(exc, "fresh_process_helps", False):
        sent.fresh_process_helps = True
    return sent


def run_task(conn: Connection, target: str, args: tuple, kwargs: dict, options: dict) -> tuple:
    """Run ``target`` ("lstm_core.module:function") and return the reply to send."""
    _stop.clear()
    try:
        module, _, name = target.partition(":")
        if not module.startswith("lstm_core."):
            raise ValueError(f"not a task of this app: {target}")
        function = getattr(importlib.import_module(module), name)
        if options.get("progress"):
            kwargs["on_progress"] = lambda *a: conn.send(("progress", a))
        if options.get("stoppable"):
            kwargs["should_stop"] = _stop.is_set
        with address_space_limit(options.get("limit_mb")):
            value = function(*args, **kwargs)
        return ("done", value, rss_mb())
    except BaseException as exc:  # noqa: BLE001 - MemoryError included: the server words it
        return ("error", portable(exc), traceback.format_exc(), rss_mb())


def serve(conn: Connection, warm: list[str]) -> None:
    """Import ``warm``, say ready, then answer tasks until the server hangs up."""
    signal.signal(signal.SIGUSR1, lambda *_: _stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the server's terminal is the server's
    for module in warm:
        importlib.import_module(module)
    try:
        conn.send(("ready", rss_mb()))
        while True:
            message = conn.recv()
            if message is None:
                return
            _, target, args, kwargs, options = message
            conn.send(run_task(conn, target, args, kwargs, options))
    except (EOFError, OSError):
        return  # the server has gone (or let this worker go): so does the worker


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    serve(Connection(int(sys.argv[1])), sys.argv[2:])
