"""The memory budget through the real Lab page (issue 16, round 3): a training is admitted only if
what it will add fits beside what the server holds, and a refusal is one sentence that keeps the
model the user already has."""

import time

from apptest_support import TINY, assert_clean, button, train_in_lab

from lstm_core.limits import budget


def nothing_reserved(seconds: float = 60.0) -> bool:
    """No reservation is left once the page's background compile (a preset's shape, which
    reserves its compile while it runs) has finished: nothing leaked."""
    end = time.monotonic() + seconds
    while budget.reserved_mb() and time.monotonic() < end:
        time.sleep(0.2)
    return budget.reserved_mb() == 0


def own_rss_mb() -> float:
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_a_training_that_does_not_fit_is_refused_and_the_model_is_kept(monkeypatch):
    at = train_in_lab(**TINY)
    before = at.session_state["run"]
    # A budget that holds this process but not even a fresh TensorFlow worker (~565 MiB): a
    # worker replaced to make room would not make enough, so Train says so in one sentence.
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", str(int(own_rss_mb() + 100)))

    at.number_input(key="lab_units").set_value(24.0)  # a new shape: compile + weights
    button(at, "Train").click().run()
    assert_clean(at)
    errors = [e.value for e in at.error]
    assert any(e.startswith(("This training needs about", "The server is short of memory")) and "MiB" in e
               for e in errors), errors
    assert at.session_state["run"] is before  # nothing trained is lost
    assert nothing_reserved()  # the refused run reserved nothing

    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", "100000")  # the room is back: the same Train goes ahead
    button(at, "Train").click().run()
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    after = at.session_state["run"]
    assert after is not before and after.config.units == 24
    assert nothing_reserved()  # released when the run ended


def test_a_background_compile_is_only_for_a_preset_shape_that_fits(monkeypatch):
    from lstm_core.presets import preset
    from ui import training

    config = preset("naive")
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", str(int(budget.rss_mb() + budget.compile_mb(config) + 200)))
    assert training.warm_up_allowed(config)
    assert training.warm_up_allowed(config.replace(epochs=7, seed=3))  # the same program
    # A link's own shape (here 20 units) compiles when Train is pressed, not when a page opens:
    # every text length would otherwise be a program nobody trains (issue 21, item 2).
    assert not training.warm_up_allowed(config.replace(units=20))
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", str(int(budget.rss_mb() + budget.compile_mb(config) / 2)))
    assert not training.warm_up_allowed(config)
