"""The Class page in Debian's Chromium (issue 24): a teacher starts a class, three students join on
phones (two by the link, one by typing the code into another page's "Join a class" box), answer, give
nicknames or not, and train; the board shows their runs and names (as text); a wrong code is one
sentence, on the Class page and in any page's box; closing the class closes its join link.

One server (SQLite: the processes of one machine; the PostgreSQL cluster run of issue 24's "done
when" is not here). Screenshots: docs/screenshots/class-board-1024.png (1024x768) and
class-join-390.png (390x844) when LSTM_LAB_UPDATE_SCREENSHOTS=1, else test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

from e2e_support import open_app, wait_for_app_run
from playwright.sync_api import Locator, Page, expect


def inside_viewport(page: Page, locator) -> bool:
    box = locator.bounding_box()
    return bool(box) and 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]

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


def join_from_the_row(page: Page, code: str) -> Locator:
    """Type a code into the "Join a class" popover at the end of every other page's row of links;
    returns the popover's body (where a wrong code is answered)."""
    page.get_by_role("button", name="Join a class").click()
    box = page.get_by_test_id("stPopoverBody")
    box.get_by_label("Class code", exact=True).fill(code)
    box.get_by_role("button", name="Join").click()
    return box


def nothing_lies_over(page: Page) -> None:
    """No open sidebar and no open popover: the page is the learner's to read and tap."""
    expect(page.locator("[data-testid='stSidebar'][data-collapsed='false']")).to_have_count(0)
    expect(page.get_by_test_id("stPopoverBody")).to_have_count(0)


def train(student: Page, prediction: str, nickname: str = "") -> str:
    student.get_by_test_id("stRadio").get_by_text(prediction, exact=True).click()
    wait_for_app_run(student)
    if nickname:
        student.get_by_label("Nickname (optional)", exact=True).fill(nickname)
        student.get_by_label("Nickname (optional)", exact=True).press("Enter")
        wait_for_app_run(student)
    student.get_by_role("button", name="Train", exact=True).click()
    done = student.get_by_test_id("stAlert").filter(has_text="Your run is on the board")
    expect(done).to_be_visible(timeout=120_000)
    return re.search(r"(\d+\.\d\d)%", done.inner_text()).group(1)


def test_a_class_of_three_fills_the_board_then_closes(page: Page, browser, base_url, screenshot_dir):
    code = start_class(page, base_url)
    students = [join(browser, base_url, code) for _ in range(2)]
    # The third types the code into the join box of another page (the Tour's row of links).
    third = browser.new_context(viewport=PHONE).new_page()
    open_app(third, base_url, "/tour")
    join_from_the_row(third, code.lower())
    expect(third.get_by_text("You train naive with seed 9")).to_be_visible()
    nothing_lies_over(third)
    students.append(third)
    expect(students[0].get_by_text("You train naive with seed 7")).to_be_visible()
    expect(students[1].get_by_text("You train feature-window with seed 8")).to_be_visible()
    train_button = students[0].get_by_role("button", name="Train", exact=True)
    expect(train_button).to_be_disabled()  # the prediction comes first
    assert inside_viewport(students[0], train_button)  # a phone shows the question and Train at once
    students[0].screenshot(path=str(screenshot_dir / "class-join-390.png"), full_page=True)

    said = zip(students, ("feature-window", "naive", "feature-window"), ("<b>Ada</b>", "", "Bo"))
    accuracies = [train(s, p, n) for s, p, n in said]
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
    page.get_by_test_id("stExpander").get_by_text("Who ran what").click()
    names = page.get_by_test_id("stTable").last
    expect(names).to_contain_text("<b>Ada</b>")  # as typed, as text
    expect(names.locator("b")).to_have_count(0)  # never HTML
    expect(names).to_contain_text("Student 2")  # no nickname: an anonymous one
    expect(names).to_contain_text("Bo")

    guesser = browser.new_context(viewport=PHONE).new_page()
    open_app(guesser, base_url, "/class")
    guesser.get_by_label("Class code", exact=True).fill("ACDEFH" if code != "ACDEFH" else "ACDEFJ")
    guesser.get_by_role("button", name="Join").click()
    wrong = re.compile(r"No class has the code \w{6}: check it with your teacher\.")
    expect(guesser.get_by_test_id("stAlert")).to_have_text(wrong)
    guesser.set_viewport_size(BOARD)  # the box of any page says the same, in one sentence
    open_app(guesser, base_url, "/memory")
    box = join_from_the_row(guesser, "ACDEFJ" if code != "ACDEFJ" else "ACDEFK")
    expect(box.get_by_test_id("stAlert")).to_have_text(wrong)
    # Having joined, the phone's learner moves on: no box is left over the next page (once, the
    # box lived in the sidebar, which Streamlit kept open over every page after it was opened).
    third.get_by_test_id("stPageLink").filter(has_text="Lab").first.click()
    wait_for_app_run(third)
    expect(third.get_by_role("heading", name="Lab")).to_be_visible()
    nothing_lies_over(third)

    page.get_by_role("button", name="Close the class").click()
    wait_for_app_run(page)
    late = join(browser, base_url, code)
    expect(late.get_by_test_id("stAlert")).to_have_count(1)
    expect(late.get_by_test_id("stAlert").locator("p")).to_have_text(
        f"Class {code} is closed: your teacher is not taking new runs.")
    expect(late.get_by_role("button", name="Train", exact=True)).to_have_count(0)
    for other in (*students, guesser, late):
        other.context.close()
