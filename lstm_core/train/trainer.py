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

**Several models at once.** The compiled function trains S independent models of one
shape side by side: every weight has a leading model axis (``kernel`` is (S, f, 4u)), the
matmuls are batched, and each model has its own Adam moments, learning rate, data and
sample order. A model in a stack costs ~70% of a lone one (what is left is its own
arithmetic; ``benchmarks/stacked_step.py``): :func:`train_many` groups the configs it is
given by shape, stacks each group (S from :data:`BUCKETS`, padded with idle models so a
handful of compiled functions serve every group size), and runs the stacks on both cores
(truly at once because ``LSTM_LAB_TF_THREADS`` is 2: every XLA call runs on TensorFlow's one
intra-op pool). A model trained in a stack ends with the weights it would have had trained
alone (the tests check 1e-5).

**Chunks bounded in time.** A call runs as many updates as fit in about
:data:`TARGET_CHUNK_SECONDS` (a slice of an epoch if epochs are long), so progress comes
about four times a second and a stop request is answered within a second whatever the
epoch length.

The step function is pure (weights in, weights out), so one compiled function per shape
serves every run and every user: retraining the same shape recompiles nothing and
creates no Keras objects (each new Keras model leaks ~10 MB, keras-team/keras#20552).

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
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data.dataset import Dataset
from lstm_core.data.framings import make_dataset
from lstm_core.limits import settings
from lstm_core.limits.slots import TrainingGate
from lstm_core.model.cells import GATES, Weights, init_weights, weight_shapes
from lstm_core.model.nchar import init_one_shot, is_n_char
from lstm_core.model.results import EpochLog, Progress, TrainResult

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402  (after the log level, which TF reads at import)

from lstm_core.train import cells_tf  # noqa: E402  (imports TensorFlow)
from lstm_core.train.cells_tf import stacked_matmul  # noqa: E402

# XLA runs every compiled call on TensorFlow's intra-op pool, one pool per process: with one
# thread two trainings at once take turns on it, even from two Python threads. The default,
# LSTM_LAB_TF_THREADS=2, lets them run on two cores: under the hostile load test the largest
# accepted training took 80-87 s with 2 threads against 115-159 s with 1, and the weights are
# bit-identical either way (the small products are not split across threads).
try:
    tf.config.threading.set_intra_op_parallelism_threads(settings.read("LSTM_LAB_TF_THREADS"))
except RuntimeError:  # already initialised by someone else: keep their setting
    pass

log = logging.getLogger(__name__)
TARGET_CHUNK_SECONDS = 0.25  # one compiled call: progress ~4 times a second, Stop well within 1 s
CHUNK_SAMPLES = 16_384  # width of the sample-order tensor per model (epochs x padded samples)
BUCKETS = (1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32)  # models per compiled call; at most 1/3 idle
# (10 and 20: twenty seeds, the benchmark's case, split evenly over two cores with none idle)
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7  # keras.optimizers.Adam defaults
ENV_MAX_COMPILED = "LSTM_LAB_MAX_COMPILED"


# ---------------------------------------------------------------------------------------
# The compiled step: one per shape and stack size, shared by every run and every user.
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Shape:
    """What a compiled function is specialised for (everything else is an argument)."""

    n: int  # samples
    t: int  # time steps
    f: int  # features
    v: int  # vocabulary (classes)
    u: int  # units
    b: int  # batch size
    stateful: bool
    per_step: bool  # a target after every time step (y is (n, t, v))
    S: int  # models side by side
    cell: str = "lstm"  # lstm | gru | simple (cells_tf.py)
    layers: int = 1  # recurrent layers stacked; state is (S, b, layers*u)
    regression: bool = False  # the sine task: linear output and mean squared error (_head_loss)
    horizon: int = 0  # n-char-output's one-shot model: letters out (y is (n, horizon, v)); 0 otherwise

    @property
    def nb(self) -> int:  # batches (updates) per epoch
        return math.ceil(self.n / self.b)

    @property
    def epochs_per_call(self) -> int:
        """Epochs the order tensor holds: a call may span at most this many epochs."""
        return int(min(4096, max(2, CHUNK_SAMPLES // (self.nb * self.b))))


def _shape(config: LSTMConfig, S: int = 1) -> _Shape:
    return _Shape(
        config.num_examples, config.time_steps, config.features, config.outputs,
        config.units, config.batch_size, config.stateful, config.per_step, S,
        config.cell, config.layers, config.is_sine, config.horizon if is_n_char(config) else 0,
    )


def _init(config: LSTMConfig) -> Weights:
    """Fresh weights of the model ``config`` trains (n-char-output's has a decoder layer on top)."""
    return init_one_shot(config) if is_n_char(config) else init_weights(config)


def _decoder_logits(cell: str, decoder, dense, h_enc, horizon: int):
    """The one-shot model's decoder (nchar.py): one more layer of the same cell, reading the
    encoder's last h at each of ``horizon`` steps (RepeatVector) from a zero state; the Dense
    layer scores each step (TimeDistributed). Returns logits (S, b, horizon, v)."""
    S, b, u = h_enc.shape
    x = tf.repeat(h_enc[:, :, None], horizon, axis=2)  # (S, b, horizon, u)
    zeros = tf.zeros((S, b, u))
    hs, _, _ = cells_tf.recurrence(cell, [decoder], x, tf.ones((S, b, horizon)), zeros, zeros, u)
    h_seq = tf.reshape(tf.stack(hs, axis=2), (S, b * horizon, u))
    DK, DB = dense
    return tf.reshape(stacked_matmul(h_seq, DK), (S, b, horizon, -1)) + DB[:, None, None]


def _build_chunk_fn(shape: _Shape) -> Callable:
    n, t, f, v, u, b, stateful, per_step, S = (
        shape.n, shape.t, shape.f, shape.v, shape.u, shape.b, shape.stateful, shape.per_step, shape.S
    )
    regression = shape.regression
    nb, E = shape.nb, shape.epochs_per_call
    n_pad = nb * b  # order tensor is padded so every batch has b rows
    cell, layers, horizon = shape.cell, shape.layers, shape.horizon
    # The one-shot n-char model has one more layer of the cell on top: its decoder.
    model_layers = layers + (1 if horizon else 0)
    w_spec = [tf.TensorSpec((S, *s), tf.float32) for s in weight_shapes(cell, model_layers, f, u, v)]
    state_u = layers * u  # h and c carry every layer's units side by side
    # Rows past n in the last batch are padding: weight 0, so the batch mean is over real rows.
    row_weight = tf.constant(
        np.r_[np.ones(n, np.float32), np.zeros(n_pad - n, np.float32)].reshape(nb, b)
    )

    def batch_loss(params, x, y, m, rw, h, c):
        # Per layer (S, f, gates*u) (S, u, gates*u) (S, gates*u), then (S, u, v) (S, v).
        DK, DB = params[-2], params[-1]
        layer_params = [params[3 * k : 3 * k + 3] for k in range(layers)]
        hs, h, c = cells_tf.recurrence(cell, layer_params, x, m, h, c, u)  # hs: top layer, per step
        top = hs[-1]
        if per_step or horizon:
            # A prediction after every step, y (S, b, t, v), or at each of the one-shot model's
            # output positions, y (S, b, horizon, v); Keras averages the loss over all of them,
            # which is the per-row mean over steps, then the batch mean below.
            if horizon:
                logits = _decoder_logits(cell, params[3 * layers : 3 * layers + 3], (DK, DB), top, horizon)
            else:
                h_seq = tf.reshape(tf.stack(hs, axis=2), (S, b * t, u))
                logits = tf.reshape(stacked_matmul(h_seq, DK), (S, b, t, v)) + DB[:, None, None]
            per_row = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits), 2)
            hit = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 3), tf.argmax(y, 3)), tf.float32), 2)
        else:
            out = stacked_matmul(top, DK) + DB[:, None]  # (S, b, v): the Dense layer before its activation
            per_row, hit = _head_loss(out, y, regression)  # (S, b) each
        total = tf.reduce_sum(rw)
        loss = tf.reduce_sum(per_row * rw, axis=1) / total  # (S,): each model's batch mean
        return loss, tf.reduce_sum(hit * rw, axis=1), total, h, c

    def per_model(x, rank):  # (S,) -> (S, 1, ...) to broadcast against a weight of that rank
        return tf.reshape(x, [S] + [1] * (rank - 1))

    @tf.function(
        jit_compile=True,
        reduce_retracing=False,
        input_signature=[
            w_spec,  # weights
            w_spec,  # Adam first moments
            w_spec,  # Adam second moments
            tf.TensorSpec((S,), tf.float32),  # Adam iterations so far, per model
            tf.TensorSpec((S, b, state_u), tf.float32),  # h carried from the previous call (mid-epoch)
            tf.TensorSpec((S, b, state_u), tf.float32),  # c
            tf.TensorSpec((S,), tf.float32),  # loss sum of the epoch in progress
            tf.TensorSpec((S,), tf.float32),  # hit sum of the epoch in progress
            tf.TensorSpec((S, n, t, f), tf.float32),
            tf.TensorSpec((S, n, t, v) if per_step else (S, n, horizon, v) if horizon else (S, n, v),
                          tf.float32),
            tf.TensorSpec((S, n, t), tf.float32),
            tf.TensorSpec((S, E, n_pad), tf.int32),  # sample order of the epochs this call spans
            tf.TensorSpec((), tf.int32),  # k0: batch of the first epoch to start at
            tf.TensorSpec((), tf.int32),  # updates to run in this call
            tf.TensorSpec((S,), tf.int32),  # updates each model still may run (<= 0: idle)
            tf.TensorSpec((S,), tf.float32),  # learning rate per model
        ],
    )
    def run_chunk(params, ms, vs, iters, h, c, loss_sum, hit_sum, X, Y, M, order, k0, count, left, lr):
        zeros_state = tf.zeros((S, b, state_u), tf.float32)
        zeros_s = tf.zeros((S,), tf.float32)
        order_by_batch = tf.reshape(order, (S, E, nb, b))  # static slice sizes for XLA

        def body(j, params, ms, vs, iters, h, c, loss_sum, hit_sum, losses, accs):
            pos = k0 + j
            e, k = pos // nb, pos % nb  # epoch (within this call) and batch
            fresh = tf.equal(k, 0)  # an epoch starts: state reset, epoch sums restart
            loss_sum = tf.where(fresh, zeros_s, loss_sum)
            hit_sum = tf.where(fresh, zeros_s, hit_sum)
            h0, c0 = (tf.where(fresh, zeros_state, h), tf.where(fresh, zeros_state, c)) if stateful else (
                zeros_state, zeros_state)
            # gather, not [:, e, k]: XLA would take a sliced index for a compile-time
            # constant and recompile the whole function for every k0.
            idx = tf.gather(tf.gather(order_by_batch, e, axis=1), k, axis=1)  # (S, b): own samples
            x, y, m = (tf.gather(a, idx, batch_dims=1) for a in (X, Y, M))
            with tf.GradientTape() as tape:
                tape.watch(params)
                loss, hits, rows, h1, c1 = batch_loss(params, x, y, m, tf.gather(row_weight, k), h0, c0)
                # The models share nothing, so the gradient of the sum is each one's own.
                total_loss = tf.reduce_sum(loss)
            grads = tape.gradient(total_loss, params)
            active = j < left  # (S,): idle models (padding, or done) keep their weights
            step = iters + 1.0
            alpha = lr * tf.sqrt(1.0 - BETA_2**step) / (1.0 - BETA_1**step)  # (S,)
            new_p, new_m, new_v = [], [], []
            for p, g, m1, v1 in zip(params, grads, ms, vs):
                rank = len(p.shape)
                on = per_model(active, rank)
                m2 = m1 + (g - m1) * (1.0 - BETA_1)
                v2 = v1 + (g * g - v1) * (1.0 - BETA_2)
                p2 = p - per_model(alpha, rank) * m2 / (tf.sqrt(v2) + EPSILON)
                new_p.append(tf.where(on, p2, p))  # a select, so active models are bit-exact
                new_m.append(tf.where(on, m2, m1))
                new_v.append(tf.where(on, v2, v1))
            # fit's epoch loss is the batch losses averaged with batch sizes as weights.
            loss_sum = loss_sum + loss * rows
            hit_sum = hit_sum + hits
            losses = tf.tensor_scatter_nd_update(losses, [[e]], [loss_sum / n])
            accs = tf.tensor_scatter_nd_update(accs, [[e]], [hit_sum / n])
            return (j + 1, new_p, new_m, new_v, tf.where(active, step, iters),
                    tf.stop_gradient(h1), tf.stop_gradient(c1), loss_sum, hit_sum, losses, accs)

        start = (tf.constant(0), list(params), list(ms), list(vs), iters, h, c, loss_sum, hit_sum,
                 tf.zeros((E, S), tf.float32), tf.zeros((E, S), tf.float32))
        _, params, ms, vs, iters, h, c, loss_sum, hit_sum, losses, accs = tf.while_loop(
            lambda j, *_: j < count, body, start
        )
        return params, ms, vs, iters, h, c, loss_sum, hit_sum, losses, accs

    return run_chunk


