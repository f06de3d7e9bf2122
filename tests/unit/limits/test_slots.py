"""The training gate: at most N at once, the rest wait in order and are told their place."""

import threading
import time

import pytest

from lstm_core.limits.slots import TrainingGate


def test_at_most_n_run_at_once_and_waiters_see_their_place():
    gate = TrainingGate(slots=2)
    running, peak, places = [0], [0], []
    lock = threading.Lock()
    all_in = threading.Event()  # all six have a slot or a place in the queue

    def worker(i):
        def on_wait(place):
            places.append(place)

        with gate.slot(on_wait=on_wait, poll=0.01):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            all_in.wait(30)  # hold the slot until everyone queued, however slow threads start
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30  # a hang guard, not a pace
    while gate.running + gate.waiting < 6 and time.monotonic() < deadline:
        time.sleep(0.01)
    all_in.set()
    for t in threads:
        t.join(30)
    assert peak[0] == 2
    assert places and max(places) >= 2
    assert gate.running == 0 and gate.waiting == 0


def test_a_waiter_that_gives_up_leaves_the_queue():
    gate = TrainingGate(slots=1)
    held, release = threading.Event(), threading.Event()

    def holder():
        with gate.slot():
            held.set()
            release.wait(30)

    t = threading.Thread(target=holder)
    t.start()
    assert held.wait(30)  # the holder has the slot (not a guess at how long that takes)

    def impatient(place):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        with gate.slot(on_wait=impatient, poll=0.01):
            pass
    assert gate.waiting == 0
    release.set()
    t.join(30)
    with gate.slot():
        assert gate.running == 1


def test_slots_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LSTM_LAB_MAX_TRAININGS", "3")
    assert TrainingGate().slots == 3
    monkeypatch.setenv("LSTM_LAB_MAX_TRAININGS", "lots")
    assert TrainingGate().slots == 2
