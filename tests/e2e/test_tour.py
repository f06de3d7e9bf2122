"""The Tour page in Debian's Chromium on a real server: a learner answers every step at 1280x800,
1024x768 and 390x844 (a phone), the evidence shows only after Show me, nothing is cut off, and
the README's pictures (docs/screenshots/tour-*.png with LSTM_LAB_UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

import pytest
from e2e_support import open_app, wait_for_app_run
from playwright.sync_api import Page, expect

from lstm_core.experiments import tour
from ui.text import tour as words
from ui.views import tour_page

pytestmark = pytest.mark.e2e

EXCEPTION = "[data-testid='stException']"
SIZES = {"1280": (1280, 800), "1024": (1024, 768), "390": (390, 844)}
SHOT_STEP = "stateful"  # the step whose evidence the README shows


def cut_off(page: Page) -> list[str]:
    """What a person would see cut: the page scrolling sideways, a box past the main column or
    the window, or text clipped by its own box. One description per problem."""
    return page.evaluate(
        """() => {
        const problems = [];
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth > width + 1) problems.push('page scrolls sideways');
        const main = document.querySelector('[data-testid="stMainBlockContainer"]') || document.body;
        const right = Math.min(main.getBoundingClientRect().right, width) + 1;
        const name = el => (el.innerText || el.getAttribute('data-testid') || el.tagName).slice(0, 40);
        const boxes = document.querySelectorAll(
            '[data-testid="stButton"], [data-testid="stRadio"], [data-testid="stNumberInput"], '
            + '[data-testid="stTable"], [data-testid="stAlert"], [data-testid="stMarkdown"], '
            + '[data-testid="stHeading"], [data-testid="stProgress"], [data-testid="stPageLink"]');
        for (const el of boxes) {
            // not shown: a closed sidebar lies off screen (its content squeezed to no width)
            if (!el.offsetParent
                || el.closest("[data-testid='stSidebar']")?.getBoundingClientRect().right <= 0) continue;
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.right > right) problems.push('sticks out (' + Math.round(r.right)
                + ' > ' + Math.round(right) + '): ' + name(el));
        }
        const texts = document.querySelectorAll(
            '[data-testid="stWidgetLabel"] p, button p, [data-testid="stMarkdownContainer"] p, '
            + '[data-testid="stCaptionContainer"] p, [data-testid="stRadio"] label p, h1, h3');
        for (const el of texts) {
            // not shown: a closed sidebar lies off screen (its content squeezed to no width)
            if (!el.offsetParent
                || el.closest("[data-testid='stSidebar']")?.getBoundingClientRect().right <= 0) continue;
            if (el.scrollWidth > el.clientWidth + 1) problems.push('clipped text: ' + name(el));
        }
        // A table wider than its box scrolls sideways inside it: columns a person cannot see.
        for (const el of document.querySelectorAll('[data-testid="stTable"], [data-testid="stTable"] *')) {
            if (el.offsetParent && el.scrollWidth > el.clientWidth + 1)
                problems.push('table scrolls: ' + name(el));
        }
        return problems;
    }"""
    )


def click(page: Page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    wait_for_app_run(page)


def answer(page: Page, n: int, s: tour.Step) -> None:
    """A learner's click or typing: right at odd steps, wrong at even ones (so the summary has both)."""
    outcome = s.evidence().outcome
    if s.numeric:
        box = page.locator(f".st-key-tour_pick_{s.key} input")
        box.fill(str(round(outcome)) if n % 2 else str(round(outcome) - 30))
        box.press("Enter")
    else:
        pick = outcome if n % 2 else next(c for c in s.choices if c != outcome)
        label = tour_page.answer_label(s, pick)
        page.get_by_test_id("stRadio").get_by_text(label, exact=True).click()
    wait_for_app_run(page)


def top(page: Page) -> None:
    page.evaluate(
        "() => { window.scrollTo(0, 0);"
        " for (const el of document.querySelectorAll('div, section, main'))"
        " { if (el.scrollTop) el.scrollTop = 0; } }"
    )


def shot(page: Page, path, width: int, height: int) -> None:
    """A picture of the whole step: Streamlit scrolls inside its own box, so a full-page
    screenshot would show one window's worth; the window grows for the picture, then shrinks."""
    tall = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, min(int(tall) + 40, 3000))})
    page.wait_for_timeout(500)  # the layout settles at the new size
    top(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(300)


@pytest.mark.parametrize("size", list(SIZES))
def test_a_learner_answers_every_step_and_nothing_is_cut(page: Page, base_url, screenshot_dir, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    open_app(page, base_url, "/tour?step=1")
    problems: dict[str, list[str]] = {}
    for n, s in enumerate(tour.STEPS, start=1):
        evidence = page.locator(f".st-key-tour_evidence_{s.key}")
        expect(page.get_by_role("heading", name=f"{n}. {words.TITLES[s.key]}")).to_be_visible()
        assert f"step={n}" in page.url, page.url
        expect(page.get_by_role("button", name=words.SHOW, exact=True)).to_have_count(0)
        answer(page, n, s)
        click(page, words.COMMIT)
        expect(evidence).to_have_count(0)  # committed, still nothing told
        click(page, words.SHOW)
        expect(evidence).to_be_visible()
        expect(page.locator(EXCEPTION)).to_have_count(0)
        top(page)
        problems.update({f"step {n}: {p}": [] for p in cut_off(page)})
        if s.key == SHOT_STEP:
            shot(page, screenshot_dir / f"tour-{size}.png", width, height)
        click(page, words.NEXT if n < len(tour.STEPS) else words.TO_SUMMARY)
    expect(page.get_by_role("heading", name=words.SUMMARY_TITLE)).to_be_visible()
    assert f"step={tour_page.LAST}" in page.url
    expect(page.get_by_text(f"of {len(tour.STEPS)} predictions you checked came true")).to_be_visible()
    top(page)
    problems.update({f"summary: {p}": [] for p in cut_off(page)})
    shot(page, screenshot_dir / f"tour-summary-{size}.png", width, height)
    assert not problems, list(problems)


def test_a_projected_step_survives_a_reload(page: Page, base_url):
    """A teacher's link to one step opens that step, and a reload keeps it (the URL holds it)."""
    open_app(page, base_url, "/tour?step=5")
    heading = page.get_by_role("heading", name=f"5. {words.TITLES[tour.STEPS[4].key]}")
    expect(heading).to_be_visible()
    page.reload()
    wait_for_app_run(page)
    expect(heading).to_be_visible()
