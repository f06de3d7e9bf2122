"""Class: the class is the experiment (issue 24).

A teacher starts a class on one of the Lessons' claims; every student who joins (code, link or
QR code) trains one side of it with a seed of their own, and the board, projected, shows every
run as it arrives and, once both sides have runs, whether the gap is real. The views live in
``ui.views.class_page``; the words in ``ui.text.class_``.
"""

import streamlit as st

from ui.routing import page_setup
from ui.views import class_page

page_setup("Class", join_box=False)  # first: page config and the links (its own join box below)


def main() -> None:
    st.title("Class", anchor=False)
    class_page.show()


main()