def _head_loss(out, y, regression: bool):
    """Each row's loss and hit for the output layer's pre-activations ``out`` (S, b, v).

    Letters: softmax + categorical cross-entropy, a hit when the likeliest letter is the
    target. Sine: a linear output and squared error (Keras's ``"mse"`` averages over the
    output units: here one); there is no "right" value, so hits stay 0 and the run logs
    accuracy 0 (the pages show MSE instead).
    """
    if regression:
        per_row = tf.reduce_mean(tf.square(out - y), axis=-1)
        return per_row, tf.zeros_like(per_row)
    per_row = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=out)
    return per_row, tf.cast(tf.equal(tf.argmax(out, -1), tf.argmax(y, -1)), tf.float32)


class CompileLimitError(ValueError):
    """A new model shape would exceed ``LSTM_LAB_MAX_COMPILED`` (the server's compile budget)."""


@dataclass
class _Compiled:
    fn: Callable
    ran: bool = False  # compiled by XLA (the first call compiles)
    seconds_per_update: float | None = None  # measured on the last call, for sizing chunks


_compiled: OrderedDict[_Shape, _Compiled] = OrderedDict()  # least recently used first
_compiled_lock = threading.Lock()
_compiles = 0  # programs built in this process's life


def max_compiled() -> int:
    """The compile budget, ``LSTM_LAB_MAX_COMPILED`` (0 = no limit; default 64; see settings).

    TensorFlow 2.21 never frees an XLA program (its compilation cache has no eviction:
    dropping our function frees ~2 of its ~12 MB), so the budget counts programs built in
    the life of the process, not programs currently held.
    """
    return settings.read(ENV_MAX_COMPILED)


