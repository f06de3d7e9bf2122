"""The recurrent cells in a few lines of numpy: weights, their initial values, the forward pass.

This is the same arithmetic as ``keras.layers.LSTM`` (or ``GRU``, or ``SimpleRNN``), one to
three of them stacked, followed by a softmax ``Dense`` layer (tests load trained weights into
Keras and check both agree within 1e-5). The app uses it for every prediction, generation
and state trace, because one numpy step takes microseconds where ``model.predict`` takes
~100 ms.

One LSTM time step, for input x, previous hidden state h and cell state c::

    z = x @ kernel + h @ recurrent_kernel + bias      # (b, 4u): four gates side by side
    i, f, g, o = split(z, 4)                           # Keras's order: input, forget, cell, output
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)          # forget some memory, write some new
    h = sigmoid(o) * tanh(c)                           # what the cell shows the next layer

A GRU (Keras 3's default ``reset_after=True``) has no c; two gates decide how much of h to
keep (update z) and how much of it the candidate may look at (reset r)::

    xz, xr, xh = split(x @ kernel + bias[0], 3)        # Keras's order: update, reset, candidate
    rz, rr, rh = split(h @ recurrent_kernel + bias[1], 3)
    z, r = sigmoid(xz + rz), sigmoid(xr + rr)
    h = z * h + (1 - z) * tanh(xh + r * rh)            # keep some of h, replace the rest

A SimpleRNN has no gates at all: ``h = tanh(x @ kernel + h @ recurrent_kernel + bias)``.

Stacked layers: layer 1 reads the letters, layer k+1 reads the h of layer k at every time
step, and the Dense layer reads the top layer's h. The weights are kept in the order
``keras.Model.get_weights()`` lists them (kernel, recurrent kernel, bias of each layer,
then the Dense kernel and bias), so they go in and out of Keras unchanged. Example::

    >>> from lstm_core.presets import preset
    >>> w = init_weights(preset("naive"))
    >>> w.kernel.shape, w.recurrent_kernel.shape, w.dense_kernel.shape
    ((1, 128), (32, 128), (32, 26))
    >>> g = init_weights(preset("naive").replace(cell="gru", layers=2))
    >>> g.cell, g.layers, [k.shape for k in g.arrays[:6]]
    ('gru', 2, [(1, 96), (32, 96), (2, 96), (32, 96), (32, 96), (2, 96)])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.limits.shape import CELL_KINDS

# The cell a recurrent kernel belongs to, from its gate blocks: (u, gates*u).
CELL_BY_GATES = {kind.gates: name for name, kind in CELL_KINDS.items()}


def weight_shapes(cell: str, layers: int, f: int, u: int, v: int) -> list[tuple[int, ...]]:
    """The shapes of the weight arrays, in ``get_weights()`` order.

    >>> weight_shapes("lstm", 1, 1, 16, 26)
    [(1, 64), (16, 64), (64,), (16, 26), (26,)]
    >>> weight_shapes("simple", 2, 3, 4, 5)
    [(3, 4), (4, 4), (4,), (4, 4), (4, 4), (4,), (4, 5), (5,)]
    """
    kind = CELL_KINDS[cell]
    g = kind.gates
    bias = (kind.bias_rows, g * u) if kind.bias_rows > 1 else (g * u,)  # GRU: input and recurrent biases
    shapes: list[tuple[int, ...]] = []
    for layer in range(layers):
        shapes += [(f if layer == 0 else u, g * u), (u, g * u), bias]
    return shapes + [(u, v), (v,)]


class Weights(tuple):
    """The model's arrays, in the order ``keras.Model.get_weights()`` lists them.

    ``Weights(k, r, b, dk, db)`` is one layer; each further layer adds its (kernel,
    recurrent kernel, bias) before the Dense pair. The cell is read from the shapes (an
    LSTM's recurrent kernel is (u, 4u), a GRU's (u, 3u), a SimpleRNN's (u, u)).
    ``kernel``, ``recurrent_kernel`` and ``bias`` name the first layer's arrays.
    """

    # The one-layer names, as the NamedTuple this class once was listed them (stored runs use them).
    _fields = ("kernel", "recurrent_kernel", "bias", "dense_kernel", "dense_bias")

    def __new__(cls, *arrays: np.ndarray) -> Weights:
        if len(arrays) < 5 or (len(arrays) - 2) % 3:
            raise ValueError(f"Weights needs 3 arrays per layer and 2 for the Dense layer, got {len(arrays)}")
        return super().__new__(cls, arrays)

    def __getnewargs__(self) -> tuple[np.ndarray, ...]:
        """Pickle as ``Weights(*arrays)``: runs cross from a training process to the server.

        >>> import pickle
        >>> w = Weights(*[np.zeros(1)] * 5)
        >>> len(pickle.loads(pickle.dumps(w)))
        5
        """
        return tuple(self)

    def __repr__(self) -> str:
        return f"Weights({self.cell}, layers={self.layers}, shapes={[np.shape(a) for a in self]})"

    @property
    def arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(self)

    @property
    def layers(self) -> int:
        return (len(self) - 2) // 3

    @property
    def layer_weights(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(kernel, recurrent kernel, bias) of each layer, bottom first."""
        return [tuple(self[3 * k : 3 * k + 3]) for k in range(self.layers)]  # type: ignore[misc]

    @property
    def cell(self) -> str:
        r = np.shape(self[1])
        return CELL_BY_GATES.get(r[1] // max(1, r[0]), "lstm")

    @property
    def units(self) -> int:
        return int(np.shape(self[1])[0])

    @property
    def names(self) -> tuple[str, ...]:
        """A name per array: the first layer's keep the one-layer names (stored runs read them)."""
        names = []
        for k in range(self.layers):
            suffix = "" if k == 0 else f"_{k + 1}"
            names += [f"kernel{suffix}", f"recurrent_kernel{suffix}", f"bias{suffix}"]
        return (*names, "dense_kernel", "dense_bias")

    kernel = property(lambda self: self[0], doc="(f, gates*u): first layer's input -> gates")
    recurrent_kernel = property(lambda self: self[1], doc="(u, gates*u): previous h -> gates")
    bias = property(lambda self: self[2], doc="(gates*u,), a GRU's (2, 3u)")
    dense_kernel = property(lambda self: self[-2], doc="(u, v): top h -> letter scores")
    dense_bias = property(lambda self: self[-1], doc="(v,)")


def weight_names(layers: int) -> tuple[str, ...]:
    """The names :attr:`Weights.names` gives a model of ``layers`` layers.

    >>> weight_names(2)[3:]
    ('kernel_2', 'recurrent_kernel_2', 'bias_2', 'dense_kernel', 'dense_bias')
    """
    dummy = [np.zeros((1, 1))] * (3 * layers + 2)
    return Weights(*dummy).names


def init_weights(config: LSTMConfig, seed: int | None = None, layers: int | None = None) -> Weights:
    """Fresh weights drawn like Keras's defaults (glorot uniform, orthogonal, LSTM forget bias 1).

    ``layers``: recurrent layers to draw (default the config's; the one-shot n-char model's
    decoder is one more, drawn last, reading the h below it like any upper layer).
    """
    rng = np.random.default_rng(config.seed if seed is None else seed)
    f, u, v = config.features, config.units, config.outputs
    kind = CELL_KINDS[config.cell]
    gates = kind.gates

    def glorot(fan_in: int, fan_out: int) -> np.ndarray:
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)

    arrays: list[np.ndarray] = []
    for layer in range(config.layers if layers is None else layers):
        # Orthogonal, as keras.initializers.Orthogonal draws it for a (u, gates*u) matrix. Drawn
        # before the kernel: the order every stored and shipped one-layer LSTM was made with.
        a = rng.normal(size=(gates * u, u))
        q, r = np.linalg.qr(a)
        q = (q * np.sign(np.diag(r))).T.astype(np.float32)  # (u, gates*u)
        kernel = glorot(f if layer == 0 else u, gates * u)
        bias = np.zeros((kind.bias_rows, gates * u) if kind.bias_rows > 1 else gates * u, np.float32)
        if kind.forget_bias:
            bias[u : 2 * u] = 1.0  # unit_forget_bias: start by remembering
        arrays += [kernel, q, bias]
    return Weights(*arrays, glorot(u, v), np.zeros(v, np.float32))


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
    """One LSTM time step: input x (b, f), previous h and c (b, u) -> gates and the new h, c.

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


class GRUStep(NamedTuple):
    """Everything one GRU time step computes (Keras 3, ``reset_after=True``)."""

    z: np.ndarray  # (b, u): update gate, 0..1: how much of h_prev to keep
    r: np.ndarray  # (b, u): reset gate, 0..1: how much of h_prev the candidate sees
    g: np.ndarray  # (b, u): candidate, -1..1: tanh(x_h + r * (h_prev @ R_h + b_h))
    h: np.ndarray  # (b, u): new hidden state, z * h_prev + (1 - z) * g


def gru_step(x, h, kernel, recurrent_kernel, bias) -> GRUStep:
    """One GRU time step: x (b, f), previous h (b, u) -> gates and the new h.

    With all weights zero both gates sit at 0.5: half of h is kept, half replaced by 0::

        >>> s = gru_step(np.ones((1, 1)), np.ones((1, 2)), np.zeros((1, 6)), np.zeros((2, 6)),
        ...              np.zeros((2, 6)))
        >>> s.z, s.h
        (array([[0.5, 0.5]]), array([[0.5, 0.5]]))
    """
    xz, xr, xh = np.split(x @ kernel + bias[0], 3, axis=1)
    rz, rr, rh = np.split(h @ recurrent_kernel + bias[1], 3, axis=1)
    z, r = _sigmoid(xz + rz), _sigmoid(xr + rr)
    g = np.tanh(xh + r * rh)
    return GRUStep(z, r, g, z * h + (1.0 - z) * g)


def simple_step(x, h, kernel, recurrent_kernel, bias) -> np.ndarray:
    """One SimpleRNN time step: the new h, ``tanh(x @ kernel + h @ recurrent_kernel + bias)``.

    >>> simple_step(np.ones((1, 1)), np.zeros((1, 1)), np.ones((1, 1)), np.ones((1, 1)), np.zeros(1))
    array([[0.76159416]])
    """
    return np.tanh(x @ kernel + h @ recurrent_kernel + bias)


def _lstm_hc(x, h, c, kernel, recurrent_kernel, bias):
    s = step(x, h, c, kernel, recurrent_kernel, bias)
    return s.h, s.c


def _gru_hc(x, h, c, kernel, recurrent_kernel, bias):
    return gru_step(x, h, kernel, recurrent_kernel, bias).h, c


def _simple_hc(x, h, c, kernel, recurrent_kernel, bias):
    return simple_step(x, h, kernel, recurrent_kernel, bias), c


# Each cell kind's numpy step, (x, h, c, kernel, recurrent kernel, bias) -> (new h, new c): the
# kinds are limits/shape.py's CELL_KINDS, their TensorFlow steps train/cells_tf.py's STEPS.
STEPS = {"lstm": _lstm_hc, "gru": _gru_hc, "simple": _simple_hc}


def _lstm_recorded(x, h, c, kernel, recurrent_kernel, bias):
    s = step(x, h, c, kernel, recurrent_kernel, bias)
    return s, s.h.copy(), s.c.copy()


def _gru_recorded(x, h, c, kernel, recurrent_kernel, bias):
    s = gru_step(x, h, kernel, recurrent_kernel, bias)
    return s, s.h.copy(), c


# The cells whose one layer the Cell page writes out gate by gate (CELL_KINDS' gate_trace):
# (x, h, c, kernel, recurrent kernel, bias) -> (the step's record: Step or GRUStep, new h, new c).
RECORDED_STEPS = {"lstm": _lstm_recorded, "gru": _gru_recorded}


def cell_step(cell: str, x, h, c, kernel, recurrent_kernel, bias) -> tuple[np.ndarray, np.ndarray]:
    """One time step of any cell: (new h, new c); c passes through unchanged for GRU and SimpleRNN."""
    return STEPS[cell](x, h, c, kernel, recurrent_kernel, bias)


def as_float64(w: Weights) -> Weights:
    """The weights in float64: traces and forward passes compute in double precision."""
    return Weights(*(np.asarray(a, np.float64) for a in w))


@dataclass
class Forward:
    """What one forward pass over a batch gives back.

    ``h_seq`` and ``c_seq`` are the top layer's (the one the Dense layer reads); ``h`` and
    ``c`` are every layer's final state side by side, (b, layers x u), to feed back in. A GRU
    or SimpleRNN has no cell state: its ``c_seq`` and ``c`` stay zero.
    """

    probs: np.ndarray  # (b, v): next-letter probabilities after the last time step
    h_seq: np.ndarray  # (b, t, u): top layer's hidden state after every time step
    c_seq: np.ndarray  # (b, t, u): top layer's cell state after every time step (LSTM)
    h: np.ndarray  # (b, layers*u): final hidden state of every layer (feed it back in to carry state)
    c: np.ndarray  # (b, layers*u): final cell state of every layer


def forward(
    w: Weights,
    X: np.ndarray,
    mask: np.ndarray | None = None,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
) -> Forward:
    """Run the recurrent layers and the softmax layer over X of shape (b, t, f).

    Where ``mask`` is False a time step is skipped in every layer: h and c pass through
    unchanged, as in Keras with a Masking layer. ``h0``/``c0`` (b, layers x u) default to
    zeros (a fresh, "cold" state).
    """
    X = np.asarray(X, np.float64)
    b, t, _ = X.shape
    u, layers = w.units, w.layers
    h = np.zeros((b, layers * u)) if h0 is None else np.array(h0, np.float64).reshape(b, layers * u)
    c = np.zeros((b, layers * u)) if c0 is None else np.array(c0, np.float64).reshape(b, layers * u)
    w = as_float64(w)
    top = slice((layers - 1) * u, layers * u)
    h_seq, c_seq = np.zeros((b, t, u)), np.zeros((b, t, u))
    for t_ in range(t):
        h_new, c_new = stack_step(w, X[:, t_], h, c)
        if mask is not None:
            keep = np.asarray(mask)[:, t_ : t_ + 1]
            c_new = np.where(keep, c_new, c)
            h_new = np.where(keep, h_new, h)
        h, c = h_new, c_new
        h_seq[:, t_], c_seq[:, t_] = h[:, top], c[:, top]
    probs = softmax(h[:, top] @ w.dense_kernel + w.dense_bias)
    return Forward(probs, h_seq, c_seq, h, c)


def stack_step(w: Weights, x: np.ndarray, h: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One time step through every layer: x (b, f), h and c (b, layers x u) -> the new h and c.

    Layer k reads the new h of layer k - 1 (the letters for the first layer)::

        >>> from lstm_core.presets import preset
        >>> w = init_weights(preset("naive").replace(cell="simple", layers=2, units=3))
        >>> h, c = stack_step(w, np.ones((1, 1)), np.zeros((1, 6)), np.zeros((1, 6)))
        >>> h.shape, bool(np.allclose(h[:, 3:], np.tanh(h[:, :3] @ w[3])))  # layer 2 reads layer 1
        ((1, 6), True)
    """
    u = w.units
    hs, cs = [], []
    for layer, (K, R, B) in enumerate(w.layer_weights):
        cols = slice(layer * u, (layer + 1) * u)
        x, c_new = cell_step(w.cell, x, h[:, cols], c[:, cols], K, R, B)
        hs.append(x)
        cs.append(c_new)
    return np.concatenate(hs, axis=1), np.concatenate(cs, axis=1)
