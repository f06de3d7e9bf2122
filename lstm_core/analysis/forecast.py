"""Predicting a sine wave with a trained model: from the true past (teacher forcing) or from its own output.

A reader of the tutorial found that a network fed the true previous values (*teacher forcing*)
follows the curve, but one given only a start and then fed its own output (*free running*)
drifts away. The data is ``lstm_core.data.sine``; everything predicted here runs the numpy
LSTM of ``lstm_core.model.cells`` (microseconds a step; the tests check it against Keras
``predict`` within 1e-5). Example, after ``run = train(config)``::

    >>> fc = forecast(run, start=60, steps=40)                 # doctest: +SKIP
    >>> fc.free_error[-1] > fc.teacher_error[-1]               # doctest: +SKIP
    True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_core.config import MAX_GENERATE_STEPS, LSTMConfig
from lstm_core.data.sine import encode, wave
from lstm_core.model.cells import Weights, forward
from lstm_core.model.results import TrainResult

MAX_FORECAST_END = 20_000  # the furthest position of the wave a forecast may reach


def _out(weights: Weights, h: np.ndarray) -> np.ndarray:
    """The linear output layer: the top layer's hidden state (b, u) -> predicted value (b,)."""
    kernel, bias = np.asarray(weights.dense_kernel, np.float64), np.asarray(weights.dense_bias, np.float64)
    return (h @ kernel + bias)[:, 0]


def predict_windows(run: TrainResult, windows: np.ndarray) -> np.ndarray:
    """The next value after each window of values (n, window), every window from zero state."""
    fw = forward(run.weights, encode(run.config, windows))
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


def along(run: TrainResult, end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The run's wave up to ``end``, clean and noisy (as trained on), and the teacher-forced
    prediction of each value: the three curves a chart of the run draws under a forecast.

    >>> from lstm_core.data.sine import sine_dataset, sine_preset
    >>> from lstm_core.model.cells import init_weights
    >>> config = sine_preset()                                   # windows of 10 values
    >>> untrained = TrainResult(config, sine_dataset(config), init_weights(config, seed=1))
    >>> clean, noisy, teacher = along(untrained, 30)
    >>> clean.shape, noisy.shape, teacher.shape, int(np.isnan(teacher).sum())   # no window before 10
    ((30,), (30,), (30,), 10)
    """
    w = wave(run.config, end)
    return w.clean, w.noisy, teacher_forced(run, w.noisy)


def fitted(run: TrainResult) -> list[tuple[int, float, float]]:
    """(position, value, teacher-forced prediction) along the wave trained on, wherever there
    is a prediction (from ``window`` on; stateful: from position 1)."""
    values = wave(run.config).noisy
    pred = teacher_forced(run, values)
    return [(t, float(values[t]), float(pred[t])) for t in range(len(pred)) if not math.isnan(pred[t])]


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

        >>> from lstm_core.data.sine import sine_preset
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
