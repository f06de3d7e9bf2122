# ruff: noqa: E501  (the measuring JavaScript reads best unwrapped)
"""What a person sees (issue 8), measured in Debian's Chromium against the real server.

- a link straight to a page renders that page at first paint, even on a fresh server;
- the progress bar and Stop show where Train was clicked;
- Train clicked again mid-training with a changed field: the URL, the form and the run agree;
- at 1024x768 (a projector) nothing on any page is cut: metric values and labels, widget
  labels (no word broken across lines), select boxes, tables, multiselect chips;
- at 390x844 (a phone) every page is reachable and nothing covers or overflows the screen.

Layout is checked by measuring elements (scrollWidth against clientWidth, each word's line
boxes, bounding boxes against the viewport), never by eye. Screenshots of every page at
1024x768 go to test-artifacts/screenshots/<page>-1024.png (docs/screenshots/ with
LSTM_LAB_UPDATE_SCREENSHOTS=1).
"""

from __future__ import annotations

import re

import pytest
from e2e_support import ROOT, TRAIN_TIMEOUT_MS, StreamlitServer, open_app, wait_for_app_run
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

ARTIFACTS_DIR = ROOT / "test-artifacts"
EXCEPTION = "[data-testid='stException']"
PROJECTOR = {"width": 1024, "height": 768}
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Everything that would be cut or broken on screen, as a list of sentences (empty = fine).
MEASURE = """() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const cut = (el) => el.scrollWidth > el.clientWidth + 1;
  const say = (what, el) => problems.push(what + ': ' + JSON.stringify((el.innerText || el.value || '').slice(0, 40)));
  for (const el of document.querySelectorAll(
      "[data-testid='stMetricValue'] *, [data-testid='stMetricLabel'] *, [data-testid='stMetricDelta'] *")) {
    if (shown(el) && cut(el)) say('metric text cut', el);
  }
  for (const label of document.querySelectorAll("[data-testid='stWidgetLabel']")) {
    // not shown: a closed sidebar lies off screen (its content squeezed to no width)
    if (!shown(label) || label.closest("[data-testid='stSidebar']")?.getBoundingClientRect().right <= 0) continue;
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
  for (const el of document.querySelectorAll("[data-testid='stSelectbox'] input, [data-testid='stNumberInput'] input, [data-testid='stTextInput'] input")) {
    if (shown(el) && el.value && cut(el)) say('input value cut', el);
  }
  for (const el of document.querySelectorAll("[data-testid='stSelectbox'] [value], [data-testid='stSelectbox'] div[title]")) {
    if (shown(el) && cut(el)) say('select value cut', el);
  }
  for (const el of document.querySelectorAll("[data-testid='stDataFrame'] .dvn-scroller")) {
    if (shown(el) && cut(el)) problems.push('table wider than its frame: a column is cut (' + el.scrollWidth + ' > ' + el.clientWidth + ')');
  }
  for (const el of document.querySelectorAll("[data-testid='stMultiSelectTagsContainer'], [data-testid='stMultiSelectTagsContainer'] [data-tag] *")) {
    if (shown(el) && cut(el)) say('chip cut', el);
  }
  for (const el of document.querySelectorAll("[data-testid='stMain'] [data-testid]")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 1 && !el.closest('.dvn-scroller, [data-testid=stVegaLiteChart], [data-testid=stCode]')) {
      problems.push('beyond the right edge: ' + (el.getAttribute('data-testid') || el.tagName) + ' ' + Math.round(r.right) + ' > ' + vw);
      break;
    }
  }
  return problems;
}"""


def no_exception(page: Page) -> None:
    expect(page.locator(EXCEPTION)).to_have_count(0)


def number_input(page: Page, label: str):
    return page.get_by_test_id("stNumberInput").filter(has_text=label).locator("input")


def nav(page: Page, name: str) -> None:
    """Change page through the row of page links (the session and its model survive)."""
    page.get_by_test_id("stPageLink").get_by_role("link", name=name, exact=True).click()
    wait_for_app_run(page)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()


def train(page: Page) -> None:
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_test_id("stMetric").filter(has_text="Accuracy").first).to_be_visible(
        timeout=TRAIN_TIMEOUT_MS
    )
    wait_for_app_run(page, timeout_ms=TRAIN_TIMEOUT_MS)


