"""The Tour page (issue 25): every step asks before it tells, and every figure it shows is the
engine's, recomputed here from the shipped presets with the analysis functions themselves."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_support import assert_clean, button, open_page

from lstm_core.analysis import inference
from lstm_core.analysis.influence import influence
from lstm_core.analysis.stats import permutation_test
from lstm_core.data.ceiling import ceiling
from lstm_core.experiments import tour
from lstm_core.model.variant import variant_of
from lstm_core.store.pretrained import preset_run
from ui.text import MEMORY_TEXT
from ui.text import tour as words
from ui.views import tour_page


def pct(run) -> float:
    return 100 * inference.accuracy(run)


def shape(name: str) -> str:
    return "[" + ", ".join(map(str, preset_run(name).dataset.X.shape)) + "]"


def within_batch_difference() -> float:
    """The whole-batch model's answers alone and reversed against together in one batch (not the
    tour's code)."""
    run = preset_run("whole-batch")
    together = inference.predict_dataset(run.weights, run.dataset)
    predict = variant_of(run.config).predict
    alone = np.stack([predict(run.weights, x[None])[0] for x in run.dataset.X])
    backwards = predict(run.weights, run.dataset.X[::-1])[::-1]
    return float(max(np.abs(together - alone).max(), np.abs(together - backwards).max()))


def expected_figures(key: str) -> list[str]:
    """What the evidence of step ``key`` must say, computed here from the shipped runs."""
    if key == "tensor":
        return [shape(n) for n in ("naive", "feature-window", "timestep-window")]
    if key == "naive":
        return [f"{pct(preset_run('naive')):.2f}%"]
    if key == "gap":
        a, b = pct(preset_run("naive")), pct(preset_run("feature-window"))
        p = permutation_test([a], [b]).p_value
        return [f"{a:.2f}%", f"{b:.2f}%", f"{abs(a - b):.2f} points", f"p = **{p:.2f}**"]
    if key == "timesteps":
        return [f"{pct(preset_run('feature-window')):.2f}%", f"{pct(preset_run('timestep-window')):.2f}%"]
    if key == "stateful":
        run = preset_run("stateful")
        return [inference.generate(run, "K", 5).text, inference.generate(run, "K", 5, warm=True).text]
    if key == "within-batch":
        return [f"**{within_batch_difference():.6f}**", f"{pct(preset_run('whole-batch')):.2f}%"]
    if key == "memory":
        return [f"**{100 * ceiling(MEMORY_TEXT, 1):.2f}%**", f"{100 * ceiling(MEMORY_TEXT, 4):.2f}%"]
    if key == "reach":
        result = influence(preset_run("stateful"), "ABCDEFGHIJK")
        top = max(result.rows[1:], key=lambda r: r.occlusion)
        return [f"predicts **{result.predicted}**", f"**{top.occlusion:.2f}**", f"{top.back} letters back"]
    raise AssertionError(key)


def page_text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def evidence_shown(at, key: str) -> bool:
    """Anything of step ``key``'s evidence on the page: its sentence's opening, a table, or a verdict."""
    opening = words.EVIDENCE[key].split("{")[0][:30]
    assert len(opening) >= 12 and opening not in words.QUESTIONS[key], key  # telling enough to look for
    told = any("Not what happened" in i.value for i in at.info)
    return opening in page_text(at) or bool(at.success) or told or bool(at.table)


def answer(at, s: tour.Step, value) -> None:
    if s.numeric:
        at.number_input(key=f"tour_pick_{s.key}").set_value(float(value)).run()
    else:
        at.radio(key=f"tour_pick_{s.key}").set_value(value).run()


# A prediction for every step: the first choice offered, and 50% for the numbers.
PREDICTIONS = {s.key: (50.0 if s.numeric else s.choices[0]) for s in tour.STEPS}


