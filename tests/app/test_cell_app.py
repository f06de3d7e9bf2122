"""The Cell page in Streamlit's AppTest: every preset renders, stepping moves the numbers, the
Play button toggles, state surgery changes what the model writes, and units are numbered from 1."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from apptest_support import assert_clean, button, open_page
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from lstm_core.config import FRAMINGS
from lstm_core.presets import preset
from lstm_core.train.trainer import train
from ui import session

PAGE = "pages/cell.py"


@pytest.fixture(scope="module")
def runs() -> dict:
    """One trained run per preset: the preset's shape and settings, fewer epochs (the page's
    logic does not depend on how well it learned), except stateful at its full 300 epochs."""
    short = {"whole-batch": 50, "variable-length": 2}
    out = {}
    for name in FRAMINGS:
        config = preset(name)
        if name != "stateful":
            config = config.replace(epochs=short.get(name, 20))
        out[name] = train(config)
    return out


def open_cell(run) -> AppTest:
    at = open_page(PAGE, session_state={session.RUN: run})
    assert_clean(at)
    return at


def step_line(at: AppTest) -> str:
    lines = [m.value for m in at.markdown if m.value.startswith("Step ")]
    assert lines, "no step sentence on the page"
    return lines[0]


def equations(at: AppTest) -> str:
    """The LaTeX of the equations: written in one element with the step's header (issue 22, item 6)."""
    blocks = [m.value.split("$$")[1] for m in at.markdown if m.value.startswith("Step ") and "$$" in m.value]
    assert len(blocks) == 1, "the equations are not in the step's header element"
    return blocks[0]


