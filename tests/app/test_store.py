"""The run store in the pages: ?run= links, reload safety, the shipped preset, bad links."""

from __future__ import annotations

import sqlite3

import pytest
from apptest_support import TINY, assert_clean, button, metric, open_page, predictions, train_in_lab
from postgres_support import free_port

from lstm_core.store import runs
from lstm_core.store.records import is_valid_id


def _codes(at) -> list[str]:
    return [c.value for c in at.code]


def test_a_trained_run_is_stored_and_its_id_is_in_the_url():
    at = train_in_lab(**TINY)
    run_id = at.query_params["run"][0] if isinstance(at.query_params["run"], list) else at.query_params["run"]
    assert is_valid_id(run_id)
    assert at.session_state["run_id"] == run_id
    assert at.query_params["framing"] in ("stateful", ["stateful"])  # the Lab's own settings kept
    saved = runs.get_store().load(run_id)
    assert saved.config.epochs == 20 and saved.epochs_done == 20
    # The copy-link action shows a link that names the run.
    assert any(code.endswith(f"?run={run_id}") for code in _codes(at))


def test_reload_and_another_session_show_the_same_results():
    first = train_in_lab(**TINY)
    run_id = first.session_state["run_id"]
    accuracy = metric(first, "Accuracy").value
    table = predictions(first)
    # F5: a new session with the same URL. Another browser: a new session with the link.
    for query in ({**TINY, "run": run_id}, {"run": run_id}):
        again = open_page("pages/lab.py", **query)
        assert_clean(again)
        assert metric(again, "Accuracy").value == accuracy
        assert predictions(again).equals(table)
        assert again.session_state["run_id"] == run_id
        assert again.selectbox(key="lab_framing").value == "stateful"
        assert again.number_input(key="lab_epochs").value == 20  # the form shows the linked run


def _order(at) -> list[str]:
    """The page's elements in the order a person scrolls through them: metric labels and
    button labels, depth first."""
    seen: list[str] = []

    def walk(node) -> None:
        kind = getattr(node, "type", "")
        if kind == "metric":
            seen.append(f"metric:{node.label}")
        elif kind == "button":
            seen.append(f"button:{node.label}")
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return seen


def test_a_shared_run_link_opens_on_its_results_and_a_new_training_puts_them_under_the_form():
    # issue 22 (16): a student's phone showed the link's results ~1,700 px down, under 18 fields
    first = train_in_lab(**TINY)
    order = _order(first)
    assert order.index("button:Train") < order.index("metric:Accuracy")  # the trainer: form first
    opened = open_page("pages/lab.py", run=first.session_state["run_id"])
    order = _order(opened)
    assert order.index("metric:Accuracy") < order.index("button:Train"), order
    button(opened, "Train").click().run(timeout=300)  # this session's own model now
    order = _order(opened)
    assert opened.session_state["run_id"] != first.session_state["run_id"]
    assert order.index("button:Train") < order.index("metric:Accuracy"), order


def test_generate_and_state_open_a_linked_run():
    first = train_in_lab(framing="stateful", epochs="20", units="8")
    run_id = first.session_state["run_id"]
    first.switch_page("pages/generate.py").run()
    expected = _codes(first)[-2:]  # cold and warm texts
    other = open_page("pages/generate.py", run=run_id)
    assert_clean(other)
    assert _codes(other)[-2:] == expected
    assert any("8 units" in c.value for c in other.caption)
    state = open_page("pages/state.py", run=run_id)
    assert_clean(state)
    assert any("8 units" in c.value for c in state.caption)


def test_an_unknown_run_id_says_so_and_shows_the_preset():
    for run_id in ("A" * 24, "not a valid id at all", "x"):
        at = open_page("pages/generate.py", run=run_id)
        assert_clean(at)
        assert any("does not have" in w.value for w in at.warning), [w.value for w in at.warning]
        assert "run" not in at.query_params
        cold, warm = _codes(at)[-2:]
        assert cold.startswith("KB") and warm.startswith("KL")
    lab = open_page("pages/lab.py", run="B" * 24)
    assert_clean(lab)
    assert any("does not have" in w.value for w in lab.warning)


def test_generate_shows_the_shipped_preset_at_once_without_training():
    at = open_page("pages/generate.py")
    assert_clean(at)
    cold, warm = _codes(at)[-2:]
    assert cold == "KBCDEFGHIJK" and warm == "KLMNOPQRSTU"
    assert any("trained ahead of time" in i.value for i in at.info)
    assert "run" not in at.query_params  # a shipped preset needs no link
    # Training it live replaces it with the user's own stored run.
    button(at, "Train the stateful preset").click().run()
    assert_clean(at)
    assert is_valid_id(at.session_state["run_id"])


