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
"""

from __future__ import annotations

import streamlit as st


def use_app_router() -> None:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the old mode: nothing to fix
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
