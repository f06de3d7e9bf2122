"""The LSTM in a few lines of numpy: weights, their initial values, and the forward pass.

This is the same arithmetic as ``keras.layers.LSTM`` followed by a softmax ``Dense`` layer
(tests load trained weights into Keras and check both agree within 1e-5). The app uses it
for every prediction, generation and state trace, because one numpy step takes
microseconds where ``model.predict`` takes ~100 ms.

One time step, for input x, previous hidden state h and cell state c::

    z = x @ kernel + h @ recurrent_kernel + bias      # (b, 4u): four gates side by side
    i, f, g, o = split(z, 4)                           # Keras's order: input, forget, cell, output
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)          # forget some memory, write some new
    h = sigmoid(o) * tanh(c)                           # what the cell shows the next layer

Example::

    >>> from lstm_core.config import preset
    >>> w = init_weights(preset("naive"))
    >>> w.kernel.shape, w.recurrent_kernel.shape, w.dense_kernel.shape
    ((1, 128), (32, 128), (32, 26))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .config import LSTMConfig


class Weights(NamedTuple):
    """The five arrays of the model, in the order ``keras.Model.get_weights()`` lists them."""

    kernel: np.ndarray  # (f, 4u): input -> gates
    recurrent_kernel: np.ndarray  # (u, 4u): previous h -> gates
    bias: np.ndarray  # (4u,)
    dense_kernel: np.ndarray  # (u, v): h -> letter scores
    dense_bias: np.ndarray  # (v,)


def init_weights(config: LSTMConfig, seed: int | None = None) -> Weights:
    """Fresh weights drawn like Keras's defaults (glorot uniform, orthogonal, forget bias 1)."""
    rng = np.random.default_rng(config.seed if seed is None else seed)
    f, u, v = config.features, config.units, config.outputs

    def glorot(fan_in: int, fan_out: int) -> np.ndarray:
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)

    # Orthogonal, as keras.initializers.Orthogonal draws it for a (u, 4u) matrix.
    a = rng.normal(size=(4 * u, u))
    q, r = np.linalg.qr(a)
    q = (q * np.sign(np.diag(r))).T.astype(np.float32)  # (u, 4u)
    bias = np.zeros(4 * u, np.float32)
    bias[u : 2 * u] = 1.0  # unit_forget_bias: start by remembering
    return Weights(glorot(f, 4 * u), q, bias, glorot(u, v), np.zeros(v, np.float32))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class Step(NamedTuple):
    """Everything one LSTM time step computes, for a batch of b rows and u units.

    The gates in Keras's order: input i, forget f, candidate g (Keras calls it "c"), output o.
    ``z`` holds their pre-activations side by side, ``z[:, :u]`` for i, ``z[:, u:2u]`` for f,
    and so on; i, f, o are ``sigmoid`` of theirs and g is ``tanh`` of its own.
    """

    z: np.ndarray  # (b, 4u): x @ kernel + h_prev @ recurrent_kernel + bias
    i: np.ndarray  # (b, u): input gate, 0..1: how much of the candidate to write
    f: np.ndarray  # (b, u): forget gate, 0..1: how much of c_prev to keep
    g: np.ndarray  # (b, u): candidate, -1..1: what to write
    o: np.ndarray  # (b, u): output gate, 0..1: how much of tanh(c) to show as h
    c: np.ndarray  # (b, u): new cell state, f * c_prev + i * g
    h: np.ndarray  # (b, u): new hidden state, o * tanh(c)


def step(
    x: np.ndarray,
    h: np.ndarray,
    c: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
) -> Step:
    """One time step: input x (b, f), previous h and c (b, u) -> gates and the new h, c.

    With all weights zero every gate sits at its midpoint and nothing is written::

        >>> u = 2
        >>> s = step(np.ones((1, 1)), np.zeros((1, u)), np.ones((1, u)),
        ...          np.zeros((1, 4 * u)), np.zeros((u, 4 * u)), np.zeros(4 * u))
        >>> s.i, s.f, s.g                     # sigmoid(0) = 0.5, tanh(0) = 0
        (array([[0.5, 0.5]]), array([[0.5, 0.5]]), array([[0., 0.]]))
        >>> s.c                               # half of c_prev kept, nothing new written
        array([[0.5, 0.5]])
    """
    z = x @ kernel + h @ recurrent_kernel + bias  # (b, 4u)
    zi, zf, zg, zo = np.split(z, 4, axis=1)
    i, f, g, o = _sigmoid(zi), _sigmoid(zf), np.tanh(zg), _sigmoid(zo)
    c_new = f * c + i * g  # forget some memory, write some new
    return Step(z, i, f, g, o, c_new, o * np.tanh(c_new))


def as_float64(w: Weights) -> Weights:
    """The weights in float64: traces and forward passes compute in double precision."""
    return Weights(*(np.asarray(a, np.float64) for a in w))


@dataclass
class Forward:
    """What one forward pass over a batch gives back."""

    probs: np.ndarray  # (b, v): next-letter probabilities after the last time step
    h_seq: np.ndarray  # (b, t, u): hidden state after every time step
    c_seq: np.ndarray  # (b, t, u): cell state after every time step
    h: np.ndarray  # (b, u): final hidden state (feed it back in to carry state)
    c: np.ndarray  # (b, u): final cell state


def forward(
    w: Weights,
    X: np.ndarray,
    mask: np.ndarray | None = None,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
) -> Forward:
    """Run the LSTM and the softmax layer over X of shape (b, t, f).

    Where ``mask`` is False a time step is skipped: h and c pass through unchanged, as in
    Keras with a Masking layer. ``h0``/``c0`` default to zeros (a fresh, "cold" state).
    """
    X = np.asarray(X, np.float64)
    b, t, _ = X.shape
    u = w.recurrent_kernel.shape[0]
    h = np.zeros((b, u)) if h0 is None else np.array(h0, np.float64)
    c = np.zeros((b, u)) if c0 is None else np.array(c0, np.float64)
    w = as_float64(w)
    h_seq, c_seq = np.zeros((b, t, u)), np.zeros((b, t, u))
    for t_ in range(t):
        s = step(X[:, t_], h, c, w.kernel, w.recurrent_kernel, w.bias)
        c_new, h_new = s.c, s.h
        if mask is not None:
            keep = np.asarray(mask)[:, t_ : t_ + 1]
            c_new = np.where(keep, c_new, c)
            h_new = np.where(keep, h_new, h)
        h, c = h_new, c_new
        h_seq[:, t_], c_seq[:, t_] = h, c
    probs = softmax(h @ w.dense_kernel + w.dense_bias)
    return Forward(probs, h_seq, c_seq, h, c)
