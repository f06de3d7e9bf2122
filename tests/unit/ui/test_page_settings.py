"""The readers of a page's settings from a link (ui.form, issue 22 item 10): what they take,
and the one sentence they give for what they refuse."""

from __future__ import annotations

import pytest

from ui import form


@pytest.mark.parametrize("text", ["0", "6", "2.5", "nan", "inf", "", "five", "1e400"])
def test_whole_refuses_anything_but_a_whole_number_in_range(text):
    with pytest.raises(ValueError, match=r"^Seeds must be a whole number from 1 to 5\.$"):
        form.whole(1, 5, "Seeds")(text)


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("5", 5), ("3.0", 3), ("2e0", 2)])
def test_whole_takes_whole_numbers(text, value):
    assert form.whole(1, 5, "Seeds")(text) == value


@pytest.mark.parametrize("text", ["-0.1", "2.01", "nan", "inf", "-inf", "hot", ""])
def test_number_refuses_out_of_range_and_non_numbers(text):
    with pytest.raises(ValueError, match=r"^Temperature must be a number from 0 to 2\.$"):
        form.number(0.0, 2.0, "Temperature")(text)


def test_one_of_matches_an_options_text_only():
    read = form.one_of([0.1, 0.25, 0.5, 1.0], "Epochs scale")
    assert read("0.25") == 0.25
    with pytest.raises(ValueError, match="Epochs scale must be one of 0.1, 0.25, 0.5, 1.0"):
        read("0.3")


def test_some_of_keeps_the_order_drops_repeats_and_refuses_unknown_or_empty():
    read = form.some_of(["naive", "stateful", "feature-window"], "Framings")
    assert read("stateful,naive,stateful") == ["stateful", "naive"]
    for bad in ("", ",", "naive,rnn"):
        with pytest.raises(ValueError, match="^Framings must be a comma-separated choice"):
            read(bad)


def test_yes_no_reads_the_usual_words_and_refuses_the_rest():
    read = form.yes_no("Warm start")
    assert [read(t) for t in ("true", "TRUE", "1", "on", "false", "0", "no")] == [True] * 4 + [False] * 3
    with pytest.raises(ValueError, match=r"^Warm start must be true or false\.$"):
        read("perhaps")
    assert form.flag_text(True) == "true" and form.list_text(["a", "b"]) == "a,b"