def _entry(shape: _Shape) -> _Compiled:
    global _compiles
    with _compiled_lock:
        entry = _compiled.get(shape)
        if entry is None:
            limit = max_compiled()
            if limit and _compiles >= limit:
                raise CompileLimitError(
                    f"This server has compiled its limit of {limit} model shapes "
                    f"({ENV_MAX_COMPILED}), and compiled code is never freed: train with settings "
                    "used before (e.g. a tutorial preset) or ask the operator to restart it."
                )
            entry = _compiled[shape] = _Compiled(_build_chunk_fn(shape))
            _compiles += 1
            log.info("new training step for %s (%d compiled in this process)", shape, _compiles)
        _compiled.move_to_end(shape)
        return entry


def _chunk_fn(config: LSTMConfig, models: int = 1) -> Callable:
    """The compiled step for ``config``'s shape with ``models`` side by side."""
    return _entry(_shape(config, models)).fn


def compiled_shapes() -> int:
    """How many step functions are compiled in this process (one per shape and stack size)."""
    return len(_compiled)


def compiled_cache_info() -> dict:
    """The compiled-function cache, for a server's memory budget.

    ``held``: programs in the cache; ``compiled``: programs built in this process (TensorFlow
    keeps every one until the process ends, ~12 MB each on this machine); ``limit``: the
    budget (``LSTM_LAB_MAX_COMPILED``, 0 = none); ``left``: new shapes still allowed.

    >>> info = compiled_cache_info()
    >>> sorted(info)
    ['compiled', 'held', 'left', 'limit']
    """
    limit = max_compiled()
    with _compiled_lock:
        held, built = len(_compiled), _compiles
    return {"held": held, "compiled": built, "limit": limit,
            "left": max(0, limit - built) if limit else None}


