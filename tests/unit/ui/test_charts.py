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


def _history(accuracies):
    from types import SimpleNamespace

    return [SimpleNamespace(epoch=i + 1, loss=1.0 / (i + 1), accuracy=a, elapsed=0.01 * i)
            for i, a in enumerate(accuracies)]


def test_a_run_at_100_percent_draws_its_accuracy_line_inside_the_plot():
    # issue 22 (17): the Lab's accuracy line at 100% sat on, and half above, the plot's top edge
    spec = charts.history_chart(_history([0.2, 0.9, 1.0, 1.0])).to_dict()
    accuracy = next(layer for layer in spec["layer"] if layer["encoding"]["y"].get("title") == "accuracy")
    top = accuracy["encoding"]["y"]["scale"]["domain"][1]
    assert top > 1.0 and accuracy["encoding"]["y"]["axis"]["values"][-1] == 1


def test_compare_points_at_the_top_accuracy_are_not_cut_at_the_right_edge():
    # issue 22 (17): points at 86.96% were half clipped (the domain ended at the data's maximum)
    import pandas as pd

    runs = pd.DataFrame({"framing": ["naive"] * 3 + ["feature-window"] * 3, "seed": [7, 8, 9] * 2,
                         "accuracy": [80.0, 84.0, 80.0, 86.96, 82.61, 86.96]})
    spec = charts.seed_points_chart(runs, {"naive": 84.0, "feature-window": 86.96}).to_dict()
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "circle")
    low, high = points["encoding"]["x"]["scale"]["domain"]
    assert low < 80.0 - 0.4 and high > 86.96 + 0.4
