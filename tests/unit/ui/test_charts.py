"""The engine returns where state comes from as data; the chart words it."""

from __future__ import annotations

from lstm_core.analysis.inference import StateSource, reset_timeline
from lstm_core.presets import preset
from ui import charts


def test_reset_strip_words_the_engines_state_sources():
    timeline = reset_timeline(preset("stateful").replace(batch_size=5), samples=7)
    assert set(timeline["source"]) == {StateSource.ZERO, StateSource.CARRIED}  # codes, not prose
    frame = charts.reset_strip(timeline).data
    assert list(frame["start"]) == ["zero state"] * 5 + ["carried state"] * 2
    assert list(frame["starts_from"][4:]) == ["zero state", "end state of sample 1", "end state of sample 2"]
