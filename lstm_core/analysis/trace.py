"""Inside the cell: every gate of every unit at every time step of a text, with the real numbers.

``gate_trace(run, text)`` feeds ``text`` to a trained run the way its framing reads text (the
same reading as ``inference.generate``: one-letter framings read a letter per sample, window
framings read the window ending at each letter, a stateful run carries its state from sample
to sample) and records what ``cell.step`` computes at each LSTM time step: the input x, the
state it starts from (h_prev, c_prev), the pre-activations z and the gates i, f, g, o, the new
state c and h, and the next-letter probabilities softmax(h @ dense_kernel + dense_bias).

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

``continue_text`` lets the run write on after the text, optionally after state surgery (some
units zeroed, or the state swapped for the one another text left); ``rank_units`` finds the
units that fire selectively at chosen steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_core.analysis.inference import warm_start
from lstm_core.config import LSTMConfig
from lstm_core.data.dataset import PAD_LETTER, grid_row
from lstm_core.data.framings import encode_sample
from lstm_core.model.cells import Weights, as_float64, gru_step, softmax, stack_step, step

MAX_TEXT = 200  # characters a trace reads (as the State page's trace)
MAX_CONTINUE = 200  # letters continue_text writes
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


def check_text(config: LSTMConfig, text: str, name: str = "text", allow_empty: bool = False) -> None:
    """Raise ``ValueError`` (one sentence) unless ``text`` is 1..200 characters of the vocabulary."""
    if not isinstance(text, str) or (not text and not allow_empty):
        raise ValueError(f"{name}={text!r} is not allowed: give at least one letter to feed.")
    if len(text) > MAX_TEXT:
        raise ValueError(f"{name} of {len(text)} characters is not allowed: feed at most {MAX_TEXT}.")
    missing = "".join(sorted({ch for ch in text if ch not in config.vocab}))
    if missing:
        raise ValueError(
            f"{name}={text!r} is not allowed: {missing!r} not in the model's vocabulary {config.vocab!r}."
        )


class _Reader:
    """Reads letters one at a time as the run's framing reads text, keeping h and c between
    samples only when the run is stateful (as in training and in ``inference.generate``).

    ``clamp`` names units whose h and c are forced to zero after every step (a lesion; in a
    stack, units of the top layer). Any cell and any number of layers can be read; only a
    one-layer LSTM can be recorded gate by gate (``record``).
    """

    def __init__(self, run, context: str = "", h=None, c=None, clamp: Sequence[int] = (), record=True):
        self.config: LSTMConfig = run.config
        self.w: Weights = as_float64(run.weights)
        self.lstm = self.w.cell == "lstm" and self.w.layers == 1  # cell.step's Step: every gate
        self.gru = self.w.cell == "gru" and self.w.layers == 1  # cell.gru_step's GRUStep
        if record and not (self.lstm or self.gru):
            raise ValueError(_not_traced(self.config))
        self.top = (self.w.layers - 1) * self.w.units  # first state column of the top layer
        u = self.w.units * self.w.layers  # every layer's state side by side
        self.context = context  # letters read so far (window context)
        self.fresh = h is None  # is the carried state a zero state nobody wrote?
        self.h = np.zeros((1, u)) if h is None else np.array(h, np.float64).reshape(1, u)
        self.c = np.zeros((1, u)) if c is None else np.array(c, np.float64).reshape(1, u)
        self.clamp = [self.top + k for k in clamp]
        self.record = record
        self.rows: list[tuple] = []  # (fed, position, reset_before, is_output, x, h_prev, c_prev, step)

    def read(self, letter: str, position: int = 0) -> np.ndarray:
        """Read one more letter; return the model's next-letter probabilities (v,)."""
        config = self.config
        letters = (self.context + letter)[-config.window :]
        self.context += letter
        x, mask = encode_sample(config, letters)  # (t, f), (t,)
        labels = grid_row(config, letters)
        if config.stateful:
            h, c, fresh = self.h, self.c, self.fresh
        else:  # every sample starts from zero state
            h, c, fresh = np.zeros_like(self.h), np.zeros_like(self.c), True
        last = max(np.flatnonzero(mask), default=len(mask) - 1)
        for t in range(len(mask)):
            if not mask[t]:
                continue  # masked padding: Keras skips the step, h and c pass through unchanged
            if self.lstm:
                s = step(x[t : t + 1].astype(np.float64), h, c, *self.w[:3])
                h_new, c_new = s.h.copy(), s.c.copy()
            elif self.gru:
                s = gru_step(x[t : t + 1].astype(np.float64), h, *self.w[:3])
                h_new, c_new = s.h.copy(), c
            else:
                s = None
                h_new, c_new = stack_step(self.w, x[t : t + 1].astype(np.float64), h, c)
            if self.clamp:
                h_new[:, self.clamp] = 0.0
                c_new[:, self.clamp] = 0.0
            if self.record:
                self.rows.append((labels[t], position, fresh, t == last, x[t], h[0], c[0], s, h_new, c_new))
            h, c, fresh = h_new, c_new, False
        if config.stateful:
            self.h, self.c, self.fresh = h, c, False
        return softmax(h[:, self.top :] @ self.w.dense_kernel + self.w.dense_bias)[0]

    def clamp_columns(self, units: Sequence[int]) -> list[int]:
        """State columns of these units of the top layer (the layer the letters are read from)."""
        return [self.top + k for k in units]

    def set_state(self, h: np.ndarray, c: np.ndarray) -> None:
        self.h, self.c = (
            np.array(h, np.float64).reshape(self.h.shape),
            np.array(c, np.float64).reshape(self.c.shape),
        )
        self.fresh = False


