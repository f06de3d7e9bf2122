"""Next to the Keras script: what stock ``fit`` gives (issue 22, item 8: the naive script gave 84.00%
where the app showed 80.00%, with nothing saying why)."""

from apptest_support import assert_clean, open_page

from ui import session


def test_the_script_download_says_what_to_expect_from_stock_fit(tiny_run):
    at = open_page("pages/lab.py", session_state={session.RUN: tiny_run})
    assert_clean(at)
    assert [b for b in at.get("download_button") if "script" in b.proto.label.lower()]
    notes = [c.value for c in at.caption if "model.fit" in c.value]
    assert notes and "not always the same last digit" in notes[0], [c.value for c in at.caption]
