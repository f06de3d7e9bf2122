"""Round 3 of issue 16: the cost of streaming the weights, and memory reserved before a run starts."""

import threading
from types import SimpleNamespace

import pytest

from lstm_core.config import LSTMConfig
from lstm_core.limits import budget, cost
from lstm_core.presets import PRESETS, preset

TEXT64 = "".join(chr(ord("!") + i) for i in range(64))
S2000 = (TEXT64 * 40)[:2000]


def heavy(window: int = 64, units: int = 256, epochs: int = 1, sequence: str = S2000) -> SimpleNamespace:
    """The issue-16 shape as plain numbers (a config that validation would refuse)."""
    real = LSTMConfig(framing="feature-window", encoding="onehot", window=8, units=units, epochs=1,
                      sequence=sequence)
    return SimpleNamespace(
        num_examples=len(sequence) - window, time_steps=1, features=window * 64, units=units,
        vocab=real.vocab, batch_size=1, epochs=epochs, per_step=False, framing="feature-window",
    )


# --- time -------------------------------------------------------------------------------------


def test_the_issue_16_shape_is_costed_at_least_at_its_measured_pace_beside_a_second_training():
    # Measured: 13 ms per update alone (load < 1), 37 ms in the hostile load test (two at once).
    est = cost.estimate(heavy())
    assert est.parameters == 4 * 256 * (4096 + 256 + 1) + 256 * 64 + 64
    assert est.seconds_per_update >= 0.037
    # and so its three epochs (accepted before, 216 s measured) are far over the bound
    assert cost.estimate(heavy(epochs=3)).seconds > 3 * cost.MAX_SECONDS


def test_weights_that_fit_in_the_cache_add_nothing_and_every_preset_is_unchanged():
    for p in PRESETS.values():
        est = cost.estimate(p.config)
        assert est.parameters < cost.CACHE_PARAMETERS
        base = cost.SAFETY * (cost.UPDATE_OVERHEAD_S + est.macs_per_update * cost.MAC_S)
        assert est.seconds_per_update == pytest.approx(base)


def test_the_parameter_term_grows_with_the_weights_past_the_cache():
    small, big = cost.estimate(heavy(window=16, units=128)), cost.estimate(heavy())
    streaming = [
        e.seconds_per_update - cost.SAFETY * (cost.UPDATE_OVERHEAD_S + e.macs_per_update * cost.MAC_S)
        for e in (small, big)
    ]
    per_weight = cost.SAFETY * cost.SHARED * cost.PARAM_S
    expected = [per_weight * (e.parameters - cost.CACHE_PARAMETERS) for e in (small, big)]
    assert streaming == pytest.approx(expected)
    assert streaming[1] > 5 * streaming[0] > 0


def test_the_most_expensive_accepted_heavy_train_has_a_smaller_window_and_fits_the_bound():
    accepted = [w for w in range(1, 65) if cost.estimate(heavy(window=w)).seconds <= cost.MAX_SECONDS]
    largest = max(accepted)
    assert 16 <= largest < 64  # the limit moved, it did not close the shape altogether
    config = LSTMConfig(framing="feature-window", encoding="onehot", window=largest, units=256, epochs=1,
                        sequence=S2000)
    assert cost.estimate(config).seconds <= cost.MAX_SECONDS
    with pytest.raises(ValueError, match="Even one epoch takes too long"):
        config.replace(window=largest + 1)


@pytest.mark.parametrize(
    ("fields", "gates"), [({"cell": "lstm"}, 4), ({"cell": "gru"}, 3), ({"cell": "simple"}, 1)]
)
def test_other_cells_cost_their_own_gates(fields, gates):
    base = preset("naive")
    cfg = SimpleNamespace(**{k: getattr(base, k) for k in (
        "num_examples", "time_steps", "features", "units", "vocab", "batch_size", "epochs", "per_step",
        "framing")}, **fields)
    est = cost.estimate(cfg)
    u = base.units
    assert est.parameters == gates * u * (1 + u + 1) + u * 26 + 26
    assert est.macs_per_update == gates * u * (1 + u) + u * 26


