"""Helpers for the AppTest tests: open a page of the real app, find widgets by label."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 90  # seconds per script run: the first run imports TensorFlow and compiles


def open_page(page: str, *, session_state: dict | None = None, **query: str) -> AppTest:
    """Open a page of the real app (e.g. "pages/lab.py") the way a link to it does, with URL
    query parameters and, optionally, values already in the session (e.g. a trained run).

    The app runs in Streamlit's ``pages/`` mode (ui/routing.py): a link such as
    ``/lab?framing=stateful`` runs ``pages/lab.py`` from the first request, without the
    Overview, and so does this (the Overview's six tables are not rendered first).
    """
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(query)
    for key, value in (session_state or {}).items():
        at.session_state[key] = value
    if page not in ("app.py", "pages/overview.py"):
        at.switch_page(page)  # before the first run: the page is found by its file name
    return at.run()


def button(at: AppTest, label: str):
    """The button (form submit buttons included) with this exact label."""
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; have {[b.label for b in at.button]}"
    return matches[0]


def metric(at: AppTest, label: str):
    matches = [m for m in at.metric if m.label == label]
    assert matches, f"no metric {label!r}; have {[m.label for m in at.metric]}"
    return matches[0]


def assert_clean(at: AppTest) -> None:
    """No exception element anywhere on the page."""
    assert len(at.exception) == 0, [e.value for e in at.exception]


def train_in_lab(**query: str) -> AppTest:
    """Open the Lab with these settings and press Train."""
    at = open_page("pages/lab.py", **query)
    button(at, "Train").click().run()
    assert_clean(at)
    return at


# A stateful configuration small enough to train in well under a second after compile.
TINY = {"framing": "stateful", "epochs": "20"}


def predictions(at: AppTest):
    """The Lab's prediction table (the dataframe with an "input" column)."""
    tables = [d.value for d in at.dataframe if "input" in d.value.columns]
    assert tables, "no prediction table on the page"
    return tables[0]
