"""Tour: the tutorial's story in eight steps, each a prediction, the app's own evidence, then the why.

The step is in the URL (``/tour?step=4``); the body is ``ui/views/tour_page.py``.
"""

import streamlit as st

from ui.routing import page_setup
from ui.text import tour as words
from ui.views import tour_page

page_setup(words.TITLE)  # first: page config and the links to every page


def main() -> None:
    st.title(words.TITLE, anchor=False)
    tour_page.tour_body()


main()
