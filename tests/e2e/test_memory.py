"""The Memory page in Debian Chromium: the experiment runs from one click, the forward view
draws, nothing overflows at 1024x768, and the page's screenshots (memory.png, memory-1024.png)."""

from __future__ import annotations

import pytest
from e2e_support import VIEWPORT, open_app, wait_for_app_run
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

EXCEPTION = "[data-testid='stException']"
EXPERIMENT_TIMEOUT_MS = 600_000  # six trainings of 400 epochs, three shapes to compile, shared cores


def shot(page: Page, path, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate(
        "() => { window.scrollTo(0, 0);"
        " for (const el of document.querySelectorAll('div, section, main'))"
        " { if (el.scrollTop) el.scrollTop = 0; } }"
    )
    page.wait_for_timeout(1500)  # charts re-layout at the new size
    page.screenshot(path=str(path))


def overflowing(page: Page) -> list[str]:
    """Elements wider than the window, or text cut by its own box (measured, not eyeballed)."""
    return page.evaluate(
        """() => {
        const out = [];
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth > width + 1) out.push('page scrolls sideways');
        const sel = '[data-testid="stVegaLiteChart"], [data-testid="stHeading"], [data-testid="stMarkdown"],'
                  + ' [data-testid="stAlert"], [data-testid="stWidgetLabel"]';
        for (const el of document.querySelectorAll(sel)) {
            const r = el.getBoundingClientRect();
            if (r.width === 0) continue;
            if (r.right > width + 1) out.push(el.dataset.testid + ' ends at ' + Math.round(r.right));
            for (const t of el.querySelectorAll('p, span, label, h2, h3')) {
                if (t.scrollWidth > t.clientWidth + 1 && getComputedStyle(t).overflow === 'hidden')
                    out.push('cut: ' + t.textContent.slice(0, 60));
            }
        }
        return out;
    }"""
    )


def test_memory_experiment_runs_in_one_click_and_the_forward_view_draws(browser, base_url, screenshot_dir):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        open_app(page, base_url, "/memory")
        expect(page.get_by_role("heading", name="Memory", exact=True)).to_be_visible()
        expect(page.locator(EXCEPTION)).to_have_count(0)
        seeds = page.get_by_test_id("stNumberInput").filter(has_text="Seeds per arm").locator("input")
        seeds.fill("2")
        seeds.press("Enter")
        wait_for_app_run(page)
        page.get_by_role("button", name="Run the experiment", exact=True).click()
        verdict = page.get_by_test_id("stAlert").filter(has_text="(c) timestep-window")
        expect(verdict).to_be_visible(timeout=EXPERIMENT_TIMEOUT_MS)
        wait_for_app_run(page, timeout_ms=EXPERIMENT_TIMEOUT_MS)
        expect(page.locator(EXCEPTION)).to_have_count(0)
        # Forward view (2 charts), backward view (2), the experiment's chart: all drawn.
        charts = page.get_by_test_id("stVegaLiteChart")
        expect(charts).to_have_count(5)
        for i in range(5):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["height"] > 100 and box["width"] > 200, (i, box)
        expect(page.get_by_text("after reading", exact=False).first).to_be_visible()

        shot(page, screenshot_dir / "memory.png", VIEWPORT["width"], 2600)
        page.set_viewport_size({"width": 1024, "height": 768})
        page.wait_for_timeout(1500)
        assert overflowing(page) == []
        shot(page, screenshot_dir / "memory-1024.png", 1024, 2800)
    finally:
        context.close()


def test_lab_offers_the_memory_tasks(browser, base_url):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        open_app(page, base_url, "/lab?framing=stateful")
        page.get_by_text("Built-in texts, including tasks that need memory").click()
        page.get_by_role("button", name="Use this text in the form", exact=True).wait_for()
        expect(page.get_by_test_id("stNumberInput").filter(has_text="Time steps per update")).to_be_visible()
        expect(page.locator(EXCEPTION)).to_have_count(0)
        assert overflowing(page) == []
    finally:
        context.close()


def test_what_one_update_sees_is_readable_on_a_phone(browser, base_url):
    # issue 22 (16): with the lanes' full names as labels, the 30 cells were 6 px wide at 390 px
    # and their letters overlapped.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        open_app(page, base_url, "/memory")
        chart = page.get_by_test_id("stVegaLiteChart").filter(has_text="gradient")
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        gaps = chart.evaluate(
            """el => {
            const box = el.getBoundingClientRect();
            const centres = Array.from(el.querySelectorAll('text'))
                .filter(t => /^[A-Z]$/.test(t.textContent))
                .map(t => {
                    const r = t.getBoundingClientRect();
                    return [Math.round(r.top), (r.left + r.right) / 2, r.right];
                });
            const row = centres.filter(c => c[0] === centres[0][0]).sort((a, b) => a[1] - b[1]);
            const outside = centres.filter(c => c[2] > box.right + 0.5).length;
            return {gaps: row.slice(1).map((c, i) => c[1] - row[i][1]), outside};
        }"""
        )
        assert len(gaps["gaps"]) >= 5 and gaps["outside"] == 0, gaps
        assert min(gaps["gaps"]) >= 9, gaps  # px from one letter's centre to the next
    finally:
        context.close()
