"""Cells in the app (issue 14): the Lab's Cell and Layers controls (URL in and out, training
what they say), the State page showing h only for cells without c, and the Cell page saying
which cell it shows (a GRU's update and reset gates, h for the others) under a caption that
is that cell's arithmetic, never the LSTM's, with units numbered from 1."""

from __future__ import annotations

import pytest
from apptest_support import assert_clean, button, open_page
from streamlit.testing.v1 import AppTest
from test_cell_app import chart_frames

from lstm_core.config import ALPHABET, LSTMConfig
from lstm_core.train.trainer import train
from ui import session


def test_cell_and_layers_come_from_the_url_and_train_what_they_say():
    at = open_page("pages/lab.py", framing="stateful", epochs="5", cell="gru", layers="2")
    assert_clean(at)
    assert at.selectbox(key="lab_cell").value == "gru"
    assert at.number_input(key="lab_layers").value == 2
    assert at.selectbox(key="lab_cell").help and at.number_input(key="lab_layers").help
    button(at, "Train").click().run()
    assert_clean(at)
    run = at.session_state[session.RUN]
    assert (run.config.cell, run.config.layers) == ("gru", 2)
    assert len(run.weights) == 3 * 2 + 2


def test_changing_the_controls_puts_them_in_the_url_and_defaults_stay_out():
    at = open_page("pages/lab.py", framing="stateful")
    assert "cell" not in at.query_params and "layers" not in at.query_params  # old links unchanged
    at.selectbox(key="lab_cell").set_value("simple").run()
    at.number_input(key="lab_layers").set_value(3).run()
    assert_clean(at)
    assert "simple" in str(at.query_params["cell"]) and "3" in str(at.query_params["layers"])


def test_too_many_layers_is_one_sentence_beside_the_form():
    at = open_page("pages/lab.py", framing="stateful")
    at.number_input(key="lab_layers").set_value(4).run()
    assert_clean(at)
    messages = [e.value for e in at.error]
    assert any("Layers: 4 is not allowed" in m for m in messages), messages


@pytest.fixture(scope="module")
def runs() -> dict:
    base = LSTMConfig(framing="stateful", sequence=ALPHABET[:12], units=6, epochs=10, shuffle=False,
                      stateful=True)
    return {
        "gru": train(base.replace(cell="gru")),
        "simple": train(base.replace(cell="simple")),
        "stacked": train(base.replace(layers=2)),
    }


def _open(run, page: str) -> AppTest:
    at = open_page(page, session_state={session.RUN: run})
    assert_clean(at)
    return at


def _words(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    return " ".join(parts)


@pytest.mark.parametrize("name", ["gru", "simple"])
def test_state_page_shows_h_only_for_cells_without_c(runs, name):
    at = _open(runs[name], "pages/state.py")
    words = _words(at)
    assert [s.value for s in at.subheader][0] == "Hidden state h"
    assert "no c" in words
    assert ("GRU" if name == "gru" else "SimpleRNN") in words


def test_state_page_keeps_h_and_c_for_a_stacked_lstm(runs):
    at = _open(runs["stacked"], "pages/state.py")
    assert [s.value for s in at.subheader][0] == "Hidden state h and cell state c"
    assert "2 stacked LSTM layers" in _words(at)
    assert "top layer" in _words(at)


def test_cell_page_shows_a_grus_update_and_reset_gates(runs):
    at = _open(runs["gru"], "pages/cell.py")
    words = _words(at)
    assert "update gate z" in words and "reset gate r" in words
    assert "this run's GRU" in words
    assert "the model predicts" in words


@pytest.mark.parametrize(
    ("name", "own"),
    [("gru", "h = (1 − z)·h̃ + z·h_prev"), ("simple", "h = tanh(x·W + h_prev·U + b)")],
)
def test_cell_page_captions_the_runs_own_cell_not_the_lstm(runs, name, own):
    at = _open(runs[name], "pages/cell.py")
    captions = " ".join(c.value for c in at.caption)
    assert own in captions
    assert "c = f" not in _words(at) and "o·tanh(c)" not in _words(at)  # the LSTM's arithmetic


@pytest.mark.parametrize("name", ["gru", "simple"])
def test_cell_page_numbers_units_from_1_like_the_state_page(runs, name):
    at = _open(runs[name], "pages/cell.py")
    frames = [f for f in chart_frames(at) if "unit" in f.columns]
    assert frames
    for frame in frames:
        assert sorted(set(frame["unit"])) == list(range(1, 7))  # 6 units


@pytest.mark.parametrize("name", ["simple", "stacked"])
def test_cell_page_says_which_cell_it_shows_when_it_cannot_trace_gates(runs, name):
    at = _open(runs[name], "pages/cell.py")
    words = _words(at)
    assert ("a SimpleRNN" if name == "simple" else "2 stacked LSTM layers") in words
    assert "top layer" in words
    assert len(at.error) == 0


def test_compare_why_lstm_trains_three_cells_on_two_tasks():
    at = open_page("pages/compare.py")
    at.number_input[1].set_value(1)  # seeds per cell (the first number box is the framings' sweep)
    at.select_slider(key="why_scale").set_value(0.1)
    button(at, "Compare the cells").click().run(timeout=400)  # six shapes compile: slow when busy
    assert_clean(at)
    table = next(d.value for d in at.dataframe if "task" in d.value.columns)
    assert list(table["task"]) == ["alphabet"] * 3 + ["delayed recall"] * 3
    assert list(table["cell"]) == ["LSTM", "GRU", "SimpleRNN"] * 2
    assert (table["runs"] == 1).all() and table["mean"].between(0, 100).all()
    words = " ".join(i.value for i in at.info)
    assert "**delayed recall** (mean over seeds)" in words and "SimpleRNN" in words


def test_compare_why_lstm_refuses_more_than_the_server_allows():
    at = open_page("pages/compare.py")
    at.number_input[1].set_value(5)
    button(at, "Compare the cells").click().run()
    assert_clean(at)
    assert any("limit" in e.value and "seeds" in e.value for e in at.error), [e.value for e in at.error]
    assert not any("task" in d.value.columns for d in at.dataframe)


def test_generate_writes_on_from_a_stacked_lstm_cold_and_warm(runs):
    at = _open(runs["stacked"], "pages/generate.py")
    vocab = runs["stacked"].config.vocab
    at.selectbox(key=f"gen_start_{vocab}").set_value("C")
    at.number_input(key="gen_steps").set_value(5)
    button(at, "Generate").click().run()
    assert_clean(at)
    texts = [c.value for c in at.code]
    assert len(texts) >= 2
    for text in texts[:2]:
        assert text.startswith("C") and len(text) == 6 and set(text) <= set(vocab), text