def is_compiled(config: LSTMConfig, models: int = 1) -> bool:
    """True if ``config``'s training step (``models`` side by side) is compiled in this process:
    training it again costs no compile time and no compile memory (see ``memory.run_mb``)."""
    with _compiled_lock:
        entry = _compiled.get(_shape(config, models))
        return entry is not None and entry.ran


def prepare(config: LSTMConfig, models: int = 1) -> None:
    """Compile the training step for ``config``'s shape now, without training anything.

    The app calls this in the background while a learner reads the form, so the first
    Train of the shape on screen does not wait ~1.5 s for XLA. A shape already compiled
    costs nothing. Example: ``prepare(preset("stateful"))``.
    """
    shape = _shape(config, models)
    entry = _entry(shape)
    with _compiled_lock:
        if entry.ran:
            return
        entry.ran = True
    S, n, t, f, b, u = shape.S, shape.n, shape.t, shape.f, shape.b, shape.u
    weights = [tf.zeros((S, *w.shape), tf.float32) for w in _init(config)]
    zeros_state, zeros_s = tf.zeros((S, b, u * shape.layers)), tf.zeros((S,))
    y_shape = (S, n, t, shape.v) if shape.per_step else (S, n, shape.v)
    if shape.horizon:
        y_shape = (S, n, shape.horizon, shape.v)
    entry.fn(
        weights, weights, weights, zeros_s, zeros_state, zeros_state, zeros_s, zeros_s,
        tf.zeros((S, n, t, f)), tf.zeros(y_shape), tf.zeros((S, n, t)),
        tf.zeros((S, shape.epochs_per_call, shape.nb * b), tf.int32),
        tf.constant(0), tf.constant(0), tf.zeros((S,), tf.int32), zeros_s,
    )  # zero updates: XLA compiles the whole loop, the loop body never runs


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
        self.shape = _shape(self.configs[0], S)
        self.entry = _entry(self.shape)
        data = [d if d is not None else make_dataset(cfg) for _, cfg, d, _ in items]
        weights = [w if w is not None else _init(cfg) for _, cfg, _, w in items]
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
# Many configs: grouped by shape, stacked, and spread over the cores.
# ---------------------------------------------------------------------------------------
def _cost(config: LSTMConfig) -> float:
    """Rough arithmetic of a run (for balancing the cores, not for limits)."""
    u, f, v, b, t = config.units, config.features, config.outputs, config.batch_size, config.time_steps
    updates = config.epochs * math.ceil(config.num_examples / b)
    g, extra = GATES[config.cell], config.layers - 1  # upper layers read u features, not f
    first = b * t * g * u * (f + u) + g * u * (f + u + 1)
    upper = extra * (b * t * g * u * 2 * u + g * u * (2 * u + 1))
    return updates * (first + upper + u * v + 2_000)


