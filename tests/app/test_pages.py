"""Every page renders, on its own and after navigating, without an exception."""

import pytest
from apptest_support import assert_clean, open_page


@pytest.mark.parametrize(
    ("page", "title"),
    [
        ("pages/overview.py", "LSTM State Lab"),
        ("pages/lab.py", "Lab"),
        ("pages/generate.py", "Generate"),
        ("pages/state.py", "State"),
        ("pages/compare.py", "Compare"),
        ("pages/tour.py", "Tour"),
    ],
)
def test_page_renders_without_an_exception(page, title):
    at = open_page(page)
    assert_clean(at)
    assert at.title[0].value == title


def test_overview_shows_six_framing_cards_with_tutorial_figures():
    at = open_page("pages/overview.py")
    opens = [b for b in at.button if b.label == "Open in the Lab"]
    assert len(opens) == 6
    figures = {m.value for m in at.metric if m.label == "Tutorial accuracy"}
    assert {"84.00%", "86.96%", "100.00%", "98.90%"} <= figures


def test_overview_card_opens_the_lab_with_that_preset():
    at = open_page("pages/overview.py")
    at.button(key="open_timestep-window").click().run()
    assert_clean(at)
    assert at.title[0].value == "Lab"
    assert at.selectbox(key="lab_framing").value == "timestep-window"
    assert at.number_input(key="lab_window").value == 3
    assert at.number_input(key="lab_units").value == 32


def test_pages_without_a_model_explain_how_to_get_one():
    for page in ("pages/generate.py", "pages/state.py"):
        at = open_page(page)
        assert_clean(at)
        assert any("Lab" in i.value for i in at.info), page
        assert [b for b in at.button if b.label == "Train the stateful preset"], page