def settle(page: Page) -> None:
    page.evaluate(
        "() => { window.scrollTo(0, 0);"
        " for (const el of document.querySelectorAll('div, section, main')) { if (el.scrollTop) el.scrollTop = 0; } }"
    )
    page.wait_for_timeout(1200)  # layout and charts settle at the size


def inside_viewport(page: Page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] >= 0


# -- a deep link on a fresh server ----------------------------------------------------------
FIRST_PAINT_RECORDER = """
window.__firstPaint = {title: null, sidebarNav: false, links: []};
new MutationObserver(() => {
  const seen = window.__firstPaint;
  if (document.querySelector("[data-testid='stSidebarNav']")) seen.sidebarNav = true;
  const h1 = document.querySelector("[data-testid='stMain'] h1");
  if (h1 && seen.title === null) seen.title = h1.innerText.trim();
  if (!seen.links.length) seen.links = [...document.querySelectorAll("[data-testid='stPageLink']")].map(a => a.innerText.trim().split(String.fromCharCode(10)).pop());
}).observe(document, {childList: true, subtree: true});
"""


def test_a_deep_link_on_a_fresh_server_paints_the_right_page_first(browser):
    server = StreamlitServer(log_path=ARTIFACTS_DIR / "e2e-fresh-server.log").start()
    try:
        context = browser.new_context(viewport=LAPTOP)
        page = context.new_page()
        page.add_init_script(FIRST_PAINT_RECORDER)
        page.goto(server.url + "/lab?framing=stateful&units=8", wait_until="domcontentloaded")
        expect(page.locator("[data-testid='stMain'] h1").first).to_be_visible(timeout=60_000)
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS_DIR / "first-paint-lab.png"))
        wait_for_app_run(page)
        seen = page.evaluate("window.__firstPaint")
        assert seen["title"] == "Lab", seen
        assert not seen["sidebarNav"], "Streamlit's list of file names appeared"
        # The row of links, read from the page once it has run (the recorder's snapshot of it
        # depends on which DOM mutation it saw last, which varies with the machine's pace).
        links = page.get_by_test_id("stPageLink").get_by_role("link")
        expect(links).to_have_count(10)
        names = [text.strip().split("\n")[-1] for text in links.all_inner_texts()]
        assert names == ["Tour", "Overview", "Lab", "Generate", "State", "Cell", "Compare", "Memory", "Sine",
                         "Class"], names
        expect(number_input(page, "Units")).to_have_value("8")
        assert "framing=stateful" in page.url and "units=8" in page.url, page.url
        no_exception(page)
        context.close()
    finally:
        server.stop()
    log = (ARTIFACTS_DIR / "e2e-fresh-server.log").read_text(encoding="utf-8", errors="replace")
    assert "Inotify" not in log and "Traceback" not in log, log[-2000:]


# -- where progress shows -------------------------------------------------------------------
LONG_RUN = "/lab?framing=variable-length&epochs=400"  # ~5 s of training


def test_progress_and_stop_appear_where_train_was_clicked(page: Page, base_url):
    page.set_viewport_size(LAPTOP)
    open_app(page, base_url, LONG_RUN)
    train_button = page.get_by_role("button", name="Train", exact=True)
    train_button.scroll_into_view_if_needed()
    train_button.click()
    bar = page.get_by_test_id("stProgress").first
    expect(bar).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    stop = page.get_by_role("button", name="Stop", exact=True)
    assert inside_viewport(page, bar), bar.bounding_box()
    assert inside_viewport(page, stop), stop.bounding_box()
    assert inside_viewport(page, train_button), train_button.bounding_box()
    stop.click()
    wait_for_app_run(page, timeout_ms=TRAIN_TIMEOUT_MS)
    no_exception(page)


