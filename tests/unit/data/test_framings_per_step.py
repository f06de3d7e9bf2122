"""``steps_per_update``: chunks of the text, a target at every step, refused where it means nothing."""

from __future__ import annotations

import pytest

from lstm_core.config import ALPHABET, LSTMConfig
from lstm_core.data.framings import make_dataset
from lstm_core.presets import preset

STATEFUL = preset("stateful")


def test_chunks_cover_the_text_without_overlap_and_targets_are_shifted_by_one():
    ds = make_dataset(STATEFUL.replace(steps_per_update=5))
    assert ds.inputs == ["ABCDE", "FGHIJ", "KLMNO", "PQRST", "UVWXY"]
    assert ds.targets == ["BCDEF", "GHIJK", "LMNOP", "QRSTU", "VWXYZ"]
    assert ds.X.shape == (5, 5, 1) and ds.y.shape == (5, 5, 26)
    assert ds.target_ids[0].tolist() == [1, 2, 3, 4, 5]
    assert STATEFUL.replace(steps_per_update=5).work == 300 * 5 * 5


def test_leftover_letters_are_dropped():
    cfg = STATEFUL.replace(steps_per_update=7)  # 25 predictions -> 3 chunks of 7, 4 left over
    assert make_dataset(cfg).inputs == ["ABCDEFG", "HIJKLMN", "OPQRSTU"]


def test_one_step_per_update_is_the_tutorial_framing_unchanged():
    a, b = make_dataset(STATEFUL), make_dataset(STATEFUL.replace(steps_per_update=1))
    assert a.y.shape == b.y.shape == (25, 26) and not b.per_step


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"framing": "naive", "steps_per_update": 3}, "stateful framing"),
        ({"stateful": False, "steps_per_update": 3}, "stateful framing"),
        ({"window": 2, "steps_per_update": 3}, "window=2"),
        ({"steps_per_update": 0}, "from 1 to 64"),
        ({"steps_per_update": 26}, "at most 25"),
        ({"steps_per_update": 5, "batch_size": 2}, "divides the 5 samples"),
    ],
)
def test_bad_steps_per_update_is_refused_with_one_sentence(changes, words):
    base = dict(STATEFUL.to_dict())
    base.update(changes)
    with pytest.raises(ValueError, match=words):
        LSTMConfig(**base)


def test_from_dict_reads_it_like_any_field():
    cfg = LSTMConfig.from_dict({"framing": "stateful", "stateful": "true", "steps_per_update": "4",
                                "sequence": ALPHABET})
    assert cfg.time_steps == 4 and cfg.num_examples == 6
