"""Where the model on screen comes from, and a link that opens it anywhere.

Every stored run has an unguessable id; ``?run=<id>`` on any page's URL opens that run
(``session.current_run``). This module draws the pieces around it: the "Copy link to this
trained model" action, the notice on a shipped preset, and the messages about a link that
could not be opened or a run store that cannot keep runs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import streamlit as st

from lstm_core.store import runs
from ui import safe, session
from ui.text.shared import LINK_HELP, STORE


def run_link(run_id: str, params: dict[str, str] | None = None) -> str:
    """The address of the current page showing run ``run_id`` (relative if unknown), with the
    page's ``params`` before it (the Sine page's settings)."""
    base = st.context.url or ""
    return f"{base}?{urlencode({**(params or {}), session.RUN_PARAM: run_id})}"


def link_box(rid: str | None = None, params: dict[str, str] | None = None,
             caption: str | None = None) -> None:
    """The "Copy link to this trained model" popover: the link in a code block (copy button).

    ``rid``: the run (default: the session's current run), ``params``: the page's settings to put
    in the link, ``caption``: what the link opens (default: the letter pages' words)."""
    rid = rid or session.run_id()
    if not rid:
        return
    with st.popover("Copy link to this trained model", icon=":material/link:", help=LINK_HELP):
        st.code(run_link(rid, params), language=None, wrap_lines=True)
        st.caption(caption or (
            "Press the copy icon in the box. Students who open the link explore this same "
            "model (Generate, State, …) without training it again."
        ))
    if runs.get_store().problem:  # its detail (the file, the server, the error) is in the log only
        st.warning(STORE["down"], icon=":material/database:")


def model_source(run: Any | None) -> None:
    """Say what went wrong with a ``?run=`` link (if anything) and offer this run's link."""
    problem = session.link_problem()
    if problem:
        st.warning(safe.plain(problem), icon=":material/link_off:")
    if run is not None and not session.is_shipped(run):
        link_box()