def test_train_again_mid_training_with_a_changed_field_keeps_url_form_and_run_together(page: Page, base_url):
    open_app(page, base_url, LONG_RUN)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    units = number_input(page, "Units")
    units.fill("16")
    units.press("Tab")  # the change interrupts the training; what it trained is kept
    wait_for_app_run(page, timeout_ms=TRAIN_TIMEOUT_MS)
    epochs = number_input(page, "Epochs")
    epochs.fill("20")
    epochs.press("Tab")
    expect(page).to_have_url(re.compile(r"units=16.*epochs=20|epochs=20.*units=16"), timeout=60_000)
    wait_for_app_run(page)
    page.get_by_role("button", name="Train", exact=True).click()
    # The stopped run's results stay on screen (faded) until the new run replaces them.
    value = page.get_by_test_id("stMetric").filter(has_text="Epochs trained").get_by_test_id("stMetricValue")
    expect(value.first).to_have_text("20", timeout=TRAIN_TIMEOUT_MS)
    wait_for_app_run(page, timeout_ms=TRAIN_TIMEOUT_MS)
    no_exception(page)
    assert "units=16" in page.url and "epochs=20" in page.url and "framing=variable-length" in page.url
    expect(units).to_have_value("16")
    expect(page.get_by_text(re.compile("These results are from the last training"))).to_have_count(0)


# -- every page at 1024x768, and on a phone -------------------------------------------------
@pytest.fixture(scope="module")
def trained(browser, base_url):
    """One session that trained the stateful preset, for the pages that need a model."""
    context = browser.new_context(viewport=PROJECTOR)
    context.set_default_timeout(60_000)
    page = context.new_page()
    open_app(page, base_url, "/lab?framing=stateful")
    train(page)
    yield page
    context.close()


PAGES = ["Overview", "Lab", "Generate", "State", "Compare"]


@pytest.mark.parametrize("name", PAGES)
def test_nothing_is_cut_at_1024x768(trained: Page, name: str, screenshot_dir):
    page = trained
    page.set_viewport_size(PROJECTOR)
    nav(page, name)
    no_exception(page)
    if name == "Compare":
        pick_all_framings(page)
    settle(page)
    problems = page.evaluate(MEASURE)
    # The README's picture: 1024 wide, taller so more of the page shows.
    page.set_viewport_size({"width": PROJECTOR["width"], "height": 1300})
    settle(page)
    page.screenshot(path=str(screenshot_dir / f"{name.lower()}-1024.png"))
    page.set_viewport_size(PROJECTOR)
    assert problems == [], problems


def pick_all_framings(page: Page) -> None:
    """Choose all six framings in Compare's multiselect (six chips)."""
    box = page.get_by_test_id("stMultiSelect").filter(has_text="Framings")
    for option in ("timestep-window", "whole-batch", "stateful", "variable-length"):
        box.locator("input").first.click()
        page.keyboard.type(option)
        page.keyboard.press("Enter")
        wait_for_app_run(page)
    page.keyboard.press("Escape")
    expect(box.locator("[data-tag]")).to_have_count(6)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_at_1280x800_is_clean_too(trained: Page, name: str):
    page = trained
    page.set_viewport_size(LAPTOP)
    nav(page, name)
    settle(page)
    ARTIFACTS_DIR.joinpath("screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "screenshots" / f"{name.lower()}-1280.png"))
    assert page.evaluate(MEASURE) == []


def test_on_a_phone_every_page_is_reachable_and_nothing_covers_it(browser, base_url):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(60_000)
    page = context.new_page()
    open_app(page, base_url, "/lab?framing=stateful&epochs=20")
    train(page)
    for name in ["Generate", "State", "Compare", "Overview", "Lab"]:
        nav(page, name)
        no_exception(page)
        title = page.get_by_role("heading", level=1).first
        expect(title).to_have_text(name if name != "Overview" else "LSTM State Lab")
        # Nothing lies over the page: no open sidebar, the title is the topmost element there.
        box = title.bounding_box()
        top = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('h1') !== null",
            [box["x"] + 5, box["y"] + box["height"] / 2],
        )
        assert top, f"something covers the {name} page's title"
        sidebar = page.get_by_test_id("stSidebar")
        if sidebar.count():
            sb = sidebar.bounding_box()
            assert sb is None or sb["x"] + sb["width"] <= 1, f"the sidebar is open over {name}: {sb}"
        overflow = page.evaluate(
            "() => { const m = document.querySelector(\"[data-testid='stMain']\");"
            " return [m.scrollWidth, m.clientWidth]; }"
        )
        assert overflow[0] <= overflow[1] + 1, f"{name} scrolls sideways on a phone: {overflow}"
        for link in page.get_by_test_id("stPageLink").all():
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box
    context.close()
