"""Prediction tables, generation (cold and warm) and state traces."""

import numpy as np
import pytest

from lstm_core.analysis import inference
from lstm_core.config import LSTMConfig
from lstm_core.presets import preset
from lstm_core.train.trainer import train


@pytest.fixture(scope="module")
def window_run():
    return train(preset("timestep-window").replace(epochs=300))


def test_stateful_generation_from_A_gives_the_alphabet(stateful_run):
    assert inference.generate(stateful_run, "A", steps=25).text == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_cold_K_falls_back_to_B_and_warm_K_gives_L(stateful_run):
    cold = inference.generate(stateful_run, "K", steps=5)
    warm = inference.generate(stateful_run, "K", steps=5, warm=True)
    assert cold.text == "KBCDEF"  # the tutorial's "New start: K -> B"
    assert warm.text == "KLMNOP"
    assert warm.warmup == "ABCDEFGHIJ" and cold.warmup == ""
    assert all(0 < s.probability <= 1 for s in cold.steps)


def test_window_generation_slides_the_window(window_run):
    warm = inference.generate(window_run, "K", steps=4, warm=True)
    assert warm.text == "KLMNO"
    assert [s.fed for s in warm.steps[:2]] == ["IJK", "JKL"]


def test_temperature_sampling_is_repeatable_and_stays_in_vocabulary(stateful_run):
    a = inference.generate(stateful_run, "C", steps=20, temperature=1.5, seed=1)
    b = inference.generate(stateful_run, "C", steps=20, temperature=1.5, seed=1)
    assert a.text == b.text
    assert set(a.text) <= set(stateful_run.config.vocab)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"start": "a"}, "not in the vocabulary"),
        ({"start": "AB"}, "exactly one letter"),
        ({"start": "A", "steps": 0}, "steps=0"),
        ({"start": "A", "temperature": -1}, "temperature=-1"),
    ],
)
def test_generation_rejects_bad_requests(stateful_run, kwargs, message):
    with pytest.raises(ValueError, match=message):
        inference.generate(stateful_run, **kwargs)


def test_prediction_table_and_per_letter_accuracy(window_run):
    table = inference.prediction_table(window_run)
    assert list(table.columns) == ["input", "expected", "predicted", "probability", "correct"]
    assert len(table) == 23 and table.loc[0, "input"] == "ABC" and table.loc[0, "expected"] == "D"
    assert table["correct"].mean() == pytest.approx(inference.accuracy(window_run))
    per = inference.per_letter_accuracy(window_run)
    assert list(per.columns) == ["letter", "accuracy", "samples"]
    assert per["samples"].sum() == 23


def test_stateless_trace_resets_before_every_sample_and_stateful_only_once(stateful_run):
    naive = train(preset("naive").replace(epochs=5))
    t = inference.state_trace(naive, "ABCD")
    assert t.labels == list("ABCD") and t.reset_before == [True] * 4
    s = inference.state_trace(stateful_run, "ABCD")
    assert s.reset_before == [True, False, False, False]
    assert s.h.shape == (4, 16) and s.c.shape == (4, 16)
    assert s.predictions == list("BCDE")


def test_multi_step_trace_steps_through_one_padded_sample():
    run = train(preset("variable-length").replace(epochs=2, num_samples=50))
    t = inference.state_trace(run, "KL")
    assert t.labels == ["·", "·", "·", "K", "L"]
    assert t.h.shape == (5, 32) and t.predictions[-1] != ""


def test_reset_timeline_shows_where_state_comes_from():
    stateless = inference.reset_timeline(preset("whole-batch"))
    assert set(stateless["source"]) == {inference.StateSource.ZERO}
    assert set(stateless["from_sample"]) == {0}
    stateful = inference.reset_timeline(preset("stateful").replace(batch_size=5))
    assert stateful.loc[5, "source"] == inference.StateSource.CARRIED
    assert stateful.loc[5, "from_sample"] == 1
    assert (stateful["source"][:5] == inference.StateSource.ZERO).all()


def test_masking_makes_padding_differ_from_A():
    """With zero padding, "B" and "AB" look alike after padding; with a mask they do not."""
    base = LSTMConfig(framing="variable-length", sequence="ABCDEFGH", window=3, units=8, epochs=3,
                      num_samples=40)
    from lstm_core.data.framings import encode_sample

    zx, _ = encode_sample(base, "B")
    zx2, _ = encode_sample(base, "AB")
    assert np.array_equal(zx, zx2)
    mcfg = base.replace(padding="mask")
    mx, _ = encode_sample(mcfg, "B")
    mx2, _ = encode_sample(mcfg, "AB")
    assert not np.array_equal(mx, mx2)
