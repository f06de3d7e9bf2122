"""Classes in the store, on both backends: codes, slots, one run per slot, bounds, expiry, eviction."""

from __future__ import annotations

import sqlite3

import pytest

from lstm_core.data.framings import make_dataset
from lstm_core.experiments.class_experiment import CLAIMS, board, changed_field, to_csv
from lstm_core.model.cells import init_weights
from lstm_core.model.results import TrainResult
from lstm_core.presets import preset
from lstm_core.store import classes
from lstm_core.store.class_records import ALPHABET
from lstm_core.store.classes import AlreadySubmitted, ClassError, ClassStore
from lstm_core.store.records import StoreUnavailable
from lstm_core.store.runs import RunStore

ARMS = CLAIMS["naive-vs-feature-window"].arms


def a_run(seed: int = 7) -> TrainResult:
    cfg = preset("stateful").replace(seed=seed)
    return TrainResult(cfg, make_dataset(cfg), init_weights(cfg))


def test_a_class_gets_a_readable_code_and_a_teacher_secret(url):
    store = ClassStore(url)
    info, secret = store.create("naive-vs-feature-window", ARMS, "title", "question", now=100.0)
    assert len(info.code) == 6 and set(info.code) <= set(ALPHABET)
    assert len(secret) >= 32 and secret not in info.code
    assert store.by_secret(secret) == info and store.by_code(info.code) == info
    assert store.by_secret(secret[:-1] + ("y" if secret[-1] != "y" else "z")) is None
    assert info.arms[0].config == preset("naive") and info.arms[1].label == "feature-window"
    assert info.state(now=101.0) == "open" and info.expires == 100.0 + 24 * 3600


def test_students_alternate_arms_and_never_repeat_a_seed(url):
    store = ClassStore(url)
    info, _ = store.create("naive-vs-feature-window", ARMS, "title", "question", now=0.0)
    slots = [store.join(info.code, f"student{k}", now=1.0) for k in range(6)]
    assert [s.arm for s in slots] == [0, 1, 0, 1, 0, 1]
    assert len({s.seed for s in slots}) == 6
    assert store.join(info.code, "student3", now=2.0) == slots[3]  # a reload keeps the place


def test_a_slot_takes_one_run(url):
    store = ClassStore(url)
    info, _ = store.create("naive-vs-feature-window", ARMS, "title", "question", now=0.0)
    store.join(info.code, "ann", now=1.0)
    store.submit(info.code, "ann", "r" * 22, 84.0, 25, prediction="1", nickname="Ann", now=2.0)
    with pytest.raises(AlreadySubmitted):
        store.submit(info.code, "ann", "s" * 22, 100.0, 25, now=3.0)
    with pytest.raises(ClassError, match="no place"):
        store.submit(info.code, "bob", "t" * 22, 100.0, 25, now=3.0)
    (slot,) = store.slots(info.code)
    assert (slot.accuracy, slot.run_id, slot.prediction, slot.nickname) == (84.0, "r" * 22, "1", "Ann")


def test_a_full_closed_or_expired_class_takes_no_one_new(url):
    store = ClassStore(url)
    info, _ = store.create("naive-vs-feature-window", ARMS, "title", "question", now=0.0, max_runs=2,
                           hours=1.0)
    store.join(info.code, "a", now=1.0)
    store.join(info.code, "b", now=1.0)
    with pytest.raises(ClassError, match="full"):
        store.join(info.code, "c", now=1.0)
    other, _ = store.create("naive-vs-feature-window", ARMS, "title", "question", now=0.0, hours=1.0)
    with pytest.raises(ClassError, match="expired"):
        store.join(other.code, "a", now=3601.0)
    store.close(other.code)
    assert store.by_code(other.code).state(now=1.0) == "closed"
    with pytest.raises(ClassError, match="closed"):
        store.join(other.code, "a", now=1.0)
    with pytest.raises(ClassError, match="no class"):
        store.join("AAAAAA", "a", now=1.0)


def test_reset_empties_the_class(url):
    store = ClassStore(url)
    info, _ = store.create("naive-vs-feature-window", ARMS, "title", "question", now=0.0)
    store.join(info.code, "a", now=1.0)
    store.close(info.code)
    store.reset(info.code)
    assert store.slots(info.code) == [] and store.by_code(info.code).state(now=2.0) == "open"
    assert store.join(info.code, "b", now=2.0).slot == 0


def test_open_class_runs_are_not_evicted_until_it_closes(url):
    runs = RunStore(url, max_runs=2, opened_minutes=0)  # a look does not protect a run here
    store = ClassStore(url, runs=runs)
    info, _ = store.create("naive-vs-feature-window", ARMS, "title", "question")
    store.join(info.code, "ann")
    class_run = runs.save(a_run(), {"owner": "ann"})
    store.submit(info.code, "ann", class_run, 84.0, 25)
    for seed in (8, 9, 10):
        runs.save(a_run(seed), {"owner": "other"})
    assert runs.record(class_run) is not None  # the oldest run, yet kept: its class is open
    store.close(info.code)
    for seed in (11, 12):
        runs.save(a_run(seed), {"owner": "other"})
    assert runs.record(class_run) is None  # closed: evicted like any other


