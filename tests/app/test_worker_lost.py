"""A TensorFlow worker that dies mid-training (out of memory, a crash) costs only that task:
its learner reads one sentence, keeps the model they had, and the next Train works (issue 21)."""

from __future__ import annotations

import os
import signal
import threading
import time

from apptest_support import TINY, assert_clean, button, train_in_lab

from ui import training


def kill_workers_after(seconds: float, killed: list[int]) -> threading.Thread:
    """Kill every worker alive ``seconds`` from now (their pids go to ``killed``). Read then,
    not before the click: the pool may have started another worker for this task (a background
    compile held the first one in the full suite, and a kill of the old pids missed the task)."""

    def kill() -> None:
        time.sleep(seconds)
        killed.extend(training.pool().pids())
        for pid in killed:
            try:
                os.kill(pid, signal.SIGKILL)  # what the kernel's out-of-memory killer does
            except ProcessLookupError:
                pass

    thread = threading.Thread(target=kill, daemon=True)
    thread.start()
    return thread


def test_a_worker_killed_mid_training_is_one_sentence_and_the_next_train_works(monkeypatch):
    at = train_in_lab(**TINY)
    before = at.session_state["run"]
    pids = training.pool().pids()
    assert pids and os.getpid() not in pids  # the training ran in a worker, not here
    monkeypatch.setattr(training, "RUN_SECONDS", 40.0)
    at.number_input(key="lab_epochs").set_value(20_000.0)
    killed: list[int] = []
    killer = kill_workers_after(4.0, killed)
    button(at, "Train").click().run()
    killer.join()
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
