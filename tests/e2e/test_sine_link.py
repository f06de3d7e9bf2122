"""A trained Sine run survives F5 and opens in a second browser (issue 22, item 9), in Chromium.

Before, the run lived in the session only: F5 (a new session) showed "Press Train" again, and
the page offered no link, though the README promises one for every trained model.
"""

from __future__ import annotations

import re

import pytest
from e2e_support import TRAIN_TIMEOUT_MS, VIEWPORT, open_app, wait_for_app_run
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

TINY = "/sine?framing=timestep-window&epochs=6&length=60&period=12&window=4"


def mse(page: Page):
    return page.get_by_test_id("stMarkdownContainer").filter(has_text=re.compile("^Mean squared error"))


def test_a_trained_sine_run_comes_back_after_f5_and_in_a_second_browser(page: Page, browser, base_url):
    open_app(page, base_url, TINY)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(mse(page).first).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    wait_for_app_run(page, timeout_ms=TRAIN_TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"[?&]run=[0-9a-zA-Z_-]+"))
    said = mse(page).first.inner_text()
    address = page.url

    page.reload(wait_until="domcontentloaded")  # F5: a new session
    wait_for_app_run(page)
    expect(mse(page).first).to_have_text(said)
    expect(page.get_by_text("These results are from the last training")).to_have_count(0)
    assert page.url == address, (page.url, address)

    other = browser.new_context(viewport=VIEWPORT)  # a second browser, from the copyable link
    try:
        second = other.new_page()
        page.get_by_role("button", name="Copy link to this trained model").click()
        link = page.get_by_test_id("stCode").filter(has_text="run=").first.inner_text().strip()
        assert "run=" in link and link.startswith(base_url), link
        open_app(second, "", link)
        expect(mse(second).first).to_have_text(said)
        expect(second.get_by_test_id("stException")).to_have_count(0)
    finally:
        other.close()
    expect(page.get_by_test_id("stException")).to_have_count(0)
