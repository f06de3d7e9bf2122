"""What a learner sees: a lesson link opens the Lab with its settings and shows its claim;
Compare draws every seed as its own point. Real server, Debian Chromium."""

from __future__ import annotations

import re

import pytest
from e2e_support import APP_TIMEOUT_MS, TRAIN_TIMEOUT_MS, open_app, wait_for_app_run
from playwright.sync_api import Page, expect

from ui.text import LESSONS, MEMORY

pytestmark = pytest.mark.e2e

EXCEPTION = "[data-testid='stException']"
ONEHOT = LESSONS["naive"].demos[1]  # "one-hot input → 100%"


def no_exception(page: Page) -> None:
    expect(page.locator(EXCEPTION)).to_have_count(0)


def demo_button(page: Page, demo):
    """The claim's button (the first with that label: the cards come in the lessons' order)."""
    return page.get_by_role("button", name=demo.label, exact=True).first


def test_overview_link_opens_the_lab_with_its_settings_and_shows_its_claim(page: Page, base_url):
    open_app(page, base_url, "/")
    no_exception(page)
    demo_button(page, ONEHOT).click()
    wait_for_app_run(page)
    no_exception(page)
    # The Lab's first run imports TensorFlow: on a busy machine that takes a while.
    expect(page).to_have_url(re.compile(r"/lab\?framing=naive&encoding=onehot$"), timeout=APP_TIMEOUT_MS)
    expect(page.get_by_role("combobox", name="Framing preset")).to_have_value("naive", timeout=APP_TIMEOUT_MS)
    expect(page.get_by_role("combobox", name="Input encoding")).to_have_value("onehot")
    epochs = page.get_by_test_id("stNumberInput").filter(has_text="Epochs").locator("input")
    expect(epochs).to_have_value("500")
    page.get_by_role("button", name="Train", exact=True).click()
    accuracy = page.get_by_test_id("stMetric").filter(has_text="Accuracy").get_by_test_id("stMetricValue")
    expect(accuracy).to_have_text(ONEHOT.result.replace("%", ".00%"), timeout=TRAIN_TIMEOUT_MS)


def test_every_claim_button_is_whole_at_projector_width(page: Page, base_url):
    page.set_viewport_size({"width": 1024, "height": 768})
    open_app(page, base_url, "/")
    demos = [d for lesson in LESSONS.values() for d in lesson.demos] + list(MEMORY.demos)
    for demo in demos:
        button = demo_button(page, demo)
        button.scroll_into_view_if_needed()
        expect(button).to_be_visible()
        # The label, with its figure, is never cut: its text fits its own box, and that box
        # lies inside the button.
        fits = button.evaluate(
            """b => { const p = b.querySelector('p'); const r = p.getBoundingClientRect();
                      const o = b.getBoundingClientRect();
                      return p.scrollWidth <= p.clientWidth + 1 && p.scrollHeight <= p.clientHeight + 1
                        && r.left >= o.left - 1 && r.right <= o.right + 1
                        && r.top >= o.top - 1 && r.bottom <= o.bottom + 1; }"""
        )
        assert fits, demo.label
        assert demo.result.split("–")[-1] in button.inner_text()


def test_compare_draws_every_seed_as_a_point(page: Page, base_url):
    open_app(page, base_url, "/compare")
    no_exception(page)
    seeds = page.get_by_role("spinbutton", name="Seeds", exact=True)
    seeds.fill("3")
    seeds.press("Tab")
    page.get_by_role("slider").first.press("Home")  # epochs scale 0.1: a quick look
    expect(page.get_by_role("slider").first).to_have_attribute("aria-valuetext", "0.1")
    page.get_by_role("button", name="Compare", exact=True).click()
    # the results table (each chart's own data table waits, closed, in an expander)
    expect(page.get_by_test_id("stDataFrame").filter(visible=True).first).to_be_visible(timeout=240_000)
    wait_for_app_run(page)
    no_exception(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="3 seeds each")).to_be_visible()
    chart = page.get_by_test_id("stVegaLiteChart").first
    points = chart.locator("path[aria-roledescription='circle']")
    expect(points).to_have_count(6)  # 2 framings x 3 seeds, none hidden behind another
    labels = points.evaluate_all("ps => ps.map(p => p.getAttribute('aria-label'))")
    for framing in ("naive", "feature-window"):
        for seed in (7, 8, 9):
            assert any(f"framing: {framing}" in x and f"seed: {seed}" in x for x in labels), labels
    boxes = [points.nth(i).bounding_box() for i in range(6)]
    centres = {(round(b["x"] + b["width"] / 2), round(b["y"] + b["height"] / 2)) for b in boxes}
    assert len(centres) == 6, boxes  # equal accuracies sit side by side, not on top of each other

