"""TensorFlow's home on a shared server: a few worker processes that can be replaced.

TensorFlow never gives back the memory of a compiled program, so a server that trains in its
own process can spend its memory budget only once (issue 21: after ~50 minutes of one
learner's exploring, every Train was refused for good). So the server never imports it:
every training, compile and ``.keras`` load or build runs in a worker process
(``worker_main.py``), and a worker that has grown past its share is replaced after its task,
which gives its memory back to the machine. A worker that dies (out of memory, a hostile
file, a crash) costs only its own task: the caller gets :class:`WorkerLost`, one sentence.

    >>> pool = WorkerPool(size=1, recycle_mb=10_000, warm=())
    >>> pool.call("lstm_core.data.texts:counting", repeats=2)   # any lstm_core function
    'aaaabbbccdaaaabbbccd'
    >>> pool.shutdown()

Progress and Stop cross the process boundary: ``on_progress`` is called here, on the
caller's thread, with what the function reported there; ``should_stop`` is polled here
and a True is passed on (``SIGUSR1``), so a trainer stops at its next chunk and returns
what it trained. No Streamlit, no TensorFlow in this module.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]  # the folder that holds lstm_core/
TRAINER = "lstm_core.train.trainer"  # what a warm worker has imported (TensorFlow with it)
START_SECONDS = 120.0  # a worker not ready by then is broken (TensorFlow takes 4-8 s here)
POLL_SECONDS = 0.05  # how often the caller's should_stop is asked while a task runs


class WorkerLost(ValueError):
    """The worker process running a task ended before answering (one sentence for a person)."""


class Worker:
    """One worker process and this end of its socket."""

    def __init__(self, warm: tuple[str, ...]) -> None:
        self.warm = warm
        self._spawn()

    def _spawn(self) -> None:
        mine, theirs = socket.socketpair()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lstm_core.train.worker_main", str(theirs.fileno()), *self.warm],
            pass_fds=[theirs.fileno()], env=env, cwd=str(ROOT), stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.conn = Connection(mine.detach())
        self.rss = 0.0  # MiB, as the worker last reported
        self.pending = False  # a task was sent and its answer not yet read
        self.shapes: set[Any] = set()  # what it has compiled (keys the caller chooses)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self) -> None:
        if not self.conn.poll(START_SECONDS):
            raise WorkerLost("The training process did not start in time; try again in a minute.")
        try:
            kind, rss = self.conn.recv()
        except (EOFError, OSError):
            # It died while importing TensorFlow: out of memory, or the server is stopping
            # and the signal reached the whole process group.
            raise WorkerLost(
                f"The training process ended while starting (exit code {self.process.poll()}); "
                "try again in a minute."
            ) from None
        self.rss = rss

    def stop(self) -> None:
        """Ask the running task to stop at its next chunk."""
        if self.alive():
            os.kill(self.pid, signal.SIGUSR1)

    def end(self) -> None:
        """Close the socket (an idle worker exits by itself) and make sure the process is gone."""
        try:
            self.conn.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _lost(worker: Worker) -> WorkerLost:
    code = worker.process.poll()
    log.warning("worker %d ended during a task (exit code %s)", worker.pid, code)
    return WorkerLost(
        "The training process stopped before it finished this task (it may have run out of "
        "memory); nothing else on the server was affected. Try again, or try a smaller model."
    )


def ask(worker: Worker, task: tuple, on_progress: Callable | None,
        should_stop: Callable[[], bool] | None) -> Any:
    """Send ``task`` (target, args, kwargs, options) and :func:`follow` it to its answer."""
    try:
        worker.conn.send(("task", *task))
    except OSError:
        raise _lost(worker) from None
    worker.pending = True
    return follow(worker, on_progress, should_stop)  # raises the task's error, if any


def follow(worker: Worker, on_progress: Callable | None, should_stop: Callable[[], bool] | None) -> Any:
    """Wait for the worker's answer to the task just sent; report its progress meanwhile.

    Only the latest progress of each run is passed on: a caller slower than the worker (a
    page redrawing its chart on a busy server) would otherwise fall further behind at every
    report, showing epoch 220 while the worker trains epoch 700, and a Stop clicked then
    would keep the 500 epochs in between (issue 22, item 15).
    """
    stop_sent = False
    while True:
        if should_stop is not None and not stop_sent and should_stop():
            worker.stop()
            stop_sent = True
        messages = _received(worker)
        if not messages:
            if not worker.alive():
                raise _lost(worker)
            continue
        progress, answer = latest_progress(messages)
        if on_progress is not None:
            for args in progress:
                on_progress(*args)
        if answer is None:
            continue
        worker.rss = answer[-1]
        worker.pending = False
        if answer[0] == "done":
            return answer[1]
        _, exc, trace, _ = answer
        log.debug("task failed in worker %d:\n%s", worker.pid, trace)
        raise exc


def _received(worker: Worker) -> list[tuple]:
    """Every message the worker has sent so far (waiting up to ``POLL_SECONDS`` for one)."""
    messages: list[tuple] = []
    try:
        wait = POLL_SECONDS
        while worker.conn.poll(wait):
            messages.append(worker.conn.recv())
            if messages[-1][0] != "progress":
                break  # the answer: nothing follows it
            wait = 0
    except (EOFError, OSError):
        raise _lost(worker) from None
    return messages


def latest_progress(messages: list[tuple]) -> tuple[list[tuple], tuple | None]:
    """The last progress report of each run among ``messages`` (a run is told apart by the
    arguments before its ``Progress``: its index in ``train_many``), in the order they
    last reported, and the answer that ended the task, if it is there.

    >>> latest_progress([("progress", (0, "e1")), ("progress", (1, "e1")), ("progress", (0, "e2"))])
    ([(1, 'e1'), (0, 'e2')], None)
    >>> latest_progress([("progress", ("e1",)), ("progress", ("e2",)), ("done", 42, 600.0)])
    ([('e2',)], ('done', 42, 600.0))
    """
    last: dict[tuple, tuple] = {}
    answer = None
    for message in messages:
        if message[0] != "progress":
            answer = message
            continue
        args = message[1]
        last.pop(args[:-1], None)  # re-inserted: the order is that of the latest reports
        last[args[:-1]] = args
    return list(last.values()), answer


class WorkerPool:
    """Up to ``size`` workers, started when first needed and replaced once past ``recycle_mb``.

    ``warm`` is what each worker imports before it says it is ready. After a worker is
    retired, its replacement starts at once in the background, so the next task does not wait
    for TensorFlow's import.
    """

    def __init__(self, size: int, recycle_mb: float, warm: tuple[str, ...] = (TRAINER,)) -> None:
        self.size = max(1, int(size))
        self.recycle_mb = float(recycle_mb)
        self.warm_modules = tuple(warm)
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._starting = 0
        self._start_error: BaseException | None = None  # the last start that failed, for a waiter
        self.started = 0  # workers started in this pool's life
        self.retired = 0  # workers replaced for their size or lost

    # -- what the server asks ------------------------------------------------------------
    def call(self, target: str, *args: Any, on_progress: Callable | None = None,
             should_stop: Callable[[], bool] | None = None, limit_mb: float | None = None,
             **kwargs: Any) -> Any:
        """Run ``target`` ("lstm_core.module:function") in a worker and return its value.

        Its exceptions are raised here (a refusal stays a ``ValueError`` with its sentence);
        a worker that dies raises :class:`WorkerLost` and is replaced.
        """
        with self.worker() as worker:
            return self.run(worker, target, *args, on_progress=on_progress,
                            should_stop=should_stop, limit_mb=limit_mb, **kwargs)

    def run(self, worker: Worker, target: str, *args: Any, on_progress: Callable | None = None,
            should_stop: Callable[[], bool] | None = None, limit_mb: float | None = None,
            **kwargs: Any) -> Any:
        """Like :meth:`call`, on a worker the caller holds (``with pool.worker() as w``)."""
        options = {"progress": on_progress is not None, "stoppable": should_stop is not None,
                   "limit_mb": limit_mb}
        try:
            return ask(worker, (target, args, kwargs, options), on_progress, should_stop)
        except Exception as exc:
            if not getattr(exc, "fresh_process_helps", False):
                raise
        # e.g. the worker's compile budget is spent: a fresh process has all of it
        self.restart(worker)
        return ask(worker, (target, args, kwargs, options), on_progress, should_stop)

    @contextmanager
    def worker(self, on_wait: Callable[[], None] | None = None) -> Iterator[Worker]:
        """Hold a worker (waiting for one to start or come free) for a few tasks in a row;
        ``on_wait()`` is called a few times a second meanwhile (see :meth:`_acquire`)."""
        worker = self._acquire(on_wait)
        try:
            yield worker
        finally:
            # A task's own error leaves a sound worker; one still pending (the caller failed
            # while it ran) or lost is not trusted again.
            self._release(worker, healthy=not worker.pending and worker.alive())

    def restart(self, worker: Worker) -> None:
        """Replace the process of a worker the caller holds by a fresh one (memory back now)."""
        self._retire(worker, "to make room")
        worker._spawn()
        worker.wait_ready()
        self.started += 1

    @contextmanager
    def idle_worker(self) -> Iterator[Worker | None]:
        """Hold an idle, ready worker if there is one now (else None): never starts or waits."""
        with self._cond:
            worker = next((w for w in reversed(self._idle) if w.alive()), None)
            if worker is not None:
                self._idle.remove(worker)
                self._busy.add(worker)
        if worker is None:
            yield None
            return
        try:
            yield worker
        finally:
            self._release(worker, healthy=not worker.pending and worker.alive())

    def wait_idle(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for an idle worker (e.g. the one :meth:`warm` is starting)."""
        with self._cond:
            self._cond.wait_for(lambda: bool(self._idle) or not self._starting, seconds)
            return bool(self._idle)

    def warm(self) -> None:
        """Start a worker in the background if none is running or starting."""
        with self._cond:
            if not (self._idle or self._busy or self._starting):
                self._start_in_background()

    def _start_in_background(self) -> None:  # the caller holds self._cond
        self._starting += 1
        threading.Thread(target=self._start_idle, daemon=True, name="lstm-lab-worker-start").start()

    def pids(self) -> list[int]:
        """Process ids of the workers alive now (the memory budget counts them)."""
        with self._cond:
            return [w.pid for w in [*self._idle, *self._busy] if w.alive()]

    def shutdown(self) -> None:
        with self._cond:
            workers, self._idle = self._idle, []
        for w in workers:
            w.end()

    # -- the workers' lives ------------------------------------------------------------
    def _acquire(self, on_wait: Callable[[], None] | None = None) -> Worker:
        """An idle worker, starting one in the background when there is room. While waiting,
        ``on_wait()`` is called every ``POLL_SECONDS * 5``; if it raises (a click on Stop, in
        a page), the wait ends and a worker being started is kept for the next task."""
        while True:
            with self._cond:
                for gone in [w for w in self._idle if not w.alive()]:
                    self._idle.remove(gone)
                    self._forget(gone)
                if self._idle:
                    worker = self._idle.pop()
                    self._busy.add(worker)
                    return worker
                failed, self._start_error = self._start_error, None
                if failed is not None and not self._starting:
                    raise WorkerLost("The training process did not start; try again in a minute.") from failed
                if len(self._busy) + self._starting < self.size:
                    self._start_in_background()
                self._cond.wait(POLL_SECONDS * 5)
            if on_wait is not None:
                on_wait()

    def _forget(self, worker: Worker) -> None:
        log.warning("worker %d ended while idle (exit code %s)", worker.pid, worker.process.poll())
        self.retired += 1

    def _start(self) -> Worker:
        """Start a worker and wait until it is ready (``_starting`` was counted by the caller,
        and is uncounted by :meth:`_start_idle` with the outcome, under one lock)."""
        worker = Worker(self.warm_modules)
        worker.wait_ready()
        log.info("worker %d ready (%.0f MiB)", worker.pid, worker.rss)
        return worker

    def _start_idle(self) -> None:
        worker, error = None, None
        try:
            worker = self._start()
        except Exception as exc:  # noqa: BLE001 - a waiting task is told (see _acquire)
            error = exc
            if isinstance(exc, WorkerLost):  # a known way to fail: one line, no traceback
                log.warning("starting a worker failed: %s", exc)
            else:
                log.warning("starting a worker failed", exc_info=True)
        finally:
            # The outcome is recorded as the start stops counting, under one lock: a waiter
            # never sees the start over with neither a worker nor an error.
            with self._cond:
                self._starting -= 1
                if worker is not None:
                    self.started += 1
                    self._idle.append(worker)
                else:
                    self._start_error = error
                self._cond.notify_all()

    def _release(self, worker: Worker, healthy: bool) -> None:
        with self._cond:
            self._busy.discard(worker)
            keep = healthy and worker.alive() and worker.rss <= self.recycle_mb
            if keep:
                self._idle.append(worker)
            self._cond.notify_all()
        if not keep:
            self._retire(worker, "after a task" if healthy else "after a lost task")
            self.warm()  # its replacement starts now, not when the next learner clicks

    def _retire(self, worker: Worker, why: str) -> None:
        log.info("retiring worker %d at %.0f MiB %s", worker.pid, worker.rss, why)
        self.retired += 1
        worker.end()
