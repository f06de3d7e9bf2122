"""Memory: how far back a prediction looks, how far back training reaches, and tasks that need memory."""

import streamlit as st

from ui.routing import page_setup
from ui.views.memory_page import experiment, tasks, views

page_setup("Memory")  # first: page config and the links to every page


def main() -> None:
    st.title("Memory", anchor=False)
    st.caption(
        "The alphabet can be predicted from the current letter alone. These texts cannot: "
        "here you see how far back a trained model looks, and how far back its training reached."
    )
    views.load_settings()  # the address's settings (/memory?task=delayed-recall&k=8)
    with st.expander("Tasks that need memory, and the best any window can do", expanded=False):
        tasks.task_picker(in_lab=False)
    views.forward_view()
    st.divider()
    views.backward_view()
    st.divider()
    views.keep_settings()  # before the experiment: a click there may interrupt the rest
    experiment.experiment_section()


main()
