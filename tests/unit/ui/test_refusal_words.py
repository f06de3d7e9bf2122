"""A refusal is data the UI words (issue 22, item 12): the field, the value, what is allowed, and
other fields it mentions, named by the page's labels."""

import pytest

from lstm_core.analysis.text_reader import check_text
from lstm_core.limits.budget import MemoryRefused
from lstm_core.presets import preset
from ui import errors, safe


def test_an_analysis_input_is_named_by_its_label_on_the_page():
    with pytest.raises(ValueError) as err:
        check_text(preset("stateful"), "A B", "state_from")
    assert str(err.value).startswith("state_from='A B' is not allowed")  # the CLI's words
    shown = safe.plain(err.value)
    assert shown.startswith("Other text") and "state_from" not in shown


def test_memory_advice_names_only_fields_the_page_has():
    refused = MemoryRefused("This training needs about 600 MiB", ("units", "window", "sequence"))
    assert "lower the units, the window or the sequence" in str(refused)
    assert errors.worded(refused, {"units": "Units"}).endswith("lower Units, or try again in a minute.")
    assert errors.worded(refused, {}).endswith(": try again in a minute.")
