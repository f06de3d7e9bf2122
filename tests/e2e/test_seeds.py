"""The Memory experiment in Debian Chromium, trained through train_many: its progress bar and Stop sit on
one row at 1024x768, and Stop keeps every model (scored as far as it got, the page says how many stopped)."""

from __future__ import annotations

import pytest
from e2e_support import open_app, wait_for_app_run
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

EXCEPTION = "[data-testid='stException']"
TIMEOUT_MS = 600_000  # trainings of 400 epochs on shared cores, shapes to compile


def test_memory_experiment_stop_keeps_every_model_and_says_how_many_stopped(browser, base_url):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        open_app(page, base_url, "/memory")
        seeds = page.get_by_test_id("stNumberInput").filter(has_text="Seeds per arm").locator("input")
        seeds.fill("5")  # 15 models: long enough to stop part way
        seeds.press("Enter")
        wait_for_app_run(page)
        page.get_by_role("button", name="Run the experiment", exact=True).click()
        bar = page.get_by_test_id("stProgress").first
        expect(bar).to_be_visible(timeout=TIMEOUT_MS)
        # wait until training reports (the bar's text names a run), then Stop
        expect(bar).to_contain_text("seed", timeout=TIMEOUT_MS)
        stop = page.get_by_role("button", name="Stop", exact=True)
        expect(stop).to_be_visible()
        bar_box, stop_box = bar.bounding_box(), stop.bounding_box()
        assert bar_box and stop_box and stop_box["x"] >= bar_box["x"] + bar_box["width"] - 1  # one row
        assert stop_box["x"] + stop_box["width"] <= 1024
        stop.click()
        warning = page.get_by_test_id("stAlert").filter(has_text="Stopped early")
        try:
            expect(warning).to_be_visible(timeout=120_000)  # scoring 15 models after the stop
        except AssertionError:
            page.screenshot(path="test-artifacts/seeds-stop-failed.png", full_page=True)
            raise
        wait_for_app_run(page, timeout_ms=TIMEOUT_MS)
        expect(page.locator(EXCEPTION)).to_have_count(0)
        text = warning.inner_text()
        assert "of 15 models" in text
        # the outcomes are drawn: the experiment's chart and its table
        # (visible: each chart's own data table waits, closed, in an expander)
        expect(page.get_by_test_id("stDataFrame").filter(visible=True).first).to_be_visible()
        assert page.get_by_test_id("stVegaLiteChart").count() >= 1
    finally:
        context.close()
