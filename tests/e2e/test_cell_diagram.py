# ruff: noqa: E501  (the measuring JavaScript reads best unwrapped)
"""The Cell page's cell diagram (issue 26) in Debian Chromium against the real server.

On the shipped stateful preset (LSTM): the diagram is on screen, follows ▶ and Play, and at
1024x768 and 390x844 neither it nor any of its texts is cut (bounding boxes measured against the
viewport). While a step catches up, the step's header and its equations never disagree (issue
22, item 6: sampled at every animation frame). A GRU and a SimpleRNN trained in the Lab get
their own diagrams. Screenshots: cell-diagram-1024.png, cell-diagram-390.png (docs/screenshots/
with LSTM_LAB_UPDATE_SCREENSHOTS=1, else test-artifacts/screenshots/).
"""

from __future__ import annotations

import re
import time

import pytest
from e2e_support import TRAIN_TIMEOUT_MS, VIEWPORT, open_app, wait_for_app_run
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

EXCEPTION = "[data-testid='stException']"
FIGURE = "figure.cell-diagram"

# Where the diagram and every text in its SVG sit, against the viewport and the SVG's own box.
MEASURE = """() => {
  const fig = document.querySelector('figure.cell-diagram');
  if (!fig) return {problems: ['no diagram']};
  const svg = fig.querySelector('svg');
  const r = fig.getBoundingClientRect(), s = svg.getBoundingClientRect();
  const problems = [];
  const W = document.documentElement.clientWidth;
  if (r.width < 200 || s.height < 100) problems.push(`diagram too small: ${r.width}x${s.height}`);
  if (r.left < 0 || r.right > W + 0.5) problems.push(`diagram outside the window: ${r.left}..${r.right} of ${W}`);
  if (s.right > r.right + 0.5 || s.left < r.left - 0.5) problems.push('svg wider than its figure');
  for (const t of svg.querySelectorAll('text')) {
    const b = t.getBoundingClientRect();
    if (b.width === 0) continue;
    if (b.left < s.left - 0.5 || b.right > s.right + 0.5 || b.top < s.top - 0.5 || b.bottom > s.bottom + 0.5)
      problems.push('text cut by the drawing: ' + t.textContent);
  }
  const cap = fig.querySelector('figcaption');
  if (cap && cap.scrollWidth > cap.clientWidth + 1) problems.push('caption cut');
  return {problems, box: [r.left, r.top, r.width, r.height], svg: [s.width, s.height], W};
}"""

