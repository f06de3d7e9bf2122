"""One layer of any run, step by step: an LSTM, GRU or SimpleRNN layer, alone or in a stack.

:func:`~lstm_core.analysis.lstm_trace.gate_trace` and :func:`~lstm_core.analysis.gru_trace.gru_trace`
record a one-layer LSTM or GRU; the Cell page's diagram also draws a SimpleRNN and any layer of a
stack (issue 26). :func:`layer_trace` reads the text as the framing reads it (a letter per sample,
or the window ending at each letter; state carried only when the run is stateful; warm as
``inference.warm_start``), runs every layer at every time step and keeps what the chosen layer
computed, in the same record as the one-layer traces: a ``GateTrace`` for an LSTM layer, a
``GRUTrace`` for a GRU layer, a :class:`SimpleTrace` for a SimpleRNN layer. The probabilities
are the model's (read from the top layer) whichever layer is kept.

On a one-layer run it gives the one-layer traces' numbers::

    >>> import types
    >>> from lstm_core.analysis.lstm_trace import gate_trace
    >>> from lstm_core.model.cells import init_weights
    >>> from lstm_core.presets import preset
    >>> config = preset("stateful")
    >>> run = types.SimpleNamespace(config=config, weights=init_weights(config, seed=1))
    >>> bool(np.allclose(layer_trace(run, "ABC").c, gate_trace(run, "ABC").c))
    True
    >>> simple = preset("stateful").replace(cell="simple", layers=2)
    >>> two = types.SimpleNamespace(config=simple, weights=init_weights(simple, seed=1))
    >>> t = layer_trace(two, "ABC", layer=0)
    >>> type(t).__name__, t.h.shape, bool(np.allclose(t.h, np.tanh(t.pre)))
    ('SimpleTrace', (3, 16), True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.analysis.gru_trace import GRUTrace
from lstm_core.analysis.inference import warm_start
from lstm_core.analysis.lstm_trace import GateTrace
from lstm_core.analysis.text_reader import check_text
from lstm_core.data.dataset import grid_row
from lstm_core.data.framings import encode_sample
from lstm_core.model.cells import as_float64, gru_step, simple_step, softmax, step
from lstm_core.model.variant import variant_of


@dataclass
class SimpleTrace:
    """Every SimpleRNN time step of one layer: ``h = tanh(pre)``, ``pre = x·W + h_prev·U + b``."""

    framing: str
    text: str
    warm: bool
    warmup: str
    vocab: str
    fed: list[str]
    position: np.ndarray  # (n,) int
    reset_before: np.ndarray  # (n,) bool
    is_output: np.ndarray  # (n,) bool
    x: np.ndarray  # (n, f): the layer's input (the letters, or the layer below's h)
    h_prev: np.ndarray  # (n, u)
    pre: np.ndarray  # (n, u): x·W + h_prev·U + b, before the tanh
    h: np.ndarray  # (n, u)
    probs: np.ndarray  # (n, v): the model's next-letter probabilities

    @property
    def steps(self) -> int:
        return len(self.fed)

    @property
    def units(self) -> int:
        return self.h.shape[1]

    @property
    def g(self) -> np.ndarray:
        """The cell's one tanh (its only "gate", as ``CellKind.gate_names`` calls it): h itself."""
        return self.h

    def prediction(self, k: int) -> tuple[str, float]:
        j = int(self.probs[k].argmax())
        return self.vocab[j], float(self.probs[k, j])


def _lstm(x, h, c, kernel, recurrent, bias):
    s = step(x, h, c, kernel, recurrent, bias)
    return s.h, s.c, s


def _gru(x, h, c, kernel, recurrent, bias):
    s = gru_step(x, h, kernel, recurrent, bias)
    return s.h, c, s


def _simple(x, h, c, kernel, recurrent, bias):
    pre = x @ kernel + h @ recurrent + bias
    return simple_step(x, h, kernel, recurrent, bias), c, pre


# The one step of each cell that keeps its inner numbers (``cells.STEPS`` keeps only h and c).
RECORDING_STEPS = {"lstm": _lstm, "gru": _gru, "simple": _simple}


