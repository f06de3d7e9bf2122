"""The run store (lstm_core/store/runs.py): round trips, bounds, bad files, many writers at once."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

import numpy as np
import pytest

from lstm_core.model.cells import init_weights
from lstm_core.presets import preset
from lstm_core.store import runs as store_mod
from lstm_core.store.runs import RunStore, is_valid_id

ROOT = Path(__file__).resolve().parents[3]


def fake_run(name: str = "stateful", epochs: int = 3, seed: int = 7, stopped: bool = False):
    """A run-shaped object (what to_record reads) without training anything."""
    config = preset(name).replace(seed=seed)
    history = [
        types.SimpleNamespace(epoch=e, loss=3.0 / e, accuracy=e / 10, elapsed=0.1 * e)
        for e in range(1, epochs + 1)
    ]
    return types.SimpleNamespace(
        config=config, weights=init_weights(config), history=history, stopped=stopped, seconds=1.25
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "runs.sqlite3"


def test_a_saved_run_comes_back_equal(db: Path) -> None:
    store = RunStore(db)
    run = fake_run("timestep-window", epochs=5, stopped=True)
    run_id = store.save(run, meta={"origin": "lab"})
    back = store.load(run_id)
    assert store.problem is None and db.exists()
    assert back.config == run.config
    for a, b in zip(back.weights, run.weights):
        assert a.dtype == np.float32 and np.array_equal(a, b)
    assert [(h.epoch, h.loss, h.accuracy, h.elapsed) for h in back.history] == [
        (h.epoch, h.loss, h.accuracy, h.elapsed) for h in run.history
    ]
    assert back.stopped is True and back.seconds == 1.25 and back.epochs_done == 5
    assert back.dataset.X.shape == (23, 3, 1)  # rebuilt from the config
    # And another process (a restarted server) reads the same file.
    again = RunStore(db).load(run_id)
    assert again.config == run.config and np.array_equal(again.weights.kernel, run.weights.kernel)


def test_ids_are_unguessable_and_url_safe(db: Path) -> None:
    store = RunStore(db)
    ids = {store.save(fake_run()) for _ in range(20)}
    assert len(ids) == 20
    for run_id in ids:
        assert is_valid_id(run_id) and len(run_id) >= 22  # 22 url-safe chars = 132 bits
    assert store_mod.ID_BYTES * 8 >= 128


def test_the_database_is_wal_and_versioned(db: Path) -> None:
    RunStore(db).save(fake_run())
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == store_mod.SCHEMA_VERSION
        blob = conn.execute("SELECT weights FROM runs").fetchone()[0]
    assert blob[:2] == b"PK"  # an .npz (zip) of plain arrays, not a pickle


@pytest.mark.parametrize(
    "bad_id",
    ["", "short", "x" * 65, "../../etc/passwd", "a' OR '1'='1' --xxxxxx", "ünïcödé-ïd-0000000000", None, 42],
)
def test_unknown_or_malformed_ids_give_none(db: Path, bad_id) -> None:
    store = RunStore(db)
    store.save(fake_run())
    assert store.load(bad_id) is None
    assert store.load("A" * 24) is None  # well-formed but never saved


def test_oldest_runs_are_evicted_past_max_runs(db: Path) -> None:
    store = RunStore(db, max_runs=3)
    ids = [store.save(fake_run(seed=s)) for s in range(5)]
    assert store.count() == 3
    assert [store.load(i) is not None for i in ids] == [False, False, True, True, True]


def test_runs_older_than_max_age_are_gone(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = RunStore(db, max_days=1)
    old = store.save(fake_run())
    assert store.load(old) is not None
    later = time.time() + 2 * 86400
    monkeypatch.setattr(store_mod.time, "time", lambda: later)
    assert store.load(old) is None  # expired on read already
    fresh = store.save(fake_run(seed=8))  # and deleted by the next save
    assert store.count() == 1 and store.load(fresh) is not None


def test_the_size_bound_evicts_oldest_first(db: Path) -> None:
    one = store_mod.to_record(fake_run("naive")).size
    store = RunStore(db, max_mb=2.5 * one / 1e6)
    ids = [store.save(fake_run("naive", seed=s)) for s in range(4)]
    assert store.stored_bytes() <= 2.5 * one
    assert [store.load(i) is not None for i in ids] == [False, False, True, True]


def test_a_corrupt_file_falls_back_to_memory(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database" * 100)
    store = RunStore(db)
    assert store.problem and "cannot be used" in store.problem and "restarts" in store.problem
    run_id = store.save(fake_run())
    assert store.load(run_id).config == preset("stateful")
    assert db.read_bytes().startswith(b"this is not")  # left alone


def test_a_folder_that_cannot_exist_falls_back_to_memory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    store = RunStore(tmp_path / "file" / "runs.sqlite3")
    assert store.problem is not None
    assert store.load(store.save(fake_run())) is not None


def test_a_database_from_a_newer_app_is_not_touched(db: Path) -> None:
    RunStore(db).save(fake_run())
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version=99")
    store = RunStore(db)
    assert "newer version" in store.problem


def test_a_locked_database_does_not_block_or_lose_the_run(db: Path) -> None:
    store = RunStore(db, busy_seconds=0.2)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer that never lets go
    try:
        t0 = time.monotonic()
        run_id = store.save(fake_run())
        assert time.monotonic() - t0 < 5
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.problem and "locked" in store.problem
    assert store.load(run_id) is not None  # kept in memory


def test_tampered_rows_are_refused_not_trusted(db: Path) -> None:
    store = RunStore(db)
    bad_config = store.save(fake_run())
    bad_shape = store.save(fake_run())
    pickled = store.save(fake_run())
    with sqlite3.connect(db) as conn:
        cfg = json.loads(conn.execute("SELECT config FROM runs WHERE id=?", (bad_config,)).fetchone()[0])
        cfg["units"] = 100_000
        conn.execute("UPDATE runs SET config=? WHERE id=?", (json.dumps(cfg), bad_config))
        shaped = store_mod._npz({n: np.zeros((2, 2), np.float32) for n in store_mod.WEIGHT_NAMES})
        conn.execute("UPDATE runs SET weights=? WHERE id=?", (shaped, bad_shape))
        import io

        buf = io.BytesIO()
        np.savez(buf, **{n: np.array([{"x": 1}], dtype=object) for n in store_mod.WEIGHT_NAMES})
        conn.execute("UPDATE runs SET weights=? WHERE id=?", (buf.getvalue(), pickled))
    assert store.load(bad_config) is None
    assert store.load(bad_shape) is None
    assert store.load(pickled) is None  # object arrays would need pickle: refused


def test_eight_threads_saving_at_once_lose_nothing(db: Path) -> None:
    store = RunStore(db)
    ids: list[str] = []
    barrier = threading.Barrier(8)

    def worker(seed: int) -> None:
        barrier.wait()
        for k in range(5):
            ids.append(store.save(fake_run(seed=seed * 10 + k)))

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.problem is None
    assert len(set(ids)) == 40 and store.count() == 40
    assert all(store.load(i) is not None for i in ids)


WRITER = """
import sys, time, types
sys.path.insert(0, {root!r})
from lstm_core.model.cells import init_weights
from lstm_core.presets import preset
from lstm_core.store.runs import RunStore
start = float(sys.argv[1]); seed = int(sys.argv[2])
store = RunStore({db!r})
cfg = preset("stateful").replace(seed=seed)
run = types.SimpleNamespace(config=cfg, weights=init_weights(cfg), stopped=False, seconds=0.5,
    history=[types.SimpleNamespace(epoch=1, loss=1.0, accuracy=0.5, elapsed=0.1)])
while time.time() < start:
    time.sleep(0.005)
ids = [store.save(run) for _ in range(5)]
assert store.problem is None, store.problem
print(" ".join(ids))
"""


def test_eight_processes_saving_at_once_lose_nothing(db: Path) -> None:
    RunStore(db)  # create the file first, as the app's first page view does
    code = WRITER.format(root=str(ROOT), db=str(db))
    start = time.time() + 3.0  # every process past its imports, then all write together
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(start), str(s)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for s in range(8)
    ]
    ids = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        ids += out.split()
    store = RunStore(db)
    assert len(set(ids)) == 40 and store.count() == 40
    loaded = [store.load(i) for i in ids]
    assert all(r is not None for r in loaded)
    assert {r.config.seed for r in loaded} == set(range(8))


def test_loading_a_run_does_not_import_tensorflow(db: Path) -> None:
    run_id = RunStore(db).save(fake_run())
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from lstm_core.store.runs import RunStore\n"
        "from lstm_core.analysis.inference import generate\n"
        f"run = RunStore({str(db)!r}).load({run_id!r})\n"
        "print(len(generate(run, 'K', steps=3).text), 'tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["4", "False", "False"]
