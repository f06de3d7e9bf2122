"""Reading a text as a run's framing reads it, one letter at a time, with the numpy cells.

The traces (:mod:`lstm_core.analysis.lstm_trace`, :mod:`lstm_core.analysis.gru_trace`) and the
state surgery (:mod:`lstm_core.analysis.surgery`) all read text through a :class:`TextReader`:
one-letter framings read a letter per sample, window framings read the window ending at each
letter, and a stateful run carries its state from sample to sample (as in training and in
``inference.generate``). Example::

    >>> import types
    >>> from lstm_core.model.cells import init_weights
    >>> from lstm_core.presets import preset
    >>> config = preset("stateful")
    >>> run = types.SimpleNamespace(config=config, weights=init_weights(config))  # untrained
    >>> reader = TextReader(run, record=False)
    >>> probs = reader.read("A")
    >>> probs.shape, bool(abs(probs.sum() - 1) < 1e-9)   # the next letter's probabilities
    ((26,), True)
    >>> check_text(config, "AB1")
    Traceback (most recent call last):
    ...
    lstm_core.validation.Refusal: text='AB1' is not allowed: '1' not in the model's vocabulary \
'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lstm_core.analysis.inference import warm_start
from lstm_core.config import LSTMConfig
from lstm_core.data.dataset import grid_row
from lstm_core.data.framings import encode_sample
from lstm_core.limits.shape import CELL_KINDS
from lstm_core.model.cells import RECORDED_STEPS, Weights, as_float64, softmax, stack_step
from lstm_core.model.variant import variant_of
from lstm_core.validation import Refusal

MAX_TEXT = 200  # characters a trace reads (as the State page's trace)


def check_text(config: LSTMConfig, text: str, name: str = "text", allow_empty: bool = False) -> None:
    """Raise ``ValueError`` (one sentence) unless ``text`` is 1..200 characters of the vocabulary."""
    if not isinstance(text, str) or (not text and not allow_empty):
        raise Refusal(name, text, "give at least one letter to feed")
    if len(text) > MAX_TEXT:
        raise ValueError(f"{name} of {len(text)} characters is not allowed: feed at most {MAX_TEXT}.")
    missing = "".join(sorted({ch for ch in text if ch not in config.vocab}))
    if missing:
        raise Refusal(name, text, f"{missing!r} not in the model's vocabulary {config.vocab!r}")


class TextReader:
    """Reads letters one at a time as the run's framing reads text, keeping h and c between
    samples only when the run is stateful (as in training and in ``inference.generate``).

    ``clamp`` names units whose h and c are forced to zero after every step (a lesion; in a
    stack, units of the top layer). Any cell and any number of layers can be read; only a
    one-layer LSTM or GRU can be recorded gate by gate (``record``): then ``rows`` holds, per
    time step, (fed, position, reset_before, is_output, x, h_prev, c_prev, step, h, c).
    """

    def __init__(self, run, context: str = "", h=None, c=None, clamp: Sequence[int] = (), record=True):
        self.config: LSTMConfig = run.config
        self.w: Weights = as_float64(run.weights)
        # One layer of a cell with a gate trace is stepped gate by gate (a Step or a GRUStep).
        self.recorded = RECORDED_STEPS.get(self.w.cell) if self.w.layers == 1 else None
        if record and self.recorded is None:
            raise ValueError(variant_of(self.config).trace_refusal)
        self.top = (self.w.layers - 1) * self.w.units  # first state column of the top layer
        u = self.w.units * self.w.layers  # every layer's state side by side
        self.context = context  # letters read so far (window context)
        self.fresh = h is None  # is the carried state a zero state nobody wrote?
        self.h = np.zeros((1, u)) if h is None else np.array(h, np.float64).reshape(1, u)
        self.c = np.zeros((1, u)) if c is None else np.array(c, np.float64).reshape(1, u)
        self.clamp = [self.top + k for k in clamp]
        self.record = record
        self.rows: list[tuple] = []  # (fed, position, reset_before, is_output, x, h_prev, c_prev, step, h, c)

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
            if self.recorded is not None:
                s, h_new, c_new = self.recorded(x[t : t + 1].astype(np.float64), h, c, *self.w[:3])
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


def start_reader(
    run, text: str, warm: bool, clamp: Sequence[int] = (), record: bool = True
) -> tuple[TextReader, str]:
    """A reader about to read ``text``: cold (fresh state, empty window) or ``warm``, after the
    training sequence up to ``text[0]`` (``inference.warm_start``). Returns it and that prefix."""
    if warm:
        prefix, h, c = warm_start(run, text[0])
    else:
        prefix, h, c = "", None, None
    return TextReader(run, prefix, h, c, clamp, record), prefix


def check_traceable(config: LSTMConfig) -> None:
    """Raise ``ValueError`` (one sentence) unless a gate trace can read this run: one LSTM or
    one GRU layer (:func:`~lstm_core.analysis.lstm_trace.gate_trace`,
    :func:`~lstm_core.analysis.gru_trace.gru_trace`).

    >>> check_traceable(LSTMConfig(cell="simple"))
    Traceback (most recent call last):
    ...
    ValueError: cell='simple', layers=1 cannot be traced gate by gate: this run has a SimpleRNN, \
and the gate trace writes out the gates of one LSTM or one GRU layer (the State page shows h for any \
cell).
    """
    refusal = variant_of(config).trace_refusal  # the one place that knows what can be traced
    if refusal:
        raise ValueError(refusal)


def check_trace(config: LSTMConfig, text: str, cell: str) -> None:
    """Raise ``ValueError`` (one sentence) unless the trace written for ``cell`` (``"lstm"``:
    :func:`~lstm_core.analysis.lstm_trace.gate_trace`, ``"gru"``:
    :func:`~lstm_core.analysis.gru_trace.gru_trace`) can read ``text`` with this run.

    >>> check_trace(LSTMConfig(cell="gru"), "ABC", "lstm")
    Traceback (most recent call last):
    ...
    ValueError: This run's cell is a GRU, with gates z, r, g: read it with its own trace, not the LSTM's.
    """
    check_text(config, text)
    check_traceable(config)  # n-char, stacks and cells without a gate trace: one sentence each
    if config.cell != cell:
        kind = CELL_KINDS[config.cell]
        raise ValueError(
            f"This run's cell is a {kind.label}, with gates {', '.join(kind.gate_names)}: read it with "
            f"its own trace, not the {CELL_KINDS[cell].label}'s."
        )