def test_stacked_layers_feed_the_layer_below_and_a_horizon_adds_a_decoder():
    base = preset("timestep-window")
    common = {k: getattr(base, k) for k in (
        "num_examples", "time_steps", "features", "units", "vocab", "batch_size", "epochs", "per_step")}
    one = cost.estimate(SimpleNamespace(**common, framing="timestep-window"))
    two = cost.estimate(SimpleNamespace(**common, framing="timestep-window", layers=2))
    u = base.units
    assert two.parameters - one.parameters == 4 * u * (u + u + 1)
    assert two.seconds > one.seconds
    nchar = cost.estimate(SimpleNamespace(**common, framing="n-char-output", horizon=4, decoder_steps=4))
    assert nchar.macs_per_update > one.macs_per_update and nchar.parameters > one.parameters
    sine = cost.estimate(SimpleNamespace(**common, framing="timestep-window", outputs=1))
    assert sine.parameters == one.parameters - (u + 1) * 26 + (u + 1)


# --- memory -----------------------------------------------------------------------------------


def test_a_run_needs_more_memory_with_more_weights_data_and_a_new_shape():
    naive = preset("naive")
    assert budget.run_mb(naive, compiled=True) < 20
    assert budget.run_mb(naive) - budget.run_mb(naive, compiled=True) == budget.compile_mb(naive)
    big_compile = budget.compile_mb(naive.replace(units=256, encoding="onehot"))
    assert budget.compile_mb(naive) < budget.COMPILE_MB + 1 < big_compile
    assert budget.run_mb(naive, first=True) - budget.run_mb(naive) == budget.FIRST_COMPILE_MB
    big = LSTMConfig(framing="feature-window", encoding="onehot", window=24, units=256, epochs=1,
                     sequence=S2000)
    # Measured (benchmarks/calibrate_memory.py): +108-174 MB training 4.5 M weights on 32 MB
    # of inputs; this shape has fewer of each, and the estimate must not be below a measurement.
    assert budget.run_mb(big, compiled=True) > 100
    assert budget.run_mb(big.replace(sequence=TEXT64 * 3), compiled=True) < budget.run_mb(big, compiled=True)
    assert budget.run_mb(big.replace(units=128), compiled=True) < budget.run_mb(big, compiled=True)


def test_seeds_of_one_shape_compile_once():
    seeds = [preset("naive").replace(seed=s) for s in range(20)]
    one = budget.run_mb(seeds[0], compiled=False)
    need = budget.need_for(seeds, lambda c: False)
    assert one < need < one + 20 * budget.run_mb(seeds[0], compiled=True)
    mixed = seeds + [preset("timestep-window")]
    assert budget.need_for(mixed, lambda c: False) > need + budget.COMPILE_MB


def test_admit_reserves_until_the_run_ends_and_refuses_what_does_not_fit(monkeypatch):
    rss = budget.rss_mb()
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", str(int(rss + 400)))
    assert budget.reserved_mb() == 0
    with budget.admit(250):
        assert budget.reserved_mb() == 250
        # A second big run while the first holds its room: refused, with numbers and advice.
        with pytest.raises(budget.MemoryRefused) as err:
            with budget.admit(250):
                pass
        text = str(err.value)
        assert text.startswith("This training needs about 250 MiB of memory")
        assert f"budget {int(rss + 400):,}" not in text and f"{int(rss + 400):,} MiB budget" in text
        assert "lower the units" in text and len(text) < 300
        with budget.admit(50):  # a small one still fits beside it
            assert budget.reserved_mb() == 300
    assert budget.reserved_mb() == 0
    with budget.admit(250):  # room again once the first ended
        pass


def test_a_failed_run_releases_its_reservation(monkeypatch):
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", str(int(budget.rss_mb() + 400)))
    with pytest.raises(RuntimeError):
        with budget.admit(300):
            raise RuntimeError("training failed")
    assert budget.reserved_mb() == 0


def test_over_the_budget_nothing_is_admitted(monkeypatch):
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", "1")
    with pytest.raises(budget.MemoryRefused, match="short of memory"):
        with budget.admit(0):
            pass


def test_concurrent_admissions_never_reserve_past_the_budget(monkeypatch):
    rss = budget.rss_mb()
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", str(int(rss + 500)))
    admitted, refused, peak = [], [], [0.0]
    hold = threading.Event()

    def attempt() -> None:
        try:
            with budget.admit(200):
                admitted.append(1)
                peak[0] = max(peak[0], budget.reserved_mb())
                hold.wait(2)
        except budget.MemoryRefused:
            refused.append(1)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for th in threads:
        th.start()
    while len(admitted) + len(refused) < 6 and any(th.is_alive() for th in threads):
        if len(refused) >= 4:
            break
        threading.Event().wait(0.01)
    hold.set()
    for th in threads:
        th.join()
    assert len(admitted) <= 2 and len(refused) >= 4  # 2 x 200 fit in 500 MiB above RSS, 3 do not
    assert peak[0] <= 500
    assert budget.reserved_mb() == 0
