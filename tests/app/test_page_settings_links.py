"""Every page's settings in its address (issue 22, item 10): Generate, Cell, Compare, Memory.

A link opens the page with its settings; a change puts them in the address; a bad value
gets one sentence naming the parameter and the page shows the default. Pages that need a
model work on the shipped stateful preset (no training here).
"""

from __future__ import annotations

import pytest
from apptest_support import assert_clean, button, open_page

ABC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def url(at) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items() if k != "run"}


def warnings(at) -> list[str]:
    return [w.value for w in at.warning]


# -- Generate -------------------------------------------------------------------------------
def test_a_generate_link_opens_with_its_start_steps_and_temperature():
    at = open_page("pages/generate.py", start="Z", steps="5", temperature="1")
    assert_clean(at)
    assert at.selectbox(key=f"gen_start_{ABC}").value == "Z"
    assert at.number_input(key="gen_steps").value == 5
    assert at.slider(key="gen_temp").value == 1.0
    cold = [c.value for c in at.code][-2]
    assert cold.startswith("Z") and len(cold) == 6, cold


def test_generate_puts_a_submitted_change_in_the_address():
    at = open_page("pages/generate.py")
    assert url(at) == {}
    at.selectbox(key=f"gen_start_{ABC}").set_value("C")
    at.number_input(key="gen_steps").set_value(4)
    button(at, "Generate").click().run()
    assert url(at) == {"start": "C", "steps": "4"}


# -- Cell -----------------------------------------------------------------------------------
def cell_text(at):
    return next(t for t in at.text_input if t.label == "Text to feed")


def test_a_cell_link_opens_at_its_step_on_its_text_warm():
    at = open_page("pages/cell.py", text="KLMNOP", step="3", warm="true")
    assert_clean(at)
    assert cell_text(at).value == "KLMNOP"
    assert at.toggle(key="cell_warm").value is True
    assert at.slider(key="cell_step").value == 3
    steps = [m.value[:40] for m in at.markdown]
    assert any(m.startswith("Step 3 of 6: fed **M**") for m in steps), steps
    assert url(at) == {"text": "KLMNOP", "step": "3", "warm": "true"}


def test_the_cell_step_reaches_the_address_as_it_moves():
    at = open_page("pages/cell.py", text="KLMNOP")
    button(at, "▶").click().run()
    button(at, "▶").click().run()
    assert url(at) == {"text": "KLMNOP", "step": "3"}


# -- Compare --------------------------------------------------------------------------------
def test_a_compare_link_fills_both_forms_and_a_submit_puts_them_back():
    at = open_page("pages/compare.py", framings="stateful,naive", seeds="3", scale="0.5", why_seeds="2")
    assert_clean(at)
    assert at.multiselect(key="compare_framings").value == ["stateful", "naive"]
    assert at.number_input(key="compare_seeds").value == 3
    assert at.select_slider(key="compare_scale").value == 0.5
    assert at.number_input(key="why_seeds").value == 2
    assert url(at) == {"framings": "stateful,naive", "seeds": "3", "scale": "0.5", "why_seeds": "2"}


# -- Memory ---------------------------------------------------------------------------------
def test_a_memory_link_sets_the_task_and_the_experiment():
    at = open_page("pages/memory.py", task="delayed-recall", delay="6", k="8", seeds="2", order="alternating")
    assert_clean(at)
    assert at.selectbox(key="memory_task").value == "delayed-recall"
    assert at.number_input(key="memory_k").value == 6
    assert at.number_input(key="memory_exp_k").value == 8
    assert at.number_input(key="memory_exp_seeds").value == 2
    assert at.selectbox(key="memory_exp_order").value == "alternating"
    at.number_input(key="memory_exp_k").set_value(5).run()
    assert url(at) == {"task": "delayed-recall", "delay": "6", "k": "5", "seeds": "2", "order": "alternating"}


# -- bad values, every page -------------------------------------------------------------------
BAD_LINKS = [  # page, its link's bad values, then the widgets that must show the defaults
    ("generate", {"start": "<b>9</b>", "steps": "many", "temperature": "7"},
     [("selectbox", f"gen_start_{ABC}", "K"), ("number_input", "gen_steps", 10),
      ("slider", "gen_temp", 0.0)]),
    ("cell", {"step": "-2", "warm": "perhaps"}, [("slider", "cell_step", 1)]),
    ("compare", {"framings": "naive,rnn", "seeds": "0", "scale": "3"},
     [("multiselect", "compare_framings", ["naive", "feature-window"])]),
    ("memory", {"k": "99", "order": "sideways"}, [("number_input", "memory_exp_k", 4)]),
]


@pytest.mark.parametrize(("page", "params", "defaults"), BAD_LINKS, ids=[b[0] for b in BAD_LINKS])
def test_bad_values_in_a_link_say_so_by_parameter_and_fall_back(page, params, defaults):
    at = open_page(f"pages/{page}.py", **params)
    assert_clean(at)
    said = warnings(at)
    for name in params:
        assert any(w.startswith(f"URL parameter {name}:") for w in said), said
    for kind, key, value in defaults:
        assert getattr(at, kind)(key=key).value == value
    assert url(at) == {}
