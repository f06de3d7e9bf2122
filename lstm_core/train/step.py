"""The compiled training step: a chunk of ``fit``'s updates for S models of one shape, in one XLA call.

The sample order of every epoch is drawn outside (numpy) and passed in; the loop over
batches, the forward and backward pass and the Adam update stay inside the compiled code.
Every weight has a leading model axis (``kernel`` is (S, f, gates*u)), so S independent
models train side by side, each with its own Adam moments, learning rate, data and order.

The function is pure (weights in, weights out) and specialised only for a
:class:`StepShape`, so one compiled function serves every run of that shape
(``compiled.py`` caches them). Example::

    >>> from lstm_core.presets import preset
    >>> shape = step_shape(preset("n-char-output"), models=4)
    >>> shape.S, shape.n, shape.t, shape.horizon, shape.y_shape
    (4, 21, 3, 3, (4, 21, 3, 26))
    >>> shape.nb, shape.epochs_per_call                          # batches per epoch, epochs per call
    (21, 780)
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.limits import settings
from lstm_core.model.cells import weight_shapes
from lstm_core.model.variant import variant_of

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

CHUNK_SAMPLES = 16_384  # width of the sample-order tensor per model (epochs x padded samples)
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7  # keras.optimizers.Adam defaults


@dataclass(frozen=True)
class StepShape:
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
    regression: bool = False  # a value out: linear output and mean squared error (head_loss)
    horizon: int = 0  # the one-shot model's decoder: letters out (y is (n, horizon, v)); 0 otherwise

    @property
    def nb(self) -> int:  # batches (updates) per epoch
        return math.ceil(self.n / self.b)

    @property
    def epochs_per_call(self) -> int:
        """Epochs the order tensor holds: a call may span at most this many epochs."""
        return int(min(4096, max(2, CHUNK_SAMPLES // (self.nb * self.b))))

    @property
    def y_shape(self) -> tuple[int, ...]:
        """The stacked targets: (S, n, v), per step (S, n, t, v), one shot (S, n, horizon, v)."""
        if self.horizon:
            return (self.S, self.n, self.horizon, self.v)
        return (self.S, self.n, self.t, self.v) if self.per_step else (self.S, self.n, self.v)

    def weight_shapes(self) -> list[tuple[int, ...]]:
        """One model's weights (the one-shot model's decoder is one more layer of the cell)."""
        return weight_shapes(self.cell, self.layers + (1 if self.horizon else 0), self.f, self.u, self.v)

    def with_models(self, S: int) -> StepShape:
        return StepShape(**{**self.__dict__, "S": S})


def step_shape(config: LSTMConfig, models: int = 1) -> StepShape:
    """The compiled step's shape for ``config`` with ``models`` side by side (from its variant)."""
    spec = variant_of(config)
    s = spec.shape
    return StepShape(
        s.samples, s.time_steps, s.features, s.outputs, s.units, s.batch, config.stateful, s.per_step,
        models, s.cell, s.layers, spec.regression, s.decoder_steps,
    )


def head_loss(out, y, regression: bool):
    """Each row's loss and hit for the output layer's pre-activations ``out`` (S, b, v).

    Letters: softmax + categorical cross-entropy, a hit when the likeliest letter is the
    target. A value (the sine task): a linear output and squared error (Keras's ``"mse"``
    averages over the output units: here one); there is no "right" value, so hits stay 0
    and the run logs accuracy 0 (the pages show MSE instead).
    """
    if regression:
        per_row = tf.reduce_mean(tf.square(out - y), axis=-1)
        return per_row, tf.zeros_like(per_row)
    per_row = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=out)
    return per_row, tf.cast(tf.equal(tf.argmax(out, -1), tf.argmax(y, -1)), tf.float32)


def decoder_logits(cell: str, decoder, dense, h_enc, horizon: int):
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


def batch_loss_fn(shape: StepShape) -> Callable:
    """``batch_loss(params, x, y, m, rw, h, c)`` -> (loss (S,), hits (S,), rows, h, c) for one batch.

    Weights per layer (S, f, gates*u) (S, u, gates*u) (S, gates*u), then (S, u, v) (S, v).
    """
    S, t, u, v, b, layers = shape.S, shape.t, shape.u, shape.v, shape.b, shape.layers
    cell, horizon, per_step = shape.cell, shape.horizon, shape.per_step

    def batch_loss(params, x, y, m, rw, h, c):
        DK, DB = params[-2], params[-1]
        layer_params = [params[3 * k : 3 * k + 3] for k in range(layers)]
        hs, h, c = cells_tf.recurrence(cell, layer_params, x, m, h, c, u)  # hs: top layer, per step
        top = hs[-1]
        if per_step or horizon:
            # A prediction after every step, y (S, b, t, v), or at each of the one-shot model's
            # output positions, y (S, b, horizon, v); Keras averages the loss over all of them,
            # which is the per-row mean over steps, then the batch mean below.
            if horizon:
                logits = decoder_logits(cell, params[3 * layers : 3 * layers + 3], (DK, DB), top, horizon)
            else:
                h_seq = tf.reshape(tf.stack(hs, axis=2), (S, b * t, u))
                logits = tf.reshape(stacked_matmul(h_seq, DK), (S, b, t, v)) + DB[:, None, None]
            per_row = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits), 2)
            hit = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 3), tf.argmax(y, 3)), tf.float32), 2)
        else:
            out = stacked_matmul(top, DK) + DB[:, None]  # (S, b, v): the Dense layer before its activation
            per_row, hit = head_loss(out, y, shape.regression)  # (S, b) each
        total = tf.reduce_sum(rw)
        loss = tf.reduce_sum(per_row * rw, axis=1) / total  # (S,): each model's batch mean
        return loss, tf.reduce_sum(hit * rw, axis=1), total, h, c

    return batch_loss