def numbers(latex: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+\.\d{3}", latex)]


def codes(at: AppTest) -> tuple[str, str]:
    untouched, operated = (c.value for c in at.code)
    return untouched, operated


@pytest.mark.parametrize("name", FRAMINGS)
def test_page_renders_every_preset_with_all_its_parts(runs, name):
    at = open_cell(runs[name])
    run = runs[name]
    n = len(run.config.sequence[:16]) * run.config.time_steps  # one step per letter of each window
    assert step_line(at).startswith(f"Step 1 of {n}: fed ")
    assert r"c_t &= f \cdot c_{t-1}" in equations(at)
    assert {"◀", "▶", "Play"} <= {b.label for b in at.button}
    finders = [d.value for d in at.dataframe if "selectivity" in d.value.columns]  # the rest: charts' data
    assert len(finders) == 1 and len(finders[0]) == 8  # unit finder: top 8 units
    assert len(at.code) == 2  # surgery: untouched and operated text
    widgets = [*at.text_input, *at.slider, *at.selectbox, *at.multiselect, *at.toggle, *at.radio]
    widgets += [*at.number_input, *at.checkbox, *at.button]
    assert len(widgets) >= 14
    for widget in widgets:
        assert widget.help, f"{widget.label!r} has no help text"


def test_stepping_changes_the_equations_numbers(runs):
    at = open_cell(runs["stateful"])
    first = numbers(equations(at))
    button(at, "▶").click().run()
    assert_clean(at)
    assert step_line(at).startswith("Step 2 of 16: fed **B**")
    second = numbers(equations(at))
    assert len(first) == len(second) and first != second
    # Step 1 starts from a zero state, so what h_{t-1} adds to each gate is 0.000; at step 2 it is not.
    assert [first[k] for k in (1, 6, 11, 16)] == [0.0] * 4
    assert any(second[k] != 0.0 for k in (1, 6, 11, 16))
    at.slider(key="cell_step").set_value(5).run()
    assert step_line(at).startswith("Step 5 of 16: fed **E**")
    button(at, "◀").click().run()
    assert step_line(at).startswith("Step 4 of 16: fed **D**")
    assert numbers(equations(at)) not in (first, second)


def test_the_equations_add_up(runs):
    """c = f·c_prev + i·g and h = o·tanh(c) with the numbers shown (to rounding)."""
    import math

    at = open_cell(runs["stateful"])
    at.slider(key="cell_step").set_value(7).run()
    latex = equations(at)
    c_line = next(line for line in latex.split(r"\\") if "c_t &=" in line)
    f, c_prev, i, g, c = numbers(c_line)
    assert f * c_prev + i * g == pytest.approx(c, abs=2e-3)
    h_line = next(line for line in latex.split(r"\\") if "h_t &=" in line)
    o, c_again, h = numbers(h_line)
    assert c_again == c and o * math.tanh(c) == pytest.approx(h, abs=2e-3)


def test_play_turns_into_pause_and_back(runs):
    at = open_cell(runs["stateful"])
    button(at, "Play").click().run()
    assert_clean(at)
    assert at.session_state[session.CELL_PLAYING] is True
    assert "Pause" in {b.label for b in at.button} and "Play" not in {b.label for b in at.button}
    button(at, "Pause").click().run()
    assert at.session_state[session.CELL_PLAYING] is False
    assert "Play" in {b.label for b in at.button}


def test_surgery_changes_the_output(runs):
    at = open_cell(runs["stateful"])
    untouched, operated = codes(at)
    assert untouched.startswith("ABCDEFGHIJKLMNOP") and len(untouched) == 26
    assert untouched == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # the trained model goes on through the alphabet
    # Zero every unit and keep them off: the model loses its memory and its output.
    at.multiselect(key="cell_zero_16").set_value(list(range(16))).run()
    untouched, operated = codes(at)
    assert operated[:16] == untouched[:16] and operated != untouched
    # Swap in a zero state before "P": a cold "P" does not know it is deep in the alphabet.
    at.radio(key="cell_surgery").set_value("Swap in another text's state").run()
    at.text_input(key=next(t.key for t in at.text_input if t.label == "Other text")).set_value("").run()
    assert_clean(at)
    untouched, operated = codes(at)
    assert operated != untouched
    assert any("changed" in c.value for c in at.caption)


def test_stateless_model_explains_that_there_is_no_state_to_swap(runs):
    at = open_cell(runs["naive"])
    at.radio(key="cell_surgery").set_value("Swap in another text's state").run()
    assert_clean(at)
    assert any("stateless" in i.value for i in at.info)


def test_bad_text_is_one_sentence_not_a_crash(runs):
    at = open_cell(runs["stateful"])
    text = next(t for t in at.text_input if t.label == "Text to feed")
    text.set_value("abc").run()
    assert_clean(at)
    assert len(at.error) == 1 and "not in the model's vocabulary" in at.error[0].value


def test_warm_start_reads_the_training_text_first(runs):
    at = open_cell(runs["stateful"])
    next(t for t in at.text_input if t.label == "Text to feed").set_value("KLM").run()
    assert "predicts **B**" in step_line(at)  # cold K -> B, the tutorial's point
    at.toggle(key="cell_warm").set_value(True).run()
    assert "predicts **L**" in step_line(at)  # warm: A..J read first


def test_without_a_model_the_page_shows_the_shipped_stateful_preset_and_can_train_it():
    from apptest_support import open_page

    at = open_page(PAGE)
    assert_clean(at)
    assert any("preset" in i.value for i in at.info)
    # The shipped preset is the tutorial's stateful model, trained: it knows the alphabet.
    assert step_line(at).startswith("Step 1 of 16: fed **A**") and "predicts **B**" in step_line(at)
    button(at, "Train the stateful preset").click().run()
    assert_clean(at)
    assert step_line(at).startswith("Step 1 of 16: fed **A**")
    at.run()  # the next run works on the model trained here, no longer on the shipped one
    assert not [b for b in at.button if b.label == "Train the stateful preset"]


def chart_frames(at: AppTest) -> list[pd.DataFrame]:
    """The data the page passed to its charts (st.vega_lite_chart's and Altair's), one frame each."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        proto = chart.proto
        if proto.data.data:
            frames.append(convert_arrow_bytes_to_pandas_df(proto.data.data))
        frames += [convert_arrow_bytes_to_pandas_df(d.data.data) for d in proto.datasets]
        inline = json.loads(proto.spec).get("datasets", {})  # data Altair left in the spec
        frames += [pd.DataFrame(rows) for rows in inline.values()]
    return frames


def test_units_are_numbered_from_1_in_the_charts_the_table_and_the_choices(tiny_run):
    """As on the State page: 16 units are 1..16 wherever the Cell page names one."""
    at = open_cell(tiny_run)
    heatmaps = [f for f in chart_frames(at) if "unit" in f.columns and "row" in f.columns]
    assert len(heatmaps) == 2  # the step's gates and its states
    for frame in heatmaps:
        assert sorted(set(frame["unit"])) == list(range(1, 17))
    over_steps = [f for f in chart_frames(at) if "unit" in f.columns and "step" in f.columns]
    assert over_steps and all(set(f["unit"]) == set(range(1, 17)) for f in over_steps[:1])
    finder = next(d.value for d in at.dataframe if "selectivity" in d.value.columns)
    assert finder["unit"].between(1, 16).all() and 0 not in set(finder["unit"])
    label = "Unit for the diagram and equations"
    unit_box = at.selectbox(key=next(s.key for s in at.selectbox if s.label == label))
    assert unit_box.options[0] == "unit 1" and unit_box.options[-1].startswith("unit 16")
    chosen = unit_box.value  # the engine's index; the caption under the equations says its number
    assert any(c.value.startswith(f"Unit {chosen + 1} at step 1") for c in at.caption)
    assert at.multiselect(key="cell_zero_16").options == [str(u) for u in range(1, 17)]


# ---------------------------------------------------------------------------------------
# The cell diagram (issue 26): drawn for every cell, it follows the step.
# ---------------------------------------------------------------------------------------
def diagram(at: AppTest) -> str:
    figures = [m.value for m in at.markdown if 'class="cell-diagram"' in m.value]
    assert len(figures) == 1, f"{len(figures)} cell diagrams on the page"
    return figures[0]


def drawn(figure: str) -> dict[str, float]:
    """The numbers on the diagram, by node."""
    return {k: float(v) for k, v in re.findall(r'data-node="(\w+)" data-value="(-?[\d.]+)"', figure)}


@pytest.fixture(scope="module")
def other_runs() -> dict:
    """A GRU, and two stacked SimpleRNN layers, trained briefly on the stateful preset's shape."""
    base = preset("stateful").replace(epochs=5)
    return {"gru": train(base.replace(cell="gru")), "simple": train(base.replace(cell="simple", layers=2))}


def test_the_lstm_diagram_follows_the_step_and_agrees_with_the_equations(runs):
    at = open_cell(runs["stateful"])
    first = diagram(at)
    assert 'data-step="1"' in first and "<title" in first and "<desc" in first
    assert set(drawn(first)) >= {"c_prev", "f", "i", "g", "o", "keep", "write", "c", "h"}
    button(at, "▶").click().run()
    second = diagram(at)
    assert 'data-step="2"' in second and drawn(second) != drawn(first)
    # The diagram's c and h are the equations' (one source: the trace), at the same step.
    latex = equations(at)
    c_line = next(line for line in latex.split(r"\\") if "c_t &=" in line)
    assert numbers(c_line)[-1] == drawn(second)["c"]
    assert drawn(second)["c_prev"] == numbers(c_line)[1]
    # The table under it: every number with 8 decimals, the same nodes.
    table = dict(re.findall(r'<tr data-node="(\w+)"><td>[^<]*</td><td[^>]*>(-?[\d.]+)</td>', second))
    assert set(table) == set(drawn(second))
    assert all(round(float(table[k]), 3) == pytest.approx(v, abs=1e-9) for k, v in drawn(second).items())


def test_the_gru_diagram_renders_and_steps(other_runs):
    at = open_cell(other_runs["gru"])
    assert any("z = σ" in c.value for c in at.caption)  # the GRU's caption, not the LSTM's
    first = diagram(at)
    assert "GRU cell" in first and {"z", "r", "g", "keep", "write", "h"} <= set(drawn(first))
    assert "c_prev" not in drawn(first)
    button(at, "▶").click().run()
    assert_clean(at)
    second = diagram(at)
    assert 'data-step="2"' in second and drawn(second) != drawn(first)
    assert "moved most" in second and re.search(r"the (update gate z|reset gate r|candidate h̃) moved", second)
    assert step_line(at).startswith("Step 2 of 16: fed **B**")


def test_a_stacked_simple_rnn_is_drawn_layer_by_layer(other_runs):
    at = open_cell(other_runs["simple"])
    top = diagram(at)
    assert "SimpleRNN cell, layer 2" in top and set(drawn(top)) == {"h_prev", "pre", "h"}
    at.selectbox(key="cell_layer_2").set_value(0).run()
    assert_clean(at)
    bottom = diagram(at)
    assert "SimpleRNN cell, layer 1" in bottom and drawn(bottom) != drawn(top)
    assert "x" in drawn(bottom)  # the bottom layer reads the scaled letter: one input number
