"""Start a class (the teacher), or type a code to join one (a student; also the "Join a class"
button at the end of every other page's row of links: :func:`join_popover`)."""

from __future__ import annotations

import dataclasses

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lstm_core.config import LSTMConfig
from lstm_core.experiments.class_experiment import CHANGED, CLAIMS, Claim, changeable, changed_field, scaled
from lstm_core.experiments.class_experiment import shown_value as value_of
from lstm_core.presets import get_default_config
from lstm_core.store.class_records import normalize_code
from lstm_core.store.classes import ClassError
from lstm_core.store.records import StoreError
from ui import controls, errors, safe, session
from ui.text.class_ import CLASS_INTRO, JOIN, START
from ui.views.class_page import links

SCALES = {1.0: "full (500)", 0.5: "half", 0.25: "a quarter", 0.1: "a tenth"}
PAGE = "pages/class.py"
OPTIONS: dict[str, dict[str, str]] = {  # a field with a few values: pick the other one
    f.name: {v: value_of(f.name, v) for v in f.metadata["choices"]}
    for f in dataclasses.fields(LSTMConfig) if f.metadata.get("choices")
}


def show() -> None:
    st.markdown(CLASS_INTRO)
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(JOIN["header"], anchor=False)
        join_box("class_join")
    with right:
        start_box()


def join_box(key: str) -> None:
    """A student types the code: a right one opens the class's join view, a wrong one is one
    sentence, and guessing is rate-limited (per session and per address, :mod:`.links`)."""
    with st.form(key, border=False):
        typed = st.text_input(JOIN["code"], max_chars=12, help=JOIN["code_help"], key=f"{key}_code")
        pressed = st.form_submit_button(JOIN["button"], icon=":material/login:", help=JOIN["button_help"])
    if pressed:
        code = check_code(typed)
        if code is not None:
            st.switch_page(PAGE, query_params={"join": code})


def join_popover(row: DeltaGenerator) -> None:
    """The "Join a class" button of every page but the Class page (called by ``ui.routing`` with
    the row of page links): the code box opens under it, over the page, and moves nothing.

    A popover, not the sidebar it once was: Streamlit remembers an opened sidebar for the whole
    app (in the browser's storage), so a phone that opened it to join showed it over most of
    every page afterwards, even after a reload. A popover closes when the page changes.
    """
    with row.popover(JOIN["header"], type="tertiary", icon=":material/group_add:", help=JOIN["popover_help"]):
        join_box("nav_join")


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
    """The teacher picks a claim (or the Lab's settings against one changed field); the class is
    created and the page becomes the teacher's board."""
    st.subheader(START["header"], anchor=False)
    names = [*CLAIMS, CHANGED]
    from_lab = any(k in controls.KEY for k in st.query_params)  # a Lab link: its settings, one changed
    name = st.selectbox(START["claim"], names, key="class_claim", help=START["claim_help"],
                        index=names.index(CHANGED) if from_lab else 0,
                        format_func=lambda n: START["changed"] if n == CHANGED else CLAIMS[n].title)
    claim = changed_claim() if name == CHANGED else None
    if name != CHANGED:
        scale = st.selectbox(START["scale"], list(SCALES), format_func=SCALES.get, help=START["scale_help"])
        claim = CLAIMS[name]
        claim = Claim(claim.name, claim.title, claim.question, scaled(claim.arms, scale))
    if st.button(START["button"], icon=":material/groups:", type="primary", disabled=claim is None):
        create(claim)


def lab_settings() -> tuple[LSTMConfig, list[str]]:
    """The Lab's settings: a Lab link's (``/class?framing=stateful&units=8``), else those the Lab
    showed in this session, else the default; with what a link's parameters could not give."""
    given = {k: v for k, v in st.query_params.to_dict().items() if k in controls.KEY}
    if given:
        return controls.config_from_url(given)
    return st.session_state.get(session.LAB_CONFIG) or get_default_config(), []


def changed_claim() -> Claim | None:
    """The changed-field claim the teacher's choices make, or None after one sentence why not."""
    base, notes = lab_settings()
    for note in notes:
        st.warning(safe.plain(note), icon=":material/link_off:")
    shown = ", ".join(f"{controls.LABELS[n]} {value_of(n, getattr(base, n))}"
                      for n in controls.FIELDS if n in ("framing", "window", "units", "epochs", "batch_size"))
    st.caption(START["lab_settings"].format(settings=shown))
    fields = changeable(base, [n for n in controls.FIELDS if n in controls.LABELS])
    name = st.selectbox(START["field"], fields, format_func=controls.LABELS.get, key="class_field",
                        index=fields.index("units") if "units" in fields else 0)
    now = getattr(base, name)
    label = controls.LABELS[name]
    if isinstance(now, bool):
        value = not now
        st.caption(START["flip"].format(label=label, now=value_of(name, now), new=value_of(name, value)))
    elif name in OPTIONS:
        others = [v for v in OPTIONS[name] if v != now]
        value = st.selectbox(START["value"], others, format_func=OPTIONS[name].get, key=f"class_value_{name}")
    else:
        said = value_of(name, now)
        value = st.text_input(START["value"], placeholder=said, key=f"class_value_{name}", max_chars=40,
                              help=START["value_help"].format(label=label, now=said))
        if not value.strip():
            return None
    try:
        return changed_field(base, name, value, label)
    except ValueError as exc:
        st.error(safe.plain(errors.worded(exc, controls.LABELS)), icon=":material/error:")
        return None


def create(claim: Claim) -> None:
    try:
        _, secret = links.classes().create(claim.name, claim.arms, claim.title, claim.question)
    except ClassError as err:  # too many classes open at once
        st.error(safe.plain(f"{str(err)[:1].upper()}{str(err)[1:]}."), icon=":material/error:")
        return
    except StoreError:
        st.error(JOIN["store"], icon=":material/cloud_off:")
        return
    st.query_params.clear()
    st.query_params["teacher"] = secret
    st.rerun()
