"""The fast trainer: learns what the tutorial says, reports, stops, repeats itself exactly."""

import numpy as np
import pytest

from lstm_core.analysis import inference
from lstm_core.config import LSTMConfig
from lstm_core.presets import preset
from lstm_core.train.compiled import compiled_shapes
from lstm_core.train.trainer import train

TINY = LSTMConfig(framing="timestep-window", sequence="ABCDEFGHIJ", window=2, units=8, epochs=30, seed=3)


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def test_same_seed_same_result_and_other_seed_differs():
    a, b = train(TINY), train(TINY)
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)
    assert [h.loss for h in a.history] == [h.loss for h in b.history]
    c = train(TINY.replace(seed=4))
    assert not np.array_equal(a.weights.kernel, c.weights.kernel)


def test_history_has_one_line_per_epoch_and_loss_falls():
    run = train(TINY.replace(epochs=300, learning_rate=0.01))
    assert [h.epoch for h in run.history] == list(range(1, 301))
    assert run.history[-1].loss < run.history[0].loss * 0.7
    assert all(h2.elapsed >= h1.elapsed for h1, h2 in zip(run.history, run.history[1:]))


def test_progress_callback_reports_increasing_epochs_up_to_the_end():
    seen = []
    train(TINY.replace(epochs=50), on_progress=lambda p: seen.append((p.epoch, p.epochs, len(p.history))))
    assert seen[0][0] == 1  # the first point comes after one epoch
    assert [s[0] for s in seen] == sorted(s[0] for s in seen)
    assert seen[-1][:2] == (50, 50) and seen[-1][2] == 50


def test_stop_request_returns_the_partial_run():
    calls = []

    def should_stop():
        calls.append(1)
        return len(calls) > 2

    run = train(TINY.replace(epochs=5000), should_stop=should_stop)
    assert run.stopped
    assert 1 <= run.epochs_done < 5000
    assert len(run.history) == run.epochs_done
    assert 0.0 <= inference.accuracy(run) <= 1.0  # the partial model is usable


def test_retraining_the_same_shape_compiles_nothing_new_and_keeps_memory_flat():
    train(TINY)
    shapes = compiled_shapes()
    train(TINY)  # warm-up past any first-call allocations
    before = _rss_mb()
    for seed in range(30):
        train(TINY.replace(seed=seed))
    assert compiled_shapes() == shapes
    assert _rss_mb() - before < 50


def test_partial_last_batch_counts_every_sample():
    cfg = TINY.replace(batch_size=3, epochs=5)  # 8 samples: batches of 3, 3 and 2
    run = train(cfg)
    assert len(run.history) == 5 and np.isfinite(run.history[-1].loss)


@pytest.mark.parametrize("name", ["stateful", "timestep-window"])
def test_tutorial_framings_that_reach_100_percent(name):
    run = train(preset(name))
    assert inference.accuracy(run) == 1.0


def test_naive_framing_stays_well_below_100_percent():
    assert inference.accuracy(train(preset("naive"))) < 0.95


def test_prepare_compiles_once_and_training_reuses_that_compilation():
    from lstm_core.train import compiled

    cfg = TINY.replace(units=5)  # a shape no other test uses
    compiled.prepare(cfg)
    fn = compiled.chunk_fn(cfg)
    assert fn.experimental_get_tracing_count() == 1
    compiled.prepare(cfg)
    run = train(cfg.replace(seed=11, epochs=12))
    train(cfg.replace(seed=12, epochs=40, learning_rate=0.01))
    assert fn.experimental_get_tracing_count() == 1  # no retrace for new seeds, epochs or rates
    assert run.epochs_done == 12
