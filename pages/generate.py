"""Generate: let the trained model continue a letter, from a cold and from a warm state.

The tutorial's stateful model, asked cold for the letter after "K", says "B": with a fresh
state, "K" looks like the start of the alphabet. Warmed up on A…J first, it says "L".
"""

import streamlit as st

from ui import runner
from ui.routing import page_setup
from ui.text.generate import INTRO
from ui.views import generate_page

page_setup("Generate")  # first: page config and the links to every page


def main() -> None:
    st.title("Generate", anchor=False)
    st.caption(INTRO)
    run = runner.require_run("Generate")
    if run is not None:
        generate_page.body(run)


main()
