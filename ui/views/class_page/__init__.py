"""The Class page (issue 24): the class is the experiment.

Which view a visitor gets is in the address:

- ``/class?teacher=SECRET``: the board and the teacher's controls (:mod:`.board`);
- ``/class?join=CODE``: a student's place in the class (:mod:`.student`);
- ``/class``: start a class, or type a code to join one (:mod:`.start`).
"""

from __future__ import annotations

import streamlit as st

from ui.views.class_page import board, start, student

TEACHER = "teacher"
JOIN = "join"


def show() -> None:
    secret = st.query_params.get(TEACHER)
    code = st.query_params.get(JOIN)
    if secret:
        board.show(secret)
    elif code:
        student.show(code)
    else:
        start.show()
