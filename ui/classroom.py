"""Classroom links: a teacher's link can fix and hide some of the Lab's settings.

As in TensorFlow Playground's classroom links, ``/lab?framing=stateful&units=8&hide=units,epochs``
opens the Lab with units and epochs set by the link and their fields hidden, so students see
only what the lesson is about. A named lesson hides everything but its few settings:
``/lab?framing=stateful&lesson=state``. The page says that some settings are fixed by the
link, and one click ("Show all settings") shows everything again, for that student only
(it is kept in the student's session, not in the link).

The hidden set is remembered for the session, so leaving the Lab and coming back (Streamlit
drops query parameters between pages) keeps the lesson's view.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from lstm_core.config import LSTMConfig
from ui import safe

FIELDS = tuple(f.name for f in dataclasses.fields(LSTMConfig))
HIDE_PARAM = "hide"
LESSON_PARAM = "lesson"
HIDDEN = "classroom_hidden"  # the fields this session's link hides
SHOW_ALL = "classroom_show_all"  # this student asked to see every setting
WARNED = "classroom_warned"

# A named lesson shows only the settings it is about; every other field is fixed by the link.
LESSONS: dict[str, tuple[str, ...]] = {
    "state": ("stateful", "shuffle", "batch_size"),  # what carries state, and what breaks it
    "windows": ("framing", "window"),  # the same letters as features or as time steps
    "capacity": ("units", "epochs"),  # how much memory and how much training
    "encoding": ("encoding", "padding"),  # what the numbers fed to the LSTM look like
}


def _parse() -> tuple[set[str] | None, list[str]]:
    """The fields the URL asks to hide (None when it asks nothing) and problems to report."""
    hide = st.query_params.get(HIDE_PARAM)
    lesson = st.query_params.get(LESSON_PARAM)
    if hide is None and lesson is None:
        return None, []
    hidden: set[str] = set()
    problems = []
    for name in (hide or "").split(","):
        name = name.strip()
        if not name:
            continue
        if name in FIELDS:
            hidden.add(name)
        else:
            problems.append(
                f"URL parameter hide: {name!r} is not a setting; use any of {', '.join(FIELDS)}."
            )
    if lesson is not None:
        if lesson in LESSONS:
            hidden |= set(FIELDS) - set(LESSONS[lesson])
        else:
            problems.append(
                f"URL parameter lesson: {lesson!r} is not a lesson; use one of {', '.join(LESSONS)}."
            )
    return hidden, problems


def hidden_fields() -> set[str]:
    """The Lab fields not to draw for this student (empty once they asked to see everything)."""
    hidden, problems = _parse()
    if hidden is not None:
        st.session_state[HIDDEN] = sorted(hidden)
        if problems and st.session_state.get(WARNED) != problems:
            st.session_state[WARNED] = problems
    if st.session_state.get(SHOW_ALL):
        return set()
    return set(st.session_state.get(HIDDEN, []))


def fixes(name: str) -> bool:
    """Whether this session's lesson link fixes (hides) the field ``name``."""
    return name in hidden_fields()


def url_params() -> dict[str, str]:
    """The classroom parameters of the current URL, to keep when the Lab rewrites its own."""
    return {k: st.query_params[k] for k in (HIDE_PARAM, LESSON_PARAM) if k in st.query_params}


def notice(labels: dict[str, str] | None = None) -> set[str]:
    """Say which settings the link fixes, with "Show all settings"; return the fields to hide.

    Settings are named by the form's ``labels``; a field the form does not have (the sine
    task's) is not listed: it is not the Lab's to fix. Draw it outside the form (a button
    cannot live inside one).
    """
    hidden = hidden_fields()
    for problem in st.session_state.get(WARNED) or []:
        st.warning(safe.plain(problem), icon=":material/link_off:")
    fixed = st.session_state.get(HIDDEN, [])
    if not fixed:
        return hidden
    names = ", ".join(labels[n] for n in fixed if n in labels) if labels is not None else ", ".join(fixed)
    if hidden:
        st.info(f"This lesson's link fixes some settings: {names}.", icon=":material/school:")
        if st.button(
            "Show all settings",
            key="classroom_show_all_button",
            icon=":material/visibility:",
            help="Show every setting of the Lab again, for you only (the link stays as it is).",
        ):
            st.session_state[SHOW_ALL] = True
            st.rerun()
    else:
        st.caption(f":material/school: All settings shown; the lesson's link fixed: {names}.")
    return hidden
