"""A web address or an e-mail address in a link parameter is echoed as text, never as a link (issue 21).

Streamlit's Markdown turns ``https://...``, ``www....`` and ``x@host.com`` into live links by
itself (GitHub's autolink literals), even when the text is backslash-escaped. A shared link
such as ``/lab?hide=https://evil.example.com/login`` would then put a clickable link to another
site inside the app's own warning. Each URL below is opened in Debian's Chromium: the warning
about it is shown, with the address as typed, and no warning holds an ``<a>`` or an ``<img>``.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from e2e_support import open_app
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

ALERTS = ("[data-testid='stAlert']", "[data-testid='stAlertContainer']")
ALERT = ", ".join(ALERTS)
HTTPS = "https://evil.example.com/login"
MAIL = "x@evil-example.com"
WWW = "www.evil-example.com"
# (page, parameter, value, the start of the warning that must echo the value)
CASES = [
    ("lab", "hide", HTTPS, "URL parameter hide"),
    ("lab", "units", MAIL, "URL parameter units"),
    ("lab", "framing", WWW, "URL parameter framing"),
    ("lab", "run", HTTPS, "The link names a trained model"),
    ("generate", "run", MAIL, "The link names a trained model"),
    ("state", "run", WWW, "The link names a trained model"),
    ("cell", "run", "http://evil.example.com", "The link names a trained model"),
]


@pytest.mark.parametrize(("where", "name", "value", "says"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_an_address_in_a_link_parameter_is_shown_as_text(page: Page, base_url, where, name, value, says):
    open_app(page, base_url, f"/{where}?{name}={quote(value, safe='')}")
    warning = page.locator(ALERT).filter(has_text=says).first
    expect(warning).to_be_visible()
    # A person reads the address as it was typed (invisible joiners aside).
    shown = warning.inner_text().replace("\u2060", "")
    assert value in shown, shown
    links = page.locator(", ".join(f"{alert} a" for alert in ALERTS))
    images = page.locator(", ".join(f"{alert} img" for alert in ALERTS))
    assert links.count() == 0, [links.nth(i).evaluate("a => a.outerHTML") for i in range(links.count())]
    assert images.count() == 0
    expect(page.get_by_test_id("stException")).to_have_count(0)