NO_TENSORFLOW = """
import sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=60)
at.run()
for page in ("pages/generate.py", "pages/state.py"):
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
codes = [c.value for c in at.code]
at.switch_page("pages/generate.py").run()
print([c.value for c in at.code][-2:], "tensorflow" in sys.modules, "keras" in sys.modules)
"""


def test_generate_and_state_work_on_the_preset_without_importing_tensorflow():
    import subprocess
    import sys

    from apptest_support import APP

    out = subprocess.run(
        [sys.executable, "-c", NO_TENSORFLOW.format(app=APP)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "['KBCDEFGHIJK', 'KLMNOPQRSTU'] False False"


def _plain_keras_bytes(layers_fn) -> bytes:
    """A model built and saved by stock Keras 3 (model.save), as a user would bring it."""
    import tempfile
    from pathlib import Path

    from lstm_core.model.keras_models import import_keras as _keras

    keras = _keras()
    model = layers_fn(keras)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mine.keras"
        model.save(path)
        return path.read_bytes()


def _tutorial_stateful(keras):
    from lstm_core.store import pretrained

    model = keras.Sequential(
        [keras.Input(batch_shape=(1, 1, 1)), keras.layers.LSTM(16, stateful=True),
         keras.layers.Dense(26, activation="softmax")]
    )
    model.set_weights(list(pretrained.preset_run("stateful").weights))
    return model


def test_an_uploaded_plain_keras_model_generates_the_alphabet_and_gets_a_link():
    data = _plain_keras_bytes(_tutorial_stateful)
    at = open_page("pages/generate.py")
    at.file_uploader(key="upload_keras").set_value(("stateful.keras", data, "application/octet-stream")).run()
    assert_clean(at)
    assert any("16 units, 26 outputs, stateful" in m.value for m in at.markdown)
    form_text = [t for t in at.text_input if t.label == "Training text"][0]
    assert form_text.value == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # guessed from 26 outputs
    button(at, "Use this model").click().run()
    assert_clean(at)
    assert any("Using your model" in s.value for s in at.success)
    assert is_valid_id(at.session_state["run_id"])
    at.selectbox(key="gen_start_ABCDEFGHIJKLMNOPQRSTUVWXYZ").set_value("A")
    at.number_input(key="gen_steps").set_value(25)
    button(at, "Generate").click().run()
    assert _codes(at)[-2] == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    # Its link opens it in another session.
    other = open_page("pages/generate.py", run=at.session_state["run_id"])
    assert not any("trained ahead of time" in i.value for i in other.info)
    assert _codes(other)[-2].startswith("KB")


def test_an_uploaded_gru_model_is_refused_in_one_sentence():
    data = _plain_keras_bytes(
        lambda keras: keras.Sequential(
            [keras.Input(shape=(1, 1)), keras.layers.LSTM(4, return_sequences=True), keras.layers.GRU(4),
             keras.layers.Dense(26, activation="softmax")]  # one kind of cell per model (issue 14)
        )
    )
    at = open_page("pages/state.py")
    at.file_uploader(key="upload_keras").set_value(("gru.keras", data, "application/octet-stream")).run()
    assert_clean(at)
    assert any("GRU" in e.value and "accepted" in e.value.lower() for e in at.error)
    junk = ("junk.keras", b"not a zip", "application/octet-stream")
    at.file_uploader(key="upload_keras").set_value(junk).run()
    assert_clean(at)
    assert any("not a .keras (zip) archive" in e.value for e in at.error)


def test_overview_shows_each_framings_real_predictions_without_training():
    at = open_page("pages/overview.py")
    assert_clean(at)
    tables = [d.value for d in at.dataframe if "predicted" in d.value.columns]
    assert len(tables) == 6
    stateful = [t for t in tables if len(t) == 25 and t["correct"].all()]
    assert stateful, "the stateful (or whole-batch) preset should be 100% right"
    assert any("Trained ahead of time" in c.value for c in at.caption)


def test_a_broken_database_says_runs_will_not_be_kept_and_the_app_goes_on(tmp_path, monkeypatch):
    bad = tmp_path / "runs.sqlite3"
    bad.write_bytes(b"garbage, not SQLite" * 50)
    monkeypatch.setattr(runs, "_store", runs.RunStore(bad))
    at = train_in_lab(**TINY)
    assert any("will not be kept" in w.value for w in at.warning), [w.value for w in at.warning]
    run_id = at.session_state["run_id"]
    again = open_page("pages/lab.py", run=run_id)  # same server process: kept in memory
    assert_clean(again)
    assert metric(again, "Accuracy").value == metric(at, "Accuracy").value


def test_a_classroom_link_fixes_and_hides_settings_until_the_student_shows_all():
    at = open_page("pages/lab.py", framing="stateful", epochs="20", units="8", hide="units,epochs")
    assert_clean(at)
    labels = {n.label for n in at.number_input}
    assert "Units" not in labels and "Epochs" not in labels and "Batch size" in labels
    assert any("fixes some settings: Epochs, Units" in i.value for i in at.info)  # by their labels
    button(at, "Train").click().run()
    assert_clean(at)
    run_id = at.session_state["run_id"]
    assert runs.get_store().load(run_id).config.units == 8  # the link's value, though hidden
    assert at.query_params["hide"] in ("units,epochs", ["units,epochs"])  # kept beside ?run=
    button(at, "Show all settings").click().run()
    assert_clean(at)
    assert {"Units", "Epochs"} <= {n.label for n in at.number_input}
    assert at.number_input(key="lab_units").value == 8


def test_a_named_lesson_shows_only_its_settings_and_bad_names_are_reported():
    at = open_page("pages/lab.py", framing="stateful", lesson="state")
    assert_clean(at)
    assert {n.label for n in at.number_input} == {"Batch size"}
    assert {c.label for c in at.checkbox} == {"Shuffle each epoch", "Stateful"}
    bad = open_page("pages/lab.py", hide="units,colour", lesson="nope")
    assert_clean(bad)
    warnings = " ".join(w.value for w in bad.warning)
    assert "'colour' is not a setting" in warnings and "'nope' is not a lesson" in warnings
    assert "Units" not in {n.label for n in bad.number_input}


# -- issue 21: store trouble never costs a link, and is worded without the database's name ----
def _lock(path, readers_too: bool = False):
    """Another connection holding the SQLite file's write lock (and, ``readers_too``, its read lock)."""
    holder = sqlite3.connect(path, isolation_level=None)
    if readers_too:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    return lambda: (holder.execute("ROLLBACK"), holder.close())


def _in_url(at, run_id: str) -> bool:
    return at.query_params.get("run") in (run_id, [run_id])


def test_a_link_opens_and_stays_while_the_store_cannot_write(tmp_path, monkeypatch, tiny_run):
    store = runs.RunStore(tmp_path / "runs.sqlite3", busy_seconds=0.2, retry_seconds=3600)
    monkeypatch.setattr(runs, "_store", store)
    run_id = store.save(tiny_run)  # the teacher's run, stored while all was well
    release = _lock(store.path)
    try:
        store.save(tiny_run)  # a student's Train meanwhile: the write fails, memory keeps it
        assert store.problem
        pages = [open_page(page, run=run_id) for page in ("pages/generate.py", "pages/lab.py")]
    finally:
        release()
    for at in pages:
        assert_clean(at)
        assert _in_url(at, run_id) and at.session_state["run_id"] == run_id
        assert not any("does not have" in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_link_the_store_cannot_read_now_stays_and_opens_later(tmp_path, monkeypatch, tiny_run):
    store = runs.RunStore(tmp_path / "runs.sqlite3", busy_seconds=0.2, retry_seconds=3600)
    monkeypatch.setattr(runs, "_store", store)
    run_id = store.save(tiny_run)
    release = _lock(store.path, readers_too=True)
    try:
        at = open_page("pages/lab.py", run=run_id)  # the Lab rewrites its URL: run= must survive
        assert_clean(at)
        assert _in_url(at, run_id) and at.session_state.get("run_id") is None
        said = [w.value for w in at.warning]
        assert any("cannot be read right now" in w for w in said), said
        assert not any("does not have" in w for w in said)
    finally:
        release()
    at.run()  # the next script run (a reload): the store reads again
    assert_clean(at)
    assert _in_url(at, run_id) and at.session_state["run_id"] == run_id


@pytest.mark.parametrize("where", ["file", "server"])
def test_store_trouble_is_worded_for_students_and_detailed_in_the_log(where, tmp_path, monkeypatch, caplog,
                                                                        tiny_run):
    if where == "file":
        private = tmp_path / "private-folder" / "runs.sqlite3"
        private.parent.mkdir()
        private.write_bytes(b"garbage, not SQLite" * 50)
        store, detail = runs.RunStore(private), "private-folder"
    else:
        store = runs.RunStore(f"postgresql://teacher:hunter2@127.0.0.1:{free_port()}/lab", busy_seconds=1)
        detail = "teacher@127.0.0.1"
    monkeypatch.setattr(runs, "_store", store)
    run_id = store.save(tiny_run)  # kept in this process's memory
    at = open_page("pages/generate.py", run=run_id)
    assert_clean(at)
    said = [w.value for w in at.warning]
    assert any("will not be kept" in w and "until the server restarts" in w for w in said), said
    for w in said:
        assert detail not in w and "127.0.0.1" not in w and str(tmp_path) not in w
        assert "cannot be used" not in w  # the store's own sentence, for the log
    assert any(detail in r.getMessage() for r in caplog.records if r.name == "lstm_core.store.runs")


def test_a_trained_run_is_stored_as_its_sessions():
    at = train_in_lab(**TINY)
    owner = runs.get_store().record(at.session_state["run_id"]).owner
    assert owner and owner not in runs.get_store().record(at.session_state["run_id"]).meta
