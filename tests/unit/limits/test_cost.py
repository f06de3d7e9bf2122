"""The run-cost limit, the memory budget, exact whole numbers and shortened echoes (issue 16)."""

import importlib

import pytest

from lstm_core.config import LSTMConfig
from lstm_core.limits import budget, cost
from lstm_core.limits.slots import TrainingGate
from lstm_core.presets import PRESETS, preset

TEXT64 = "".join(chr(ord("!") + i) for i in range(64))  # 64 distinct printable characters
S2000 = (TEXT64 * 40)[:2000]


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_tutorial_preset_is_within_the_time_limit(name):
    est = cost.estimate(preset(name))
    assert est.seconds <= cost.MAX_SECONDS
    # and with room to spare: a preset must not be the first thing a recalibration refuses
    assert est.seconds <= 0.75 * cost.MAX_SECONDS, (name, est.seconds)


def test_the_issue_link_that_held_a_slot_for_hours_is_refused_with_what_to_lower():
    # /lab?framing=feature-window&encoding=onehot&window=64&units=256&epochs=1549 on a 2,000-character
    # text of 64 characters: it passed the old step-count limit and trained ~3.3 hours.
    with pytest.raises(ValueError) as err:
        LSTMConfig(framing="feature-window", encoding="onehot", window=64, units=256, epochs=1549,
                   sequence=S2000)
    text = str(err.value)
    assert text.startswith("epochs=1549 is too much work")
    assert f"limit is {cost.MAX_SECONDS:,.0f} s" in text
    # 4.5 million weights streamed at every update (with their gradient and Adam moments):
    # not even one epoch fits the bound any more (round 2 accepted 3 epochs, which took 216 s).
    assert "Even one epoch takes too long" in text
    assert "the units (256)" in text and "the window (64)" in text and "one-hot" in text


def test_the_largest_epochs_the_message_offers_are_accepted_and_one_more_is_not():
    config = {"framing": "feature-window", "encoding": "onehot", "window": 16, "units": 128,
              "sequence": S2000}
    with pytest.raises(ValueError) as err:
        LSTMConfig(**config, epochs=20_000)
    most = cost.estimate(
        LSTMConfig(**config, epochs=1)
    ).largest_epochs(1)
    assert f"at most {most:,} with these settings" in str(err.value)
    assert LSTMConfig(**config, epochs=most).epochs == most
    with pytest.raises(ValueError, match="too much work"):
        LSTMConfig(**config, epochs=most + 1)


def test_a_shape_too_big_for_even_one_epoch_says_so():
    with pytest.raises(ValueError, match="Even one epoch takes too long.*lower the units"):
        LSTMConfig(framing="timestep-window", window=64, units=256, epochs=1, encoding="onehot",
                   sequence=S2000)


def test_cost_grows_with_units_features_time_steps_and_updates():
    base = preset("timestep-window")
    s = cost.estimate(base).seconds
    assert cost.estimate(base.replace(units=64)).seconds > s
    assert cost.estimate(base.replace(window=6)).seconds > s
    assert cost.estimate(base.replace(encoding="onehot")).seconds > s
    assert cost.estimate(base.replace(epochs=1000)).seconds > s
    # batching divides the updates: fewer, larger steps
    assert cost.estimate(base.replace(batch_size=23)).updates == base.epochs


def test_max_seconds_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LSTM_LAB_MAX_SECONDS", "5")
    try:
        reloaded = importlib.reload(cost)
        assert reloaded.MAX_SECONDS == 5.0
        with pytest.raises(ValueError, match="limit is 5 s"):
            preset("variable-length").replace(seed=8)  # ~35 s estimated: refused under 5 s
        monkeypatch.setenv("LSTM_LAB_MAX_SECONDS", "nonsense")
        assert importlib.reload(cost).MAX_SECONDS == 60.0
    finally:
        monkeypatch.delenv("LSTM_LAB_MAX_SECONDS")
        importlib.reload(cost)


def test_only_small_shapes_compile_in_the_background():
    assert all(cost.cheap_to_compile(p.config) for p in PRESETS.values())
    big = LSTMConfig(framing="feature-window", encoding="onehot", window=24, units=256, epochs=1,
                     sequence=S2000)
    assert not cost.cheap_to_compile(big)
    assert not cost.cheap_to_compile(preset("timestep-window").replace(window=20, epochs=10))


@pytest.mark.parametrize(
    "raw, expected", [("1e3", 1000), ("3e1", 30), (30.0, 30), ("  12 ", 12), (7, 7), ("1.0e2", 100)]
)
def test_whole_numbers_are_read_exactly(raw, expected):
    field = "units" if expected <= 256 else "epochs"
    config = LSTMConfig.from_dict({"framing": "naive", field: raw})
    assert getattr(config, field) == expected


@pytest.mark.parametrize(
    "field, raw, says",
    [
        ("units", "1.5", "units='1.5' is not allowed: it must be a whole number."),
        ("epochs", 2.5, "epochs=2.5 is not allowed: it must be a whole number."),
        ("epochs", "99999999999999999999999", "from 1 to 20,000"),
        ("epochs", 1e23, "from 1 to 20,000"),
        ("epochs", "1e999999999", "far too large"),
        ("epochs", "nan", "it must be a whole number"),
        ("units", "many", "units='many' is not allowed: it must be a whole number."),
    ],
)
def test_non_whole_and_huge_numbers_get_one_clear_sentence(field, raw, says):
    with pytest.raises(ValueError) as err:
        LSTMConfig.from_dict({"framing": "naive", field: raw})
    assert says in str(err.value)
    assert len(str(err.value)) < 200


def test_an_echoed_value_is_shortened():
    with pytest.raises(ValueError) as err:
        LSTMConfig.from_dict({"units": "9" * 100_000})
    assert len(str(err.value)) < 120
    with pytest.raises(ValueError) as err:
        LSTMConfig.from_dict({"framing": "x" * 100_000})
    assert len(str(err.value)) < 200


def test_memory_budget_reads_the_environment_and_the_process(monkeypatch):
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", "1234")
    assert budget.budget_mb() == 1234.0
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", "-1")
    assert budget.budget_mb() == budget.DEFAULT_MB
    rss = budget.rss_mb()
    assert rss is not None and 10 < rss < 100_000  # this test process, in MiB
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", "1")
    assert budget.over_budget()
    assert "budget 1 MiB" in budget.refusal()


def test_try_slot_never_jumps_the_queue_or_waits():
    gate = TrainingGate(slots=1)
    with gate.try_slot() as first:
        assert first and gate.running == 1
        with gate.try_slot() as second:
            assert not second and gate.running == 1
    assert gate.running == 0
    with gate.slot():
        with gate.try_slot() as got:
            assert not got
    assert gate.running == 0
