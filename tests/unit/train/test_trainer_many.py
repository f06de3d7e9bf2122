"""Many models at once: stacked runs equal lone runs, both cores, Stop within a second, a compile budget."""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import pytest

from lstm_core.config import ALPHABET, LSTMConfig
from lstm_core.limits import settings
from lstm_core.limits.slots import TrainingGate
from lstm_core.model.cells import Weights, init_weights
from lstm_core.train import compiled, schedule, trainer
from lstm_core.train.trainer import train, train_many

SEEDS = (3, 4, 5)
CASES = {
    # stateless, reshuffled every epoch: each seed has its own first weights and orders
    "stateless, shuffled": LSTMConfig(
        framing="timestep-window", sequence=ALPHABET[:12], window=2, units=7, epochs=6
    ),
    # 8 samples in batches of 3, 3 and 2: the last batch's mean is over 2 rows
    "partial last batch": LSTMConfig(
        framing="timestep-window", sequence=ALPHABET[:10], window=2, units=6, epochs=6, batch_size=3
    ),
    # state carried row by row from batch to batch, reset after every epoch
    "stateful, batch 2": LSTMConfig(
        framing="stateful", sequence=ALPHABET[:11], units=6, epochs=6, batch_size=2,
        shuffle=False, stateful=True,
    ),
    # masked padding, and every seed draws different runs: each model reads its own data
    "variable-length, mask": LSTMConfig(
        framing="variable-length", sequence=ALPHABET[:10], window=4, units=6, epochs=6,
        batch_size=4, padding="mask", encoding="onehot", num_samples=14,
    ),
    # a target after every step (truncated backpropagation through time)
    "per-step targets": LSTMConfig(
        framing="stateful", sequence=ALPHABET, units=6, epochs=6, batch_size=1,
        shuffle=False, stateful=True, steps_per_update=4,
    ),
}


def assert_same_run(stacked, alone, what: str) -> None:
    assert stacked.config == alone.config
    for name, a, b in zip(Weights._fields, stacked.weights, alone.weights):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-5, err_msg=f"{what}: {name}")
    np.testing.assert_allclose(
        [h.loss for h in stacked.history], [h.loss for h in alone.history], rtol=1e-5, err_msg=what
    )
    assert [h.epoch for h in stacked.history] == [h.epoch for h in alone.history]


@pytest.mark.parametrize("case", list(CASES))
def test_every_stacked_model_ends_with_the_weights_it_gets_trained_alone(case):
    configs = [CASES[case].replace(seed=s) for s in SEEDS]
    stacked = train_many(configs, cores=1)
    for cfg, run in zip(configs, stacked):
        alone = train(cfg)
        assert not np.allclose(alone.weights.kernel, init_weights(cfg).kernel)
        assert_same_run(run, alone, f"{case}, seed {cfg.seed}")
    # different seeds really are different models
    assert not np.allclose(stacked[0].weights.kernel, stacked[1].weights.kernel)


def test_models_with_different_epochs_and_rates_share_a_stack_and_each_stops_on_time():
    # a shape no other test compiles: with a lone model's function already built, two
    # stacks of 1 would rightly be planned instead (no new compile)
    base = CASES["stateless, shuffled"].replace(units=10)
    configs = [base.replace(seed=3, epochs=4), base.replace(seed=4, epochs=9, learning_rate=0.01)]
    assert schedule.plan(configs) == [[0, 1]]  # one shape: one stack
    for cfg, run in zip(configs, train_many(configs, cores=1)):
        assert run.epochs_done == cfg.epochs and not run.stopped
        assert_same_run(run, train(cfg), f"epochs {cfg.epochs}")


def test_stack_sizes_come_from_buckets_so_group_sizes_share_compiled_functions():
    base = CASES["partial last batch"].replace(units=9, epochs=2)  # a shape no other test uses
    before = compiled.compiled_shapes()
    train_many([base.replace(seed=s) for s in range(5)], cores=1)  # 5 -> bucket 6
    train_many([base.replace(seed=s) for s in range(6)], cores=1)  # 6 -> the same function
    assert compiled.compiled_shapes() == before + 1
    assert [schedule.bucket(k) for k in (1, 5, 7, 20, 21, 32)] == [1, 6, 8, 20, 24, 32]
    assert all(schedule.bucket(k) < 1.5 * k for k in range(1, 33))  # at most a third idle


def test_plan_splits_an_expensive_group_between_two_cores_and_keeps_cheap_ones_whole():
    cheap = CASES["stateless, shuffled"]
    # costly enough that splitting pays for the cheap stack's compile waiting behind it
    costly = CASES["variable-length, mask"].replace(epochs=500, num_samples=1000, units=24)
    configs = [cheap.replace(seed=s) for s in range(4)] + [costly.replace(seed=s) for s in range(6)]
    stacks = schedule.plan(configs, workers=2, built=())
    assert stacks == [[4, 5, 6], [7, 8, 9], [0, 1, 2, 3]]
    assert schedule.plan(configs, workers=1, built=()) == [[4, 5, 6, 7, 8, 9], [0, 1, 2, 3]]


def test_two_cores_give_the_same_runs_and_call_back_on_the_calling_thread():
    configs = [CASES["stateless, shuffled"].replace(seed=s, epochs=30) for s in SEEDS] + [
        CASES["stateful, batch 2"].replace(seed=s, epochs=30) for s in SEEDS
    ]
    threads, seen = set(), {}

    def on_progress(i, p):
        threads.add(threading.get_ident())
        seen[i] = p.epoch

    parallel = train_many(configs, on_progress=on_progress, cores=2)
    assert threads == {threading.get_ident()}
    assert seen == dict.fromkeys(range(len(configs)), 30)
    for cfg, run in zip(configs, parallel):
        assert_same_run(run, train(cfg), f"{cfg.framing} seed {cfg.seed}")