def _not_traced(config: LSTMConfig) -> str:
    """Why a gate trace is refused: it writes out one LSTM layer's four gates."""
    what = {"lstm": "LSTM", "gru": "GRU", "simple": "SimpleRNN"}[config.cell]
    layers = f"{config.layers} stacked {what} layers" if config.layers > 1 else f"a {what}"
    return (
        f"cell={config.cell!r}, layers={config.layers} cannot be traced gate by gate: this run has "
        f"{layers}, and the gate trace writes out the gates of one LSTM or one GRU layer (the State "
        "page shows h for any cell)."
    )


def check_traceable(config: LSTMConfig) -> None:
    """Raise ``ValueError`` (one sentence) unless a gate trace can read this run: one LSTM or
    one GRU layer (:func:`gate_trace`, :func:`gru_trace`).

    >>> check_traceable(LSTMConfig(cell="simple"))
    Traceback (most recent call last):
    ...
    ValueError: cell='simple', layers=1 cannot be traced gate by gate: this run has a SimpleRNN, \
and the gate trace writes out the gates of one LSTM or one GRU layer (the State page shows h for any \
cell).
    """
    if config.framing == "n-char-output":
        # Its letters come from a decoder the trace does not write out (issue 14, nchar.py).
        raise ValueError(
            "framing='n-char-output' cannot be traced gate by gate: its letters come from a decoder "
            "after the encoder (the State page shows the encoder's h); trace its timestep-window twin."
        )
    if config.layers != 1 or config.cell not in ("lstm", "gru"):
        raise ValueError(_not_traced(config))


def _start(run, text: str, warm: bool, clamp: Sequence[int] = (), record: bool = True) -> tuple[_Reader, str]:
    if warm:
        prefix, h, c = warm_start(run, text[0])
    else:
        prefix, h, c = "", None, None
    return _Reader(run, prefix, h, c, clamp, record), prefix


