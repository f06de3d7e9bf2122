"""The run store's in-memory fallback (lstm_core/store/memory.py): bounded, and held in the budget.

Issue 21: with the database unusable, the fallback kept up to 500 MB of runs outside the memory
budget (RSS 1,081 → 1,433 MiB through 15 Trains). Now it keeps 64 MB by default, oldest evicted
first, and holds the room it may still take in the memory budget while it is in use.
"""

from __future__ import annotations

import gc
import sqlite3
import time
import types

from lstm_core.limits import budget
from lstm_core.model.cells import init_weights
from lstm_core.presets import preset
from lstm_core.store.records import to_record
from lstm_core.store.runs import MEMORY_MB, RunStore

NO_DATABASE = "mysql://lab@db/lab"  # a setting the store cannot use: memory is all it has


def fake_run(seed: int = 7, units: int = 8):
    config = preset("naive").replace(seed=seed, units=units, encoding="onehot")
    history = [types.SimpleNamespace(epoch=1, loss=1.0, accuracy=0.5, elapsed=0.1)]
    return types.SimpleNamespace(config=config, weights=init_weights(config), history=history,
                                 stopped=False, seconds=0.5)


def test_the_fallback_keeps_its_bound_oldest_first() -> None:
    one = to_record(fake_run()).size
    store = RunStore(NO_DATABASE, memory_mb=3.5 * one / budget.MIB)
    ids = [store.save(fake_run(k)) for k in range(10)]
    assert store.count() == 3 and store.stored_bytes() <= 3.5 * one
    assert [store.load(i) is not None for i in ids] == [False] * 7 + [True] * 3


def test_many_large_runs_in_the_fallback_grow_the_process_by_its_bound_only() -> None:
    store = RunStore(NO_DATABASE)
    big = fake_run(units=256)  # 1.2 MB of weights: 120 MB in 100 saves, as 15 Trains of 17.9 MB did
    gc.collect()
    before = budget.rss_mb()
    for _ in range(100):
        store.save(big)
    gc.collect()
    grown = budget.rss_mb() - before
    assert store.stored_bytes() <= MEMORY_MB * budget.MIB
    assert grown < MEMORY_MB + 24, f"RSS grew {grown:.0f} MiB"


def test_the_room_the_fallback_may_take_is_held_in_the_budget(monkeypatch) -> None:
    gc.collect()
    held = budget.held_mb()
    store = RunStore(NO_DATABASE, max_mb=10_000, memory_mb=4000)
    assert budget.held_mb() - held > 3900  # in use from the start: the room it may take is held
    # A training that fits beside what the process uses is refused beside that room...
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", str(int(budget.rss_mb() + budget.reserved_mb() + held + 2000)))
    try:
        with budget.admit(100):
            admitted = True
    except budget.MemoryRefused:
        admitted = False
    assert not admitted
    del store  # ... and admitted once the store is gone (a server's store lives as long as it)
    gc.collect()
    with budget.admit(100):
        assert abs(budget.held_mb() - held) < 1


def test_the_hold_is_let_go_when_the_database_works_again(tmp_path) -> None:
    store = RunStore(tmp_path / "runs.sqlite3", busy_seconds=0.2, retry_seconds=0.1)
    gc.collect()
    held = budget.held_mb()
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        during = store.save(fake_run(1))
        assert store.problem and budget.held_mb() - held > MEMORY_MB - 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    time.sleep(0.2)
    store.save(fake_run(2))
    assert store.problem is None and abs(budget.held_mb() - held) < 0.01
    assert RunStore(store.path).load(during) is not None  # moved from memory into the file
