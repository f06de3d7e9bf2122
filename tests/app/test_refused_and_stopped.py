"""What a refused or stopped training leaves on the page (issue 22, item 15): a refusal leaves its
sentence and nothing of the training ("starting: loading TensorFlow…", an empty bar, Stop);
a stopped State experiment says it stopped."""

import pytest
from apptest_support import assert_clean, button, open_page

from ui import session


def own_rss_mb() -> float:
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.parametrize("page, label", [
    ("pages/compare.py", "Compare the cells"),
    ("pages/memory.py", "Run the experiment"),
])
def test_a_refused_experiment_leaves_its_sentence_and_no_progress_bar_or_stop(monkeypatch, page, label):
    at = open_page(page)
    # A budget that holds this process but not a TensorFlow worker beside it: refused.
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", str(int(own_rss_mb() + 100)))
    button(at, label).click().run()
    assert_clean(at)
    assert any("memory" in e.value for e in at.error), [e.value for e in at.error]
    # This page has no units, window or sequence to lower (issue 22, item 12): no such advice.
    assert not any("units" in e.value or "sequence" in e.value for e in at.error), [e.value for e in at.error]
    assert not at.get("progress")
    assert not [b for b in at.button if b.label == "Stop"]


def test_a_stopped_state_experiment_says_so_instead_of_showing_nothing(tiny_run):
    # A Stop leaves an empty table (the three arms are compared: a stopped one leaves nothing).
    at = open_page("pages/state.py", session_state={session.RUN: tiny_run, session.EXPERIMENT: []})
    assert_clean(at)
    assert any("Stopped before all three runs finished" in w.value for w in at.warning)
