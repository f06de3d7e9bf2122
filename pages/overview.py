"""Overview: what the tutorial asks, the six ways it feeds the LSTM, and what each one shows.

Every claim carries a button that opens the Lab with the settings that show it
(``ui.text.LESSONS``), so a learner checks it with one click instead of taking it on trust.
"""

import streamlit as st

from lstm_core.presets import PRESETS
from ui import controls
from ui.routing import page_setup
from ui.text import DEMO_SEEDS, LESSONS, MEMORY, MEMORY_TITLE, OVERVIEW_PAGES, TASK, Demo
from ui.text.shared import OPENING_LAB
from ui.views import overview_presets as presets

page_setup()  # first: page config and the links to every page


OPENING = "overview_opening_lab"  # session key: the Lab settings a button asked for, opened first thing
OPENING_SAID = "overview_opening_said"  # ... and the run that said so has been sent


def ask_for_lab(params: dict[str, str]) -> None:
    """A button's ``on_click`` (runs before the script): the next run opens the Lab at once."""
    st.session_state[OPENING] = params
    st.session_state[controls.FORCE_URL] = True


def open_asked_lab() -> None:
    """If a button asked for the Lab, say so, then open it before drawing anything else: the
    Overview's six cards took 0.7 s to redraw before the old code reached the button, and
    the Lab ~1.2 s more, with nothing said (issue 22, item 17). Two runs, so the sentence is
    on screen before the address changes: drawn in the same run as the switch, the browser
    could receive both at once and never show it. The toast is seen wherever the page was scrolled."""
    params = st.session_state.get(OPENING)
    if params is None:
        return
    st.info(OPENING_LAB, icon=":material/hourglass_top:")
    if not st.session_state.get(OPENING_SAID):
        st.session_state[OPENING_SAID] = True
        st.toast(OPENING_LAB, icon=":material/hourglass_top:")
        st.rerun()  # this run's sentence reaches the browser; the next one opens the Lab
    del st.session_state[OPENING], st.session_state[OPENING_SAID]
    st.switch_page("pages/lab.py", query_params=params)


def demo_links(demos: tuple[Demo, ...], key: str) -> None:
    """One button per claim, opening the Lab with its settings; the label says what those
    settings reached here. (Buttons, not ``st.page_link``: a page link's label never wraps,
    so in a narrow card it would be cut before its figure.)"""
    seeds = f"seeds {DEMO_SEEDS[0]}–{DEMO_SEEDS[-1]}"
    for i, demo in enumerate(demos):
        st.button(
            demo.label,
            key=f"demo_{key}_{i}",
            icon=":material/science:",
            help=f"Opens {demo.url} (seed {DEMO_SEEDS[0]}; press Train there). Measured here over {seeds}: "
            f"{demo.result}.",
            width="stretch",
            on_click=ask_for_lab,
            args=(demo.params,),
        )


def card(name: str) -> None:
    """One framing: its shape, what it feeds, the tutorial's accuracy, its lesson, a way in."""
    p = PRESETS[name]
    c = p.config
    lesson = LESSONS[name]
    with st.container(border=True, height="stretch"):
        st.markdown(f"**{p.title}**")
        st.caption(
            f"`{name}` · input [{c.num_examples}, {c.time_steps}, {c.features}] · "
            f"{c.units} units · {c.epochs:,} epochs · batch {c.batch_size}"
        )
        st.markdown(f"**Feeds:** {p.feeds}.")
        st.metric(
            "Tutorial accuracy", f"{p.tutorial_accuracy:.2f}%", help="The figure the tutorial reported."
        )
        st.markdown(lesson.text)
        st.markdown("**Check it in the Lab:**")
        demo_links(lesson.demos, name)
        presets.preset_predictions(name)  # the shipped trained model's real predictions
        st.button("Open in the Lab", key=f"open_{name}", icon=":material/open_in_new:",
                  on_click=ask_for_lab, args=({"framing": name},))


def main() -> None:
    open_asked_lab()  # a claim's button was clicked: nothing else to draw
    st.title("LSTM State Lab", anchor=False)
    st.markdown(TASK)
    st.markdown(OVERVIEW_PAGES)
    names = list(PRESETS)
    for row in (names[:3], names[3:]):
        for col, name in zip(st.columns(3), row):
            with col:
                card(name)
    st.subheader(MEMORY_TITLE, anchor=False)
    st.markdown(MEMORY.text)
    demo_links(MEMORY.demos, "memory")


main()