def _bucket(size: int) -> int:
    return next(s for s in BUCKETS if s >= size)


STACKED_SHARE = 0.7  # a model's update in a large stack costs ~70% of a lone one's (CPU time,
# benchmarks/stacked_step.py); idle models padding a stack cost as much as real ones
COMPILE_COST = 4e9  # a new compiled function, in _cost's units (~2 s of training on this machine)


def _stack_cost(unit: float, size: int) -> float:
    """Estimated cost of ``size`` models of one shape (``unit`` each alone) in one stack."""
    S = _bucket(size)
    return unit * S * (STACKED_SHARE + (1.0 - STACKED_SHARE) / S)


def _partitions(m: int, k: int, most: int = 12) -> list[tuple[int, ...]]:
    """Ways to cut ``m`` models into ``k`` stacks: near-equal first, then cuts into bucket
    sizes that pad less (least padding, then most even, first; at most ``most``).

    >>> _partitions(14, 2)  # 7 + 7 pads both to 8; the others pad nothing
    [(7, 7), (8, 6), (10, 4), (12, 2)]
    """
    top = BUCKETS[-1]
    equal = tuple(m // k + (j < m % k) for j in range(k))
    if equal[0] > top:
        equal = ()

    def padding(parts: tuple[int, ...]) -> int:
        return sum(_bucket(p) for p in parts) - m

    found: list[tuple[int, ...]] = []

    def fill(left: int, parts: tuple[int, ...]) -> None:  # bucket-sized parts, then the rest
        if len(parts) == k - 1:
            if 1 <= left <= (parts[-1] if parts else top):
                found.append((*parts, left))
            return
        for size in BUCKETS:
            if size <= (parts[-1] if parts else top) and size < left:
                fill(left - size, (*parts, size))

    fill(m, ())
    limit = padding(equal) if equal else m
    better = sorted({p for p in found if p != equal and padding(p) < limit},
                    key=lambda p: (padding(p), max(p) - min(p)))
    return ([equal] if equal else []) + better[: most - 1]


def _makespan(stacks: list[tuple[float, _Shape]], workers: int, built) -> float:
    """Finish time of the costliest-first schedule (each stack to the first free worker).

    A stack whose function is not compiled yet compiles it first; one that needs a function
    another worker is compiling waits for it (TensorFlow compiles a function once).
    """
    loads, ready = [0.0] * workers, {}
    for cost, key in sorted(stacks, key=lambda st: -st[0]):
        j = loads.index(min(loads))
        start = loads[j]
        if key not in built:
            if key not in ready:
                ready[key] = start + COMPILE_COST
            start = max(start, ready[key])
        loads[j] = start + cost
    return max(loads)


def plan(configs: Sequence[LSTMConfig], workers: int = 1, built=None) -> list[list[int]]:
    """Which configs train together: lists of positions in ``configs``, costliest first.

    Configs of one shape share a stack (at most ``BUCKETS[-1]``). A group may be cut into
    several stacks so both cores work on it; the cut is chosen to finish soonest, counting
    idle models that pad a stack to its bucket and the compiling of functions not yet built
    (a cheap group stays whole: a second compiled function would cost more than it saves).
    ``built``: the compiled shapes to count as free (default: this process's; here none)::

    >>> from lstm_core.presets import preset
    >>> plan([preset("naive").replace(seed=s) for s in range(5)] + [preset("stateful")], 2, built=())
    [[0, 1, 2, 3, 4], [5]]
    >>> costly = [preset("variable-length").replace(seed=s) for s in range(14)]
    >>> [len(stack) for stack in plan(costly + [preset("stateful")], 2, built=())]  # 7 + 7 pads to 8 + 8
    [8, 6, 1]
    """
    groups: dict[_Shape, list[int]] = {}
    for i, cfg in enumerate(configs):
        groups.setdefault(_shape(cfg), []).append(i)
    keys = list(groups)
    units = {key: max(_cost(configs[i]) for i in groups[key]) for key in keys}
    options = {}
    for key in keys:
        m = len(groups[key])
        low = math.ceil(m / BUCKETS[-1])
        options[key] = [p for k in range(low, min(m, low + workers) + 1) for p in _partitions(m, k)]

    def stacks_of(choice: dict) -> list[tuple[float, _Shape]]:
        return [(_stack_cost(units[key], size), replace_s(key, size)) for key in keys for size in choice[key]]

    def replace_s(key: _Shape, size: int) -> _Shape:
        return _Shape(**{**key.__dict__, "S": _bucket(size)})

    # Coordinate descent: each group's cut in turn, the others fixed (a few passes suffice).
    choice = {key: options[key][0] for key in keys}
    built = _compiled if built is None else built
    best = _makespan(stacks_of(choice), workers, built)
    for _ in range(3):
        improved = False
        for key in keys:
            for option in options[key]:
                trial = {**choice, key: option}
                span = _makespan(stacks_of(trial), workers, built)
                if span < best * 0.99:  # a clear gain only: every extra stack has its own overhead
                    choice, best, improved = trial, span, True
        if not improved:
            break
    out = []
    for key in keys:
        members, at = groups[key], 0
        for size in choice[key]:
            out.append(members[at : at + size])
            at += size
    return sorted(out, key=lambda st: -_stack_cost(units[_shape(configs[st[0]])], len(st)))


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
    (1 by default: two stacks then take turns on one core; ``reproduce`` uses 2), so plan
    with it in mind. With a ``gate``, the caller holds one of its slots and every
    extra core is taken only if a slot is free and nobody is queued, so a shared server
    stays fair.

    ``on_progress(i, progress)`` is called, on the calling thread, whenever run ``i`` (its
    position in ``configs``) finishes epochs. ``should_stop`` is polled at least every
    ~0.25 s; a stop returns every run as far as it got (``stopped=True``; runs not started
    have no history). Each run equals what :func:`train` gives for its config alone
    (within float rounding, ~1e-6). Its ``seconds`` is its share of its stack's wall time.
    """
    configs = list(configs)
    report = on_progress if on_progress is not None else (lambda *_: None)
    stop_asked = should_stop if should_stop is not None else (lambda: False)
    want = max(1, min(2, os.cpu_count() or 1) if cores is None else int(cores))
    pending = plan(configs, want)
    results: list[TrainResult | None] = [None] * len(configs)

    def make(members: list[int]) -> _Stack:
        return _Stack([(i, configs[i], None, None) for i in members], _bucket(len(members)))

    def keep(stack: _Stack) -> None:
        for i, r in zip(stack.index, stack.results):
            results[i] = r

    def skip(members: list[int]) -> None:  # stopped before this stack started: nothing trained
        for i in members:
            results[i] = TrainResult(configs[i], make_dataset(configs[i]), _init(configs[i]),
                                     stopped=True)

    if want == 1 or len(pending) == 1:
        asked = [False]

        def stop_now() -> bool:
            asked[0] = asked[0] or stop_asked()
            return asked[0]

        for members in pending:
            if asked[0]:
                skip(members)
                continue
            stack = make(members)
            _run(stack, report, stop_now)
            keep(stack)
        return results  # type: ignore[return-value]

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
                        skip(members)
                        continue
                    stack = make(members)
                    _run(stack, lambda i, p: events.put((i, p)), stop.is_set)
                    keep(stack)
        except BaseException as err:  # noqa: BLE001 - handed to the calling thread
            errors.append(err)
            stop.set()

    threads = [threading.Thread(target=worker, args=(k == 0,), daemon=True) for k in range(want)]
    for th in threads:
        th.start()
    try:
        # Callbacks run here, on the caller's thread (Streamlit draws only from its own).
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
    return results  # type: ignore[return-value]
