"""Compare: train several framings over several seeds, and see whether a gap is real.

The tutorial reports 84.00% (naive) and 86.96% (feature-window) from one run each and
wonders whether the difference "may or may not be real". Every seed is shown as a point,
and an exact permutation test (``lstm_core.experiments.compare``) says how often seed luck
alone would give a gap that large. Below, "Why LSTM?": the three cells side by side.
"""

import streamlit as st

from ui.routing import page_setup
from ui.text.compare import COMPARE
from ui.views import compare_page

page_setup("Compare")  # first: page config and the links to every page


def main() -> None:
    st.title("Compare", anchor=False)
    st.markdown(COMPARE)
    compare_page.load_settings()  # the address's settings (/compare?framings=...&seeds=3)
    compare_page.sweep_form()
    compare_page.sweep_result()
    compare_page.why_lstm_section()


main()
