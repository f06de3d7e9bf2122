"""How long a training run will take on this server, estimated before anything runs.

A limit on epochs alone, or on epochs x samples x time steps, misses what each step costs:
256 units fed 4,096 one-hot features do ~5,000 times the arithmetic of 16 units fed one
number. The estimate here counts the arithmetic a run implies and adds its compile::

    updates   = epochs x batches per epoch
    per update: batch x time steps x 4 gates x units x (features + units)   (the LSTM)
              + batch x units x vocabulary                                   (the Dense)
    seconds   = compile + updates x (UPDATE_OVERHEAD_S + multiply-adds x MAC_S)
    compile   = COMPILE_BASE_S + COMPILE_PER_STEP_S x time steps x max(1, units / 64)
                (the time loop is unrolled, and XLA's work per step grows with the matrices)

The coefficients were measured on this 2-core machine by ``benchmarks/calibrate_cost.py``
(which prints fresh ones) and then made more pessimistic (``SAFETY``), so a run that is
accepted finishes within ``MAX_SECONDS`` even with the other core busy. Example::

    >>> from lstm_core.config import preset
    >>> est = estimate(preset("variable-length"))
    >>> est.updates                       # 500 epochs x 1000 batches of one sample
    500000
    >>> 1 < est.seconds < MAX_SECONDS     # the tutorial's largest run is accepted
    True
    >>> est.largest_epochs(10_000) >= 500
    True

This module is plain arithmetic: no TensorFlow, no numpy. (It duck-types the config, so
``config.py`` can call it while validating.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import settings

# The bound on one accepted run, in seconds of training on this server (compile included).
MAX_SECONDS = float(settings.read("LSTM_LAB_MAX_SECONDS"))
# Background compiles (opening a link, nobody clicked) only for small shapes: a head start for
# the tutorial's (at most 5 time steps, ~38,000 multiply-adds per update), never seconds of
# CPU or hundreds of MB for a stranger's link. Larger shapes compile when Train is pressed,
# inside the training gate and the run's time limit.
WARM_UP_MAX_TIME_STEPS = 8
WARM_UP_MAX_MACS = 200_000

# Measured by benchmarks/calibrate_cost.py on this machine (2 cores, tensorflow-cpu 2.21,
# one intra-op thread per training), 2026-11-28, with other work running: see its output
# in docs/notes/limits.md. SAFETY covers the other core being busy and a slower twin machine.
UPDATE_OVERHEAD_S = 5.0e-6  # per update: loop, gather, Adam on 5 small tensors
MAC_S = 1.0e-9  # per multiply-add of the forward pass (backward and Adam included)
COMPILE_BASE_S = 2.0  # XLA compile of the smallest shape
COMPILE_PER_STEP_S = 0.25  # each unrolled time step (of up to 64 units) adds to the program
COMPILE_UNITS = 64  # above this many units, a step's compile grows in proportion
SAFETY = 2.0


@dataclass(frozen=True)
class Estimate:
    """What a run implies: its updates, their arithmetic, and the seconds both take."""

    updates: int  # weight updates: epochs x batches per epoch
    macs_per_update: int  # multiply-adds of one forward pass over one batch
    compile_seconds: float
    seconds_per_update: float

    @property
    def seconds(self) -> float:
        """Estimated wall time of the whole run, compile included."""
        return self.compile_seconds + self.updates * self.seconds_per_update

    def largest_epochs(self, epochs: int) -> int:
        """The most epochs (of ``epochs`` asked) that stay within ``MAX_SECONDS``; 0 if none."""
        per_epoch = self.updates / max(epochs, 1) * self.seconds_per_update
        room = MAX_SECONDS - self.compile_seconds
        return max(0, int(room / per_epoch)) if per_epoch > 0 else epochs


def macs_per_update(
    batch: int, time_steps: int, features: int, units: int, vocab: int, dense_steps: int = 1
) -> int:
    """Multiply-adds of one forward pass over a batch: the LSTM's 4 gates, then the Dense
    (once, or at every one of ``dense_steps`` time steps when every step predicts)."""
    return batch * (time_steps * 4 * units * (features + units) + dense_steps * units * vocab)


def compile_steps(time_steps: int, units: int) -> float:
    """What the compile time grows with: unrolled steps, weighted by their size."""
    return time_steps * max(1.0, units / COMPILE_UNITS)


def estimate_shape(
    samples: int,
    time_steps: int,
    features: int,
    units: int,
    vocab: int,
    batch: int,
    epochs: int,
    dense_steps: int = 1,
) -> Estimate:
    """The estimate from the numbers that set a run's cost (see the module docstring)."""
    updates = epochs * math.ceil(samples / batch)
    macs = macs_per_update(batch, time_steps, features, units, vocab, dense_steps)
    per_update = SAFETY * (UPDATE_OVERHEAD_S + macs * MAC_S)
    compile_s = SAFETY * (COMPILE_BASE_S + COMPILE_PER_STEP_S * compile_steps(time_steps, units))
    return Estimate(updates, macs, compile_s, per_update)


