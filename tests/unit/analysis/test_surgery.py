"""State surgery (lstm_core/analysis/surgery.py): writing on after a text, against generate."""

from __future__ import annotations

import pytest

from lstm_core.analysis import inference
from lstm_core.analysis.surgery import continue_text
from lstm_core.presets import preset


def test_surgery_without_changes_is_generate_and_swapping_in_a_zero_state_is_a_cold_start(stateful_run):
    run = stateful_run
    untouched = continue_text(run, "ABCDEFGHIJK", steps=5)
    assert untouched.letters == inference.generate(run, "K", 5, warm=True).text[1:] == "LMNOP"
    cold = continue_text(run, "ABCDEFGHIJK", steps=5, state_from="")
    assert cold.letters == inference.generate(run, "K", 5).text[1:] == "BCDEF"
    # Another text's state makes the same letter mean something else.
    assert continue_text(run, "ABCDEFGHIJK", steps=5, state_from="ABC").letters != untouched.letters
    # Switching off every unit leaves only the output layer's bias: one letter, over and over.
    off = continue_text(run, "ABCDEFGHIJK", steps=5, zero_units=range(16), every_step=True)
    assert len(set(off.letters)) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": ""}, "at least one letter"),
        ({"text": "abc"}, "not in the model's vocabulary"),
        ({"text": "A" * 201}, "at most 200"),
        ({"steps": 0}, "from 1 to 200"),
        ({"zero_units": [16]}, "numbered 0 to 15"),
        ({"state_from": "a"}, "not in the model's vocabulary"),
    ],
)
def test_bad_requests_get_one_sentence(stateful_run, kwargs, message):
    args = {"text": "ABC", **kwargs}
    with pytest.raises(ValueError, match=message):
        continue_text(stateful_run, **args)


def test_swapping_state_in_a_stateless_run_is_refused():
    import types

    from lstm_core.model.cells import init_weights

    config = preset("naive")
    run = types.SimpleNamespace(config=config, weights=init_weights(config))
    with pytest.raises(ValueError, match="stateless"):
        continue_text(run, "ABC", state_from="XYZ")
