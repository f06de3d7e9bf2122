"""What a framing produces: the ``Dataset`` (X, y, mask and the letters behind them), and how it is shown.

Every task's data (the letter framings of ``framings.py``, the sine wave of ``sine.py``) comes
as one of these, so everything above this layer reads one shape::

    >>> from lstm_core.config import LSTMConfig
    >>> grid_row(LSTMConfig(framing="variable-length", window=4), "AB")   # padding shown in front
    ['·', '·', 'A', 'B']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.config import LSTMConfig

PAD_VALUE = -1.0  # what a masked (skipped) time step holds; Keras's Masking(mask_value=-1.0) matches it
PAD_LETTER = "·"  # how padding is shown in letter tables


@dataclass
class Dataset:
    """What a framing produces. Shapes: X (samples, time steps, features), y (samples, vocab).

    Per-step datasets (``config.per_step``) have a target at every time step:
    y (samples, time steps, vocab), target_ids (samples, time steps), and each of
    ``targets`` is a string with one letter per step.
    """

    config: LSTMConfig
    X: np.ndarray  # (n, t, f) float32: what the LSTM reads
    y: np.ndarray  # (n, v) float32: one-hot next letter; per-step: (n, t, v)
    mask: np.ndarray  # (n, t) bool: True where a time step holds a real letter
    inputs: list[str]  # the letters of each sample, without padding, e.g. "ABC"
    targets: list[str]  # the letter each sample should predict (per-step: one per step)
    target_ids: np.ndarray  # (n,) int: index of the target in the vocabulary; per-step (n, t)
    vocab: str  # sorted unique characters; a letter's class is its index here

    @property
    def per_step(self) -> bool:
        """True when there is a target at every time step (y has a time axis)."""
        return self.config.per_step

    @property
    def axes(self) -> dict[str, str]:
        """What each axis of X means, in words, for the data view."""
        c = self.config
        n, t, f = self.X.shape
        if c.framing == "feature-window":
            feat = f"{f} numbers: the {c.window} letters of the window side by side"
        elif c.encoding == "onehot":
            feat = f"{f} numbers: one-hot code of the letter ({len(self.vocab)} letters)"
        else:
            feat = f"1 number: letter index / {len(self.vocab)}"
        steps = (
            "1 time step: everything arrives at once"
            if t == 1
            else f"{t} time steps: letters one after another"
            + (" (shorter runs padded in front)" if c.framing == "variable-length" else "")
            + ("; the next letter is predicted after every step" if self.per_step else "")
            + (f"; the targets are the next {c.horizon} letters" if c.decoder_steps else "")
            + ("; runs may wrap from the end of the text to its start" if c.wrap else "")
        )
        return {"samples": f"{n} samples", "time_steps": steps, "features": feat}

    def letter_grid(self) -> list[list[str]]:
        """Letters per sample and time step (features joined), padding shown as ``PAD_LETTER``."""
        return [grid_row(self.config, s) for s in self.inputs]


def grid_row(config: LSTMConfig, letters: str) -> list[str]:
    """One sample's letters per time step, e.g. ``"AB"`` with max length 4 -> ``['·','·','A','B']``."""
    if config.framing == "feature-window":
        return [letters]
    pad = config.time_steps - len(letters)
    return [PAD_LETTER] * pad + list(letters)