def estimate(config) -> Estimate:
    """The estimate for an ``LSTMConfig`` (duck-typed: config.py calls this while validating)."""
    if getattr(config, "framing", "") == "n-char-output":
        # The one-shot decoder: `horizon` more steps reading u numbers, a Dense at each step.
        # Counted as time steps of max(features, units) inputs: a little pessimistic.
        return _for_cells(config, estimate_shape(
            config.num_examples, config.time_steps + config.horizon, max(config.features, config.units),
            config.units, config.outputs, config.batch_size, config.epochs, config.horizon,
        ))
    return _for_cells(config, estimate_shape(
        config.num_examples,
        config.time_steps,
        config.features,
        config.units,
        config.outputs,  # the Dense layer's width: the vocabulary, or 1 for the sine task
        config.batch_size,
        config.epochs,
        config.time_steps if getattr(config, "per_step", False) else 1,
    ))


def _for_cells(config, est: Estimate) -> Estimate:
    """``est`` for another cell or a stack (issue 14; the one-layer LSTM's estimate is unchanged).

    A GRU computes 3 gate blocks and a SimpleRNN 1 where the LSTM computes 4; every layer above
    the first reads the u numbers of h below instead of the features; each layer adds its own
    unrolled steps to the compiled program::

        >>> from lstm_core.config import preset
        >>> one, three = (estimate(preset("naive").replace(layers=n)) for n in (1, 3))
        >>> three.macs_per_update > 2 * one.macs_per_update, three.compile_seconds > one.compile_seconds
        (True, True)
    """
    cell, layers = getattr(config, "cell", "lstm"), getattr(config, "layers", 1)
    if (cell, layers) == ("lstm", 1):
        return est
    gates = {"lstm": 4, "gru": 3, "simple": 1}[cell]
    b, t, f, u = config.batch_size, config.time_steps, config.features, config.units
    lstm_part = b * t * 4 * u * (f + u)
    cells_part = b * t * gates * u * ((f + u) + (layers - 1) * 2 * u)
    macs = est.macs_per_update - lstm_part + cells_part
    per_update = SAFETY * (UPDATE_OVERHEAD_S * layers + macs * MAC_S)
    compile_s = SAFETY * (COMPILE_BASE_S + COMPILE_PER_STEP_S * compile_steps(t, u) * layers)
    return Estimate(est.updates, macs, compile_s, per_update)


def cheap_to_compile(config) -> bool:
    """True if ``config``'s shape is small enough to compile in the background, unasked.

    >>> from lstm_core.config import preset
    >>> all(cheap_to_compile(preset(name)) for name in ("naive", "whole-batch", "variable-length"))
    True
    >>> cheap_to_compile(preset("naive").replace(units=256))
    False
    """
    est = estimate(config)
    return config.time_steps <= WARM_UP_MAX_TIME_STEPS and est.macs_per_update <= WARM_UP_MAX_MACS
