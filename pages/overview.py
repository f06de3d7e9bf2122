"""Overview: what the tutorial asks, and the six ways it feeds the LSTM."""

import streamlit as st

from lstm_core.config import PRESETS
from ui import controls, presets
from ui.routing import use_app_router
from ui.text import TASK

use_app_router()  # first: a direct link must still go through app.py


def card(name: str) -> None:
    """One framing: its shape, what it feeds, the tutorial's accuracy, its lesson, a way in."""
    p = PRESETS[name]
    c = p.config
    with st.container(border=True, height="stretch"):
        st.markdown(f"**{p.title}**")
        st.caption(
            f"`{name}` · input [{c.num_examples}, {c.time_steps}, {c.features}] · "
            f"{c.units} units · {c.epochs:,} epochs · batch {c.batch_size}"
        )
        st.markdown(f"**Feeds:** {p.feeds}.")
        st.metric("Tutorial accuracy", f"{p.tutorial_accuracy:.2f}%")
        st.markdown(p.lesson)
        presets.preset_predictions(name)  # the shipped trained model's real predictions
        if st.button("Open in the Lab", key=f"open_{name}", icon=":material/science:"):
            st.session_state[controls.FORCE_URL] = True
            st.switch_page("pages/lab.py", query_params={"framing": name})


def main() -> None:
    st.title("LSTM State Lab", anchor=False)
    st.markdown(TASK)
    st.markdown(
        "Open a framing in the **Lab** to train it live and read its predictions, then see "
        "what it generates (**Generate**), what its memory holds (**State**), and whether the "
        "tutorial's accuracies hold up over many seeds (**Compare**)."
    )
    names = list(PRESETS)
    for row in (names[:3], names[3:]):
        for col, name in zip(st.columns(3), row):
            with col:
                card(name)


main()
