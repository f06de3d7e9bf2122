"""Config validation: every bad value names the field, the value and what is allowed."""

import pytest

from lstm_core.config import FRAMINGS, MAX_SEQUENCE_CHARS, LSTMConfig
from lstm_core.presets import PRESETS, preset


def test_presets_carry_the_tutorial_settings():
    assert set(PRESETS) == set(FRAMINGS)
    assert (preset("naive").units, preset("naive").epochs, preset("naive").batch_size) == (32, 500, 1)
    wb = preset("whole-batch")
    assert (wb.units, wb.epochs, wb.batch_size, wb.shuffle) == (16, 5000, 25, False)
    st = preset("stateful")
    assert (st.units, st.epochs, st.stateful, st.shuffle) == (16, 300, True, False)
    vl = preset("variable-length")
    assert (vl.window, vl.num_samples, vl.units) == (5, 1000, 32)
    assert PRESETS["naive"].tutorial_accuracy == 84.00
    assert PRESETS["feature-window"].tutorial_accuracy == 86.96


@pytest.mark.parametrize(
    "changes, field, allowed",
    [
        ({"units": 0}, "units=0", "from 1 to"),
        ({"epochs": -1}, "epochs=-1", "from 1 to"),
        ({"sequence": ""}, "sequence=''", "at least 2 characters"),
        ({"sequence": "A"}, "sequence='A'", "at least 2"),
        ({"sequence": "   "}, "sequence='   '", "not only spaces"),
        ({"sequence": "AAAA"}, "sequence='AAAA'", "2 different characters"),
        ({"sequence": "AB\nC"}, "sequence=", "printable"),
        ({"framing": "timestep-window", "window": 26}, "window=26", "shorter than the sequence"),
        ({"framing": "nope"}, "framing='nope'", "naive, feature-window"),
        ({"stateful": True, "batch_size": 4}, "batch_size=4", "divides the 25 samples"),
        ({"batch_size": 26}, "batch_size=26", "at most the number of samples"),
        ({"encoding": "ascii"}, "encoding='ascii'", "scaled, onehot"),
        ({"padding": "left"}, "padding='left'", "zeros, mask"),
        ({"learning_rate": 0.0}, "learning_rate=0.0", "between"),
        ({"seed": -3}, "seed=-3", "from 0"),
        ({"units": 2.5}, "units=2.5", "whole number"),
        ({"window": 3}, "window=3", "naive framing feeds exactly 1 letter"),
        ({"shuffle": "yes"}, "shuffle='yes'", "true or false"),
    ],
)
def test_invalid_values_raise_a_message_naming_field_value_and_rule(changes, field, allowed):
    with pytest.raises(ValueError) as err:
        preset("naive").replace(**changes)
    assert field in str(err.value)
    assert allowed in str(err.value)


def test_work_budget_caps_a_run_and_says_what_to_lower():
    with pytest.raises(ValueError, match="too much work.*Lower epochs"):
        preset("variable-length").replace(epochs=10_000)


def test_sequence_length_is_capped():
    with pytest.raises(ValueError, match=f"limit is {MAX_SEQUENCE_CHARS:,} characters"):
        LSTMConfig(sequence="AB" * MAX_SEQUENCE_CHARS)


def test_custom_sequence_gives_sorted_unique_vocabulary():
    cfg = LSTMConfig(framing="timestep-window", sequence="aaaabbbccd" * 3, window=4)
    assert cfg.vocab == "abcd"
    assert cfg.num_examples == 26
    assert cfg.features == 1 and cfg.time_steps == 4
    assert cfg.replace(encoding="onehot").features == 4
    assert cfg.replace(framing="feature-window").features == 4


def test_from_dict_converts_strings_and_rejects_garbage():
    cfg = LSTMConfig.from_dict(
        {"framing": "stateful", "units": "8", "epochs": "5", "stateful": "true", "shuffle": "0", "junk": "x"}
    )
    assert (cfg.units, cfg.epochs, cfg.stateful, cfg.shuffle) == (8, 5, True, False)
    with pytest.raises(ValueError, match="units='many'"):
        LSTMConfig.from_dict({"units": "many"})
    with pytest.raises(ValueError, match="stateful='maybe'"):
        LSTMConfig.from_dict({"stateful": "maybe"})


def test_round_trip_through_dict():
    cfg = preset("variable-length").replace(sequence="ababab", window=3, padding="mask")
    assert LSTMConfig.from_dict(cfg.to_dict()) == cfg