def test_a_stop_returns_every_run_as_far_as_it_got():
    configs = [CASES["stateless, shuffled"].replace(seed=s, epochs=20_000) for s in SEEDS] + [
        CASES["stateful, batch 2"].replace(seed=3, epochs=20_000)
    ]
    polls = []

    def should_stop():
        polls.append(time.perf_counter())
        return len(polls) > 6

    runs = train_many(configs, should_stop=should_stop, cores=1)
    assert [r.config for r in runs] == configs
    assert all(r.stopped for r in runs)
    trained = [r for r in runs if r.history]
    assert trained and all(1 <= r.epochs_done < 20_000 for r in trained)
    for r in runs:  # a run that never started comes back untrained, still usable
        assert len(r.history) == r.epochs_done and r.weights.kernel.shape == (1, 4 * r.config.units)


def test_a_callback_that_raises_stops_the_workers_and_propagates():
    configs = [CASES["stateless, shuffled"].replace(seed=s, epochs=20_000) for s in SEEDS] + [
        CASES["stateful, batch 2"].replace(seed=3, epochs=20_000)
    ]

    class Rerun(Exception):
        pass

    def on_progress(i, p):
        raise Rerun

    before = threading.active_count()
    with pytest.raises(Rerun):
        train_many(configs, on_progress=on_progress, cores=2)
    assert threading.active_count() == before  # every worker ended


# A long epoch: 1,992 samples of 8 one-hot steps through 128 units, one update each (~1-2 s per
# epoch on a quiet core of this machine, far more under load).
LONG_EPOCH = LSTMConfig(
    framing="timestep-window",
    sequence=("".join(chr(48 + (i * 7) % 64) for i in range(2000))),
    window=8,
    units=128,
    epochs=3,
    encoding="onehot",
)


def test_stop_is_answered_within_a_second_even_inside_a_long_epoch(monkeypatch):
    # This machine's pace on this very shape, read from the trainer's own reports between two
    # calls after the one that compiles it and the one that probes its speed ...
    updates = math.ceil(LONG_EPOCH.num_examples / LONG_EPOCH.batch_size)  # per epoch
    seen = []
    train(LONG_EPOCH, on_progress=seen.append, should_stop=lambda: len(seen) >= 3)
    done = [(p.epoch + p.within) * updates for p in seen[-2:]]
    seconds_per_update = (seen[-1].elapsed - seen[-2].elapsed) / (done[1] - done[0])
    # ... sizes the trainer's calls to at most an eighth of an epoch, so an epoch is "long" (holds
    # several calls) however fast or slow the machine; at most the real quarter second.
    target = min(trainer.TARGET_CHUNK_SECONDS, updates * seconds_per_update / 8)
    monkeypatch.setattr(trainer, "TARGET_CHUNK_SECONDS", target)
    reports, polls = [], []

    def on_progress(p):
        reports.append(p)

    def should_stop():  # Stop is pressed on the first report from inside epoch 1
        polls.append(len(reports))
        return any(p.within > 0 for p in reports)

    run = train(LONG_EPOCH, on_progress=on_progress, should_stop=should_stop)
    assert run.stopped and run.epochs_done == 0  # stopped in the middle of epoch 1
    assert polls[-1] == len(reports)  # asked again right after that report: no call in between
    # The call that ran before the stop held under a second of updates at the measured pace.
    assert reports[-1].within * updates * seconds_per_update < 1.0
    # the updates done before the stop are kept
    assert not np.allclose(run.weights.kernel, init_weights(LONG_EPOCH).kernel)


def test_extra_cores_are_taken_only_from_free_slots_nobody_waits_for():
    gate = TrainingGate(slots=1)
    with gate.slot(), gate.try_slot() as got:
        assert not got  # the only slot is the caller's
    gate = TrainingGate(slots=2)
    with gate.slot():
        runs = train_many([CASES["stateless, shuffled"].replace(seed=s) for s in SEEDS] + [
            CASES["stateful, batch 2"]], cores=2, gate=gate)
        assert gate.running == 1  # the borrowed slot is back
    assert all(r.epochs_done == r.config.epochs for r in runs)


def test_the_compile_budget_refuses_a_new_shape_in_one_sentence_and_keeps_known_ones(monkeypatch):
    known = CASES["stateless, shuffled"]
    train(known)
    info = compiled.compiled_cache_info()
    monkeypatch.setenv(compiled.ENV_MAX_COMPILED, str(info["compiled"]))
    assert compiled.compiled_cache_info()["left"] == 0
    with pytest.raises(compiled.CompileLimitError, match=r"limit of \d+ model shapes") as err:
        train(known.replace(units=11))
    assert "\n" not in str(err.value)
    assert train(known.replace(seed=9)).epochs_done == known.epochs  # a known shape still trains
    monkeypatch.setenv(compiled.ENV_MAX_COMPILED, "0")
    assert compiled.compiled_cache_info()["left"] is None  # 0: no limit
    assert train(known.replace(units=11, epochs=1)).epochs_done == 1
    monkeypatch.setenv(compiled.ENV_MAX_COMPILED, "lots")  # bad: the default, and a startup problem
    assert compiled.compiled_cache_info()["limit"] == settings.SETTINGS[compiled.ENV_MAX_COMPILED].default
    assert any("LSTM_LAB_MAX_COMPILED='lots' is not allowed" in p for p in settings.problems())
