"""The app's one way to report trouble: a sentence for the user, a traceback for the log."""

from __future__ import annotations

import logging

from streamlit.testing.v1 import AppTest


def _page():
    from ui import errors

    try:
        {}["weights"]  # a bug
    except Exception as exc:
        errors.show_error(exc, "Training")
    refusal = ValueError("units=0 is not allowed: it must be a whole number from 1 to 256.")
    errors.show_error(refusal, "Training")


def test_a_bug_is_one_sentence_on_the_page_and_a_traceback_in_the_log(caplog):
    caplog.set_level(logging.INFO, logger="ui")
    at = AppTest.from_function(_page, default_timeout=30).run()
    assert len(at.exception) == 0
    assert [e.value for e in at.error] == [
        "Training failed unexpectedly (KeyError). The details are in the server log.",
        "units=0 is not allowed: it must be a whole number from 1 to 256.",
    ]
    errors = [r for r in caplog.records if r.name == "ui.errors" and r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info[0] is KeyError  # the traceback travels with it
    refusals = [r for r in caplog.records if r.name == "ui.errors" and "refused" in r.getMessage()]
    assert len(refusals) == 1 and refusals[0].levelno == logging.INFO  # a refusal is not an error