# Every animation frame: the step the header says, its equations' text, the diagram's step.
SAMPLER = """() => {
  window.__frames = [];
  const tick = () => {
    const md = [...document.querySelectorAll('[data-testid="stMarkdown"]')].find(m => /^Step \\d+ of/.test(m.innerText));
    const fig = document.querySelector('figure.cell-diagram');
    if (md) {
      const eq = md.querySelector('.katex-display');
      window.__frames.push([parseInt(md.innerText.match(/^Step (\\d+)/)[1]), eq ? eq.innerText : '',
                            fig ? parseInt(fig.dataset.step) : 0]);
    }
    if (window.__frames.length < 100000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def diagram_step(page: Page) -> int:
    return int(page.locator(FIGURE).get_attribute("data-step"))


def header_step(page: Page) -> int:
    text = page.get_by_test_id("stMarkdown").filter(has_text=re.compile(r"^Step \d+ of")).first.inner_text()
    return int(re.match(r"Step (\d+)", text).group(1))


@pytest.fixture(scope="module")
def lstm_page(browser, base_url):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    page = context.new_page()
    open_app(page, base_url, "/cell")
    expect(page.get_by_text("Step 1 of 16")).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    yield page
    context.close()


def test_the_diagram_is_on_screen_and_follows_a_step_click(lstm_page: Page):
    page = lstm_page
    figure = page.locator(FIGURE)
    expect(figure).to_be_visible()
    expect(figure.locator("svg > title")).to_have_text(re.compile(r"LSTM cell, unit \d+, step 1"))
    start = header_step(page)
    assert diagram_step(page) == start
    before = figure.locator("svg").inner_html()
    page.evaluate(SAMPLER)
    for k in (start + 1, start + 2):
        page.get_by_role("button", name="▶", exact=True).click()
        expect(figure).to_have_attribute("data-step", str(k))
        expect(figure.locator("svg > title")).to_have_text(re.compile(rf"step {k}$"))
        wait_for_app_run(page)
    assert figure.locator("svg").inner_html() != before
    expect(figure.locator("figcaption")).to_contain_text(f"What changed since step {start + 1}")
    frames = page.evaluate("window.__frames")
    settled: dict[int, str] = {}
    for step, eq, _ in frames:
        settled[step] = eq  # the last text seen with each header
    mixed = [(step, eq[:60]) for step, eq, _ in frames if eq != settled[step]]
    assert not mixed, f"the header and the equations disagreed in {len(mixed)} frames: {mixed[:3]}"
    assert {step for step, _, _ in frames} <= {start, start + 1, start + 2}
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_the_diagram_follows_play(lstm_page: Page):
    page = lstm_page
    if header_step(page) > 12:
        page.get_by_test_id("stSlider").get_by_role("slider").focus()
        page.keyboard.press("Home")
        wait_for_app_run(page)
    start = diagram_step(page)
    page.get_by_role("button", name="Play", exact=True).click()
    deadline = time.monotonic() + 40
    while diagram_step(page) < start + 2 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    page.get_by_role("button", name="Pause", exact=True).click()
    wait_for_app_run(page)
    assert diagram_step(page) >= start + 2, "the diagram did not follow Play for two steps in 40 s"
    assert diagram_step(page) == header_step(page)


@pytest.mark.parametrize(("size", "name"), [((1024, 768), "cell-diagram-1024"), ((390, 844), "cell-diagram-390")])
def test_the_diagram_is_not_cut(lstm_page: Page, screenshot_dir, size, name):
    page = lstm_page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.wait_for_timeout(1200)  # the layout re-flows at the new width
    page.locator(FIGURE).scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    seen = page.evaluate(MEASURE)
    assert seen["problems"] == [], seen
    # The whole diagram fits in one screen: a learner sees all of it at once.
    assert seen["box"][3] <= size[1], seen
    page.locator(FIGURE).evaluate("el => el.scrollIntoView({block: 'center'})")
    page.mouse.move(1, size[1] - 1)
    page.wait_for_timeout(400)
    page.screenshot(path=str(screenshot_dir / f"{name}.png"))
    page.set_viewport_size(VIEWPORT)


@pytest.mark.parametrize(("cell", "title"), [("gru", "GRU cell"), ("simple", "SimpleRNN cell")])
def test_gru_and_simple_rnn_runs_get_their_own_diagram(page: Page, base_url, screenshot_dir, cell, title):
    open_app(page, base_url, f"/lab?framing=stateful&epochs=10&cell={cell}")
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_test_id("stMetric").filter(has_text="Accuracy").first).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    wait_for_app_run(page, timeout_ms=TRAIN_TIMEOUT_MS)
    page.get_by_test_id("stPageLink").get_by_role("link", name="Cell", exact=True).click()
    wait_for_app_run(page)
    figure = page.locator(FIGURE)
    expect(figure).to_be_visible()
    expect(figure.locator("svg > title")).to_have_text(re.compile(rf"^{title}, unit \d+, step 1$"))
    page.get_by_role("button", name="▶", exact=True).click()
    expect(figure).to_have_attribute("data-step", "2")
    wait_for_app_run(page)
    assert header_step(page) == 2
    expect(page.locator(EXCEPTION)).to_have_count(0)
    figure.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.mouse.move(1, 1)
    page.wait_for_timeout(400)
    page.screenshot(path=str(screenshot_dir / f"cell-diagram-{cell}.png"))
