"""Every chart has its words (issue 27): no module draws a chart except through
``ui.views.chart_words`` (a sentence and a table) or the live chart's ``ui.training.LiveChart``
(a live sentence), and the sentences' numbers are the charts' own."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from lstm_core.analysis import inference
from lstm_core.analysis import influence as inf
from lstm_core.presets import preset
from ui import charts
from ui.text import charts as words
from ui.views import wave_charts
from ui.views.cell_page import charts as cell_charts
from ui.views.memory_page import views as memory_views

ROOT = Path(__file__).resolve().parents[3]
# Streamlit's chart calls: any of them outside the two drawing helpers is a chart without words.
CHART_FUNCTIONS = {"altair_chart", "vega_lite_chart", "line_chart", "bar_chart", "area_chart",
                   "scatter_chart", "map", "pyplot", "plotly_chart", "bokeh_chart", "pydeck_chart",
                   "graphviz_chart"}
DRAWERS = {"ui/views/chart_words.py": 2, "ui/training.py": 1}  # where a chart may be drawn, and how often


def chart_call_count(source: str) -> int:
    """Calls ``<anything>.<chart function>(...)`` in ``source``, but not pandas' ``Series.map``
    (a ``map`` call counts only on ``st``)."""
    count = 0
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            on_st = isinstance(node.func.value, ast.Name) and node.func.value.id == "st"
            count += name in CHART_FUNCTIONS and (name != "map" or on_st)
    return count


def chart_calls() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in [*ROOT.glob("ui/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]:
        n = chart_call_count(path.read_text())
        if n:
            found[path.relative_to(ROOT).as_posix()] = n
    return found


def test_every_chart_is_drawn_with_its_words():
    assert chart_calls() == DRAWERS, (
        "a chart drawn outside ui/views/chart_words.py (show_chart / show_spec: a sentence and a "
        "table) or ui/training.LiveChart (the live sentence)"
    )


def test_the_count_sees_a_chart_drawn_without_words():
    # the check itself can fail: page lines as a helper would write them are caught
    assert chart_call_count('st.altair_chart(chart, width="stretch")') == 1
    assert chart_call_count("left.vega_lite_chart(data, spec)\nst.map(points)") == 2
    assert chart_call_count("show_chart(chart, sentence, table)\nframe['a'].map(str)") == 0


def test_the_state_heatmap_words_name_the_charts_own_extremes():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(6, 4))
    frame = charts.state_heatmap(values, list("ABCDEF"), [False] * 6, "h").data
    top = frame.loc[frame["value"].idxmax()]
    bottom = frame.loc[frame["value"].idxmin()]
    sentence = words.heatmap(values, list("ABCDEF"), "h")
    assert f"{bottom['value']:.2f} (unit {bottom['unit']} after {bottom['step'].split()[1]})" in sentence
    assert f"{top['value']:.2f} (unit {top['unit']} after {top['step'].split()[1]})" in sentence
    means = frame.groupby("unit")["value"].mean()
    assert f"unit {means.idxmax()} is highest ({means.max():.2f})" in sentence
    table = words.heatmap_table(values, list("ABCDEF"), "h")
    assert table.shape == (6, 2 + 4) and table["h, unit 3"].tolist() == list(values[:, 2].round(3))


def test_the_cell_step_words_read_the_step_charts_data():
    i, f, g, o = np.array([[0.1, 0.9, 0.5], [0.7, 0.7, 0.7], [-0.8, 0.2, 0.4], [0.3, 0.6, 0.05]])
    data, _ = cell_charts.gates_chart(i, f, g, o)
    table = cell_charts.step_table(data)
    assert list(table["row"]) == list(cell_charts.GATE_ROWS)
    sentence = words.rows_heatmap(table.drop(columns="row").to_numpy(float), list(table["row"]))
    assert sentence == ("i (input) from 0.10 (unit 1) to 0.90 (unit 2); f (forget) 0.70 in every unit; "
                        "g (candidate) from -0.80 (unit 1) to 0.40 (unit 3); "
                        "o (output) from 0.05 (unit 3) to 0.60 (unit 2).")


def test_the_reset_strip_and_reach_words_count_a_real_configs_samples():
    config = preset("stateful").replace(batch_size=5)
    timeline = inference.reset_timeline(config, samples=60)
    n = min(60, config.num_examples)
    assert words.reset_strip(timeline) == (
        f"The first {n} samples, in {-(-n // 5)} batches of up to 5 rows: 5 start from zero state, "
        f"{n - 5} carry the state an earlier sample ended with.")
    reach = memory_views.reach_frame(inf.update_reach(preset("stateful"), 3))  # as the page draws it
    assert words.reach(reach) == "state: 3 letters (ABC); gradient: 1 letter (D); loss: 1 letter (E)."


def test_the_wave_words_measure_the_gap_to_the_true_wave():
    pos = np.arange(10, 20)
    true = np.sin(pos / 3)
    frame = pd.concat([
        pd.DataFrame({"position": pos, "series": "true wave", "value": true}),
        pd.DataFrame({"position": pos, "series": "teacher-forced", "value": true + 0.01 * (pos - 10)}),
        pd.DataFrame({"position": pos[5:], "series": "free-running", "value": true[5:] - 0.3}),
    ])
    assert words.wave(frame, 15) == (
        "Positions 10 to 19; free running starts at 15. Fed the true values, "
        "the prediction stays within 0.09 of the wave; fed its own, within 0.30.")
    assert set(frame["series"]) <= set(wave_charts.SERIES)  # the names the page's frame uses
    errors = pd.DataFrame({"step": [1, 2, 3] * 2, "series": ["teacher-forced"] * 3 + ["free-running"] * 3,
                           "error": [0.01, 0.02, 0.03, 0.1, 0.5, 0.2]})
    assert words.wave_error(errors).endswith("free-running error mean 0.27, largest 0.5 at step 2.")


def test_compare_memory_and_board_words():
    curves = pd.DataFrame({"run": [1, 1, 2, 2, 3, 3], "framing": ["naive"] * 4 + ["stateful"] * 2,
                           "epoch": [1, 500] * 3, "loss": [3.2, 0.9, 3.3, 1.1, 3.1, 0.05]})
    assert words.losses(curves) == (
        "naive: last loss 0.9–1.1 over 2 runs; stateful: last loss 0.05 over 1 run.")
    points = pd.DataFrame({"arm": ["A", "B", "B"], "seed": [1, 2, 3], "accuracy": [50.0, 80.0, 90.0]})
    assert words.seed_points(points, by="arm") == "A: 50.00% over 1 seed; B: 80.00–90.00% over 2 seeds."
    influence = pd.DataFrame({"run": ["x"] * 3, "back": [0, 1, 2], "fed": list("CBA"),
                              "gradient": [0.2, 0.05, 0.7]})
    assert words.influence(influence, "gradient", "gradient").startswith(
        "x: largest gradient 0.7, 2 steps back (fed A)")


@pytest.mark.parametrize("regression", [False, True])
def test_the_live_sentence(regression):
    p = SimpleNamespace(epoch=1200, epochs=5000, loss=0.91234, accuracy=0.4)
    sentence = words.live(p, regression)
    assert sentence.startswith("Training: epoch 1,200 of 5,000, ")
    assert ("mean squared error 0.912." if regression else "loss 0.912, accuracy 40%.") in sentence
