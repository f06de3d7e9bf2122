"""A classroom without internet (issue 23): nothing a page needs comes from outside the server.

Chromium opens every page and records every request it makes (documents, scripts, fonts, icons,
the websocket); each must go to the app's own address. The page's own links to files (the tab's
icon included, which Chromium may not fetch when headless) must point there too, or be inline data.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from e2e_support import open_app

from ui.routing import all_pages

pytestmark = pytest.mark.e2e

# Every address the page refers to for something it loads.
LINKED = """() => [
    ...[...document.querySelectorAll('link[href]')].map(e => e.href),
    ...[...document.querySelectorAll('script[src], img[src], iframe[src], source[src]')].map(e => e.src),
]"""


def _url_path(page_path: str) -> str:
    """ui.routing's file ("pages/lab.py", "app.py") as the address Streamlit serves it at."""
    return "/" if page_path == "app.py" else "/" + page_path.removeprefix("pages/").removesuffix(".py")


def test_every_page_loads_only_from_the_server(page, base_url):
    own = urlsplit(base_url).netloc
    requested: list[str] = []
    page.context.on("request", lambda r: requested.append(r.url))
    page.on("websocket", lambda ws: requested.append(ws.url))
    linked: list[str] = []
    paths = [_url_path(p.path) for p in all_pages()]
    assert len(paths) == 10 and paths[0] == "/tour", paths
    for path in paths:
        open_app(page, base_url, path)
        page.wait_for_load_state("networkidle")
        linked += page.evaluate(LINKED)
    remote = [u for u in requested if urlsplit(u).scheme in ("http", "https", "ws", "wss")]
    assert any("/_stcore/stream" in u for u in remote), "the websocket was not recorded"
    elsewhere = sorted({u for u in remote if urlsplit(u).netloc != own})
    assert not elsewhere, f"requests that left the server: {elsewhere}"
    inline = ("data:", "blob:")
    outside = sorted({u for u in linked if not u.startswith(inline) and urlsplit(u).netloc != own})
    assert not outside, f"the pages link to files elsewhere: {outside}"
