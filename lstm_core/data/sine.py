"""The sine task: an LSTM learns a real-valued sequence, and we watch what feeding it its own output does.

A reader of the tutorial trained a network on a sine wave and found that when it was fed
the true previous values (*teacher forcing*) its one-step predictions followed the curve,
but when it was given only a start and then fed its own output (*free running*), the
curve drifted away. This module builds that experiment for our LSTM: the data (a sampled,
optionally noisy sine wave), and the two ways of predicting with a trained model.

The wave has ``period`` samples per cycle and amplitude 1; ``noise`` is the standard
deviation of the Gaussian noise added to every value (drawn from the run's seed), and
``length`` values are trained on. A window of past values is one sample, the value after
it the target; the stateful framing feeds one value at a time and carries state::

    >>> config = sine_preset().replace(period=8, length=20, window=4, noise=0.0)
    >>> data = sine_dataset(config)
    >>> data.X.shape, data.y.shape          # 16 windows of 4 values, one value each to predict
    ((16, 4, 1), (16, 1))
    >>> [round(float(v), 3) for v in data.X[0, :, 0]], round(float(data.y[0, 0]), 3)
    ([0.0, 0.707, 1.0, 0.707], 0.0)
    >>> data.inputs[0], data.targets[0]     # how the data view shows a sample
    ('0.000 0.707 1.000 0.707', '0.000')

The predictions (teacher-forced and free-running) live in ``lstm_core.analysis.forecast``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data.dataset import Dataset


def sine_preset(framing: str = "timestep-window") -> LSTMConfig:
    """The sine task's starting point for a framing: 8 cycles of 25 samples, small noise.

    Windows of 10 values (one value for naive, whole-batch and stateful), 16 units and a
    few dozen epochs: a second or two of training here after the compile.

    >>> sine_preset().window, sine_preset("stateful").stateful
    (10, True)
    """
    base = LSTMConfig(
        task="sine", framing=framing, period=25, noise=0.05, length=200, units=16, epochs=40,
        batch_size=1, window=1,
    )
    if framing in ("timestep-window", "feature-window"):
        return base.replace(window=10)
    if framing == "whole-batch":  # all windows in one update, in order: many more epochs
        return base.replace(batch_size=199, shuffle=False, epochs=1000)
    if framing == "stateful":  # one value at a time, state carried, in order
        return base.replace(shuffle=False, stateful=True, epochs=60)
    return base


NOISE_STREAM = 2  # the noise draws from default_rng([seed, 2]): weights and sample order use others


@dataclass(frozen=True)
class Wave:
    """The wave at positions 0..n-1: the clean sine and the noisy values a model is given."""

    clean: np.ndarray  # (n,) float64: sin(2 pi t / period)
    noisy: np.ndarray  # (n,) float64: clean + noise

    @property
    def positions(self) -> np.ndarray:
        return np.arange(len(self.clean))


def wave(config: LSTMConfig, n: int | None = None) -> Wave:
    """The first ``n`` values of the wave (default: the ``length`` trained on).

    Longer waves continue the same one: the first ``length`` values never change with
    ``n`` (the noise is drawn in order from the run's seed), so a forecast past the
    training data is compared with the wave's own continuation.

    >>> cfg = sine_preset().replace(noise=0.1)
    >>> bool(np.array_equal(wave(cfg).noisy, wave(cfg, 500).noisy[:200]))
    True
    """
    n = config.length if n is None else int(n)
    t = np.arange(n)
    clean = np.sin(2.0 * np.pi * t / config.period)
    noise = np.random.default_rng([config.seed, NOISE_STREAM]).normal(size=n) * float(config.noise)
    return Wave(clean, clean + noise)


def encode(config: LSTMConfig, windows: np.ndarray) -> np.ndarray:
    """Windows of values (n, window) as the framing feeds them: (n, t, f)."""
    windows = np.asarray(windows, np.float32)
    if config.framing == "feature-window":
        return windows[:, None, :]  # the window's values side by side: one time step
    return windows[:, :, None]  # one value per time step


def sine_dataset(config: LSTMConfig) -> Dataset:
    """Windows of the noisy wave and the value after each: X (n, t, f), y (n, 1).

    The target is the next *noisy* value, as a recorded signal would give it; plots
    compare predictions with the clean wave too.
    """
    w = config.window
    values = wave(config).noisy
    n = config.num_examples
    windows = np.stack([values[i : i + w] for i in range(n)])  # (n, w)
    X = encode(config, windows)
    y = values[w : w + n, None].astype(np.float32)  # (n, 1)
    mask = np.ones(X.shape[:2], bool)  # nothing is padded
    inputs = [" ".join(f"{v:.3f}" for v in row) for row in windows]
    targets = [f"{v:.3f}" for v in y[:, 0]]
    # No classes: target_ids stays zeros so code that counts classes never mistakes a value for one.
    return Dataset(config, X, y, mask, inputs, targets, np.zeros(n, np.int64), "")