def test_the_tour_walks_every_step_asking_before_it_tells():
    at = open_page("pages/tour.py")
    assert_clean(at)
    assert at.title[0].value == "Tour"
    for n, s in enumerate(tour.STEPS, start=1):
        assert at.query_params.get("step") in (None, str(n), [str(n)]), (n, dict(at.query_params))
        assert at.subheader[0].value == f"{n}. {words.TITLES[s.key]}"
        # Nothing shown before a prediction: no Show me, no evidence, Commit disabled until picked.
        assert not [b for b in at.button if b.label == words.SHOW], s.key
        assert not evidence_shown(at, s.key), s.key
        assert button(at, words.COMMIT).disabled
        answer(at, s, PREDICTIONS[s.key])
        assert not evidence_shown(at, s.key), s.key
        button(at, words.COMMIT).click().run()
        assert_clean(at)
        # Committed, but still nothing told until Show me.
        assert not evidence_shown(at, s.key), s.key
        assert at.session_state[tour_page.ANSWERS][s.key] == PREDICTIONS[s.key]
        button(at, words.SHOW).click().run()
        assert_clean(at)
        text = page_text(at)
        for figure in expected_figures(s.key):
            assert figure in text, (s.key, figure, text)
        came_true = tour.matches(s, PREDICTIONS[s.key], s.evidence())
        assert bool(at.success) == came_true, s.key
        # The Overview's claims for this step, the same labels (and so the same figures).
        labels = [b.label for b in at.button]
        for demo in words.CLAIMS_BY_STEP[s.key]:
            assert demo.label in labels, (s.key, demo.label)
        at.button(key="tour_next").click().run()
        assert_clean(at)
    # The last step: every prediction against what happened.
    assert at.query_params["step"] in (str(tour_page.LAST), [str(tour_page.LAST)])
    assert at.subheader[0].value == words.SUMMARY_TITLE
    text = page_text(at)
    for n, s in enumerate(tour.STEPS, start=1):
        ev = s.evidence()
        mark = "✓" if tour.matches(s, PREDICTIONS[s.key], ev) else "✗"
        line = words.SUMMARY_ROW.format(mark=mark, step=f"{n}. {words.TITLES[s.key]}",
                                        predicted=tour_page.answer_label(s, PREDICTIONS[s.key]),
                                        happened=tour_page.answer_label(s, ev.outcome))
        assert line in text, (line, text)
    right = sum(tour.matches(s, PREDICTIONS[s.key], s.evidence()) for s in tour.STEPS)
    assert words.SUMMARY_COUNT.format(right=right, shown=len(tour.STEPS)) in page_text(at)


@pytest.mark.parametrize(("given", "shown"), [("4", 4), ("9", 9), ("0", 1), ("x", 1), ("99", 1)])
def test_the_step_comes_from_the_url(given, shown):
    at = open_page("pages/tour.py", step=given)
    assert_clean(at)
    if shown == tour_page.LAST:
        assert at.subheader[0].value == words.SUMMARY_TITLE
        assert any(words.SUMMARY_EMPTY in i.value for i in at.info)  # nothing answered in this session
    else:
        assert at.subheader[0].value == f"{shown}. {words.TITLES[tour.STEPS[shown - 1].key]}"


def test_a_prediction_not_yet_checked_is_not_revealed_in_the_summary():
    at = open_page("pages/tour.py", step="7")
    answer(at, tour.step("memory"), 70)
    button(at, words.COMMIT).click().run()
    at.query_params["step"] = str(tour_page.LAST)
    at.run()
    line = words.SUMMARY_ROW.format(mark="·", step=f"7. {words.TITLES['memory']}", predicted="70%",
                                    happened=words.NOT_SHOWN)
    assert line in page_text(at)
    assert f"{100 * ceiling(MEMORY_TEXT, 1):.2f}" not in page_text(at)


def test_a_step_opens_the_lab_with_exactly_its_settings():
    at = open_page("pages/tour.py", step="7")
    answer(at, tour.step("memory"), 70)
    button(at, words.COMMIT).click().run()
    button(at, words.SHOW).click().run()
    at.button(key="tour_dig_memory").click().run()
    assert_clean(at)
    assert at.title[0].value == "Lab"
    assert at.session_state["lab_framing"] == "naive"
    assert at.session_state["lab_sequence"] == MEMORY_TEXT


@pytest.mark.parametrize(("key", "title"), [("gap", "Compare"), ("stateful", "Generate"),
                                            ("within-batch", "State"), ("reach", "Memory")])
def test_each_step_opens_the_page_to_dig_further(key, title):
    s = tour.step(key)
    n = tour.STEPS.index(s) + 1
    at = open_page("pages/tour.py", step=str(n),
                   session_state={tour_page.ANSWERS: {key: s.choices[0]}, tour_page.SHOWN: [key]})
    assert evidence_shown(at, key)  # answered and shown in this session: the evidence is there
    at.button(key=f"tour_dig_{key}").click().run()
    assert_clean(at)
    assert at.title[0].value == title
