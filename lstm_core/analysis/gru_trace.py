"""Inside the GRU cell: its update gate z, reset gate r and candidate g at every step of a text.

The GRU's twin of :mod:`lstm_core.analysis.lstm_trace`, read the same way
(:mod:`lstm_core.analysis.text_reader`); Keras 3's GRU (``reset_after=True``) computes
``h = z * h_prev + (1 - z) * g``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.analysis.text_reader import check_trace, start_reader
from lstm_core.config import LSTMConfig
from lstm_core.model.cells import softmax

CELL = "gru"  # the cell this trace reads (limits/shape.CELL_KINDS)


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
    check_trace(config, text, CELL)
    reader, prefix = start_reader(run, text, warm)
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
