"""A hostile link or a stray keystroke in a real browser (issue 16): no injected markup, no silent 1.

- ``/lab?units=![x](http://127.0.0.1:1/a.png)`` must not make the browser fetch that image, and
  ``/lab?framing=[Login here](http://x/phish)`` must not put a link on the page: the warning shows
  the text as typed.
- Typing ``3e1`` in Epochs trains 30 epochs; ``1e3`` in Units is 1000 (refused: over 256), not 1;
  ``99999999999999999999999`` epochs gets a message instead of a Train that does nothing.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from e2e_support import TRAIN_TIMEOUT_MS, open_app, wait_for_app_run
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

IMAGE = "![x](http://127.0.0.1:1/a.png)"
PHISH = "[Login here](http://x/phish)"


def button(page: Page, label: str):
    return page.get_by_role("button", name=label, exact=True)


def number_input(page: Page, label: str):
    return page.get_by_test_id("stNumberInput").filter(has_text=label).locator("input")


def alerts_with(page: Page, text: str):
    return page.get_by_test_id("stAlert").filter(has_text=text)


def test_markdown_in_url_parameters_puts_no_image_or_link_in_the_page(page: Page, base_url):
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "127.0.0.1:1/" in r.url else None)
    open_app(page, base_url, f"/lab?units={quote(IMAGE)}&framing={quote(PHISH)}")
    expect(alerts_with(page, "URL parameter units").first).to_be_visible()
    expect(alerts_with(page, "URL parameter framing").first).to_be_visible()
    page.wait_for_timeout(1000)  # an <img> would have started its request by now
    assert page.locator("img[src*='127.0.0.1:1']").count() == 0
    assert page.locator("a[href*='phish']").count() == 0
    assert fetched == []
    # The value is shown as it was typed, brackets and all.
    # (ui/safe.py puts invisible word joiners inside "http://" so it is no autolink.)
    warnings = " ".join(alerts_with(page, "URL parameter").all_inner_texts()).replace("\u2060", "")
    assert IMAGE in warnings and PHISH in warnings, warnings
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_scientific_epochs_train_exactly_that_many(page: Page, base_url):
    open_app(page, base_url, "/lab?framing=stateful&epochs=5&units=4")
    field = number_input(page, "Epochs")
    field.fill("3e1")
    field.press("Tab")
    button(page, "Train").click()
    metric = page.get_by_test_id("stMetric").filter(has_text="Epochs trained")
    expect(metric).to_contain_text("30", timeout=TRAIN_TIMEOUT_MS)
    wait_for_app_run(page, timeout_ms=TRAIN_TIMEOUT_MS)
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.parametrize(
    ("label", "typed", "says"),
    [("Units", "1e3", "Units: 1000 is not allowed"), ("Epochs", "99999999999999999999999", "Epochs: ")],
)
def test_numbers_out_of_reach_get_a_message_not_a_silent_run(page: Page, base_url, label, typed, says):
    open_app(page, base_url, "/lab?framing=stateful&epochs=5&units=4")
    field = number_input(page, label)
    field.fill(typed)
    field.press("Tab")
    button(page, "Train").click()
    expect(alerts_with(page, says).first).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    wait_for_app_run(page)
    expect(page.get_by_test_id("stMetric").filter(has_text="Accuracy")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
