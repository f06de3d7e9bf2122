"""The Tour page's body (``pages/tour.py`` lays it out): one step at a time, ask, then show.

- The step lives in the URL (``/tour?step=4``), so a teacher can project one step; the
  step after the last (``?step=9``) is the learner's predictions against what happened.
- Answers live in the session: ``ANSWERS`` maps a step's key to the committed prediction,
  ``SHOWN`` lists the steps whose evidence was asked for. Evidence shows only for a step
  that has both, so nothing is told before the learner has committed.
- The evidence is :mod:`lstm_core.experiments.tour`'s, computed from the shipped presets in
  this process with numpy (no TensorFlow, no training); the figures of the Overview's
  claims come from ``ui.text`` (the same ``Demo`` objects the Overview shows).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lstm_core.experiments import tour
from ui import controls
from ui.text import DEMO_SEEDS
from ui.text import tour as words

ANSWERS = "tour_answers"  # {step key: the committed prediction (a choice key, or a percentage)}
SHOWN = "tour_shown"  # [step keys whose evidence the learner asked for]
STEP_PARAM = "step"
LAST = len(tour.STEPS) + 1  # the summary, after the last step


def current_step() -> int:
    """The step the URL names, 1..LAST; anything else (missing, text, out of range) is step 1."""
    raw = st.query_params.get(STEP_PARAM, "1")
    try:
        n = int(raw)
    except (TypeError, ValueError):
        return 1
    return n if 1 <= n <= LAST else 1


def go(n: int) -> None:
    """Button callback: move to step ``n`` (the URL changes, so a reload stays there)."""
    st.query_params[STEP_PARAM] = str(n)


def answers() -> dict:
    return st.session_state.setdefault(ANSWERS, {})


def shown() -> list:
    return st.session_state.setdefault(SHOWN, [])


def answer_label(s: tour.Step, value) -> str:
    """A prediction or an outcome as the learner reads it: the choice's words, or a percentage."""
    if s.numeric:
        return f"{float(value):.2f}".rstrip("0").rstrip(".") + "%"
    return words.CHOICES.get(s.key, {}).get(value, str(value))


def navigation(n: int) -> None:
    """Back / Next (and the way to the summary), under a progress bar."""
    st.progress(min(n, len(tour.STEPS)) / len(tour.STEPS),
                text=words.STEP_OF.format(n=n, total=len(tour.STEPS)) if n < LAST
                else words.ALL_STEPS.format(total=len(tour.STEPS)))
    row = st.container(horizontal=True, gap="small", key="tour_nav")
    row.button(words.BACK, key="tour_back", icon=":material/arrow_back:", disabled=n == 1,
               on_click=go, args=(n - 1,))
    if n < LAST:
        row.button(words.NEXT if n < len(tour.STEPS) else words.TO_SUMMARY, key="tour_next",
                   icon=":material/arrow_forward:", on_click=go, args=(n + 1,))


def question(s: tour.Step) -> object | None:
    """The question and its answer widget; the widget locks once the prediction is committed."""
    facts = tour.facts()
    prompt = words.QUESTIONS[s.key].format(**facts)
    committed = answers().get(s.key)
    locked = committed is not None
    key = f"tour_pick_{s.key}"
    # The question as text, not as the widget's label: a label is small and gray, and fades
    # further once the widget is locked; the label stays for screen readers.
    st.markdown(prompt)
    if s.numeric:
        pick = st.number_input(words.PREDICTION, min_value=0.0, max_value=100.0, step=1.0, value=None,
                               key=key, disabled=locked, placeholder=words.NUMBER_PLACEHOLDER,
                               help=words.NUMBER_CLOSE.format(close=facts["close"]))
    else:
        pick = st.radio(words.PREDICTION, s.choices, index=None, key=key, disabled=locked,
                        format_func=lambda c: answer_label(s, c), label_visibility="collapsed")
    if locked:
        st.markdown(words.YOUR_ANSWER.format(answer=answer_label(s, committed)))
        return committed
    # Callbacks, not "if clicked: ... st.rerun()": the run after the click already draws the
    # locked widget, and one run per click leaves no second run for a quick next click to hit.
    st.button(words.COMMIT, key=f"tour_commit_{s.key}", type="primary", disabled=pick is None,
              icon=":material/how_to_vote:", on_click=commit, args=(s.key, key))
    st.caption(words.PICK_FIRST)
    return None


def commit(step_key: str, widget_key: str) -> None:
    """Button callback: keep the picked prediction; from now on it cannot change."""
    pick = st.session_state.get(widget_key)
    if pick is not None:
        answers()[step_key] = pick


def show(step_key: str) -> None:
    """Button callback: the learner asked for this step's evidence."""
    if step_key in answers() and step_key not in shown():
        shown().append(step_key)