def _records(run, text: str, warm: bool, layer: int):
    """(common columns, layer rows, top h per step, warmup): the reading loop of ``TextReader``
    with every layer's step kept for ``layer``."""
    config = run.config
    w = as_float64(run.weights)
    u, layers = w.units, w.layers
    recording = RECORDING_STEPS[w.cell]
    prefix, h0, c0 = warm_start(run, text[0]) if warm else ("", None, None)
    zeros = np.zeros((1, u * layers))
    h = zeros if h0 is None else np.asarray(h0, np.float64).reshape(1, -1)
    c = zeros if c0 is None else np.asarray(c0, np.float64).reshape(1, -1)
    fresh, context = h0 is None, prefix
    rows, tops = [], []
    for position, letter in enumerate(text):
        letters = (context + letter)[-config.window :]
        context += letter
        x, mask = encode_sample(config, letters)
        labels = grid_row(config, letters)
        hh, cc, first = (h, c, fresh) if config.stateful else (zeros, zeros, True)
        last = max(np.flatnonzero(mask), default=len(mask) - 1)
        for t in range(len(mask)):
            if not mask[t]:
                continue  # masked padding: Keras skips the step, the state passes through
            inp = x[t : t + 1].astype(np.float64)
            hs, cs = [], []
            for k, (kernel, recurrent, bias) in enumerate(w.layer_weights):
                cols = slice(k * u, (k + 1) * u)
                h_new, c_new, inner = recording(inp, hh[:, cols], cc[:, cols], kernel, recurrent, bias)
                if k == layer:
                    rows.append((labels[t], position, first, t == last, inp[0], hh[0, cols], cc[0, cols],
                                 inner, h_new[0], c_new[0]))
                inp = h_new
                hs.append(h_new)
                cs.append(c_new)
            hh, cc, first = np.concatenate(hs, axis=1), np.concatenate(cs, axis=1), False
            tops.append(hh[0, (layers - 1) * u :])
        if config.stateful:
            h, c, fresh = hh, cc, False
    probs = softmax(np.stack(tops) @ w.dense_kernel + w.dense_bias)
    return rows, probs, prefix


def layer_trace(run, text: str, warm: bool = False, layer: int | None = None):
    """Feed ``text`` to ``run`` and record ``layer`` (0 = the bottom; default the top) at every step.

    Returns a ``GateTrace`` (LSTM), ``GRUTrace`` (GRU) or :class:`SimpleTrace` (SimpleRNN).
    Raises ``ValueError`` (one sentence) for a text outside the vocabulary, a layer the run does
    not have, or a one-shot run (its decoder is not traced).
    """
    config = run.config
    check_text(config, text)
    spec = variant_of(config)
    if spec.one_shot:
        raise ValueError(spec.trace_refusal)
    top = spec.layers - 1
    layer = top if layer is None else int(layer)
    if not 0 <= layer <= top:
        raise ValueError(f"layer={layer + 1} is not allowed: this run has layers 1 to {top + 1}.")
    rows, probs, prefix = _records(run, text, warm, layer)
    common = {
        "framing": config.framing, "text": text, "warm": warm, "warmup": prefix, "vocab": config.vocab,
        "fed": [r[0] for r in rows],
        "position": np.array([r[1] for r in rows], int),
        "reset_before": np.array([r[2] for r in rows], bool),
        "is_output": np.array([r[3] for r in rows], bool),
        "x": np.stack([r[4] for r in rows]),
        "h_prev": np.stack([r[5] for r in rows]),
        "h": np.stack([r[8] for r in rows]),
        "probs": probs,
    }
    return TRACES[spec.cell.name](common, rows)


def _gate_trace(common: dict, rows: list) -> GateTrace:
    steps = [r[7] for r in rows]
    gates = {name: np.stack([s[n][0] for s in steps]) for n, name in enumerate(("z", "i", "f", "g", "o"))}
    states = {"c_prev": np.stack([r[6] for r in rows]), "c": np.stack([r[9] for r in rows])}
    return GateTrace(**common, **states, **gates)


def _gru_trace(common: dict, rows: list) -> GRUTrace:
    return GRUTrace(**common, **{name: np.stack([getattr(r[7], name)[0] for r in rows]) for name in "zrg"})


def _simple_trace(common: dict, rows: list) -> SimpleTrace:
    return SimpleTrace(**common, pre=np.stack([r[7][0] for r in rows]))


TRACES = {"lstm": _gate_trace, "gru": _gru_trace, "simple": _simple_trace}  # the record of each cell