def test_expired_classes_let_their_runs_go(url):
    runs = RunStore(url)
    store = ClassStore(url, runs=runs)
    info, _ = store.create("naive-vs-feature-window", ARMS, "title", "question", now=0.0, hours=1.0)
    store.join(info.code, "ann", now=1.0)
    run_id = runs.save(a_run(), {"owner": "ann"})
    store.submit(info.code, "ann", run_id, 84.0, 25, now=2.0)
    assert runs.record(run_id).keep
    assert store.release_expired(now=3600.0) == 1 and store.release_expired(now=3601.0) == 0
    assert not runs.record(run_id).keep
    store.release_expired(now=3600.0 + 31 * 86400)  # a month on, the class itself goes
    assert store.by_code(info.code) is None and store.slots(info.code) == []


def test_open_classes_are_bounded(url, monkeypatch):
    monkeypatch.setattr(classes, "MAX_CLASSES", 2)
    store = ClassStore(url)
    for _ in range(2):
        store.create("naive-vs-feature-window", ARMS, "title", "question", now=0.0, hours=1.0)
    with pytest.raises(ClassError, match="2 classes are open already"):
        store.create("naive-vs-feature-window", ARMS, "title", "question", now=1.0)
    store.create("naive-vs-feature-window", ARMS, "title", "question", now=3600.0)  # those expired


def test_the_board_and_the_csv_come_from_the_stored_slots(url):
    store = ClassStore(url)
    info, _ = store.create("naive-vs-feature-window", ARMS, "title", "question", now=0.0)
    accs = {0: [80.0, 84.0, 80.0, 84.0], 1: [86.96, 91.3, 86.96, 91.3]}
    for k in range(8):
        slot = store.join(info.code, f"s{k}", now=1.0)
        store.submit(info.code, f"s{k}", f"run{k:019d}", accs[slot.arm][k // 2], (25, 23)[slot.arm],
                     prediction="1" if k < 5 else "neither", now=2.0)
    store.join(info.code, "late", now=3.0)
    data = board(store.by_code(info.code), store.slots(info.code))
    assert (data.done, data.joined, len(data.points)) == (8, 9, 8)
    assert data.outcome == "1" and data.p_value == pytest.approx(2 / 70)
    assert data.right == 5 and data.predictions == {"1": 5, "neither": 3}
    assert "25 samples" in data.verdict and "23" in data.verdict
    lines = to_csv(store.by_code(info.code), store.slots(info.code)).splitlines()
    assert len(lines) == 10 and lines[1].startswith(f"{info.code},1,naive,7,,feature-window,80.00,25,")
    assert lines[-1].split(",")[6] == ""  # joined, not trained


def test_a_submission_the_database_cannot_take_waits_in_memory(tmp_path):
    path = tmp_path / "runs.sqlite3"
    store = ClassStore(path, busy_seconds=0.2)
    info, _ = store.create("naive-vs-feature-window", ARMS, "title", "question", now=0.0)
    store.join(info.code, "ann", now=1.0)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another writer holds the lock: writes fail after 0.2 s
    try:
        store.submit(info.code, "ann", "r" * 22, 84.0, 25, now=2.0)
        assert len(store.pending(info.code)) == 1
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.slots(info.code)[0].accuracy == 84.0 and store.pending(info.code) == []


def test_no_database_is_one_sentence():
    with pytest.raises(StoreUnavailable, match="classes need a database"):
        ClassStore("mysql://lab@db/lab").by_code("ACDEFH")


def test_a_snapshot_reads_the_class_and_its_slots_at_once_with_nicknames_as_typed(url):
    store = ClassStore(url)
    claim = changed_field(preset("naive"), "units", "16", "Units")
    info, _ = store.create(claim.name, claim.arms, claim.title, claim.question, now=100.0)
    other = "ACDEFH" if info.code != "ACDEFH" else "ACDEFJ"
    assert store.snapshot(other) == (None, [])
    store.join(info.code, "ann", now=101.0)
    store.join(info.code, "bob", now=101.0)
    store.submit(info.code, "ann", "r" * 22, 88.0, 25, prediction="1", nickname="<b>Ann</b>", now=102.0)
    got, slots = store.snapshot(info.code)
    assert got == info and [a.config.units for a in got.arms] == [32, 16]  # the changed field kept
    assert [(s.nickname, s.submitted) for s in slots] == [("<b>Ann</b>", True), ("", False)]
    assert [p["name"] for p in board(got, slots).points] == ["<b>Ann</b>"]
    assert store.slots(info.code) == slots
