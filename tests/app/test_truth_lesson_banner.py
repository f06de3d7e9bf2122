"""A lesson link that fixes the text keeps it fixed, and its banner names the Lab's own settings by
their labels (issue 22, item 11: "Use this text" replaced the text; the banner listed the Sine
page's "length, noise, period, task" and "num samples", "steps per update")."""

from apptest_support import assert_clean, open_page


def test_a_lesson_that_fixes_the_text_offers_no_way_to_replace_it_and_names_settings_by_label():
    at = open_page("pages/lab.py", framing="stateful", lesson="state")
    assert_clean(at)
    banner = [i.value for i in at.info if "This lesson's link fixes" in i.value]
    assert banner, [i.value for i in at.info]
    named = set(banner[0].split(": ", 1)[1].rstrip(".").split(", "))
    assert not named & {"length", "noise", "period", "task", "num samples", "steps per update"}, named
    assert {"Training sequence", "Time steps per update", "Units"} <= named, named
    assert "Use this text in the form" not in [b.label for b in at.button]
    assert any("fixes the training text" in c.value for c in at.caption)


def test_without_a_lesson_the_built_in_text_can_be_used():
    at = open_page("pages/lab.py", framing="stateful")
    assert "Use this text in the form" in [b.label for b in at.button]
