"""n-char-output in Debian Chromium against the real server: the Lab's "Train both and compare"
fills the per-position table, nothing in the section is cut at 1280x800 or 1024x768, and the
Generate page then continues several letters per step.

Screenshot: docs/screenshots/nchar-table.png (1280x800, the section with its table) when
LSTM_LAB_UPDATE_SCREENSHOTS=1, else test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from e2e_support import TRAIN_TIMEOUT_MS, VIEWPORT, open_app, wait_for_app_run
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

EXCEPTION = "[data-testid='stException']"
SECTION = ".st-key-nchar_compare"
# 80 epochs: far enough to learn, short enough that the recursive model's early mistakes show
# at the far positions (the lesson of the table), and a few seconds of training.
LAB = "/lab?framing=n-char-output&horizon=5&epochs=80"


def cut_in(page: Page, selector: str) -> list[str]:
    """Text clipped by its box, or a box sticking out of the main column, inside ``selector``."""
    return page.evaluate(
        """(selector) => {
        const problems = [];
        const root = document.querySelector(selector);
        if (!root) return ['no ' + selector];
        const main = document.querySelector('[data-testid="stMainBlockContainer"]') || document.body;
        const right = Math.min(main.getBoundingClientRect().right, window.innerWidth) + 1;
        const name = el => (el.innerText || el.getAttribute('data-testid') || el.tagName).slice(0, 40);
        for (const el of root.querySelectorAll('button p, [data-testid="stMarkdownContainer"] p, '
                                               + '[data-testid="stCaptionContainer"] p, h3, '
                                               + '[data-testid="stWidgetLabel"] p, input')) {
            if (el.offsetParent && el.scrollWidth > el.clientWidth + 1) problems.push('clipped: ' + name(el));
        }
        const boxes = '[data-testid="stDataFrame"], [data-testid="stButton"], '
            + '[data-testid="stNumberInput"], [data-testid="stCheckbox"]';
        for (const el of root.querySelectorAll(boxes)) {
            const r = el.getBoundingClientRect();
            if (el.offsetParent && r.right > right) problems.push('sticks out: ' + name(el));
        }
        return problems;
    }""",
        selector,
    )


@pytest.fixture(scope="module")
def compared(browser, base_url):
    """One session whose Lab trained both ways (one shot and recursive) on the alphabet."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    page = context.new_page()
    open_app(page, base_url, LAB)
    section = page.locator(SECTION)
    expect(section).to_contain_text("Press Train both and compare")
    section.get_by_role("button", name="Train both and compare").click()
    expect(section.get_by_text("At position 1")).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    wait_for_app_run(page)
    yield page
    context.close()


def test_train_both_fills_the_table_and_words_it(compared: Page):
    page = compared
    expect(page.locator(EXCEPTION)).to_have_count(0)
    section = page.locator(SECTION)
    expect(section.get_by_test_id("stDataFrame")).to_have_count(1)
    words = section.get_by_text("At position 1").inner_text()
    assert "at position 5" in words  # first and last position compared in one sentence
    expect(section).to_contain_text("Both are scored on the same 19 windows of 3 letters")
    # The one-shot model became the current model: its results (and the URL) are the Lab's.
    assert "horizon=5" in page.url and "run=" in page.url
    expect(page.get_by_test_id("stMetric").filter(has_text="Accuracy")).to_be_visible()


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
def test_nothing_in_the_section_is_cut_and_screenshot(compared: Page, screenshot_dir, size):
    page = compared
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.wait_for_timeout(800)
    assert not cut_in(page, SECTION), cut_in(page, SECTION)
    # the form's new row (horizon, wrap) fits too
    expect(page.get_by_label("Letters out (horizon)", exact=True)).to_be_visible()
    assert not cut_in(page, ".st-key-lab_settings"), cut_in(page, ".st-key-lab_settings")
    table = page.locator(SECTION).get_by_test_id("stDataFrame").bounding_box()
    assert table["width"] >= 250 and table["height"] >= 5 * 30  # header + 5 positions, none scrolled away
    if size == (1280, 800):
        section = page.locator(SECTION)
        section.scroll_into_view_if_needed()
        page.mouse.move(1, size[1] - 1)  # no hover toolbar over the table in the picture
        page.wait_for_timeout(400)
        section.screenshot(path=str(screenshot_dir / "nchar-table.png"))
    page.set_viewport_size(VIEWPORT)


def test_generate_continues_several_letters_per_step(compared: Page, base_url):
    page = compared
    page.get_by_test_id("stPageLink").get_by_role("link", name="Generate", exact=True).click()
    wait_for_app_run(page)
    expect(page.get_by_text("This model answers 5 letters per step")).to_be_visible()
    page.get_by_label("Start text", exact=True).fill("HIJ")
    page.get_by_label("Start text", exact=True).press("Tab")
    page.get_by_label("Steps", exact=True).fill("2")
    page.get_by_label("Steps", exact=True).press("Tab")
    page.get_by_role("button", name="Generate").click()
    cold = page.get_by_test_id("stColumn").filter(has=page.get_by_role("heading", name="Cold start"))
    code = cold.last.get_by_test_id("stCode").first
    # the start text, then 2 steps of 5 letters each
    expect(code).to_have_text(re.compile(r"^\s*HIJ[A-Z]{10}\s*$"), timeout=60_000)
    wait_for_app_run(page)
    expect(page.locator(EXCEPTION)).to_have_count(0)
