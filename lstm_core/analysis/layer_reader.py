"""Reading a text through every layer of a run, keeping one layer's steps: the loop behind
:func:`lstm_core.analysis.cell_diagram.layer_trace` (any cell, any layer of a stack).

The same reading as :class:`~lstm_core.analysis.text_reader.TextReader` (a letter per sample, or
the window ending at each letter; masked padding skipped; state carried only when the run is
stateful; warm as ``inference.warm_start``), with each layer's inner numbers kept for the chosen
layer. Which numbers a cell's step keeps is the caller's ``recording`` step, so this module knows
no cell. A SimpleRNN layer's record is :class:`SimpleTrace`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.analysis.inference import warm_start
from lstm_core.data.dataset import grid_row
from lstm_core.data.framings import encode_sample
from lstm_core.model.cells import as_float64, softmax


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


def read_layer(run, text: str, warm: bool, layer: int, recording):
    """(rows, probs, warmup) for ``layer`` (0-based): per time step of that layer, (fed, position,
    reset_before, is_output, x, h_prev, c_prev, inner, h, c) where ``inner`` is what
    ``recording(x, h, c, kernel, recurrent, bias) -> (h, c, inner)`` keeps; the model's
    next-letter probabilities (read from the top layer) at every step; the warm-up letters."""
    config = run.config
    w = as_float64(run.weights)
    u, layers = w.units, w.layers
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


def common_columns(config, text: str, warm: bool, prefix: str, rows: list, probs: np.ndarray) -> dict:
    """The columns every cell's record has, from :func:`read_layer`'s rows."""
    return {
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
