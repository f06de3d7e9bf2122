"""Train an LSTM the way ``model.fit`` would, but many epochs per compiled call.

``model.fit`` with batch size 1 makes one Python round trip per sample: tens of
milliseconds of bookkeeping per 25-sample epoch (the README's Speed section has the
figures measured side by side). Here a whole chunk of epochs runs inside one XLA-compiled
TensorFlow function: the sample order of every epoch is drawn outside (numpy) and passed
in, and the loop over batches, the forward and backward pass, and the Adam update all
stay inside the compiled code. Semantics match ``fit``:

- per-epoch reshuffle unless ``shuffle`` is off; the last batch may be smaller;
- loss = categorical cross-entropy averaged over the batch; Adam with Keras's defaults;
- stateless: every sample starts from zero state; stateful: row i of a batch starts from
  the state row i of the previous batch ended with, and state is reset at each epoch end;
- the logged epoch loss/accuracy are averaged over the epoch's batches as they were
  trained, exactly as fit logs them.

The step function is pure (weights in, weights out), so one compiled function per shape
serves every run and every user: retraining the same shape recompiles nothing and
creates no Keras objects (each new Keras model leaks ~10 MB, keras-team/keras#20552).

Example::

    >>> from lstm_core.config import preset
    >>> run = train(preset("naive").replace(epochs=20),
    ...             on_progress=lambda p: print(p.epoch, round(p.loss, 2)))  # doctest: +SKIP
    >>> run.history[-1].epoch, run.stopped                                    # doctest: +SKIP
    (20, False)
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable

import numpy as np

from .cell import Weights, init_weights
from .config import LSTMConfig
from .framings import Dataset, make_dataset
from .results import EpochLog, Progress, TrainResult

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402  (after the log level, which TF reads at import)

# Tiny matrices: one thread per training is fastest, and leaves the other core to another user.
try:
    tf.config.threading.set_intra_op_parallelism_threads(1)
except RuntimeError:  # already initialised by someone else: keep their setting
    pass

log = logging.getLogger(__name__)
CHUNK_EPOCHS_MAX = 256  # epochs one compiled call can run (the width of the order tensor)
TARGET_CHUNK_SECONDS = 0.25  # report progress about 4 times a second
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7  # keras.optimizers.Adam defaults


# ---------------------------------------------------------------------------------------
# The compiled step: one per shape, shared by every run (it holds no weights of its own).
# ---------------------------------------------------------------------------------------
_compiled: dict[tuple, Callable] = {}
_compiled_lock = threading.Lock()
_prepared: set = set()  # step functions already compiled by prepare()


def _build_chunk_fn(
    n: int, t: int, f: int, v: int, u: int, b: int, stateful: bool, per_step: bool = False
) -> Callable:
    nb = math.ceil(n / b)  # batches per epoch
    n_pad = nb * b  # order tensor is padded so every batch has b rows
    weight_shapes = [(f, 4 * u), (u, 4 * u), (4 * u,), (u, v), (v,)]
    w_spec = [tf.TensorSpec(s, tf.float32) for s in weight_shapes]
    # Rows past n in the last batch are padding: weight 0, so the batch mean is over real rows.
    row_weight = tf.constant(
        np.r_[np.ones(n, np.float32), np.zeros(n_pad - n, np.float32)].reshape(nb, b)
    )

    def batch_loss(params, x, y, m, rw, h, c):
        K, R, B, DK, DB = params
        hs = []
        for step in range(t):  # t is small: unrolled, so XLA sees straight-line code
            z = tf.matmul(x[:, step], K) + tf.matmul(h, R) + B  # (b, 4u)
            i, fg, g, o = tf.split(z, 4, axis=1)
            c_new = tf.sigmoid(fg) * c + tf.sigmoid(i) * tf.tanh(g)
            h_new = tf.sigmoid(o) * tf.tanh(c_new)
            keep = m[:, step : step + 1]  # 1.0 real step, 0.0 masked padding
            c = keep * c_new + (1.0 - keep) * c
            h = keep * h_new + (1.0 - keep) * h
            hs.append(h)
        if per_step:
            # A prediction after every step, y (b, t, v); Keras averages the loss over all
            # b x t steps, which is the per-row mean over steps, then the batch mean below.
            logits = tf.matmul(tf.stack(hs, axis=1), DK) + DB  # (b, t, v)
            per_row = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits), 1)
            hit = tf.reduce_mean(
                tf.cast(tf.equal(tf.argmax(logits, 2), tf.argmax(y, 2)), tf.float32), 1
            )
        else:
            logits = tf.matmul(h, DK) + DB  # (b, v)
            per_row = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits)
            hit = tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)), tf.float32)
        total = tf.reduce_sum(rw)
        loss = tf.reduce_sum(per_row * rw) / total
        return loss, tf.reduce_sum(hit * rw), total, h, c

    @tf.function(
        jit_compile=True,
        reduce_retracing=False,
        input_signature=[
            w_spec,
            w_spec,
            w_spec,
            tf.TensorSpec((), tf.float32),  # Adam iterations so far
            tf.TensorSpec((n, t, f), tf.float32),
            tf.TensorSpec((n, t, v) if per_step else (n, v), tf.float32),
            tf.TensorSpec((n, t), tf.float32),
            tf.TensorSpec((CHUNK_EPOCHS_MAX, n_pad), tf.int32),  # sample order per epoch
            tf.TensorSpec((), tf.int32),  # epochs to run in this call
            tf.TensorSpec((), tf.float32),  # learning rate
        ],
    )
    def run_chunk(params, ms, vs, iters, X, Y, M, order, n_epochs, lr):
        zeros_state = tf.zeros((b, u), tf.float32)
        order_by_batch = tf.reshape(order, (CHUNK_EPOCHS_MAX, nb, b))  # static slice sizes for XLA

        def epoch_body(e, params, ms, vs, iters, losses, accs):
            def batch_body(k, params, ms, vs, iters, h, c, loss_sum, hit_sum):
                idx = order_by_batch[e, k]  # (b,)
                x, y, m = tf.gather(X, idx), tf.gather(Y, idx), tf.gather(M, idx)
                rw = row_weight[k]
                h0, c0 = (h, c) if stateful else (zeros_state, zeros_state)
                with tf.GradientTape() as tape:
                    tape.watch(params)
                    loss, hits, count, h1, c1 = batch_loss(params, x, y, m, rw, h0, c0)
                grads = tape.gradient(loss, params)
                step = iters + 1.0
                alpha = lr * tf.sqrt(1.0 - BETA_2**step) / (1.0 - BETA_1**step)
                new_p, new_m, new_v = [], [], []
                for p, g, m1, v1 in zip(params, grads, ms, vs):
                    m1 = m1 + (g - m1) * (1.0 - BETA_1)
                    v1 = v1 + (g * g - v1) * (1.0 - BETA_2)
                    new_p.append(p - alpha * m1 / (tf.sqrt(v1) + EPSILON))
                    new_m.append(m1)
                    new_v.append(v1)
                # fit's epoch loss is the batch losses averaged with batch sizes as weights.
                return (k + 1, new_p, new_m, new_v, step, tf.stop_gradient(h1),
                        tf.stop_gradient(c1), loss_sum + loss * count, hit_sum + hits)

            _, params, ms, vs, iters, _, _, loss_sum, hit_sum = tf.while_loop(
                lambda k, *_: k < nb,
                batch_body,
                (tf.constant(0), params, ms, vs, iters, zeros_state, zeros_state, 0.0, 0.0),
            )
            losses = losses.write(e, loss_sum / n)
            accs = accs.write(e, hit_sum / n)
            return e + 1, params, ms, vs, iters, losses, accs

        losses = tf.TensorArray(tf.float32, size=CHUNK_EPOCHS_MAX)
        accs = tf.TensorArray(tf.float32, size=CHUNK_EPOCHS_MAX)
        _, params, ms, vs, iters, losses, accs = tf.while_loop(
            lambda e, *_: e < n_epochs,
            epoch_body,
            (tf.constant(0), list(params), list(ms), list(vs), iters, losses, accs),
        )
        return params, ms, vs, iters, losses.stack(), accs.stack()

    return run_chunk


def _chunk_fn(config: LSTMConfig) -> Callable:
    key = (
        config.num_examples,
        config.time_steps,
        config.features,
        len(config.vocab),
        config.units,
        config.batch_size,
        config.stateful,
        config.per_step,
    )
    with _compiled_lock:
        if key not in _compiled:
            _compiled[key] = _build_chunk_fn(*key)
            log.info("new training step for shape %s (%d shapes in this process)", key, len(_compiled))
        return _compiled[key]


def prepare(config: LSTMConfig) -> None:
    """Compile the training step for ``config``'s shape now, without training anything.

    The app calls this in the background while a learner reads the form, so the first
    Train of the shape on screen does not wait ~1.5 s for XLA. A shape already compiled
    costs nothing. Example: ``prepare(preset("stateful"))``.
    """
    fn = _chunk_fn(config)
    with _compiled_lock:
        if fn in _prepared:
            return
        _prepared.add(fn)
    n, t, f, v = config.num_examples, config.time_steps, config.features, len(config.vocab)
    weights = [tf.zeros(w.shape, tf.float32) for w in init_weights(config)]
    fn(
        weights, weights, weights, tf.constant(0.0),
        tf.zeros((n, t, f)), tf.zeros((n, t, v) if config.per_step else (n, v)), tf.zeros((n, t)),
        tf.constant(epoch_orders(config, np.random.default_rng(0), 0)),
        tf.constant(0, tf.int32), tf.constant(0.001),
    )  # zero epochs: XLA compiles the whole loop, the loop body never runs


def compiled_shapes() -> int:
    """How many step functions are compiled in this process (one per distinct shape)."""
    return len(_compiled)


def epoch_orders(config: LSTMConfig, rng: np.random.Generator, count: int) -> np.ndarray:
    """Sample order for the next ``count`` epochs, padded to the compiled width.

    ``fit`` reshuffles every epoch unless ``shuffle=False``, when it keeps dataset order.
    """
    n = config.num_examples
    n_pad = math.ceil(n / config.batch_size) * config.batch_size
    order = np.zeros((CHUNK_EPOCHS_MAX, n_pad), np.int32)
    for e in range(count):
        order[e, :n] = rng.permutation(n) if config.shuffle else np.arange(n)
    return order


def train(
    config: LSTMConfig,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    dataset: Dataset | None = None,
    initial_weights: Weights | None = None,
) -> TrainResult:
    """Train a fresh model for ``config.epochs`` epochs and return it with its history.

    ``on_progress`` is called after every chunk of epochs (about 4 times a second, and
    after the very first epoch so a chart can start at once). ``should_stop`` is asked
    before every chunk; when it returns True training ends and the partial result is
    returned with ``stopped=True``. The same config and seed always give the same result.
    """
    start = time.perf_counter()
    data = dataset if dataset is not None else make_dataset(config)
    weights = initial_weights if initial_weights is not None else init_weights(config)
    fn = _chunk_fn(config)
    params = [tf.constant(w, tf.float32) for w in weights]
    ms = [tf.zeros_like(p) for p in params]
    vs = [tf.zeros_like(p) for p in params]
    iters = tf.constant(0.0)
    X, Y = tf.constant(data.X), tf.constant(data.y)
    M = tf.constant(data.mask.astype(np.float32))
    lr = tf.constant(float(config.learning_rate), tf.float32)
    # Sample order uses its own stream so weights and order stay independent of each other.
    rng = np.random.default_rng([config.seed, 1])

    result = TrainResult(config, data, weights)
    done, chunk = 0, 1  # first chunk: one epoch, so the first chart point comes quickly
    while done < config.epochs:
        if should_stop is not None and should_stop():
            result.stopped = True
            break
        count = min(chunk, config.epochs - done, CHUNK_EPOCHS_MAX)
        t0 = time.perf_counter()
        params, ms, vs, iters, losses, accs = fn(
            params, ms, vs, iters, X, Y, M, tf.constant(epoch_orders(config, rng, count)),
            tf.constant(count, tf.int32), lr,
        )
        losses, accs = losses.numpy()[:count], accs.numpy()[:count]
        per_epoch = (time.perf_counter() - t0) / count
        elapsed = time.perf_counter() - start
        for j in range(count):
            done_j = done + j + 1
            result.history.append(
                EpochLog(done_j, float(losses[j]), float(accs[j]),
                         elapsed - per_epoch * (count - j - 1))
            )
        done += count
        result.weights = Weights(*(p.numpy() for p in params))
        if done > count or chunk > 1:  # the first chunk's time includes compiling
            chunk = max(1, int(TARGET_CHUNK_SECONDS / max(per_epoch, 1e-6)))
        else:
            chunk = 8
        if on_progress is not None:
            last = result.history[-1]
            on_progress(Progress(done, config.epochs, last.loss, last.accuracy, elapsed,
                                 result.history))
    result.seconds = time.perf_counter() - start
    log.info(
        "trained %s: %d of %d epochs in %.2f s%s", config.framing, result.epochs_done, config.epochs,
        result.seconds, " (stopped)" if result.stopped else "",
    )
    return result
