"""The tour's engine: every step's evidence comes from the shipped presets without TensorFlow,
its outcome is one of the answers offered, and a prediction is judged as the page says."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lstm_core.experiments import tour
from lstm_core.store.pretrained import preset_run


def test_every_steps_outcome_is_an_answer_the_learner_could_give():
    for s in tour.STEPS:
        ev = s.evidence()
        if s.numeric:
            assert 0 <= ev.outcome <= 100, s.key
        else:
            assert ev.outcome in s.choices, (s.key, ev.outcome, s.choices)
            assert len(set(s.choices)) == len(s.choices), s.key


def test_the_evidence_needs_no_tensorflow():
    code = (
        "import sys\n"
        "from lstm_core.experiments import tour\n"
        "import ui.views.tour_page\n"
        "[s.evidence() for s in tour.STEPS]\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_the_stateful_step_is_the_tutorials_cold_k_and_warm_k():
    ev = tour.step("stateful").evidence()
    assert (ev.outcome, ev.figures["cold"][:2], ev.figures["warm"][:2]) == ("B", "KB", "KL")


@pytest.mark.parametrize(("offset", "right"), [(0.0, True), (tour.CLOSE, True), (-tour.CLOSE, True),
                                              (tour.CLOSE + 0.5, False), (-tour.CLOSE - 0.5, False)])
def test_a_percentage_counts_within_close_points(offset, right):
    s = tour.step("naive")
    ev = s.evidence()
    assert tour.matches(s, ev.outcome + offset, ev) is right
    assert tour.matches(s, None, ev) is False  # no prediction never counts


def test_a_missing_shipped_preset_is_named():
    with pytest.raises(LookupError, match="nothing"):
        tour.shipped("nothing")
    assert preset_run("naive") is tour.shipped("naive")