def adam_update(S: int, params, grads, ms, vs, iters, active, lr):
    """Keras's Adam, one step for every model whose ``active`` is true (the others keep theirs).

    Returns the new weights, first and second moments, and the step counts.
    """

    def per_model(x, rank):  # (S,) -> (S, 1, ...) to broadcast against a weight of that rank
        return tf.reshape(x, [S] + [1] * (rank - 1))

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
    return new_p, new_m, new_v, tf.where(active, step, iters)


def input_signature(shape: StepShape) -> list:
    """The compiled function's arguments, in order (see :func:`build_chunk_fn`)."""
    S, n, t, f, b = shape.S, shape.n, shape.t, shape.f, shape.b
    state_u = shape.layers * shape.u  # h and c carry every layer's units side by side
    w_spec = [tf.TensorSpec((S, *s), tf.float32) for s in shape.weight_shapes()]
    return [
        w_spec,  # weights
        w_spec,  # Adam first moments
        w_spec,  # Adam second moments
        tf.TensorSpec((S,), tf.float32),  # Adam iterations so far, per model
        tf.TensorSpec((S, b, state_u), tf.float32),  # h carried from the previous call (mid-epoch)
        tf.TensorSpec((S, b, state_u), tf.float32),  # c
        tf.TensorSpec((S,), tf.float32),  # loss sum of the epoch in progress
        tf.TensorSpec((S,), tf.float32),  # hit sum of the epoch in progress
        tf.TensorSpec((S, n, t, f), tf.float32),
        tf.TensorSpec(shape.y_shape, tf.float32),
        tf.TensorSpec((S, n, t), tf.float32),
        tf.TensorSpec((S, shape.epochs_per_call, shape.nb * b), tf.int32),  # sample order of the epochs
        tf.TensorSpec((), tf.int32),  # k0: batch of the first epoch to start at
        tf.TensorSpec((), tf.int32),  # updates to run in this call
        tf.TensorSpec((S,), tf.int32),  # updates each model still may run (<= 0: idle)
        tf.TensorSpec((S,), tf.float32),  # learning rate per model
    ]


def build_chunk_fn(shape: StepShape) -> Callable:
    """The compiled function: ``count`` updates from batch ``k0`` on, for S models at once."""
    n, b, S, nb, E = shape.n, shape.b, shape.S, shape.nb, shape.epochs_per_call
    stateful, state_u = shape.stateful, shape.layers * shape.u
    batch_loss = batch_loss_fn(shape)
    # Rows past n in the last batch are padding: weight 0, so the batch mean is over real rows.
    row_weight = tf.constant(
        np.r_[np.ones(n, np.float32), np.zeros(nb * b - n, np.float32)].reshape(nb, b)
    )

    @tf.function(jit_compile=True, reduce_retracing=False, input_signature=input_signature(shape))
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
            new_p, new_m, new_v, iters = adam_update(S, params, grads, ms, vs, iters, active, lr)
            # fit's epoch loss is the batch losses averaged with batch sizes as weights.
            loss_sum = loss_sum + loss * rows
            hit_sum = hit_sum + hits
            losses = tf.tensor_scatter_nd_update(losses, [[e]], [loss_sum / n])
            accs = tf.tensor_scatter_nd_update(accs, [[e]], [hit_sum / n])
            return (j + 1, new_p, new_m, new_v, iters,
                    tf.stop_gradient(h1), tf.stop_gradient(c1), loss_sum, hit_sum, losses, accs)

        start = (tf.constant(0), list(params), list(ms), list(vs), iters, h, c, loss_sum, hit_sum,
                 tf.zeros((E, S), tf.float32), tf.zeros((E, S), tf.float32))
        _, params, ms, vs, iters, h, c, loss_sum, hit_sum, losses, accs = tf.while_loop(
            lambda j, *_: j < count, body, start
        )
        return params, ms, vs, iters, h, c, loss_sum, hit_sum, losses, accs

    return run_chunk
