"""A TensorFlow worker that dies mid-training (out of memory, a crash) costs only that task:
its learner reads one sentence, keeps the model they had, and the next Train works (issue 21)."""

from __future__ import annotations

import os
import signal

from apptest_support import TINY, assert_clean, button, train_in_lab

from lstm_core.train import workers
from ui import training


def kill_at_first_progress(monkeypatch, killed: list[int]) -> None:
    """SIGKILL the worker running a task at its first progress report (what the kernel's
    out-of-memory killer does), whichever worker the pool chose: an event, not a clock (a
    timer missed the task on a quiet machine, where 20,000 epochs end in under 4 s)."""
    real = workers.follow

    def follow(worker, on_progress, should_stop):
        def progress(report):
            if not killed:
                killed.append(worker.pid)
                os.kill(worker.pid, signal.SIGKILL)
            if on_progress is not None:
                on_progress(report)

        return real(worker, progress, should_stop)

    monkeypatch.setattr(workers, "follow", follow)


def test_a_worker_killed_mid_training_is_one_sentence_and_the_next_train_works(monkeypatch):
    at = train_in_lab(**TINY)
    before = at.session_state["run"]
    pids = training.pool().pids()
    assert pids and os.getpid() not in pids  # the training ran in a worker, not here
    monkeypatch.setattr(training, "RUN_SECONDS", 40.0)
    at.number_input(key="lab_epochs").set_value(20_000.0)
    killed: list[int] = []
    kill_at_first_progress(monkeypatch, killed)
    button(at, "Train").click().run()
    assert_clean(at)
    errors = [e.value for e in at.error]
    assert any("stopped before it finished this task" in e for e in errors), errors
    assert at.session_state["run"] is before  # the model the learner had is kept

    at.number_input(key="lab_epochs").set_value(20.0)
    button(at, "Train").click().run()
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    after = at.session_state["run"]
    assert after is not before and after.epochs_done == 20
    assert killed and not set(training.pool().pids()) & set(killed)  # served by a new process