def gate_trace(run, text: str, warm: bool = False) -> GateTrace:
    """Feed ``text`` to ``run`` (anything with ``.config`` and ``.weights``) and record every step.

    cold (``warm=False``): fresh zero state and an empty window. warm: first the training
    sequence up to ``text[0]``'s first appearance, as ``inference.generate(..., warm=True)``
    does: as window context, and (stateful) through the state along training's path.
    Window framings contribute one step per letter of the window at each position (the
    window is re-read from zero state unless the run is stateful); masked padding is skipped.
    """
    config: LSTMConfig = run.config
    check_text(config, text)
    if config.framing == "n-char-output":
        check_traceable(config)  # refused in one sentence: the decoder is not traced
    if (config.cell, config.layers) == ("gru", 1):
        raise ValueError("A GRU has update and reset gates, not i, f, g, o: read it with gru_trace.")
    if (config.cell, config.layers) != ("lstm", 1):
        raise ValueError(_not_traced(config))
    reader, prefix = _start(run, text, warm)
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


@dataclass
class GRUTrace:
    """Every GRU time step of one text (Keras 3's GRU, ``reset_after=True``): one row per step.

    ``h = z * h_prev + (1 - z) * g``: the update gate z keeps old state, the candidate g
    (which sees ``r * (h_prev @ R_h + b_h)``: the reset gate r) replaces the rest.
    """

    framing: str
    text: str
    warm: bool
    warmup: str
    vocab: str
    fed: list[str]
    position: np.ndarray  # (n,) int
    reset_before: np.ndarray  # (n,) bool
    is_output: np.ndarray  # (n,) bool
    x: np.ndarray  # (n, f)
    h_prev: np.ndarray  # (n, u)
    z: np.ndarray  # (n, u) update gate: how much of h_prev to keep
    r: np.ndarray  # (n, u) reset gate: how much of h_prev the candidate sees
    g: np.ndarray  # (n, u) candidate
    h: np.ndarray  # (n, u) hidden state after the step
    probs: np.ndarray  # (n, v)

    @property
    def steps(self) -> int:
        return len(self.fed)

    @property
    def units(self) -> int:
        return self.h.shape[1]

    def prediction(self, k: int) -> tuple[str, float]:
        j = int(self.probs[k].argmax())
        return self.vocab[j], float(self.probs[k, j])

    def as_dict(self) -> dict:
        """The JSON form printed by ``python -m lstm_core trace --json`` for a GRU run."""
        steps = []
        for k in range(self.steps):
            row = {"fed": self.fed[k], "position": int(self.position[k]),
                   "reset_before": bool(self.reset_before[k]), "output": bool(self.is_output[k])}
            for name in ("x", "h_prev", "z", "r", "g", "h"):
                row[name] = [float(v) for v in getattr(self, name)[k]]
            row["probs"] = {ch: float(p) for ch, p in zip(self.vocab, self.probs[k])}
            steps.append(row)
        return {"framing": self.framing, "cell": "gru", "text": self.text, "warm": self.warm,
                "warmup": self.warmup, "units": self.units, "vocab": self.vocab, "steps": steps}


