"""How the pages are found and reached: Streamlit's ``pages/`` mode, used fully.

Streamlit has two ways to make a multipage app, and it decides between them once per
server process: a ``pages/`` folder beside the entry file means the folder way ("v1"),
until some script calls ``st.navigation`` ("v2"). Mixing the two (our app once had an
``st.navigation`` router *and* a ``pages/`` folder) meant that a link straight to a page
on a freshly started server was served the folder way, with a blank page and a sidebar of
file names, until the first visit to "/" switched the whole process over.

So the app uses the folder way only, and nothing calls ``st.navigation``:

- ``app.py`` is the page at "/" (the Overview), every ``pages/<name>.py`` is the page at
  ``/<name>``; a link such as ``/lab?framing=stateful`` runs ``pages/lab.py`` from the
  first request on.
- Each page calls :func:`page_setup` first: the wide layout, the tab title, and one row of
  links to every page. Streamlit's own list of file names is switched off in
  ``.streamlit/config.toml`` (``client.showSidebarNavigation = false``).
- The links sit at the top of the page, not in the sidebar: on a phone a sidebar opens over
  most of the screen and a link inside it does not close it; on a projector at 1024 px it
  takes a quarter of the width.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ui.views.class_page.start import join_popover

ROOT = Path(__file__).resolve().parents[1]
APP_TITLE = "LSTM State Lab"


@dataclass(frozen=True)
class Page:
    path: str  # relative to app.py, as st.page_link and st.switch_page take it
    title: str
    icon: str


PAGES = (
    Page("pages/tour.py", "Tour", ":material/tour:"),  # first: a newcomer's way in (issue 25)
    Page("app.py", "Overview", ":material/home:"),
    Page("pages/lab.py", "Lab", ":material/science:"),
    Page("pages/generate.py", "Generate", ":material/auto_awesome:"),
    Page("pages/state.py", "State", ":material/grid_on:"),
    Page("pages/cell.py", "Cell", ":material/memory:"),
    Page("pages/compare.py", "Compare", ":material/compare_arrows:"),
    Page("pages/memory.py", "Memory", ":material/history:"),
    Page("pages/sine.py", "Sine", ":material/ssid_chart:"),
    Page("pages/class.py", "Class", ":material/groups:"),
)
HIDDEN = {"pages/overview.py"}  # shown at "/" by app.py; /overview is only an alias


def all_pages() -> list[Page]:
    """The known pages, then any other ``pages/*.py`` (a new page shows up in the links by
    itself, titled after its file name, until it is given a title and icon here)."""
    known = {p.path for p in PAGES} | HIDDEN
    extra = [
        Page(f"pages/{f.name}", f.stem.replace("_", " ").capitalize(), ":material/article:")
        for f in sorted((ROOT / "pages").glob("*.py"))
        if f"pages/{f.name}" not in known and not f.name.startswith(("_", "."))
    ]
    return [*PAGES, *extra]


def page_setup(title: str | None = None, join_box: bool = True) -> None:
    """Call first on every page: page config (wide, tab title) and the row of page links, which
    ends with the "Join a class" button where a student types a class's code (issue 24; a popover:
    it moves nothing; ``join_box=False`` on the Class page, which has its own box).

    ``title`` names the page in the browser tab, e.g. "Lab · LSTM State Lab".
    """
    st.set_page_config(
        page_title=f"{title} · {APP_TITLE}" if title else APP_TITLE,
        # An emoji, drawn by the browser: a :material/ page icon is fetched from fonts.gstatic.com,
        # which a classroom without internet cannot reach (the page links' icons are bundled).
        page_icon="🧠",
        layout="wide",
        initial_sidebar_state="collapsed",
    )
    nav = st.container(horizontal=True, gap="small", vertical_alignment="center", key="page_nav")
    for page in all_pages():
        nav.page_link(page.path, label=page.title, icon=page.icon, width="content")
    if join_box:
        join_popover(nav)


# The name pages used before the switch to the folder way; kept so a page written against
# it still gets the same setup. Remove once every page calls page_setup.
use_app_router = page_setup
