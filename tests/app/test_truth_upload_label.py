"""An uploaded model is labelled as the upload on Generate, not in the preset's words (issue 22,
item 17)."""

from apptest_support import assert_clean, open_page

from ui import session, upload


def model_caption(at) -> str:
    return next(c.value for c in at.caption if "units" in c.value and "vocabulary" in c.value)


def test_an_uploaded_model_is_labelled_as_the_upload(tiny_run):
    at = open_page("pages/generate.py", session_state={
        session.RUN: tiny_run, upload.SOURCE: {"run": tiny_run, "file": "mine.keras"}})
    assert_clean(at)
    assert model_caption(at).startswith("Your uploaded model 'mine.keras'"), model_caption(at)


def test_a_trained_model_keeps_the_plain_label(tiny_run):
    at = open_page("pages/generate.py", session_state={session.RUN: tiny_run})
    assert model_caption(at).startswith("Model: ")