def gru_trace(run, text: str, warm: bool = False) -> GRUTrace:
    """:func:`gate_trace` for a one-layer GRU run: its update and reset gates at every step.

    >>> import types
    >>> from lstm_core.model.cells import init_weights
    >>> from lstm_core.presets import preset
    >>> config = preset("stateful").replace(cell="gru")
    >>> t = gru_trace(types.SimpleNamespace(config=config, weights=init_weights(config)), "ABC")
    >>> t.z.shape, bool(np.allclose(t.h, t.z * t.h_prev + (1 - t.z) * t.g))
    ((3, 16), True)
    """
    config: LSTMConfig = run.config
    check_text(config, text)
    if config.framing == "n-char-output":
        check_traceable(config)  # refused in one sentence: the decoder is not traced
    if (config.cell, config.layers) != ("gru", 1):
        raise ValueError(
            f"cell={config.cell!r}, layers={config.layers} has no GRU trace: it reads a run with one "
            "GRU layer."
        )
    reader, prefix = _start(run, text, warm)
    for k, letter in enumerate(text):
        reader.read(letter, k)
    rows = reader.rows
    h = np.stack([r[8][0] for r in rows])
    return GRUTrace(
        framing=config.framing, text=text, warm=warm, warmup=prefix, vocab=config.vocab,
        fed=[r[0] for r in rows],
        position=np.array([r[1] for r in rows], int),
        reset_before=np.array([r[2] for r in rows], bool),
        is_output=np.array([r[3] for r in rows], bool),
        x=np.stack([np.asarray(r[4], np.float64) for r in rows]),
        h_prev=np.stack([r[5] for r in rows]),
        z=np.stack([r[7].z[0] for r in rows]),
        r=np.stack([r[7].r[0] for r in rows]),
        g=np.stack([r[7].g[0] for r in rows]),
        h=h,
        probs=softmax(h @ reader.w.dense_kernel + reader.w.dense_bias),
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
# State surgery: write on after the text, with or without changing the state first
# ---------------------------------------------------------------------------------------
@dataclass
class Continuation:
    text: str  # the text read first
    letters: str  # what the model wrote after it, greedily
    probabilities: list[float]  # the probability it gave each letter it wrote

    @property
    def full(self) -> str:
        return self.text + self.letters


def continue_text(
    run,
    text: str,
    steps: int = 10,
    warm: bool = False,
    zero_units: Sequence[int] = (),
    every_step: bool = False,
    state_from: str | None = None,
) -> Continuation:
    """Read ``text``, then write ``steps`` letters greedily, each fed back in.

    The surgery happens just before the text's last letter is read:

    - ``state_from``: the state is replaced by the one a fresh run is left with after reading
      ``state_from`` ("" means a zero state: cold). Only a stateful run carries state into
      the next sample, so only there can it be swapped.
    - ``zero_units``: those units' h and c are set to zero; with ``every_step`` they are
      held at zero after every step from then on (the units are switched off).

    With no surgery this is ``inference.generate``'s continuation: for a stateful run,
    ``continue_text(run, "ABCDEFGHIJK", 5).letters`` equals
    ``generate(run, "K", 5, warm=True).text[1:]``.
    """
    config: LSTMConfig = run.config
    check_text(config, text)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_CONTINUE:
        raise ValueError(
            f"steps={steps!r} is not allowed: it must be a whole number from 1 to {MAX_CONTINUE}."
        )
    units = sorted({int(u) for u in zero_units})
    if any(not 0 <= u < config.units for u in units):
        raise ValueError(
            f"zero_units={list(zero_units)!r} is not allowed: units are numbered 0 to {config.units - 1}."
        )
    if state_from is not None:
        if not config.stateful:
            raise ValueError(
                "state_from is not allowed for a stateless run: it starts every sample from zero "
                "state, so there is no carried state to swap."
            )
        check_text(config, state_from, "state_from", allow_empty=True)
    reader, _ = _start(run, text, warm, record=False)
    for k, letter in enumerate(text[:-1]):
        reader.read(letter, k)
    if state_from is not None:
        other = _Reader(run, record=False)
        for letter in state_from:
            other.read(letter)
        reader.set_state(other.h, other.c)
    if units:
        h, c = reader.h.copy(), reader.c.copy()
        h[:, reader.clamp_columns(units)] = 0.0
        c[:, reader.clamp_columns(units)] = 0.0
        reader.set_state(h, c)
        if every_step:
            reader.clamp = reader.clamp_columns(units)
    probs = reader.read(text[-1], len(text) - 1)
    letters, chances = [], []
    for k in range(steps):
        j = int(probs.argmax())
        letters.append(config.vocab[j])
        chances.append(float(probs[j]))
        if k < steps - 1:
            probs = reader.read(config.vocab[j], len(text) + k)
    return Continuation(text, "".join(letters), chances)


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
