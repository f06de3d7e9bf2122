"""The Class page in Debian's Chromium (issue 24): a teacher starts a class, three students join by
the link on phones, answer and train, and the board shows their runs; a wrong code is one
sentence; closing the class closes its join link.

One server (SQLite: the processes of one machine; the PostgreSQL cluster run of issue 24's "done
when" is not here). Screenshots: docs/screenshots/class-board-1024.png (1024x768) and
class-join-390.png (390x844) when LSTM_LAB_UPDATE_SCREENSHOTS=1, else test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

from e2e_support import open_app, wait_for_app_run
from playwright.sync_api import Page, expect

EXCEPTION = "[data-testid='stException']"
PHONE = {"width": 390, "height": 844}
BOARD = {"width": 1024, "height": 768}


def start_class(page: Page, base_url: str) -> str:
    page.set_viewport_size(BOARD)
    open_app(page, base_url, "/class")
    page.get_by_test_id("stSelectbox").filter(has_text="Epochs").click()
    page.get_by_role("option", name="a tenth").click()
    page.get_by_role("button", name="Start a class").click()
    code = page.get_by_test_id("stMetricValue")
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]{6}$"))
    assert "teacher=" in page.url
    return code.inner_text()


def join(browser, base_url: str, code: str) -> Page:
    student = browser.new_context(viewport=PHONE).new_page()
    open_app(student, base_url, f"/class?join={code}")
    return student


def train(student: Page, prediction: str) -> str:
    student.get_by_test_id("stRadio").get_by_text(prediction, exact=True).click()
    wait_for_app_run(student)
    student.get_by_role("button", name="Train", exact=True).click()
    done = student.get_by_test_id("stAlert").filter(has_text="Your run is on the board")
    expect(done).to_be_visible(timeout=120_000)
    return re.search(r"(\d+\.\d\d)%", done.inner_text()).group(1)


def test_a_class_of_three_fills_the_board_then_closes(page: Page, browser, base_url, screenshot_dir):
    code = start_class(page, base_url)
    students = [join(browser, base_url, code) for _ in range(3)]
    expect(students[0].get_by_text("You train naive with seed 7")).to_be_visible()
    expect(students[1].get_by_text("You train feature-window with seed 8")).to_be_visible()
    train_button = students[0].get_by_role("button", name="Train", exact=True)
    expect(train_button).to_be_disabled()  # the prediction comes first
    students[0].screenshot(path=str(screenshot_dir / "class-join-390.png"), full_page=True)

    accuracies = [train(s, p) for s, p in zip(students, ("feature-window", "naive", "feature-window"))]
    expect(page.get_by_text("3 of 3 done")).to_be_visible()  # the board polls the store
    verdict = page.get_by_test_id("stMarkdownContainer").filter(has_text="Verdict.")
    expect(verdict).to_be_visible()
    assert f"feature-window {accuracies[1]}%" in verdict.inner_text()  # its only run is its mean
    expect(page.locator("[data-testid='stVegaLiteChart']")).to_have_count(1)
    expect(page.get_by_text("What the class predicted")).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)
    page.mouse.move(1, BOARD["height"] - 1)
    page.wait_for_timeout(800)
    page.screenshot(path=str(screenshot_dir / "class-board-1024.png"))

    guesser = browser.new_context(viewport=PHONE).new_page()
    open_app(guesser, base_url, "/class")
    guesser.get_by_label("Class code", exact=True).fill("ACDEFH" if code != "ACDEFH" else "ACDEFJ")
    guesser.get_by_role("button", name="Join").click()
    wrong = re.compile(r"No class has the code \w{6}: check it with your teacher\.")
    expect(guesser.get_by_test_id("stAlert")).to_have_text(wrong)

    page.get_by_role("button", name="Close the class").click()
    wait_for_app_run(page)
    late = join(browser, base_url, code)
    expect(late.get_by_test_id("stAlert")).to_have_count(1)
    expect(late.get_by_test_id("stAlert").locator("p")).to_have_text(
        f"Class {code} is closed: your teacher is not taking new runs.")
    expect(late.get_by_role("button", name="Train", exact=True)).to_have_count(0)
    for other in (*students, guesser, late):
        other.context.close()
