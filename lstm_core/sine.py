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

Everything predicted here runs the numpy LSTM of ``cell.py`` (microseconds a step; the
tests check it against Keras ``predict`` within 1e-5). Example, after ``run = train(config)``::

    >>> fc = forecast(run, start=60, steps=40)                 # doctest: +SKIP
    >>> fc.free_error[-1] > fc.teacher_error[-1]               # doctest: +SKIP
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cell import Weights, forward
from .config import MAX_GENERATE_STEPS, LSTMConfig
from .framings import Dataset
from .results import TrainResult

NOISE_STREAM = 2  # the noise draws from default_rng([seed, 2]): weights and sample order use others
MAX_FORECAST_END = 20_000  # the furthest position of the wave a forecast may reach


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


def _encode(config: LSTMConfig, windows: np.ndarray) -> np.ndarray:
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
    X = _encode(config, windows)
    y = values[w : w + n, None].astype(np.float32)  # (n, 1)
    mask = np.ones(X.shape[:2], bool)  # nothing is padded
    inputs = [" ".join(f"{v:.3f}" for v in row) for row in windows]
    targets = [f"{v:.3f}" for v in y[:, 0]]
    # No classes: target_ids stays zeros so code that counts classes never mistakes a value for one.
    return Dataset(config, X, y, mask, inputs, targets, np.zeros(n, np.int64), "")


def _out(weights: Weights, h: np.ndarray) -> np.ndarray:
    """The linear output layer: the top layer's hidden state (b, u) -> predicted value (b,)."""
    kernel, bias = np.asarray(weights.dense_kernel, np.float64), np.asarray(weights.dense_bias, np.float64)
    return (h @ kernel + bias)[:, 0]


def predict_windows(run: TrainResult, windows: np.ndarray) -> np.ndarray:
    """The next value after each window of values (n, window), every window from zero state."""
    fw = forward(run.weights, _encode(run.config, windows))
    return _out(run.weights, fw.h_seq[:, -1])  # the top layer's h after the last value


def teacher_forced(run: TrainResult, values: np.ndarray) -> np.ndarray:
    """One-step predictions along ``values``, each made from the *true* values before it.

    Returns p (len(values),): ``p[t]`` is the prediction of ``values[t]``; NaN where there
    is not yet a whole window before t. Stateless framings see the ``window`` values
    before t, from zero state; stateful ones read the values one by one from a reset
    state, carrying it (as one stream: batch row 0).
    """
    values = np.asarray(values, np.float64)
    out = np.full(len(values), np.nan)
    c, w = run.config, run.config.window
    if c.stateful:
        fw = forward(run.weights, values[None, :-1, None])  # (1, n-1, 1): one long stream
        h_seq = fw.h_seq[0]  # (n-1, u): state after each value
        out[1:] = _out(run.weights, h_seq)
        return out
    if len(values) > w:
        windows = np.lib.stride_tricks.sliding_window_view(values[:-1], w)  # (n-w, w)
        out[w:] = predict_windows(run, windows)
    return out


def free_running(run: TrainResult, seed_values: np.ndarray, steps: int) -> np.ndarray:
    """Given the true values up to a point, predict ``steps`` values, each fed back as input.

    Stateless framings keep a sliding window: the seed's last ``window`` values, then more
    and more of the model's own output. Stateful ones read the seed values one by one to
    warm the state, then read their own output. This is the tutorial's generation loop,
    for numbers instead of letters.
    """
    c = run.config
    seed_values = np.asarray(seed_values, np.float64)
    out = np.zeros(steps)
    if c.stateful:
        fw = forward(run.weights, seed_values[None, :, None])
        for k in range(steps):
            out[k] = _out(run.weights, fw.h_seq[:, -1])[0]  # the top layer's h
            # Carry every layer's state (fw.h, fw.c) into the next step.
            fw = forward(run.weights, np.full((1, 1, 1), out[k]), h0=fw.h, c0=fw.c)
        return out
    window = list(seed_values[-c.window :])
    for k in range(steps):
        out[k] = predict_windows(run, np.array([window]))[0]
        window = window[1:] + [out[k]]
    return out


@dataclass(frozen=True)
class Forecast:
    """Predictions of the values at ``start``, ``start + 1``, ... both ways, and their errors.

    ``truth`` is the clean wave there. Teacher-forced predictions saw the true (noisy)
    values before each position; free-running ones saw the true values before ``start``
    only, then their own output.
    """

    start: int
    positions: np.ndarray  # (steps,) positions of the wave predicted
    truth: np.ndarray  # (steps,) the clean wave at those positions
    teacher: np.ndarray  # (steps,) teacher-forced one-step predictions
    free: np.ndarray  # (steps,) free-running predictions

    @property
    def teacher_error(self) -> np.ndarray:
        """|teacher-forced prediction - clean wave| at each step of the horizon."""
        return np.abs(self.teacher - self.truth)

    @property
    def free_error(self) -> np.ndarray:
        """|free-running prediction - clean wave| at each step of the horizon."""
        return np.abs(self.free - self.truth)

    def table(self) -> pd.DataFrame:
        """One row per step of the horizon (1-based), for tables, CSV and charts."""
        return pd.DataFrame(
            {
                "step": np.arange(1, len(self.positions) + 1),
                "position": self.positions,
                "truth": self.truth,
                "teacher_forced": self.teacher,
                "free_running": self.free,
                "teacher_error": self.teacher_error,
                "free_error": self.free_error,
            }
        )


def check_forecast(config: LSTMConfig, start: object, steps: object) -> tuple[int, int]:
    """``(start, steps)`` as whole numbers, or ``ValueError`` with one sentence.

    The free run needs a whole window of true values before ``start``::

        >>> check_forecast(sine_preset(), 50, 20)
        (50, 20)
        >>> check_forecast(sine_preset(), 3, 20)
        Traceback (most recent call last):
        ...
        ValueError: start=3 is not allowed: it must be a whole number from 10 to 19,500 (a whole \
window of true values comes first).
    """
    low = max(1, config.window)
    high = MAX_FORECAST_END - MAX_GENERATE_STEPS
    for name, value, lo, hi, why in (
        ("start", start, low, high, " (a whole window of true values comes first)"),
        ("steps", steps, 1, MAX_GENERATE_STEPS, ""),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
            raise ValueError(
                f"{name}={value!r} is not allowed: it must be a whole number from {lo} to {hi:,}{why}."
            )
    return int(start), int(steps)  # type: ignore[arg-type]


def forecast(run: TrainResult, start: int, steps: int) -> Forecast:
    """Predict the wave from ``start`` for ``steps`` values, teacher-forced and free-running.

    ``start`` may lie past the training data: the wave continues (``wave``).
    """
    start, steps = check_forecast(run.config, start, steps)
    w = wave(run.config, start + steps)
    positions = np.arange(start, start + steps)
    teacher = teacher_forced(run, w.noisy)[start:]
    free = free_running(run, w.noisy[:start], steps)
    return Forecast(start, positions, w.clean[start:], teacher, free)


def mse(run: TrainResult) -> float:
    """Mean squared error over the training windows, as ``model.evaluate`` reports for ``mse``.

    Stateful models read the windows in order, state carried (one stream); stateless ones
    each window from zero state.
    """
    data = run.dataset
    if run.config.stateful:
        pred = teacher_forced(run, wave(run.config).noisy)[1:]
    else:
        pred = _out(run.weights, forward(run.weights, data.X).h_seq[:, -1])
    return float(np.mean((pred - data.y[:, 0].astype(np.float64)) ** 2))
