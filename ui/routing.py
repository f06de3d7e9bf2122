"""Make sure every page runs under app.py's router, even on a fresh server.

Streamlit keeps one process-wide flag, "this app uses a pages/ directory" (the old,
v1 way of making multipage apps). It starts as true when a ``pages/`` folder exists and
only ``st.navigation`` (in our app.py) clears it. Until someone opens "/" after a server
start, a visitor whose link goes straight to a page (a teacher's ``/lab?framing=…``) is
served the old way: the page file runs without app.py, so no wide layout, and the sidebar
lists file names ("app", "lab", …). Each page calls ``use_app_router()`` first: it
clears the flag and reruns, and Streamlit then runs app.py, which routes to the same page
(the old and new ways give each page the same URL path, so the user lands where they
asked).

Only for a session that has never run through app.py: in a real server the flag never
comes back once cleared, while AppTest resets it before every run, and must not lose a
button click to our rerun.
"""

from __future__ import annotations

import streamlit as st


def use_app_router() -> None:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the old mode: nothing to fix
        return
    if not getattr(PagesManager, "uses_pages_directory", False):
        st.session_state.setdefault(ROUTED, True)  # this session has run through app.py
        return
    PagesManager.uses_pages_directory = False
    if not st.session_state.get(ROUTED):
        st.session_state[ROUTED] = True
        st.rerun()


ROUTED = "routed_through_app"
