# ruff: noqa: E501  (the measuring JavaScript reads best unwrapped)
"""The Lab's Cell and Layers controls in Debian Chromium (issue 14): picked in the browser, they
reach the URL and train what they say; at 1024x768 the first row of the form (framing, sequence,
cell, layers) shows every label and value whole. Measured, not looked at."""

from __future__ import annotations

import re

import pytest
from e2e_support import TRAIN_TIMEOUT_MS, open_app, wait_for_app_run
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1024, "height": 768}

# Label and value of the form's first row: each must fit its box (no word broken, no value cut).
MEASURE_ROW = """() => {
  const problems = [], values = [];
  const cut = (el) => el.scrollWidth > el.clientWidth + 1;
  const row = document.querySelector('.st-key-lab_settings [data-testid=stHorizontalBlock]');
  if (!row) return {problems: ['no settings row'], values};
  for (const label of row.querySelectorAll("[data-testid='stWidgetLabel']")) {
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) problems.push('label word broken across lines: ' + m[0]);
      }
    }
  }
  for (const el of row.querySelectorAll("input, [data-testid='stSelectbox'] div[title]")) {
    if (el.getBoundingClientRect().width === 0) continue;
    values.push(el.value || el.innerText);
    if (cut(el)) problems.push('value cut: ' + (el.value || el.innerText));
  }
  return {problems, values};
}"""


def _select(page: Page, label: str, option: str) -> None:
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app_run(page)


def test_cell_and_layers_picked_in_the_browser_reach_the_url_and_train(page: Page, base_url):
    open_app(page, base_url, "/lab?framing=stateful&epochs=10")
    _select(page, "Cell", "GRU")
    layers = page.get_by_test_id("stNumberInput").filter(has_text="Layers").locator("input")
    layers.fill("2")
    layers.press("Tab")
    wait_for_app_run(page)
    expect(page).to_have_url(re.compile(r"cell=gru"), timeout=60_000)
    expect(page).to_have_url(re.compile(r"layers=2"), timeout=60_000)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_test_id("stMetric").filter(has_text="Accuracy").first).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    wait_for_app_run(page, timeout_ms=TRAIN_TIMEOUT_MS)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    # The State page then shows h, and says the model has no c.
    page.get_by_test_id("stPageLink").get_by_role("link", name="State", exact=True).click()
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Hidden state h", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("2 stacked GRU layers"))).to_be_visible()


def test_the_forms_first_row_fits_at_1024(page: Page, base_url):
    page.set_viewport_size(PROJECTOR)
    open_app(page, base_url, "/lab?framing=timestep-window&cell=simple&layers=3")
    expect(page.get_by_test_id("stSelectbox").filter(has_text="Cell")).to_be_visible()
    layers = page.get_by_test_id("stNumberInput").filter(has_text="Layers").locator("input")
    expect(layers).to_have_value("3")  # the link's value, drawn (the row fills in as it renders)
    page.wait_for_timeout(800)
    seen = page.evaluate(MEASURE_ROW)
    assert seen["problems"] == [], seen
    assert "SimpleRNN" in seen["values"] and "3" in seen["values"], seen  # the row was measured