def evidence(s: tour.Step, committed) -> None:
    """Show me, then the evidence, whether the prediction came true, the why and the links."""
    if s.key not in shown():
        st.button(words.SHOW, key=f"tour_show_{s.key}", type="primary", icon=":material/visibility:",
                  on_click=show, args=(s.key,))
        return
    ev = s.evidence()
    with st.container(border=True, key=f"tour_evidence_{s.key}"):
        st.markdown(words.EVIDENCE[s.key].format(**ev.figures))
        if ev.table is not None:
            # A plain table: its cells wrap on a phone, where a data grid hides columns off to the side.
            st.table(ev.table.set_index(ev.table.columns[0]))
        if tour.matches(s, committed, ev):
            st.success(words.CAME_TRUE, icon=":material/check_circle:")
        else:
            told = words.DID_NOT.format(answer=answer_label(s, committed),
                                        outcome=answer_label(s, ev.outcome))
            st.info(told, icon=":material/lightbulb:")
    st.markdown(f"**{words.WHY}.** " + words.WHYS[s.key].format(**ev.figures))
    claims(s)
    dig(s)


def claims(s: tour.Step) -> None:
    """The Overview's claims for this step: the same Demo objects, each opening the Lab."""
    demos = words.CLAIMS_BY_STEP[s.key]
    if not demos:
        return
    st.caption(words.CLAIMS.format(first=DEMO_SEEDS[0], last=DEMO_SEEDS[-1]))
    for i, demo in enumerate(demos):
        # Buttons, not page links: a button's label wraps on a phone, a link's is cut.
        if st.button(demo.label, key=f"tour_claim_{s.key}_{i}", icon=":material/science:", width="stretch",
                     help=f"Opens {demo.url}; press Train there."):
            open_lab(demo.params)


def open_lab(params: dict[str, str]) -> None:
    st.session_state[controls.FORCE_URL] = True  # the Lab applies these settings, as from the Overview
    st.switch_page("pages/lab.py", query_params=params)


def dig(s: tour.Step) -> None:
    """One button to the page where this step's settings can be explored further."""
    name = words.PAGE_NAMES[s.page]
    if st.button(words.DIG.format(page=name), key=f"tour_dig_{s.key}", icon=":material/open_in_new:",
                 help=words.DIG_HELP.format(page=name)):
        if s.page == "lab" and s.lab is not None:
            open_lab(s.lab)
        st.switch_page(f"pages/{s.page}.py")


def step_view(n: int) -> None:
    s = tour.STEPS[n - 1]
    st.subheader(f"{n}. {words.TITLES[s.key]}", anchor=False)
    committed = question(s)
    if committed is not None:
        evidence(s, committed)


def summary_frame() -> pd.DataFrame:
    """One row per step answered: the prediction, and what happened once it was shown."""
    rows = []
    for i, s in enumerate(tour.STEPS, start=1):
        if s.key not in answers():
            continue
        committed = answers()[s.key]
        seen = s.key in shown()
        ev = s.evidence() if seen else None
        rows.append(dict(zip(words.SUMMARY_COLUMNS, (
            f"{i}. {words.TITLES[s.key]}",
            answer_label(s, committed),
            answer_label(s, ev.outcome) if ev else words.NOT_SHOWN,
            ("✓" if tour.matches(s, committed, ev) else "✗") if ev else "",
        ), strict=True)))
    return pd.DataFrame(rows, columns=list(words.SUMMARY_COLUMNS))


def summary_view() -> None:
    st.subheader(words.SUMMARY_TITLE, anchor=False)
    frame = summary_frame()
    if frame.empty:
        st.info(words.SUMMARY_EMPTY, icon=":material/info:")
    else:
        step, predicted, happened, came_true = words.SUMMARY_COLUMNS
        checked = frame[frame[came_true] != ""]
        right = int((checked[came_true] == "✓").sum())
        st.markdown(words.SUMMARY_COUNT.format(right=right, shown=len(checked)))
        # One line per step rather than a table: it wraps on a phone, a four-column grid would not fit.
        st.markdown("\n".join(
            words.SUMMARY_ROW.format(mark=row[came_true] or "·", step=row[step], predicted=row[predicted],
                                     happened=row[happened])
            for _, row in frame.iterrows()))
    st.button(words.RESTART, key="tour_restart", icon=":material/restart_alt:", on_click=restart)


def restart() -> None:
    """Button callback: forget every prediction and go back to step 1."""
    for key in (ANSWERS, SHOWN, *(f"tour_pick_{s.key}" for s in tour.STEPS)):
        st.session_state.pop(key, None)
    go(1)


def tour_body() -> None:
    n = current_step()
    if n == 1:
        st.markdown(words.INTRO)
    if n < LAST:
        step_view(n)
    else:
        summary_view()
    navigation(n)
