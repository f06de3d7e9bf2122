"""Eviction (lstm_core/store/eviction.py) through the store, on both backends (``url``: conftest.py).

Issue 21: one student's 31 Trains of a large model reached the store's size bound and evicted
the teacher's run the class was using. Here the same, scaled down (a run of a few KB instead
of 17.9 MB, a store of 8 runs instead of 500 MB): a session's share is bounded and its own runs
go first; runs kept by an operator or opened by a link in the last hour are never evicted;
and a version-1 store gets the columns this needs.
"""

from __future__ import annotations

import time
import types

import pytest

from lstm_core.model.cells import init_weights
from lstm_core.presets import preset
from lstm_core.store.records import to_record
from lstm_core.store.runs import RunStore, open_backend


def fake_run(seed: int = 7):
    """A run-shaped object (what to_record reads) without training anything: all the same size."""
    config = preset("naive").replace(seed=seed)
    history = [types.SimpleNamespace(epoch=1, loss=1.0, accuracy=0.5, elapsed=0.1)]
    return types.SimpleNamespace(config=config, weights=init_weights(config), history=history,
                                 stopped=False, seconds=0.5)


ONE = to_record(fake_run()).size  # bytes of one run


def sql(url: str, statement: str, params: tuple = ()) -> list[tuple]:
    db = open_backend(url, busy_seconds=10)
    with db.connect() as conn:
        cur = db.execute(conn, statement, params)
        return cur.fetchall() if cur.description else []


def test_one_student_cannot_evict_the_run_the_class_opened(url: str) -> None:
    store = RunStore(url, max_mb=8.5 * ONE / 1e6)  # room for 8 runs; a session's share: 2
    teacher = store.save(fake_run(1), {"origin": "lab", "owner": "teacher-session"})
    others = [store.save(fake_run(2 + k), {"owner": f"student-{k}"}) for k in range(3)]
    class_view = RunStore(url)  # the students' replica opens the teacher's link
    assert class_view.load(teacher) is not None
    ids = [store.save(fake_run(100 + k), {"owner": "hostile-session"}) for k in range(31)]
    assert store.load(teacher) is not None  # the run the class is using
    assert all(store.load(i) is not None for i in others)  # the others' runs too
    assert store.owner_bytes == store.max_bytes // 4  # LSTM_LAB_DB_OWNER_MB unset: a quarter
    assert store.stored_bytes("hostile-session") <= store.owner_bytes  # its share: its own oldest went
    assert [store.load(i) is not None for i in ids[-3:]] == [False, True, True]
    assert store.stored_bytes() <= store.max_bytes and store.problem is None
    assert store.record(teacher).owner == "teacher-session"
    assert "owner" not in store.record(teacher).meta  # a column, not part of the run's notes


def test_the_store_bound_spares_kept_and_recently_opened_runs(url: str, monkeypatch) -> None:
    store = RunStore(url, max_mb=3.5 * ONE / 1e6, owner_mb=1.5 * ONE / 1e6)  # room for 3 runs, 1 each
    kept, opened, plain = (store.save(fake_run(k), {"owner": f"s{k}"}) for k in range(3))
    assert store.keep(kept) is True and store.keep("A" * 24) is False
    assert store.load(opened) is not None  # a link opened it just now
    newer = store.save(fake_run(3), {"owner": "s3"})  # over the bound: the plain run goes
    assert [store.load(i) is not None for i in (kept, opened, plain, newer)] == [True, True, False, True]
    # Only protected runs and the newest left: the new run is refused by the database, never a
    # run in use evicted; this process keeps it meanwhile.
    store.load(newer)
    refused = store.save(fake_run(4), {"owner": "s4"})
    assert store.load(refused) is not None and RunStore(url).load(refused) is None
    assert store.problem is None and all(store.load(i) is not None for i in (kept, opened, newer))
    # An hour later nobody has opened them: opened runs are evictable again, a kept run never.
    later = time.time() + 2 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    last = store.save(fake_run(5), {"owner": "s5"})
    assert [store.load(i) is not None for i in (kept, opened, newer, last)] == [True, False, True, True]
    assert store.keep(kept, keep=False) is True
    [(flag,)] = sql(url, "SELECT keep FROM runs WHERE id = ?", (kept,))
    assert flag == 0


def test_opening_a_run_is_noted_at_most_once_a_minute(url: str) -> None:
    store = RunStore(url)
    run_id = store.save(fake_run())
    [(never,)] = sql(url, "SELECT opened FROM runs WHERE id = ?", (run_id,))
    assert never == 0  # saving is not opening: a session's own fresh runs are not protected by it
    store.load(run_id)
    [(first,)] = sql(url, "SELECT opened FROM runs WHERE id = ?", (run_id,))
    assert time.time() - 5 < first <= time.time()
    store.load(run_id)
    [(second,)] = sql(url, "SELECT opened FROM runs WHERE id = ?", (run_id,))
    assert second == first  # within a minute: not written again (reads stay reads)


V1_SQLITE = """
CREATE TABLE runs (id TEXT PRIMARY KEY, created REAL NOT NULL, config TEXT NOT NULL,
    weights BLOB NOT NULL, history BLOB NOT NULL, stopped INTEGER NOT NULL, seconds REAL NOT NULL,
    size INTEGER NOT NULL, meta TEXT NOT NULL);
CREATE INDEX runs_by_age ON runs (created);
PRAGMA user_version = 1
"""
V1_POSTGRES = """
CREATE TABLE runs (seq BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created DOUBLE PRECISION NOT NULL, config TEXT NOT NULL, weights BYTEA NOT NULL,
    history BYTEA NOT NULL, stopped INTEGER NOT NULL, seconds DOUBLE PRECISION NOT NULL,
    size BIGINT NOT NULL, meta TEXT NOT NULL);
CREATE INDEX runs_by_age ON runs (created);
CREATE TABLE run_store_schema (version INTEGER NOT NULL);
INSERT INTO run_store_schema (version) VALUES (1)
"""


@pytest.mark.parametrize("replicas", [1, 2])
def test_a_version_1_store_gets_the_new_columns_and_keeps_its_runs(url: str, tmp_path, replicas: int) -> None:
    if url.startswith("sqlite"):
        (tmp_path / "data").mkdir()
        schema = V1_SQLITE
    else:
        schema = V1_POSTGRES
    for statement in schema.split(";"):
        sql(url, statement)
    rec = to_record(fake_run(3), {"origin": "lab"})
    sql(url, "INSERT INTO runs (id, created, config, weights, history, stopped, seconds, size, meta) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (rec.id, rec.created, rec.config, rec.weights, rec.history, 0, rec.seconds, rec.size, rec.meta))
    stores = [RunStore(url) for _ in range(replicas)]  # two replicas upgrading at once: both work
    assert all(s.problem is None for s in stores), [s.problem for s in stores]
    old = stores[-1].record(rec.id)
    assert old.owner == "" and old.keep is False and stores[-1].load(rec.id).config.seed == 3
    assert stores[0].keep(rec.id) and stores[0].save(fake_run(4), {"owner": "s"})
    if url.startswith("sqlite"):
        assert sql(url, "PRAGMA user_version") == [(2,)]
    else:
        assert sql(url, "SELECT version FROM run_store_schema") == [(2,)]
