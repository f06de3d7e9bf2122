"""The Sine page in Debian Chromium against the real server: train the default (stateful) wave,
see the three charts and the finding, stop a longer training and keep it, and check at 1280x800
and 1024x768 that nothing is cut.

Screenshots: docs/screenshots/sine.png (1280x800) and sine-1024.png (1024x768) when
LSTM_LAB_UPDATE_SCREENSHOTS=1, else test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest
from e2e_support import TRAIN_TIMEOUT_MS, VIEWPORT, open_app, wait_for_app_run
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

EXCEPTION = "[data-testid='stException']"
CHART = "[data-testid='stVegaLiteChart']"


def cut_elements(page: Page) -> list[str]:
    """Text clipped by its box, or a chart or control sticking out of the main column."""
    return page.evaluate(
        """() => {
        const problems = [];
        const main = document.querySelector('[data-testid="stMainBlockContainer"]') || document.body;
        const right = Math.min(main.getBoundingClientRect().right, window.innerWidth) + 1;
        const name = el => (el.innerText || el.getAttribute('data-testid') || el.tagName).slice(0, 40);
        const texts = document.querySelectorAll(
            '[data-testid="stWidgetLabel"] p, button p, [data-testid="stMarkdownContainer"] p, '
            + '[data-testid="stCaptionContainer"] p, [data-baseweb="select"] div, input');
        for (const el of texts) {
            // not shown: a closed sidebar lies off screen (its content squeezed to no width)
            if (!el.offsetParent
                || el.closest("[data-testid='stSidebar']")?.getBoundingClientRect().right <= 0) continue;
            if (el.scrollWidth > el.clientWidth + 1) problems.push('clipped text: ' + name(el));
        }
        const boxes = document.querySelectorAll(
            '[data-testid="stVegaLiteChart"], [data-testid="stButton"], [data-testid="stNumberInput"], '
            + '[data-testid="stSelectbox"], [data-testid="stDownloadButton"], [data-testid="stAlert"]');
        for (const el of boxes) {
            // not shown: a closed sidebar lies off screen (its content squeezed to no width)
            if (!el.offsetParent
                || el.closest("[data-testid='stSidebar']")?.getBoundingClientRect().right <= 0) continue;
            const r = el.getBoundingClientRect();
            if (r.right > right) problems.push('sticks out: ' + name(el));
        }
        // A chart's own words (legend entries, axis titles) inside the chart's box: Vega does
        // not wrap a legend, so four entries in a row ran past a phone's width (issue 22, 16).
        for (const chart of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
            const box = chart.getBoundingClientRect();
            for (const t of chart.querySelectorAll('text')) {
                const r = t.getBoundingClientRect();
                if (r.width && (r.left < box.left - 0.5 || r.right > box.right + 0.5))
                    problems.push('chart text cut: ' + t.textContent.slice(0, 40));
            }
        }
        return problems;
    }"""
    )


@pytest.fixture(scope="module")
def trained(browser, base_url):
    """One session on the Sine page that trained the default wave (stateful, 60 epochs)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    page = context.new_page()
    open_app(page, base_url, "/sine")
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("Mean squared error on the 199 training windows")).to_be_visible(
        timeout=TRAIN_TIMEOUT_MS
    )
    wait_for_app_run(page)
    yield page
    context.close()


def test_training_shows_the_wave_the_horizon_and_the_finding(trained: Page):
    page = trained
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(CHART)).to_have_count(3)  # the wave, the error over the horizon, the history
    finding = page.get_by_test_id("stAlert").filter(has_text="Fed the true values")
    expect(finding).to_be_visible()
    assert "Fed its own output" in finding.inner_text()
    assert "framing=stateful" in page.url
    for label in ("Model (.keras)", "Forecast (CSV)", "Keras script (.py)"):
        expect(page.get_by_test_id("stDownloadButton").filter(has_text=label)).to_be_visible()


@pytest.mark.parametrize(("size", "name"), [((1280, 800), "sine"), ((1024, 768), "sine-1024"),
                                            ((390, 844), "sine-390")])
def test_nothing_is_cut_and_screenshots(trained: Page, screenshot_dir, size, name):
    page = trained
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.wait_for_timeout(1200)  # charts re-measure at the new width
    problems = cut_elements(page)
    assert not problems, problems
    for chart in page.locator(CHART).all():
        least = min(0.6 * size[0] - 200, 0.8 * size[0])
        assert chart.bounding_box()["width"] > least, "a chart lost its width"
    # The picture: the settings' last row, the MSE sentence and the wave with both predictions.
    page.get_by_text("Mean squared error on the").evaluate("el => el.scrollIntoView({block: 'start'})")
    page.mouse.move(1, size[1] - 1)  # no hover toolbar over a chart in the picture
    page.wait_for_timeout(600)
    page.screenshot(path=str(screenshot_dir / f"{name}.png"))
    page.set_viewport_size(VIEWPORT)


def test_stop_keeps_the_partial_run(page: Page, base_url):
    open_app(page, base_url, "/sine?epochs=3000&length=1000")
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_test_id("stProgress")).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    expect(page.get_by_test_id("stProgress")).to_contain_text("epoch", timeout=TRAIN_TIMEOUT_MS)
    page.get_by_role("button", name="Stop", exact=True).click()
    expect(page.get_by_text("Stopped after epoch")).to_be_visible(timeout=30_000)
    wait_for_app_run(page)
    expect(page.get_by_text("Mean squared error on the 999 training windows")).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)
