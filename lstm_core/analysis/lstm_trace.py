"""Inside the LSTM cell: every gate of every unit at every time step of a text, with the real numbers.

``gate_trace(run, text)`` feeds ``text`` to a trained run the way its framing reads text (the
same reading as ``inference.generate``: one-letter framings read a letter per sample, window
framings read the window ending at each letter, a stateful run carries its state from sample
to sample; see :mod:`lstm_core.analysis.text_reader`) and records what ``cell.step`` computes at
each LSTM time step: the input x, the state it starts from (h_prev, c_prev), the
pre-activations z and the gates i, f, g, o, the new state c and h, and the next-letter
probabilities softmax(h @ dense_kernel + dense_bias).

Every step obeys the two LSTM equations exactly (Keras's order and formulas)::

    >>> import types
    >>> from lstm_core.model.cells import init_weights
    >>> from lstm_core.presets import preset
    >>> config = preset("stateful")
    >>> run = types.SimpleNamespace(config=config, weights=init_weights(config))  # untrained
    >>> t = gate_trace(run, "ABC")
    >>> t.fed, t.i.shape                                  # 3 steps, 16 units
    (['A', 'B', 'C'], (3, 16))
    >>> bool(np.allclose(t.c, t.f * t.c_prev + t.i * t.g))
    True
    >>> bool(np.allclose(t.h, t.o * np.tanh(t.c)))
    True
    >>> bool(np.allclose(t.c_prev[1:], t.c[:-1]))         # stateful: each step starts where the last ended
    True

``contributions`` splits a gate's pre-activation into what x, h_prev and the bias gave it, and
``rank_units`` finds the units that fire selectively at chosen steps. A GRU's trace is
:mod:`lstm_core.analysis.gru_trace`; writing on after state surgery, :mod:`lstm_core.analysis.surgery`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_core.analysis.text_reader import check_trace, start_reader
from lstm_core.config import LSTMConfig
from lstm_core.data.dataset import PAD_LETTER
from lstm_core.model.cells import as_float64, softmax

CELL = "lstm"  # the cell this trace reads (limits/shape.CELL_KINDS)
GATES = ("i", "f", "g", "o")  # Keras's block order in the kernel: input, forget, candidate, output


@dataclass
class GateTrace:
    """Every LSTM time step of one text. Arrays have one row per step; u units, v letters."""

    framing: str
    text: str  # the text that was fed
    warm: bool
    warmup: str  # letters read before the text as window context ('' when cold)
    vocab: str
    fed: list[str]  # per step: the letter read ('·' for zero padding; the window for feature-window)
    position: np.ndarray  # (n,) int: index in ``text`` of the letter whose sample the step belongs to
    reset_before: np.ndarray  # (n,) bool: the state going into the step was a fresh zero state
    is_output: np.ndarray  # (n,) bool: last step of a sample: its probs are the model's answer
    x: np.ndarray  # (n, f) input vector
    h_prev: np.ndarray  # (n, u)
    c_prev: np.ndarray  # (n, u)
    z: np.ndarray  # (n, 4u) pre-activations, blocks i, f, g, o
    i: np.ndarray  # (n, u) input gate, after sigmoid
    f: np.ndarray  # (n, u) forget gate, after sigmoid
    g: np.ndarray  # (n, u) candidate, after tanh
    o: np.ndarray  # (n, u) output gate, after sigmoid
    c: np.ndarray  # (n, u) cell state after the step
    h: np.ndarray  # (n, u) hidden state after the step
    probs: np.ndarray  # (n, v) next-letter probabilities read from h

    @property
    def steps(self) -> int:
        return len(self.fed)

    @property
    def units(self) -> int:
        return self.h.shape[1]

    def pre(self, gate: str) -> np.ndarray:
        """Pre-activation (n, u) of one gate ("i", "f", "g" or "o"), before its sigmoid/tanh."""
        k = GATES.index(gate)
        return self.z[:, k * self.units : (k + 1) * self.units]

    def prediction(self, k: int) -> tuple[str, float]:
        """The most likely next letter after step ``k`` and its probability."""
        j = int(self.probs[k].argmax())
        return self.vocab[j], float(self.probs[k, j])

    @property
    def letter_index(self) -> np.ndarray:
        """(n,) position in the vocabulary of the (last) letter fed at each step; NaN for padding."""
        index = {ch: i for i, ch in enumerate(self.vocab)}
        return np.array([index[s[-1]] if s and s != PAD_LETTER else np.nan for s in self.fed])

    def as_dict(self) -> dict:
        """The JSON form printed by ``python -m lstm_core trace --json`` (plain lists and floats)."""

        def floats(a: np.ndarray) -> list[float]:
            return [float(v) for v in a]

        steps = []
        for k in range(self.steps):
            row = {"fed": self.fed[k], "position": int(self.position[k])}
            row["reset_before"] = bool(self.reset_before[k])
            row["output"] = bool(self.is_output[k])
            for name in ("x", "h_prev", "c_prev", "i", "f", "g", "o", "c", "h"):
                row[name] = floats(getattr(self, name)[k])
            row["probs"] = {ch: float(p) for ch, p in zip(self.vocab, self.probs[k])}
            steps.append(row)
        return {
            "framing": self.framing,
            "text": self.text,
            "warm": self.warm,
            "warmup": self.warmup,
            "units": self.units,
            "vocab": self.vocab,
            "steps": steps,
        }


def gate_trace(run, text: str, warm: bool = False) -> GateTrace:
    """Feed ``text`` to ``run`` (anything with ``.config`` and ``.weights``) and record every step.

    cold (``warm=False``): fresh zero state and an empty window. warm: first the training
    sequence up to ``text[0]``'s first appearance, as ``inference.generate(..., warm=True)``
    does: as window context, and (stateful) through the state along training's path.
    Window framings contribute one step per letter of the window at each position (the
    window is re-read from zero state unless the run is stateful); masked padding is skipped.
    """
    config: LSTMConfig = run.config
    check_trace(config, text, CELL)
    reader, prefix = start_reader(run, text, warm)
    for k, letter in enumerate(text):
        reader.read(letter, k)
    rows = reader.rows
    w = reader.w
    h = np.stack([r[8][0] for r in rows])
    return GateTrace(
        framing=config.framing,
        text=text,
        warm=warm,
        warmup=prefix,
        vocab=config.vocab,
        fed=[r[0] for r in rows],
        position=np.array([r[1] for r in rows], int),
        reset_before=np.array([r[2] for r in rows], bool),
        is_output=np.array([r[3] for r in rows], bool),
        x=np.stack([np.asarray(r[4], np.float64) for r in rows]),
        h_prev=np.stack([r[5] for r in rows]),
        c_prev=np.stack([r[6] for r in rows]),
        z=np.stack([r[7].z[0] for r in rows]),
        i=np.stack([r[7].i[0] for r in rows]),
        f=np.stack([r[7].f[0] for r in rows]),
        g=np.stack([r[7].g[0] for r in rows]),
        o=np.stack([r[7].o[0] for r in rows]),
        c=np.stack([r[9][0] for r in rows]),
        h=h,
        probs=softmax(h @ w.dense_kernel + w.dense_bias),
    )


def contributions(run, trace: GateTrace, k: int, unit: int) -> dict[str, tuple[float, float, float]]:
    """Where each gate's pre-activation comes from, at step ``k`` for one unit.

    ``{gate: (from_x, from_h, bias)}`` with ``from_x = x_t @ kernel[:, col]``,
    ``from_h = h_prev @ recurrent_kernel[:, col]`` and ``bias[col]`` for the gate's column
    of that unit; the three add up to ``trace.pre(gate)[k, unit]``.
    """
    if not 0 <= k < trace.steps or not 0 <= unit < trace.units:
        raise ValueError(
            f"step {k}, unit {unit} is not allowed: the trace has {trace.steps} steps, {trace.units} units."
        )
    w = as_float64(run.weights)
    out = {}
    for n, gate in enumerate(GATES):
        col = n * trace.units + unit
        out[gate] = (
            float(trace.x[k] @ w.kernel[:, col]),
            float(trace.h_prev[k] @ w.recurrent_kernel[:, col]),
            float(w.bias[col]),
        )
    return out


def most_active_unit(trace: GateTrace) -> int:
    """The unit whose hidden state is largest on average over the trace (mean |h|)."""
    return int(np.abs(trace.h).mean(axis=0).argmax())


# ---------------------------------------------------------------------------------------
# Unit finder
# ---------------------------------------------------------------------------------------
def rank_units(trace: GateTrace, selected: Sequence[int], signal: str = "h") -> pd.DataFrame:
    """Rank units by how selectively ``signal`` ("h" or "c") fires at the ``selected`` steps.

    One row per unit, most selective first: ``inside`` and ``outside`` are the signal's mean
    at the selected and the other steps, ``selectivity`` their difference over the signal's
    standard deviation across all steps (like a z-score: about 2 is strong), and
    ``alphabet_r`` the correlation between the signal and the fed letter's position in the
    vocabulary (NaN where the unit does not vary).

        >>> import types
        >>> from lstm_core.model.cells import init_weights
        >>> from lstm_core.presets import preset
        >>> run = types.SimpleNamespace(config=preset("stateful"), weights=init_weights(preset("stateful")))
        >>> table = rank_units(gate_trace(run, "ABCDEFGH"), selected=[5, 6, 7])
        >>> list(table.columns), len(table)
        (['unit', 'selectivity', 'inside', 'outside', 'alphabet_r'], 16)
    """
    values = {"h": trace.h, "c": trace.c}.get(signal)
    if values is None:
        raise ValueError(f"signal={signal!r} is not allowed: choose 'h' or 'c'.")
    chosen = np.zeros(trace.steps, bool)
    for k in selected:
        if not 0 <= int(k) < trace.steps:
            raise ValueError(f"step {k} is not allowed: the trace has steps 0 to {trace.steps - 1}.")
        chosen[int(k)] = True
    if not chosen.any() or chosen.all():
        raise ValueError("select some of the steps, but not all: a unit is selective against the others.")
    inside, outside = values[chosen].mean(axis=0), values[~chosen].mean(axis=0)
    spread = values.std(axis=0)
    selectivity = np.where(spread > 1e-9, (inside - outside) / np.maximum(spread, 1e-9), 0.0)
    pos = trace.letter_index
    known = ~np.isnan(pos)
    r = np.full(trace.units, np.nan)
    if known.sum() > 2 and np.std(pos[known]) > 0:
        p = pos[known] - pos[known].mean()
        v = values[known] - values[known].mean(axis=0)
        norm = np.sqrt((p**2).sum() * (v**2).sum(axis=0))
        r = np.where(norm > 1e-12, (p @ v) / np.maximum(norm, 1e-12), np.nan)
    table = pd.DataFrame(
        {
            "unit": np.arange(trace.units),
            "selectivity": selectivity,
            "inside": inside,
            "outside": outside,
            "alphabet_r": r,
        }
    )
    order = np.argsort(-np.abs(selectivity), kind="stable")
    return table.iloc[order].reset_index(drop=True)
