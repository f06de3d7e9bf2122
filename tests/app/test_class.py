"""The Class page (issue 24) in the real app: a student joins and trains, the board, closing,
expiry, wrong codes, and a store outage. The classes are tiny (2 epochs) so training is quick."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest
from apptest_support import assert_clean, button, open_page
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from lstm_core.experiments.class_experiment import CLAIMS, scaled
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
