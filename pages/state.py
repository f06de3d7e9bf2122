"""State: what the LSTM's memory holds, when it is wiped, and what a batch does not do.

- h (hidden state) is what the LSTM outputs at each step; c (cell state) is its longer-term
  memory. Both have one number per unit and are updated at every time step.
- The reset timeline shows, for the current framing, which samples start from zero state.
- The within-batch experiment tests the tutorial's claim that state flows between the
  samples of one batch.
"""

import streamlit as st

from ui import runner
from ui.routing import page_setup
from ui.views import state_page

page_setup("State")  # first: page config and the links to every page


def main() -> None:
    st.title("State", anchor=False)
    st.caption("What the LSTM remembers while it reads, and when that memory is wiped.")
    run = runner.require_run("State")
    if run is not None:
        state_page.model_caption(run)
        state_page.trace_section(run)
        state_page.reset_section(run)
    st.divider()
    state_page.experiment_section()


main()
