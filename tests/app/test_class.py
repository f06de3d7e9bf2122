"""The Class page (issue 24) in the real app: a student joins and trains, the board, closing,
expiry, wrong codes, and a store outage. The classes are tiny (2 epochs) so training is quick."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest
from apptest_support import assert_clean, button, open_page
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from lstm_core.experiments.class_experiment import CHANGED, CLAIMS, RECALL, scaled
from lstm_core.store import classes as class_store
from lstm_core.store.runs import get_store

CLAIM = CLAIMS["naive-vs-feature-window"]
PAGE = "pages/class.py"


def new_class(**kw):
    """A class of the tutorial's claim at 2 epochs (0.4% of 500), in the app's own store."""
    return class_store.get_classes().create(CLAIM.name, scaled(CLAIM.arms, 0.004), CLAIM.title,
                                            CLAIM.question, **kw)


def texts(at) -> str:
    parts = [e.value for kind in ("markdown", "info", "error", "warning", "success", "caption")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def test_a_student_answers_then_trains_and_the_run_joins_the_class():
    info, _ = new_class()
    at = open_page(PAGE, join=info.code.lower())
    assert_clean(at)
    assert "You train **naive** with seed **7**" in texts(at)
    train = button(at, "Train")
    assert train.disabled  # the prediction comes first
    at.radio[0].set_value("1").run()
    at.text_input[0].set_value("<b>Ada</b> [x](y)").run()
    button(at, "Train").click().run()
    assert_clean(at)
    (slot,) = class_store.get_classes().slots(info.code)
    assert slot.submitted and slot.prediction == "1" and slot.nickname == "<b>Ada</b> [x](y)"
    assert f"**{slot.accuracy:.2f}%** on 25 samples" in texts(at)
    record = get_store().record(slot.run_id)
    assert record is not None and record.keep  # an open class's run is not evicted
    assert [b.label for b in at.button if b.label == "Train"] == []  # one run per place
    reloaded = open_page(PAGE, join=info.code, me=at.query_params["me"])  # F5: the same place
    assert f"**{slot.accuracy:.2f}%** on 25 samples" in texts(reloaded) and not reloaded.radio

    second = open_page(PAGE, join=info.code)  # another browser: the other arm, the next seed
    assert "You train **feature-window** with seed **8**" in texts(second)


def board_with_runs(n: int, joined: int):
    info, secret = new_class()
    store = class_store.get_classes()
    accs = {0: [80.0, 84.0, 80.0, 84.0], 1: [86.96, 91.3, 86.96, 91.3]}
    for k in range(joined):
        slot = store.join(info.code, f"student{k}")
        if k < n:
            store.submit(info.code, f"student{k}", f"run{k:019d}", accs[slot.arm][k // 2], (25, 23)[slot.arm],
                         prediction="1" if k % 3 else "neither")
    return info, secret


def test_the_board_shows_points_counts_verdict_and_predictions():
    info, secret = board_with_runs(8, 9)
    at = open_page(PAGE, teacher=secret)
    assert_clean(at)
    shown = texts(at)
    assert "8 of 9 done" in shown and "exact permutation test, p = 0.029" in shown
    assert "25 samples" in shown and "feature-window on 23" in shown
    assert [m.value for m in at.metric] == [info.code]
    assert f"/class?join={info.code}" in at.code[0].value
    (chart,) = at.get("vega_lite_chart")
    frames = [pd.DataFrame(rows) for rows in json.loads(chart.proto.spec).get("datasets", {}).values()]
    frames += [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
    points = next(f for f in frames if "seed" in f.columns)
    assert sorted(points["accuracy"]) == sorted([80.0, 84.0, 80.0, 84.0, 86.96, 91.3, 86.96, 91.3])
    marked = [set(f["accuracy"]) for f in frames if "seed" not in f.columns]
    assert {84.0, 86.96} in marked  # the tutorial's figures are marked
    table = at.table[0].value
    assert list(table["students"]) == [0, 5, 3] and list(table["happened"]) == ["", "✔", ""]


def test_one_arm_has_no_verdict_yet():
    _, secret = board_with_runs(1, 2)
    shown = texts(open_page(PAGE, teacher=secret))
    assert "1 of 2 done" in shown and "once both sides have runs" in shown and "p =" not in shown


def test_closing_the_class_closes_its_join_link():
    info, secret = new_class()
    board = open_page(PAGE, teacher=secret)
    button(board, "Close the class").click().run()
    assert_clean(board)
    assert class_store.get_classes().by_code(info.code).closed
    student = open_page(PAGE, join=info.code)
    closed = f"Class {info.code} is closed: your teacher is not taking new runs."
    assert [i.value for i in student.info] == [closed]
    assert [b.label for b in student.button if b.label == "Train"] == []
    button(board, "Reopen the class").click().run()
    assert "You train" in texts(open_page(PAGE, join=info.code))


def test_an_expired_class_says_so():
    info, _ = new_class(now=time.time() - 25 * 3600)
    at = open_page(PAGE, join=info.code)
    assert f"Class {info.code} has expired" in texts(at) and not at.radio


def test_a_wrong_code_is_one_sentence_and_guessing_is_limited():
    at = open_page(PAGE)
    at.text_input[0].set_value("ACDEFH")
    button(at, "Join").click().run()
    assert [e.value for e in at.error] == ["No class has the code ACDEFH: check it with your teacher."]
    for _ in range(5):
        button(at, "Join").click().run()
    assert [e.value for e in at.error] == ["Too many wrong codes: wait a minute, then try again."]


def test_a_store_outage_is_one_sentence_on_the_board(monkeypatch, tmp_path):
    info, secret = board_with_runs(2, 2)
    at = open_page(PAGE, teacher=secret)
    assert "2 of 2 done" in texts(at)
    (tmp_path / "file").write_text("")
    broken = class_store.ClassStore(tmp_path / "file" / "runs.sqlite3")  # a folder that cannot be
    monkeypatch.setattr(class_store, "_classes", broken)
    at.run()
    assert_clean(at)
    assert [w.value for w in at.warning] == [
        "The run store cannot be read right now: the board shows what it had, and new runs wait."]
    assert "2 of 2 done" in texts(at)  # what it had


@pytest.mark.parametrize("secret", ["nope", "x" * 32])
def test_a_bad_teacher_link_opens_nothing(secret):
    at = open_page(PAGE, teacher=secret)
    assert [e.value for e in at.error] == ["This teacher link does not open a class."]


# -- the Lab's settings against one changed field, delayed recall, the join box, nicknames --------
def start_view(**query):
    at = open_page(PAGE, **query)
    at.selectbox(key="class_claim").set_value(CHANGED).run()
    return at


def test_a_lab_link_against_one_changed_field_starts_a_class_in_the_forms_words():
    at = open_page(PAGE, framing="naive", units="8")
    assert at.selectbox(key="class_claim").value == CHANGED  # a Lab link: its settings, one changed
    assert "Units 8" in texts(at)  # the Lab link's settings
    assert at.selectbox(key="class_field").value == "units"
    assert "Units" in at.selectbox(key="class_field").options  # the form's labels
    assert button(at, "Start a class").disabled  # no value yet
    at.text_input(key="class_value_units").set_value("0").run()
    (error,) = at.error
    assert error.value.startswith("Units: 0 is not allowed") and button(at, "Start a class").disabled
    at.text_input(key="class_value_units").set_value("8").run()
    assert [e.value for e in at.error] == ["Units is 8 already: give it another value."]
    at.text_input(key="class_value_units").set_value("16").run()
    button(at, "Start a class").click().run()
    assert_clean(at)
    secret = at.query_params["teacher"]
    info = class_store.get_classes().by_secret(secret if isinstance(secret, str) else secret[0])
    assert info.claim == CHANGED and [a.label for a in info.arms] == ["Units 8", "Units 16"]
    assert [a.config.units for a in info.arms] == [8, 16] and info.arms[0].config.framing == "naive"
    assert info.question == "Will changing Units from 8 to 16 change accuracy?"
    student = open_page(PAGE, join=info.code)
    assert "Units 8" in texts(student) and student.radio[0].options == [
        "yes: higher with Units 8", "yes: higher with Units 16", "no: the gap will be seed luck"]


def test_a_flag_is_flipped_and_a_choice_picked_from_the_others():
    at = start_view(framing="stateful")
    at.selectbox(key="class_field").set_value("stateful").run()
    assert "Stateful: on on one side, off on the other." in texts(at)
    assert not button(at, "Start a class").disabled
    at.selectbox(key="class_field").set_value("cell").run()
    assert "LSTM" not in at.selectbox(key="class_value_cell").options  # the Lab's is the first side


def test_delayed_recall_names_the_cells_on_both_sides():
    # (Its runs' scoring on the recalled letters is trained in tests/unit/experiments/test_class_claims.py.)
    claim = CLAIMS[RECALL]
    info, _ = class_store.get_classes().create(claim.name, scaled(claim.arms, 0.005), claim.title,
                                               claim.question)
    first, second = open_page(PAGE, join=info.code), open_page(PAGE, join=info.code)
    assert "You train **LSTM** with seed **7**" in texts(first) and "Cell LSTM" in texts(first)
    ungated = claim.arms[1].label
    assert f"You train **{ungated}** with seed **8**" in texts(second) and f"Cell {ungated}" in texts(second)
    assert first.radio[0].options == ["LSTM", ungated, "neither: the gap will be seed luck"]


def test_the_join_box_of_any_page_opens_the_class_or_says_why_not():
    info, _ = new_class()
    at = open_page("pages/tour.py")
    assert not at.sidebar.text_input  # the box is in the row of links' popover, not the sidebar
    wrong = "ACDEFH" if info.code != "ACDEFH" else "ACDEFJ"
    at.text_input(key="nav_join_code").set_value(wrong)
    button(at, "Join").click().run()
    said = [e.value for e in at.error]  # the one sentence, and nothing else on the page
    assert said == [f"No class has the code {wrong}: check it with your teacher."]
    at.text_input(key="nav_join_code").set_value(f" {info.code.lower()} ")
    button(at, "Join").click().run()
    assert_clean(at)
    assert "You train **naive** with seed **7**" in texts(at)  # the Class page's join view
    assert "nav_join_code" not in [t.key for t in at.text_input]  # the Class page has no second box


def test_the_board_lists_nicknames_as_plain_text_and_others_anonymously():
    info, secret = new_class()
    store = class_store.get_classes()
    for k, nick in enumerate(["<img src=x onerror=alert(1)>", "", "**Bo**"]):
        store.join(info.code, f"n{k}")
        store.submit(info.code, f"n{k}", f"nick{k:018d}", 80.0 + k, 25, prediction="0", nickname=nick)
    at = open_page(PAGE, teacher=secret)
    assert_clean(at)
    frame = at.table[-1].value  # after the predictions' table
    assert list(frame.index) == ["**Bo**", "<img src=x onerror=alert(1)>", "Student 2"]  # by side, best first
    assert list(frame["accuracy"]) == ["82.00%", "80.00%", "81.00%"]
    assert "<img" not in texts(at) and "**Bo**" not in texts(at)
