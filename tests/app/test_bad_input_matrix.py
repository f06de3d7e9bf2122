"""The bad-input matrix (issue 5): every field, at and past its limits, in the URL and the form.

Each case must give a clear message at the place it was made (a warning naming the URL
parameter, or an error beside the Lab form) and never an exception. The CLI's half of the
matrix is in tests/unit/cli/test_main.py, the engine's messages in tests/unit/test_config.py.
"""

import pytest
from apptest_support import TINY, assert_clean, button, metric, open_page

from ui import session

# Garbage in every URL parameter: the page warns, names the parameter, and falls back.
URL_GARBAGE = [
    ("framing", "rnn"),
    ("sequence", "A"),
    ("sequence", "AB" * 3000),  # 6,000 characters: over the sequence limit
    ("sequence", "    "),
    ("window", "x"),
    ("window", "999"),
    ("units", "-5"),
    ("units", "100000"),
    ("epochs", "1e9"),
    ("batch_size", "0"),
    ("learning_rate", "fast"),
    ("shuffle", "maybe"),
    ("stateful", "2"),
    ("encoding", "rot13"),
    ("padding", "left"),
    ("num_samples", "0"),
    ("seed", "-1"),
]


@pytest.mark.parametrize(
    ("name", "raw"), URL_GARBAGE, ids=[f"{n}-{i}" for i, (n, _) in enumerate(URL_GARBAGE)]
)
def test_garbage_in_a_url_parameter_warns_by_name(name, raw):
    at = open_page("pages/lab.py", **{name: raw})
    assert_clean(at)
    assert any(f"URL parameter {name}" in w.value for w in at.warning), [w.value for w in at.warning]


# Values typed in the Lab form, at and past their limits: an error beside the form, and the
# model trained before stays.
FORM_CASES = [
    ("lab_units", 0, "Units"),
    ("lab_sequence", "A", "sequence"),
    ("lab_sequence", "   ", "sequence"),
    ("lab_window", 30, "Window / max length"),
    ("lab_batch_size", 4, "Batch size"),  # stateful: 4 does not divide the 25 samples
    ("lab_epochs", 10_000_000, "Epochs"),  # over the work budget
    ("lab_learning_rate", 0.0, "Learning rate"),
    ("lab_learning_rate", 2.0, "Learning rate"),
    ("lab_seed", -1, "Seed"),
    ("lab_epochs", 0, "Epochs"),
    ("lab_batch_size", 0, "Batch size"),
    ("lab_units", 257, "Units"),
    ("lab_window", 0, "Window / max length"),
    ("lab_sequence", "AB" * 1500, "sequence"),  # 3,000 characters: over the limit
    ("lab_sequence", "", "sequence"),
]


@pytest.mark.parametrize(
    ("key", "value", "word"), FORM_CASES, ids=[f"{k}-{i}" for i, (k, *_) in enumerate(FORM_CASES)]
)
def test_out_of_range_form_value_shows_an_error_and_keeps_the_model(key, value, word, tiny_run):
    at = open_page("pages/lab.py", session_state={session.RUN: tiny_run}, **TINY)  # a model trained
    before = at.session_state["run"]
    if key == "lab_sequence":
        at.text_input(key=key).set_value(value)
    else:
        at.number_input(key=key).set_value(value)
    button(at, "Train").click().run()
    assert_clean(at)
    assert any(word in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["run"] is before
    assert metric(at, "Accuracy").value


def test_a_window_as_long_as_the_sequence_is_refused_with_the_reason():
    at = open_page("pages/lab.py", framing="timestep-window", sequence="ABCDE", epochs="3")
    at.number_input(key="lab_window").set_value(5)
    button(at, "Train").click().run()
    assert_clean(at)
    said = [e.value for e in at.error]
    assert any('shorter than the "Training sequence"' in e for e in said), said


@pytest.mark.parametrize("sequence", ["αβγδαβγδαβγδ", "日本語日本語日本語", "😀🙃😀🙃😀🙃😀🙃"])
def test_non_ascii_sequences_train_like_any_other(sequence):
    at = open_page("pages/lab.py", framing="timestep-window", epochs="5", units="4")
    at.text_input(key="lab_sequence").set_value(sequence)
    at.number_input(key="lab_window").set_value(2)
    button(at, "Train").click().run()
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["run"].config.vocab == "".join(sorted(set(sequence)))
