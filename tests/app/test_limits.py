"""One user, one link must not take the shared server down (issue 16), through the real pages.

- A URL value or a typed text never becomes Markdown (no image, no link) and is shortened.
- Number boxes: "1e3" is 1000 exactly, 1.5 and 1e23 get a sentence, not a silent 1 or nothing.
- A run that would train too long is refused beside the form, saying what to lower.
- Opening a link to a large shape compiles nothing in the background.
- Over the memory budget, Train says why instead of starting.
"""

import time

import pytest
from apptest_support import TINY, assert_clean, button, open_page, train_in_lab

from lstm_core.limits.cost import MAX_SECONDS
from ui import session

IMAGE = "![x](http://127.0.0.1:1/a.png)"
PHISH = "[Login here](http://x/phish)"
TEXT64 = "".join(chr(ord("!") + i) for i in range(64))
S2000 = (TEXT64 * 40)[:2000]


def markdown_free(value: str) -> bool:
    """No unescaped "[" (link or image) and no "http:" autolink left in a message's Markdown."""
    plain = value.replace("\\[", "").replace("\\]", "").replace("\\:", "")
    return "[" not in plain and "http:" not in plain


@pytest.mark.parametrize(("name", "raw"), [("units", IMAGE), ("framing", PHISH), ("sequence", IMAGE + "\t")])
def test_a_url_value_is_shown_escaped_never_as_markdown(name, raw):
    at = open_page("pages/lab.py", **{name: raw})
    assert_clean(at)
    warnings = [w.value for w in at.warning if f"URL parameter {name}" in w.value]
    assert warnings, [w.value for w in at.warning]
    assert all(markdown_free(w) for w in warnings), warnings


def test_a_huge_url_value_is_echoed_short():
    at = open_page("pages/lab.py", units="9" * 100_000, framing="x" * 100_000)
    assert_clean(at)
    assert len(at.warning) == 2
    assert all(len(w.value) < 500 for w in at.warning), [len(w.value) for w in at.warning]


def test_the_sequence_error_beside_the_form_is_escaped():
    at = open_page("pages/lab.py", **TINY)
    at.text_input(key="lab_sequence").set_value(PHISH + "\n")  # a newline: not printable
    button(at, "Train").click().run()
    assert_clean(at)
    errors = [e.value for e in at.error]
    assert errors and all(markdown_free(e) for e in errors), errors


def test_the_state_trace_error_is_escaped_and_short(tiny_run):
    at = open_page("pages/state.py", session_state={session.RUN: tiny_run})
    box = [t for t in at.text_input if t.label == "Text to trace"][0]
    box.set_value(IMAGE * 5).run()
    assert_clean(at)
    errors = [e.value for e in at.error]
    assert errors and all(markdown_free(e) and len(e) < 500 for e in errors), errors


@pytest.mark.parametrize(
    ("key", "value", "expect"),
    [
        ("lab_epochs", 3e1, 30),  # the browser's float box sends "3e1" as 30.0: exactly 30 epochs
        ("lab_units", 1e1, 10),
    ],
)
def test_scientific_whole_numbers_train_exactly_what_was_typed(key, value, expect):
    at = open_page("pages/lab.py", **TINY)
    at.number_input(key=key).set_value(value)
    button(at, "Train").click().run()
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    run = at.session_state["run"]
    assert getattr(run.config, key.removeprefix("lab_")) == expect


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("lab_units", 1e3, "Units: 1000 is not allowed"),  # 1e3 is 1000, not 1: over the 256 limit
        ("lab_epochs", 2.5, "it must be a whole number"),
        ("lab_epochs", 99999999999999999999999.0, "from 1 to 20,000"),
    ],
)
def test_non_whole_or_huge_numbers_get_a_sentence_and_train_nothing(key, value, words):
    at = open_page("pages/lab.py", **TINY)
    at.number_input(key=key).set_value(value)
    button(at, "Train").click().run()
    assert_clean(at)
    assert any(words in e.value for e in at.error), [e.value for e in at.error]
    assert "run" not in at.session_state


def test_a_run_over_the_time_limit_is_refused_with_what_to_lower():
    at = open_page(
        "pages/lab.py", framing="feature-window", encoding="onehot", window="16", units="128",
        epochs="1", sequence=S2000,
    )
    assert_clean(at)
    assert not at.warning, [w.value for w in at.warning]  # 1 epoch of this shape is accepted
    at.number_input(key="lab_epochs").set_value(5000.0)
    button(at, "Train").click().run()
    assert_clean(at)
    errors = [e.value for e in at.error]
    said = [e for e in errors if f"limit is {MAX_SECONDS:,.0f} s" in e]
    assert any('Lower "Epochs" (at most' in e for e in said), errors
    assert "run" not in at.session_state


def test_opening_a_link_to_a_large_shape_compiles_nothing_in_the_background():
    from lstm_core.train import compiled

    before = compiled.compiled_shapes()
    at = open_page(
        "pages/lab.py", framing="feature-window", encoding="onehot", window="16", units="128",
        epochs="1", sequence=S2000,
    )
    assert_clean(at)
    time.sleep(3)  # a background compile would have registered its shape by now
    assert compiled.compiled_shapes() == before


def test_over_the_memory_budget_train_says_why_and_keeps_the_model(monkeypatch):
    at = train_in_lab(**TINY)
    before = at.session_state["run"]
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", "1")  # this process is surely over 1 MiB
    at.number_input(key="lab_epochs").set_value(25.0)
    button(at, "Train").click().run()
    assert_clean(at)
    errors = [e.value for e in at.error]
    assert any("short of memory" in e and "MiB" in e for e in errors), errors
    assert at.session_state["run"] is before


def test_a_page_that_was_training_when_the_server_restarted_says_so_and_retrains():
    # A fresh session (as after a restart) opened on an address that still carries the mark.
    at = open_page("pages/lab.py", **TINY, training="1")
    assert_clean(at)
    assert any("lost its server" in w.value for w in at.warning), [w.value for w in at.warning]
    assert "training" not in at.query_params
    button(at, "Train these settings again").click().run()
    assert_clean(at)
    run = at.session_state["run"]
    assert run.config.epochs == int(TINY["epochs"]) and run.epochs_done == run.config.epochs
    assert not any("lost its server" in w.value for w in at.warning)
    assert "training" not in at.query_params  # removed again when the run ended


def test_a_finished_training_leaves_no_mark_in_the_address():
    at = train_in_lab(**TINY)
    assert "training" not in at.query_params
    assert not any("lost its server" in w.value for w in at.warning)
