"""The recurrence inside the trainer's compiled step, for every cell and stacked layers.

The same arithmetic as ``model/cells.py`` (numpy), written in TensorFlow for S models side by side:
every weight has a leading model axis, so ``x`` is (S, b, f) and a kernel (S, f, gates*u).
The trainer unrolls the time steps (there are few), so XLA sees straight-line code.

State is carried as one tensor per kind, every layer's units side by side: h and c are
(S, b, layers*u). A GRU or SimpleRNN has no cell state; its c passes through untouched.
"""

from __future__ import annotations

import tensorflow as tf


def stacked_matmul(a: tf.Tensor, w: tf.Tensor) -> tf.Tensor:
    """S models' products at once: ``a`` (S, rows, k) times ``w`` (S, k, n) gives (S, rows, n).

    Every product of the training step goes through here, so the way it is written is
    chosen in one place. ``benchmarks/stacked_step.py`` timed the alternatives on XLA:CPU
    (forward, backward and Adam in a compiled loop, as here; S 1 to 32, 16 and 32 units,
    batch 1): ``tf.einsum`` lowers to the same batched dot and ties; broadcast-multiply-
    and-sum is 15-50% slower (its backward materialises (S, rows, k, n)); a block-diagonal
    single matmul does S times the arithmetic and is 10-30x slower at S >= 4; S separate
    2-D matmuls are ~10x slower. The batched dot wins at every shape measured, and one
    model's update in a stack of 8-32 costs 70-75% of a lone one's in CPU time: the
    arithmetic, not call overhead, is what is left (see docs/speed.md, "Many models at once").

    >>> a = tf.reshape(tf.range(6.0), (2, 1, 3))   # two models, one row each
    >>> w = tf.stack([tf.eye(3), 2 * tf.eye(3)])
    >>> stacked_matmul(a, w).numpy().tolist()
    [[[0.0, 1.0, 2.0]], [[6.0, 8.0, 10.0]]]
    """
    return tf.matmul(a, w)


def _lstm(x, h, c, K, R, B):
    z = stacked_matmul(x, K) + stacked_matmul(h, R) + B[:, None]  # (S, b, 4u)
    i, fg, g, o = tf.split(z, 4, axis=2)
    c_new = tf.sigmoid(fg) * c + tf.sigmoid(i) * tf.tanh(g)
    return tf.sigmoid(o) * tf.tanh(c_new), c_new


def _gru(x, h, c, K, R, B):
    # Keras 3's GRU, reset_after=True: B is (S, 2, 3u), input bias then recurrent bias.
    xz, xr, xh = tf.split(stacked_matmul(x, K) + B[:, 0:1], 3, axis=2)
    rz, rr, rh = tf.split(stacked_matmul(h, R) + B[:, 1:2], 3, axis=2)
    z = tf.sigmoid(xz + rz)
    r = tf.sigmoid(xr + rr)
    g = tf.tanh(xh + r * rh)
    return z * h + (1.0 - z) * g, c


def _simple(x, h, c, K, R, B):
    return tf.tanh(stacked_matmul(x, K) + stacked_matmul(h, R) + B[:, None]), c


STEPS = {"lstm": _lstm, "gru": _gru, "simple": _simple}


def recurrence(cell: str, layer_params, x, m, h, c, units: int):
    """Run the stacked layers over one batch.

    ``layer_params``: (kernel, recurrent kernel, bias) per layer, bottom first; ``x`` (S, b,
    t, f); ``m`` (S, b, t), 1.0 for a real step and 0.0 for masked padding (skipped in every
    layer, as Keras's Masking layer does); ``h``, ``c`` (S, b, layers*units). Returns the
    top layer's h after every step (a list of t tensors (S, b, u)) and the final h and c.
    """
    step_fn = STEPS[cell]
    t = x.shape[2]
    inputs = [x[:, :, s] for s in range(t)]
    h_out, c_out = [], []
    for layer, (K, R, B) in enumerate(layer_params):
        hl = h[:, :, layer * units : (layer + 1) * units]
        cl = c[:, :, layer * units : (layer + 1) * units]
        for s in range(t):
            h_new, c_new = step_fn(inputs[s], hl, cl, K, R, B)
            keep = m[:, :, s : s + 1]  # 1.0 real step, 0.0 masked padding
            cl = keep * c_new + (1.0 - keep) * cl
            hl = keep * h_new + (1.0 - keep) * hl
            inputs[s] = hl  # the layer above reads this step's h
        h_out.append(hl)
        c_out.append(cl)
    join = (lambda parts: parts[0]) if len(layer_params) == 1 else (lambda parts: tf.concat(parts, axis=2))
    return inputs, join(h_out), join(c_out)
