"""Start a class (the teacher), or type a code to join one (a student)."""

from __future__ import annotations

import streamlit as st

from lstm_core.experiments.class_experiment import CLAIMS, scaled
from lstm_core.store.class_records import normalize_code
from lstm_core.store.classes import ClassError
from lstm_core.store.records import StoreError
from ui import safe
from ui.text.class_ import CLASS_INTRO, JOIN, START
from ui.views.class_page import links

SCALES = {1.0: "full (500)", 0.5: "half", 0.25: "a quarter", 0.1: "a tenth"}


def show() -> None:
    st.markdown(CLASS_INTRO)
    left, right = st.columns(2, gap="large")
    with left:
        join_box()
    with right:
        start_box()


def join_box() -> None:
    """A student types the code: a wrong one is one sentence, and guessing is rate-limited."""
    st.subheader(JOIN["header"], anchor=False)
    with st.form("class_join", border=False):
        typed = st.text_input(JOIN["code"], max_chars=12, help=JOIN["code_help"], key="class_code")
        pressed = st.form_submit_button(JOIN["button"], icon=":material/login:")
    if pressed:
        code = check_code(typed)
        if code is not None:
            st.query_params["join"] = code
            st.rerun()


def check_code(typed: str) -> str | None:
    """The code of an existing class, or None after saying (one sentence) why not."""
    if not links.may_guess():
        st.error(JOIN["limited"], icon=":material/timer:")
        return None
    code = normalize_code(typed)
    if code is None:
        links.guessed_wrong()
        st.error(JOIN["malformed"], icon=":material/error:")
        return None
    try:
        found = links.classes().by_code(code)
    except StoreError:
        st.error(JOIN["store"], icon=":material/cloud_off:")
        return None
    if found is None:
        links.guessed_wrong()
        st.error(safe.plain(JOIN["unknown"].format(code=code)), icon=":material/error:")
        return None
    return code


def start_box() -> None:
    """The teacher picks a claim; the class is created and the page becomes the teacher's board."""
    st.subheader(START["header"], anchor=False)
    with st.form("class_start", border=False):
        name = st.selectbox(START["claim"], list(CLAIMS), format_func=lambda n: CLAIMS[n].title,
                            help=START["claim_help"])
        scale = st.selectbox(START["scale"], list(SCALES), format_func=SCALES.get, help=START["scale_help"])
        pressed = st.form_submit_button(START["button"], icon=":material/groups:", type="primary")
    if not pressed:
        return
    claim = CLAIMS[name]
    try:
        _, secret = links.classes().create(claim.name, scaled(claim.arms, scale), claim.title, claim.question)
    except ClassError as err:  # too many classes open at once
        st.error(safe.plain(f"{str(err)[:1].upper()}{str(err)[1:]}."), icon=":material/error:")
        return
    except StoreError:
        st.error(JOIN["store"], icon=":material/cloud_off:")
        return
    st.query_params.clear()
    st.query_params["teacher"] = secret
    st.rerun()
