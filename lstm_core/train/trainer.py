"""Train LSTMs the way ``model.fit`` would, many updates and many models per compiled call.

``model.fit`` with batch size 1 makes one Python round trip per sample: tens of
milliseconds of bookkeeping per 25-sample epoch (the README's Speed section has the
figures measured side by side). Here a chunk of updates runs inside one XLA-compiled TensorFlow
function: the sample order of every epoch is drawn outside (numpy) and passed in, and the
loop over batches, the forward and backward pass, and the Adam update all stay inside the
compiled code. Semantics match ``fit``:

- per-epoch reshuffle unless ``shuffle`` is off; the last batch may be smaller;
- loss = categorical cross-entropy averaged over the batch; Adam with Keras's defaults;
- stateless: every sample starts from zero state; stateful: row i of a batch starts from
  the state row i of the previous batch ended with, and state is reset at each epoch end;
- the logged epoch loss/accuracy are averaged over the epoch's batches as they were
  trained, exactly as fit logs them.

**Several models at once.** The compiled step (``step.py``) trains S independent models of
one shape side by side, each with its own Adam moments, learning rate, data and sample order;
a model in a stack costs ~70% of a lone one (``benchmarks/stacked_step.py``).
:func:`train_many` stacks the configs of one shape and runs the stacks on both cores
(``schedule.py`` says which and in what order); a model trained in a stack ends with the
weights it would have had trained alone (the tests check 1e-5).

**Chunks bounded in time.** A call runs as many updates as fit in about
:data:`TARGET_CHUNK_SECONDS` (a slice of an epoch if epochs are long), so progress comes
about four times a second and a stop request is answered within a second whatever the
epoch length.

The step function is pure (weights in, weights out), so one compiled function per shape
serves every run and every user: retraining the same shape recompiles nothing and
creates no Keras objects (each new Keras model leaks ~10 MB, keras-team/keras#20552).

The package: ``step.py`` the compiled step (and ``cells_tf.py`` its cells), ``compiled.py``
the cache of compiled steps, ``schedule.py`` which runs share a stack and in what order,
and this module the loop: a stack trained chunk by chunk, :func:`train` and :func:`train_many`.

Example::

    >>> from lstm_core.presets import preset
    >>> run = train(preset("naive").replace(epochs=20),
    ...             on_progress=lambda p: print(p.epoch, round(p.loss, 2)))  # doctest: +SKIP
    >>> run.history[-1].epoch, run.stopped                                    # doctest: +SKIP
    (20, False)
    >>> runs = train_many([preset("naive").replace(seed=s) for s in (7, 8, 9)])  # doctest: +SKIP
    >>> [r.config.seed for r in runs]                                            # doctest: +SKIP
    [7, 8, 9]
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data.dataset import Dataset
from lstm_core.data.framings import make_dataset
from lstm_core.limits.slots import TrainingGate
from lstm_core.model.cells import Weights
from lstm_core.model.results import EpochLog, Progress, TrainResult
from lstm_core.model.variant import variant_of
from lstm_core.train import compiled
from lstm_core.train.schedule import bucket, plan
from lstm_core.train.step import step_shape

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402  (after the log level, which TF reads at import)

log = logging.getLogger(__name__)
TARGET_CHUNK_SECONDS = 0.25  # one compiled call: progress ~4 times a second, Stop well within 1 s


def epoch_order(config: LSTMConfig, rng: np.random.Generator) -> np.ndarray:
    """Sample order of the next epoch, padded to whole batches (the padding is never read).

    ``fit`` reshuffles every epoch unless ``shuffle=False``, when it keeps dataset order.
    Every epoch draws from ``rng`` in turn, so chunking never changes the orders.

    >>> from lstm_core.presets import preset
    >>> epoch_order(preset("stateful"), np.random.default_rng(0))[:5]
    array([0, 1, 2, 3, 4], dtype=int32)
    """
    n = config.num_examples
    order = np.zeros(math.ceil(n / config.batch_size) * config.batch_size, np.int32)
    order[:n] = rng.permutation(n) if config.shuffle else np.arange(n)
    return order


# ---------------------------------------------------------------------------------------
# A stack: up to S models of one shape trained together, one chunk at a time.
# ---------------------------------------------------------------------------------------
class _Stack:
    def __init__(self, items: list[tuple[int, LSTMConfig, Dataset | None, Weights | None]], S: int):
        self.start = time.perf_counter()
        self.index = [i for i, *_ in items]  # position of each real model in the caller's list
        self.configs = [cfg for _, cfg, _, _ in items]
        real = len(items)
        self.shape = step_shape(self.configs[0], S)
        self.entry = compiled.entry(self.shape)
        data = [d if d is not None else make_dataset(cfg) for _, cfg, d, _ in items]
        weights = [w if w is not None else variant_of(cfg).init_weights() for _, cfg, _, w in items]
        # Idle models fill the stack up to its bucket: copies of the first, never updated.
        padded = list(range(real)) + [0] * (S - real)
        self.params = [tf.constant(np.stack([weights[p][j] for p in padded]), tf.float32)
                       for j in range(len(weights[0]))]
        self.ms = [tf.zeros_like(p) for p in self.params]
        self.vs = [tf.zeros_like(p) for p in self.params]
        self.iters = tf.zeros((S,), tf.float32)
        b, u = self.shape.b, self.shape.u
        self.h = tf.zeros((S, b, u * self.shape.layers), tf.float32)  # every layer's state
        self.c = tf.zeros((S, b, u * self.shape.layers), tf.float32)
        self.loss_sum = tf.zeros((S,), tf.float32)
        self.hit_sum = tf.zeros((S,), tf.float32)
        self.X = tf.constant(np.stack([data[p].X for p in padded]))
        self.Y = tf.constant(np.stack([data[p].y for p in padded]))
        self.M = tf.constant(np.stack([data[p].mask.astype(np.float32) for p in padded]))
        self.lr = tf.constant([float(self.configs[p].learning_rate) for p in padded], tf.float32)
        nb = self.shape.nb
        self.total = np.array([cfg.epochs * nb for cfg in self.configs] + [0] * (S - real))
        # Sample order uses its own stream so weights and order stay independent of each other.
        self.rngs = [np.random.default_rng([cfg.seed, 1]) for cfg in self.configs]
        self.drawn = [(-1, None)] * real  # (epoch, order) last drawn per model
        self.results = [TrainResult(cfg, d, w) for cfg, d, w in zip(self.configs, data, weights)]
        self.pos = 0  # updates done (the same for every active model: they run in lockstep)
        self.within = 0.0  # share of the epoch in progress done, when a call ended inside one
        self.running: tuple[np.ndarray, np.ndarray] | None = None  # its loss and accuracy so far
        rate = self.entry.seconds_per_update
        self.chunk = 1 if rate is None else max(1, int(TARGET_CHUNK_SECONDS / rate))

    @property
    def finished(self) -> bool:
        return self.pos >= int(self.total.max())

    def _order(self, s: int, epoch: int) -> np.ndarray:
        last, order = self.drawn[s]
        if epoch != last:  # epochs are asked for in sequence: draw the next one
            order = epoch_order(self.configs[s], self.rngs[s])
            self.drawn[s] = (epoch, order)
        return order

    def run_chunk(self) -> list[int]:
        """Run one time-bounded chunk; returns the models (by stack position) with new epochs."""
        nb, E, S = self.shape.nb, self.shape.epochs_per_call, self.shape.S
        k0, e0 = self.pos % nb, self.pos // nb
        count = min(self.chunk, int(self.total.max()) - self.pos, E * nb - k0)
        if not any(r.history for r in self.results):
            count = min(count, nb - k0)  # the first report comes right after epoch 1
        elif k0 + count >= nb:
            count -= (k0 + count) % nb  # past an epoch end: stop at one, so weights match history
        spans = math.ceil((k0 + count) / nb)  # epochs this call touches
        order = np.zeros((S, E, nb * self.shape.b), np.int32)
        for s, cfg in enumerate(self.configs):
            for j in range(min(spans, cfg.epochs - e0)):
                order[s, j] = self._order(s, e0 + j)
        left = np.clip(self.total - self.pos, -1, 2**30).astype(np.int32)
        t0 = time.perf_counter()
        out = self.entry.fn(
            self.params, self.ms, self.vs, self.iters, self.h, self.c, self.loss_sum, self.hit_sum,
            self.X, self.Y, self.M, tf.constant(order), tf.constant(k0), tf.constant(count),
            tf.constant(left), self.lr,
        )
        (self.params, self.ms, self.vs, self.iters, self.h, self.c,
         self.loss_sum, self.hit_sum, losses, accs) = out
        losses, accs = losses.numpy(), accs.numpy()  # (E, S); waits for the call to finish
        seconds = time.perf_counter() - t0
        compiled_now = not self.entry.ran
        self.entry.ran = True
        if not compiled_now:  # a compiling call says nothing about the speed
            rate = seconds / count
            self.entry.seconds_per_update = rate
            self.chunk = max(1, min(int(TARGET_CHUNK_SECONDS / rate), count * 64))
        else:
            self.chunk = 16  # probe, then size by the measured speed
        self.pos += count
        elapsed = time.perf_counter() - self.start
        epochs_after = self.pos // nb
        self._partial()
        reported = []
        for s, (cfg, result) in enumerate(zip(self.configs, self.results)):
            done = result.epochs_done
            new = min(epochs_after, cfg.epochs) - done
            if new <= 0:
                continue
            per_epoch = seconds / max(1, count / nb)
            for j in range(new):
                row = done + j - e0  # row of this epoch in the call's output
                result.history.append(
                    EpochLog(done + j + 1, float(losses[row, s]), float(accs[row, s]),
                             elapsed - per_epoch * (new - j - 1))
                )
            reported.append(s)
        if self.within:  # mid-epoch: every model still training reports how far it got
            reported += [s for s, cfg in enumerate(self.configs)
                         if s not in reported and self.pos < cfg.epochs * nb]
        return reported

    def _partial(self) -> None:
        """After a call that ended inside an epoch: how far, and that epoch's running means.

        Only when epochs are measured to be longer than a call (calls are then slices of
        one epoch); at an epoch end, or before the speed is known, ``within`` is 0 and
        nothing is read back.
        """
        nb, b, n = self.shape.nb, self.shape.b, self.shape.n
        k, rate = self.pos % nb, self.entry.seconds_per_update
        self.within = k / nb if k and rate is not None and rate * nb > TARGET_CHUNK_SECONDS else 0.0
        if self.within:
            rows = min(k * b, n)  # rows trained so far this epoch (the last batch may be short)
            self.running = (self.loss_sum.numpy() / rows, self.hit_sum.numpy() / rows)

    def progress(self, s: int) -> Progress:
        result, cfg = self.results[s], self.configs[s]
        elapsed = time.perf_counter() - self.start
        if self.within and self.pos < cfg.epochs * self.shape.nb and (
            not result.history or result.history[-1].epoch == self.pos // self.shape.nb
        ):
            loss, acc = self.running
            return Progress(result.epochs_done, cfg.epochs, float(loss[s]), float(acc[s]), elapsed,
                            result.history, within=self.within)
        last = result.history[-1]
        return Progress(last.epoch, cfg.epochs, last.loss, last.accuracy, elapsed, result.history)

    def finish(self, stopped: bool) -> list[TrainResult]:
        arrays = [p.numpy() for p in self.params]
        seconds = (time.perf_counter() - self.start) / len(self.results)
        for s, result in enumerate(self.results):
            result.weights = Weights(*(a[s] for a in arrays))
            result.stopped = stopped and result.epochs_done < result.config.epochs
            result.seconds = seconds  # a stack's wall time, shared by its models
        return self.results


def _run(stack: _Stack, report: Callable[[int, Progress], None], stop: Callable[[], bool]) -> None:
    stopped = False
    while not stack.finished:
        if stop():
            stopped = True
            break
        for s in stack.run_chunk():
            report(stack.index[s], stack.progress(s))
    stack.finish(stopped)


def train(
    config: LSTMConfig,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    dataset: Dataset | None = None,
    initial_weights: Weights | None = None,
) -> TrainResult:
    """Train a fresh model for ``config.epochs`` epochs and return it with its history.

    ``on_progress`` is called after every chunk that completes an epoch (about 4 times a
    second, and right after the very first epoch so a chart can start at once).
    ``should_stop`` is asked before every chunk (at least every ~0.25 s after the first
    call, which also compiles a new shape); when it returns True training ends and the
    partial result is returned with ``stopped=True`` (its history holds the finished
    epochs; if one epoch takes longer than a chunk, the weights include the updates of the
    epoch in progress). The same config and seed always give the same result.
    """
    stack = _Stack([(0, config, dataset, initial_weights)], 1)
    _run(
        stack,
        (lambda _, p: on_progress(p)) if on_progress is not None else (lambda *_: None),
        should_stop if should_stop is not None else (lambda: False),
    )
    result = stack.results[0]
    log.info(
        "trained %s: %d of %d epochs in %.2f s%s", config.framing, result.epochs_done, config.epochs,
        result.seconds, " (stopped)" if result.stopped else "",
    )
    return result




# ---------------------------------------------------------------------------------------
# Many configs: grouped by shape, stacked (schedule.py), and spread over the cores.
# ---------------------------------------------------------------------------------------
def train_many(
    configs: Sequence[LSTMConfig],
    on_progress: Callable[[int, Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    cores: int | None = None,
    gate: TrainingGate | None = None,
) -> list[TrainResult]:
    """Train every config (seeds, framings, experiment arms) and return the runs in order.

    Configs of one shape train side by side in one compiled call; independent stacks run
    in parallel on up to ``cores`` threads (default: the machine's cores, at most 2). Their
    compiled calls all run on TensorFlow's intra-op pool, ``LSTM_LAB_TF_THREADS`` threads
    (2 by default, so two stacks truly run at once; with 1 they take turns on one core), so
    plan with it in mind. With a ``gate``, the caller holds one of its slots and every
    extra core is taken only if a slot is free and nobody is queued, so a shared server
    stays fair.

    ``on_progress(i, progress)`` is called, on the calling thread, whenever run ``i`` (its
    position in ``configs``) finishes epochs. ``should_stop`` is polled at least every
    ~0.25 s; a stop returns every run as far as it got (``stopped=True``; runs not started
    have no history). Each run equals what :func:`train` gives for its config alone
    (within float rounding, ~1e-6). Its ``seconds`` is its share of its stack's wall time.
    """
    many = _Many(list(configs))
    report = on_progress if on_progress is not None else (lambda *_: None)
    stop_asked = should_stop if should_stop is not None else (lambda: False)
    want = max(1, min(2, os.cpu_count() or 1) if cores is None else int(cores))
    pending = plan(many.configs, want)
    if want == 1 or len(pending) == 1:
        many.in_turn(pending, report, stop_asked)
    else:
        many.on_threads(pending, want, gate, report, stop_asked)
    return many.results  # type: ignore[return-value]


class _Many:
    """The runs of one :func:`train_many` call, filled in stack by stack."""

    def __init__(self, configs: list[LSTMConfig]):
        self.configs = configs
        self.results: list[TrainResult | None] = [None] * len(configs)

    def train(self, members: list[int], report, stop) -> None:
        stack = _Stack([(i, self.configs[i], None, None) for i in members], bucket(len(members)))
        _run(stack, report, stop)
        for i, r in zip(stack.index, stack.results):
            self.results[i] = r

    def skip(self, members: list[int]) -> None:  # stopped before this stack started: nothing trained
        for i in members:
            cfg = self.configs[i]
            weights = variant_of(cfg).init_weights()
            self.results[i] = TrainResult(cfg, make_dataset(cfg), weights, stopped=True)

    def in_turn(self, pending: list[list[int]], report, stop_asked) -> None:
        """One stack after the other on the calling thread."""
        asked = [False]

        def stop_now() -> bool:
            asked[0] = asked[0] or stop_asked()
            return asked[0]

        for members in pending:
            if asked[0]:
                self.skip(members)
            else:
                self.train(members, report, stop_now)

    def on_threads(self, pending: list[list[int]], want: int, gate, report, stop_asked) -> None:
        """Stacks on ``want`` worker threads; callbacks run here, on the caller's thread
        (Streamlit draws only from its own)."""
        events: queue.Queue = queue.Queue()
        stop = threading.Event()
        lock = threading.Lock()
        errors: list[BaseException] = []

        def worker(first: bool) -> None:
            slot = contextlib.nullcontext(True) if first or gate is None else gate.try_slot()
            try:
                with slot as got:
                    while got:
                        with lock:
                            if not pending:
                                return
                            members = pending.pop(0)
                        if stop.is_set():
                            self.skip(members)
                            continue
                        self.train(members, lambda i, p: events.put((i, p)), stop.is_set)
            except BaseException as err:  # noqa: BLE001 - handed to the calling thread
                errors.append(err)
                stop.set()

        threads = [threading.Thread(target=worker, args=(k == 0,), daemon=True) for k in range(want)]
        for th in threads:
            th.start()
        try:
            while any(th.is_alive() for th in threads) or not events.empty():
                try:
                    i, p = events.get(timeout=0.05)
                except queue.Empty:
                    pass
                else:
                    report(i, p)
                if not stop.is_set() and stop_asked():
                    stop.set()
        except BaseException:
            stop.set()  # e.g. a callback raised: the workers end within a chunk, then it propagates
            raise
        finally:
            for th in threads:
                th.join()
        if errors:
            raise errors[0]
