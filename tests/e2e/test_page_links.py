"""Page settings in the address, in Debian's Chromium (issue 22, item 10): a teacher's link to
"Cell at step 3 of KLMNOP, warm" and to Generate from Z opens there, and stepping on moves the
address along (the AppTest half: tests/app/test_page_settings_links.py)."""

from __future__ import annotations

import re

import pytest
from e2e_support import open_app
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_a_cell_link_opens_at_its_step_and_the_address_follows_the_stepper(page: Page, base_url):
    open_app(page, base_url, "/cell?text=KLMNOP&step=3&warm=true")
    expect(page.get_by_text(re.compile(r"^Step 3 of 6: fed M")).first).to_be_visible()
    page.get_by_role("button", name="▶").click()
    expect(page.get_by_text(re.compile(r"^Step 4 of 6: fed N")).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"step=4"))
    assert "text=KLMNOP" in page.url and "warm=true" in page.url, page.url
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_generate_link_opens_with_its_settings(page: Page, base_url):
    open_app(page, base_url, "/generate?start=Z&steps=5&temperature=1")
    expect(page.get_by_role("spinbutton", name="Steps")).to_have_value("5")
    expect(page.get_by_role("combobox", name="Start letter")).to_have_value("Z")
    assert page.url.endswith("/generate?start=Z&steps=5&temperature=1"), page.url  # as the teacher wrote it
    expect(page.get_by_test_id("stException")).to_have_count(0)
