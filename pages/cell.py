"""Cell: step through a trained LSTM letter by letter and watch its gates decide.

At every time step each unit computes four numbers from the letter it reads and the state it
carries: the input gate i, the forget gate f, the candidate g and the output gate o. Then
c = f·c_prev + i·g (keep some memory, write some new) and h = o·tanh(c) (show some of it).
This page shows those numbers, the trained model's own, for a text you choose
(``ui/cell_page``).
"""

from __future__ import annotations

import streamlit as st

from ui import runner
from ui.routing import page_setup
from ui.views.cell_page import sections

page_setup("Cell")  # first: page config and the links to every page


def main() -> None:
    st.title("Cell", anchor=False)  # the caption follows the run's cell: sections.body writes it
    run = runner.require_run("Cell")  # the session's run, a ?run= link's, or the shipped preset
    if run is not None:
        sections.body(run)


main()
