"""Stop on every page that trains (issue 22, item 15), in Debian Chromium against the real server.

The State page's within-batch experiment trained three runs of 5000 epochs with no Stop; it has
one now, and a stopped experiment says so instead of showing nothing.
"""

from __future__ import annotations

import pytest
from e2e_support import TRAIN_TIMEOUT_MS, open_app, wait_for_app_run
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_the_state_experiment_has_a_stop_and_says_it_stopped(page: Page, base_url):
    open_app(page, base_url, "/state")
    page.get_by_role("button", name="Run the experiment").click()
    stop = page.get_by_role("button", name="Stop", exact=True)
    expect(stop).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    expect(page.get_by_test_id("stProgress")).to_contain_text("epoch", timeout=TRAIN_TIMEOUT_MS)
    stop.click()
    expect(page.get_by_text("Stopped before all three runs finished")).to_be_visible(timeout=30_000)
    wait_for_app_run(page)
    expect(page.get_by_role("button", name="Stop", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("stProgress")).to_have_count(0)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
